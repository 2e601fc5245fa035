// SPDX-License-Identifier: BSD-3-Clause
/*
 * Load/store classification follows the A64 "Loads and Stores" encoding
 * groups. A data abort on device memory reports a valid instruction syndrome
 * (ISV = 1) only for single general-purpose-register loads and stores without
 * writeback (including LDAR/STLR and the unprivileged LDTR/STTR forms); pairs,
 * writeback, exclusives, atomics and SIMD&FP accesses get ISV = 0, and this
 * simulator ends the VM for them as a hypervisor without instruction
 * emulation would.
 */
#include "decode.h"

#include <string.h>

static int64_t sext(uint64_t v, unsigned int bits)
{
	uint64_t m = 1ULL << (bits - 1);

	v &= (bits == 64) ? ~0ULL : ((1ULL << bits) - 1);
	return (int64_t)((v ^ m) - m);
}

static void no_syndrome(struct gh_sim_ldst *d, const char *why)
{
	d->kind = GH_SIM_LDST_NO_SYNDROME;
	d->reason = why;
}

/* Loads and stores of one register: LDR/STR (immediate, register, unscaled,
 * pre/post-index, unprivileged), including SIMD&FP and LSE atomics. */
static void decode_ldst_reg(uint32_t insn, struct gh_sim_ldst *d)
{
	unsigned int size = insn >> 30;
	bool v = (insn >> 26) & 1;
	unsigned int opc = (insn >> 22) & 3;
	bool uimm = (insn >> 24) & 1;

	d->rt = insn & 31;
	d->rn = (insn >> 5) & 31;
	d->size = (uint8_t)(1u << size);
	if (v && size == 0 && (opc & 2))
		d->size = 16;
	d->len = d->size;

	if (uimm) {
		d->mode = GH_SIM_ADDR_BASE;
		d->imm = (int64_t)(((insn >> 10) & 0xfff) << (d->size == 16 ? 4 : size));
	} else if (!((insn >> 21) & 1)) {
		d->imm = sext(insn >> 12, 9);
		switch ((insn >> 10) & 3) {
		case 0: /* unscaled (LDUR/STUR) */
		case 2: /* unprivileged (LDTR/STTR) */
			d->mode = GH_SIM_ADDR_BASE;
			break;
		case 1:
			d->mode = GH_SIM_ADDR_POST;
			break;
		default:
			d->mode = GH_SIM_ADDR_PRE;
			break;
		}
	} else if (((insn >> 10) & 3) == 2) {
		d->mode = GH_SIM_ADDR_BASE_REG;
		d->rm = (insn >> 16) & 31;
		d->extend = (insn >> 13) & 7;
		d->shift = ((insn >> 12) & 1) ? (d->size == 16 ? 4 : (uint8_t)size) : 0;
		if (!(d->extend & 2)) {
			d->kind = GH_SIM_LDST_NONE; /* unallocated option */
			return;
		}
	} else if (((insn >> 10) & 3) == 0) {
		/* LSE atomic memory operations (LDADD, SWP, ...) */
		d->mode = GH_SIM_ADDR_BASE;
		d->imm = 0;
		d->is_store = true;
		no_syndrome(d, "atomic memory operation");
		return;
	} else {
		/* LDRAA/LDRAB: pointer-authenticated loads */
		d->mode = GH_SIM_ADDR_UNKNOWN;
		no_syndrome(d, "pointer-authenticated load");
		return;
	}

	if (v) {
		d->is_store = !(opc & 1);
		no_syndrome(d, "SIMD&FP register load/store");
		return;
	}

	switch (opc) {
	case 0:
		d->is_store = true;
		break;
	case 1:
		d->dest64 = size == 3;
		break;
	case 2:
		if (size == 3) { /* PRFM / PRFUM: no access */
			d->kind = GH_SIM_LDST_NONE;
			return;
		}
		d->sign_extend = true;
		d->dest64 = true;
		break;
	default:
		if (size >= 2) { /* unallocated */
			d->kind = GH_SIM_LDST_NONE;
			return;
		}
		d->sign_extend = true;
		d->dest64 = false;
		break;
	}

	if (d->mode == GH_SIM_ADDR_POST || d->mode == GH_SIM_ADDR_PRE) {
		no_syndrome(d, "load/store with writeback");
		return;
	}
	d->kind = GH_SIM_LDST_VALID;
}

void gh_sim_decode_ldst(uint32_t insn, struct gh_sim_ldst *d)
{
	memset(d, 0, sizeof(*d));

	if ((insn & 0x0a000000) != 0x08000000)
		return; /* not in the loads-and-stores group */

	if ((insn & 0x3f000000) == 0x08000000) {
		/* exclusives, load-acquire/store-release, CAS */
		bool o2 = (insn >> 23) & 1, l = (insn >> 22) & 1;
		bool o1 = (insn >> 21) & 1;
		unsigned int size = insn >> 30;

		d->rt = insn & 31;
		d->rn = (insn >> 5) & 31;
		d->size = (uint8_t)(1u << size);
		d->len = d->size;
		d->mode = GH_SIM_ADDR_BASE;
		d->is_store = !l;
		if (o2 && !o1) {
			d->acqrel = true;
			d->dest64 = l && size == 3;
			d->kind = GH_SIM_LDST_VALID;
			return;
		}
		if (o1 && !o2) {
			d->len = (uint8_t)(2 * d->size); /* LDXP/STXP */
			no_syndrome(d, "exclusive pair");
			return;
		}
		d->is_store = d->is_store || o2;
		no_syndrome(d, o2 ? "compare-and-swap" : "exclusive load/store");
		return;
	}

	if ((insn & 0x3b000000) == 0x18000000) {
		/* load register (literal) */
		unsigned int opc = insn >> 30;

		d->rt = insn & 31;
		d->mode = GH_SIM_ADDR_LITERAL;
		d->imm = sext(insn >> 5, 19) * 4;
		if ((insn >> 26) & 1) {
			d->size = (uint8_t)(4u << opc);
			d->len = d->size;
			no_syndrome(d, "SIMD&FP register load/store");
			return;
		}
		switch (opc) {
		case 0:
			d->size = 4;
			break;
		case 1:
			d->size = 8;
			d->dest64 = true;
			break;
		case 2:
			d->size = 4;
			d->sign_extend = true;
			d->dest64 = true;
			break;
		default:
			return; /* PRFM (literal) */
		}
		d->len = d->size;
		d->kind = GH_SIM_LDST_VALID;
		return;
	}

	if ((insn & 0x3a000000) == 0x28000000) {
		/* load/store pair (LDP, STP, LDNP, STNP, LDPSW) */
		unsigned int opc = insn >> 30;
		bool v = (insn >> 26) & 1;
		unsigned int scale = v ? 2 + opc : (opc & 2 ? 3 : 2);

		d->rt = insn & 31;
		d->rn = (insn >> 5) & 31;
		d->size = (uint8_t)(1u << scale);
		d->len = (uint8_t)(2 * d->size);
		d->is_store = !((insn >> 22) & 1);
		d->imm = sext(insn >> 15, 7) * (int64_t)d->size;
		switch ((insn >> 23) & 3) {
		case 1:
			d->mode = GH_SIM_ADDR_POST;
			break;
		case 3:
			d->mode = GH_SIM_ADDR_PRE;
			break;
		default:
			d->mode = GH_SIM_ADDR_BASE;
			break;
		}
		no_syndrome(d, "load/store pair");
		return;
	}

	if ((insn & 0x3a000000) == 0x38000000) {
		decode_ldst_reg(insn, d);
		return;
	}

	/* SIMD structure loads/stores and the rest of the group */
	d->rn = (insn >> 5) & 31;
	d->mode = GH_SIM_ADDR_UNKNOWN;
	no_syndrome(d, "SIMD structure or other load/store form");
}

bool gh_sim_ldst_address(const struct gh_sim_ldst *d, uint64_t pc,
                         uint64_t (*reg)(void *ctx, unsigned int n), void *ctx, uint64_t *addr)
{
	uint64_t base, off;

	switch (d->mode) {
	case GH_SIM_ADDR_LITERAL:
		*addr = pc + (uint64_t)d->imm;
		return true;
	case GH_SIM_ADDR_BASE:
	case GH_SIM_ADDR_PRE:
		*addr = reg(ctx, d->rn) + (uint64_t)d->imm;
		return true;
	case GH_SIM_ADDR_POST:
		*addr = reg(ctx, d->rn);
		return true;
	case GH_SIM_ADDR_BASE_REG:
		base = reg(ctx, d->rn);
		off = d->rm == 31 ? 0 : reg(ctx, d->rm);
		switch (d->extend) {
		case 2:
			off = (uint32_t)off;
			break;
		case 6:
			off = (uint64_t)(int64_t)(int32_t)(uint32_t)off;
			break;
		default:
			break;
		}
		*addr = base + (off << d->shift);
		return true;
	default:
		return false;
	}
}

bool gh_sim_insn_ends_block(uint32_t insn)
{
	return (insn & 0x7c000000) == 0x14000000 || /* B, BL */
	       (insn & 0xff000010) == 0x54000000 || /* B.cond */
	       (insn & 0x7e000000) == 0x34000000 || /* CBZ, CBNZ */
	       (insn & 0x7e000000) == 0x36000000 || /* TBZ, TBNZ */
	       (insn & 0xfe000000) == 0xd6000000 || /* BR, BLR, RET, ERET */
	       (insn & 0xff000000) == 0xd4000000;   /* SVC, HVC, SMC, BRK */
}

bool gh_sim_decode_sysreg(uint32_t insn, struct gh_sim_sysreg_insn *s)
{
	if ((insn & 0xffd00000) != 0xd5100000)
		return false;
	s->is_read = (insn >> 21) & 1;
	s->op0 = (uint8_t)(2 + ((insn >> 19) & 1));
	s->op1 = (insn >> 16) & 7;
	s->crn = (insn >> 12) & 15;
	s->crm = (insn >> 8) & 15;
	s->op2 = (insn >> 5) & 7;
	s->rt = insn & 31;
	return true;
}
