// SPDX-License-Identifier: BSD-3-Clause
// Split-ring chains: the input is the guest memory holding the rings (plus a
// few parameters). Every chain gh_virtq_pop() returns must satisfy the
// documented bounds; the reads and writes are bounded by ASan.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "devices/fuzz/fuzz_input.h"
#include "devices/tests/virtio_fakes.h"

namespace {
constexpr uint64_t kBase = 0x40000000;
constexpr size_t kRam = 0x4000;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	uint8_t params = in.u8();
	uint16_t qsize = (uint16_t)(1u << (params & 7)); // 1..128
	bool indirect = params & 8;
	uint16_t last_avail = in.u16();
	ghtest::GuestRam ram(kBase, kRam);
	memcpy(ram.bytes.data(), in.p, std::min(in.n, kRam));
	struct gh_guest_mem mem = ram.mem();
	struct gh_virtq vq;
	// desc at 0, avail at 0x800, used at 0xc00 (fits for qsize <= 128).
	if (gh_virtq_init(&vq, &mem, qsize, kBase, kBase + 0x800, kBase + 0xc00, indirect))
		abort();
	vq.last_avail = last_avail;
	vq.used_idx = last_avail;
	auto c = std::make_unique<gh_virtq_chain>();
	for (int i = 0; i < 2 * qsize + 2; i++) {
		int ret = gh_virtq_pop(&vq, c.get());
		if (ret)
			break;
		uint64_t out = 0, inb = 0;
		if ((unsigned)c->n_out + c->n_in > GH_VIRTQ_MAX_SEGS || c->head >= qsize)
			abort();
		for (unsigned s = 0; s < (unsigned)c->n_out + c->n_in; s++) {
			if (!ram.in(c->seg[s].addr, c->seg[s].len))
				abort();
			(s < c->n_out ? out : inb) += c->seg[s].len;
		}
		if (out != c->out_bytes || inb != c->in_bytes)
			abort();
		uint8_t buf[64];
		gh_virtq_chain_read(&mem, c.get(), 0, buf,
		                    std::min<size_t>(c->out_bytes, sizeof(buf)));
		gh_virtq_chain_write(&mem, c.get(), 0, buf,
		                     std::min<size_t>(c->in_bytes, sizeof(buf)));
		bool notify;
		if (gh_virtq_push(&vq, c->head, c->in_bytes, &notify))
			abort();
	}
	return 0;
}
