// SPDX-License-Identifier: BSD-3-Clause
// PL011: a script of register accesses, input bytes, resets and
// save/restore of (possibly corrupted) state. After every step the IRQ line
// must match MIS and FR must agree with itself.
#include <cstdlib>
#include <cstring>

#include "devices/fuzz/fuzz_input.h"
#include "devices/tests/fakes.h"

extern "C" {
#include <gunyah/devices/pl011.h>
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ghfuzz::Input in{ data, size };
	ghtest::ByteSink sink;
	ghtest::IrqLine irq;
	struct gh_pl011_config cfg = {};
	cfg.chr = &ghtest::ByteSink::ops;
	cfg.chr_ctx = &sink;
	cfg.irq = &ghtest::IrqLine::ops;
	cfg.irq_ctx = &irq;
	cfg.flags = in.u8() & 1;
	struct gh_pl011 *u;
	if (gh_pl011_create(&cfg, &u))
		abort();

	for (int steps = 0; !in.empty() && steps < 4096; steps++) {
		uint64_t v;
		switch (in.u8() % 6) {
		case 0:
			gh_pl011_read(u, in.u16() & 0xfff, in.size(), &v);
			break;
		case 1: {
			uint64_t off = in.u16() & 0xfff;
			uint32_t sz = in.size();
			gh_pl011_write(u, off, sz, in.u32());
			break;
		}
		case 2: { // the common registers, to reach deep states quickly
			static const uint16_t regs[] = { 0x00, 0x04, 0x2c, 0x30, 0x34, 0x38, 0x44 };
			uint16_t off = regs[in.u8() % 7];
			gh_pl011_write(u, off, 4, in.u16());
			break;
		}
		case 3: {
			uint8_t buf[64];
			size_t n = in.u8() % sizeof(buf), got;
			for (size_t i = 0; i < n; i++)
				buf[i] = in.u8();
			gh_pl011_receive(u, buf, n, &got);
			if (got > n)
				abort();
			break;
		}
		case 4: {
			struct gh_pl011_state s;
			gh_pl011_save(u, &s);
			size_t at = in.u8() % sizeof(s);
			((uint8_t *)&s)[at] ^= in.u8();
			gh_pl011_restore(u, &s);
			break;
		}
		default:
			gh_pl011_reset(u);
			break;
		}
		gh_pl011_read(u, GH_PL011_MIS, 4, &v);
		if (irq.level.load() != (v != 0))
			abort();
		gh_pl011_read(u, GH_PL011_FR, 4, &v);
		if (!!(v & GH_PL011_FR_TXFE) == !!(v & GH_PL011_FR_BUSY))
			abort();
		if ((v & GH_PL011_FR_RXFE) && (v & GH_PL011_FR_RXFF))
			abort();
	}
	gh_pl011_destroy(u);
	return 0;
}
