// SPDX-License-Identifier: BSD-3-Clause
// virtio-blk on an in-memory disk that aborts on any access outside it.
#include <cstring>
#include <vector>

#include "devices/fuzz/virtio_harness.h"

extern "C" {
#include <gunyah/devices/virtio_blk.h>
}

namespace {
struct Disk {
	std::vector<uint8_t> b = std::vector<uint8_t>(16 * 512);
	static bool ok(Disk *d, uint64_t off, size_t len)
	{
		return off <= d->b.size() && len <= d->b.size() - off;
	}
	static int read(void *ctx, uint64_t off, void *buf, size_t len)
	{
		auto *d = static_cast<Disk *>(ctx);
		if (!ok(d, off, len))
			abort();
		memcpy(buf, d->b.data() + off, len);
		return 0;
	}
	static int write(void *ctx, uint64_t off, const void *buf, size_t len)
	{
		auto *d = static_cast<Disk *>(ctx);
		if (!ok(d, off, len))
			abort();
		memcpy(d->b.data() + off, buf, len);
		return 0;
	}
};
const struct gh_blk_ops disk_ops = { Disk::read, Disk::write, nullptr };
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	ghtest::GuestRam &ram = ghfuzz::fresh_ram();
	ghtest::IrqLine irq;
	Disk disk;
	std::vector<uint8_t> orig = disk.b;
	struct gh_virtio_blk_config cfg = {};
	cfg.blk = &disk_ops;
	cfg.blk_ctx = &disk;
	cfg.capacity = disk.b.size();
	cfg.read_only = in.u8() & 1;
	cfg.mem = ram.mem();
	cfg.irq = &ghtest::IrqLine::ops;
	cfg.irq_ctx = &irq;
	struct gh_virtio_blk *blk;
	struct gh_virtio_mmio *t;
	if (gh_virtio_blk_create(&cfg, &blk) || gh_virtio_blk_transport(blk, &t))
		abort();
	ghfuzz::run_virtio_script(in, ram, irq, t, 1, [](ghfuzz::Input &) {});
	if (cfg.read_only && disk.b != orig)
		abort(); // a read-only disk was written
	gh_virtio_blk_destroy(blk);
	return 0;
}
