// SPDX-License-Identifier: BSD-3-Clause
// The instruction decoder on arbitrary words: it must classify every word
// without crashing, keep its outputs in range, and compute addresses only
// for modes it knows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "decode.h"
}

static uint64_t reg(void *ctx, unsigned int n)
{
	const uint64_t *regs = static_cast<const uint64_t *>(ctx);

	if (n > 31)
		abort();
	return regs[n];
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t regs[32];

	for (unsigned int i = 0; i < 32; i++)
		regs[i] = 0x0123456789abcdefULL * (i + 1);
	if (size >= 4 + sizeof(regs))
		memcpy(regs, data + 4, sizeof(regs));
	for (size_t off = 0; off + 4 <= size; off += 4) {
		uint32_t insn;
		struct gh_sim_ldst d;
		struct gh_sim_sysreg_insn s;
		uint64_t addr;

		memcpy(&insn, data + off, 4);
		gh_sim_decode_ldst(insn, &d);
		if (d.kind != GH_SIM_LDST_NONE) {
			if (d.rt > 31 || d.rn > 31 || d.rm > 31 || d.shift > 4)
				abort();
			if (d.size != 1 && d.size != 2 && d.size != 4 && d.size != 8 &&
			    d.size != 16 && d.kind == GH_SIM_LDST_VALID)
				abort();
			if (d.kind == GH_SIM_LDST_VALID && (d.size > 8 || d.reason))
				abort();
			if (d.kind == GH_SIM_LDST_NO_SYNDROME && !d.reason)
				abort();
			if (gh_sim_ldst_address(&d, 0x40000000, reg, regs, &addr) !=
			    (d.mode != GH_SIM_ADDR_UNKNOWN))
				abort();
		}
		gh_sim_insn_ends_block(insn);
		if (gh_sim_decode_sysreg(insn, &s) && (s.rt > 31 || s.op0 < 2 || s.op0 > 3))
			abort();
	}
	return 0;
}
