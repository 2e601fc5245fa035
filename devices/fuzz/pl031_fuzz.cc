// SPDX-License-Identifier: BSD-3-Clause
// PL031: register accesses, clock jumps (both ways), polls, deadline
// queries and save/restore of corrupted state. The IRQ line must match MIS.
#include <cstdlib>

#include "devices/fuzz/fuzz_input.h"
#include "devices/tests/fakes.h"

extern "C" {
#include <gunyah/devices/pl031.h>
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	ghtest::FakeClock clock;
	ghtest::IrqLine irq;
	clock.ns = in.u64();
	struct gh_pl031_config cfg = {};
	cfg.clock = &ghtest::FakeClock::ops;
	cfg.clock_ctx = &clock;
	cfg.irq = &ghtest::IrqLine::ops;
	cfg.irq_ctx = &irq;
	struct gh_pl031 *r;
	if (gh_pl031_create(&cfg, &r))
		abort();
	for (int steps = 0; !in.empty() && steps < 4096; steps++) {
		uint64_t v;
		switch (in.u8() % 6) {
		case 0:
			gh_pl031_read(r, in.u16() & 0xfff, in.size(), &v);
			break;
		case 1: {
			uint64_t off = in.u16() & 0xfff;
			uint32_t sz = in.size();
			gh_pl031_write(r, off, sz, in.u32());
			break;
		}
		case 2:
			clock.ns += (uint64_t)in.u32() * (in.u8() & 1 ? 1000000000ull : 1);
			break;
		case 3:
			clock.ns -= in.u32();
			gh_pl031_poll(r);
			break;
		case 4:
			gh_pl031_next_event(r, &v);
			break;
		default: {
			struct gh_pl031_state s;
			gh_pl031_save(r, &s);
			((uint8_t *)&s)[in.u8() % sizeof(s)] ^= in.u8();
			gh_pl031_restore(r, &s);
			break;
		}
		}
		gh_pl031_read(r, GH_PL031_MIS, 4, &v);
		if (irq.level.load() != (v != 0))
			abort();
	}
	gh_pl031_destroy(r);
	return 0;
}
