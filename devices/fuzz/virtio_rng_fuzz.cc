// SPDX-License-Identifier: BSD-3-Clause
#include "devices/fuzz/virtio_harness.h"

extern "C" {
#include <gunyah/devices/virtio_rng.h>
}

namespace {
int zero_fill(void *ctx, void *buf, size_t len)
{
	if (ctx)
		return -5;
	memset(buf, 0x42, len);
	return 0;
}
const struct gh_rng_ops zero_rng = { zero_fill };
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	ghtest::GuestRam &ram = ghfuzz::fresh_ram();
	ghtest::IrqLine irq;
	static int failing;
	struct gh_virtio_rng_config cfg = {};
	cfg.rng = &zero_rng;
	cfg.rng_ctx = (in.u8() & 1) ? &failing : nullptr;
	cfg.mem = ram.mem();
	cfg.irq = &ghtest::IrqLine::ops;
	cfg.irq_ctx = &irq;
	struct gh_virtio_rng *rng;
	struct gh_virtio_mmio *t;
	if (gh_virtio_rng_create(&cfg, &rng) || gh_virtio_rng_transport(rng, &t))
		abort();
	ghfuzz::run_virtio_script(in, ram, irq, t, 1, [](ghfuzz::Input &) {});
	gh_virtio_rng_destroy(rng);
	return 0;
}
