// SPDX-License-Identifier: BSD-3-Clause
#include "devices/fuzz/virtio_harness.h"

extern "C" {
#include <gunyah/devices/virtio_console.h>
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	ghtest::GuestRam &ram = ghfuzz::fresh_ram();
	ghtest::ByteSink sink;
	ghtest::IrqLine irq;
	struct gh_virtio_console_config cfg = {};
	cfg.chr = &ghtest::ByteSink::ops;
	cfg.chr_ctx = &sink;
	cfg.mem = ram.mem();
	cfg.irq = &ghtest::IrqLine::ops;
	cfg.irq_ctx = &irq;
	struct gh_virtio_console *con;
	struct gh_virtio_mmio *t;
	if (gh_virtio_console_create(&cfg, &con) || gh_virtio_console_transport(con, &t))
		abort();
	ghfuzz::run_virtio_script(in, ram, irq, t, 2, [&](ghfuzz::Input &i) {
		uint8_t buf[64];
		size_t n = i.u8() % sizeof(buf), got;
		for (size_t k = 0; k < n; k++)
			buf[k] = i.u8();
		gh_virtio_console_receive(con, buf, n, &got);
		if (got > n)
			abort();
	});
	gh_virtio_console_destroy(con);
	return 0;
}
