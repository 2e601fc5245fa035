/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pure AArch64 instruction decoding for the simulator's MMIO emulation:
 * which loads and stores a hardware data abort would report with a valid
 * syndrome (ESR_ELx.ISV = 1), and how to compute their address; and the
 * MRS/MSR fields of system-register accesses. No Unicorn, no state: the
 * fuzz target feeds it arbitrary words.
 */
#ifndef GH_SIM_DECODE_H
#define GH_SIM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum gh_sim_ldst_kind {
	GH_SIM_LDST_NONE = 0,    /* not a data load/store (or a prefetch) */
	GH_SIM_LDST_VALID,       /* ISV = 1: single GPR, no writeback */
	GH_SIM_LDST_NO_SYNDROME, /* a load/store hardware reports with ISV = 0 */
};

enum gh_sim_addr_mode {
	GH_SIM_ADDR_UNKNOWN = 0, /* a load/store whose address we don't compute */
	GH_SIM_ADDR_BASE,        /* Xn|SP + imm */
	GH_SIM_ADDR_BASE_REG,    /* Xn|SP + extend(Xm/Wm) << shift */
	GH_SIM_ADDR_LITERAL,     /* PC + imm */
	GH_SIM_ADDR_POST,        /* Xn|SP (then Xn += imm) */
	GH_SIM_ADDR_PRE,         /* Xn|SP + imm (and Xn = that) */
};

/**
 * struct gh_sim_ldst - a decoded load/store
 * @kind: enum gh_sim_ldst_kind
 * @reason: for NO_SYNDROME, why ("load/store pair", "writeback", ...)
 * @is_store: a store (for exclusives/atomics: true when it writes at all)
 * @size: bytes per register access (1, 2, 4, 8, 16)
 * @len: bytes the instruction touches in total (pairs: 2 * size)
 * @sign_extend: a signed load (LDRSB/LDRSH/LDRSW)
 * @dest64: the load writes an X register (else W, zero-extending)
 * @acqrel: load-acquire / store-release
 * @rt: transfer register (31 = XZR/WZR)
 * @rn: base register (31 = SP)
 * @rm: offset register for BASE_REG (31 = XZR)
 * @mode: enum gh_sim_addr_mode
 * @imm: immediate offset
 * @extend: BASE_REG: the option field (2 UXTW, 3 LSL, 6 SXTW, 7 SXTX)
 * @shift: BASE_REG: left shift of the extended offset
 */
struct gh_sim_ldst {
	enum gh_sim_ldst_kind kind;
	const char *reason;
	bool is_store;
	uint8_t size;
	uint8_t len;
	bool sign_extend;
	bool dest64;
	bool acqrel;
	uint8_t rt;
	uint8_t rn;
	uint8_t rm;
	enum gh_sim_addr_mode mode;
	int64_t imm;
	uint8_t extend;
	uint8_t shift;
};

void gh_sim_decode_ldst(uint32_t insn, struct gh_sim_ldst *out);

/*
 * The access address of @d executed at @pc with register values read by
 * @reg(ctx, n) (n = 0..30, 31 = SP). false when the mode is UNKNOWN.
 */
bool gh_sim_ldst_address(const struct gh_sim_ldst *d, uint64_t pc,
                         uint64_t (*reg)(void *ctx, unsigned int n), void *ctx, uint64_t *addr);

/* True for instructions that end a straight-line run (branches, exception
 * generation, ERET): a translation block never continues past them. */
bool gh_sim_insn_ends_block(uint32_t insn);

/* MRS/MSR (register) fields. */
struct gh_sim_sysreg_insn {
	bool is_read; /* MRS */
	uint8_t op0, op1, crn, crm, op2;
	uint8_t rt;
};

/* false when @insn is not MRS or MSR (register). */
bool gh_sim_decode_sysreg(uint32_t insn, struct gh_sim_sysreg_insn *out);

#define GH_SIM_SYSREG(op0, op1, crn, crm, op2)                                        \
	(((uint32_t)(op0) << 16) | ((uint32_t)(op1) << 12) | ((uint32_t)(crn) << 8) | \
	 ((uint32_t)(crm) << 4) | (uint32_t)(op2))

static inline uint32_t gh_sim_sysreg_key(const struct gh_sim_sysreg_insn *s)
{
	return GH_SIM_SYSREG(s->op0, s->op1, s->crn, s->crm, s->op2);
}

#endif /* GH_SIM_DECODE_H */
