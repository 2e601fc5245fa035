// SPDX-License-Identifier: BSD-3-Clause
/*
 * The stage-1 walker (EL1&0, 4K/16K/64K granules, TTBR0/1, TBI) and guest memory reads.
 */
#include <string.h>

#include "sim_internal.h"
#include "walk.h"

bool gh_sim_phys_read(struct gh_sim_vcpu *v, uint64_t pa, void *buf, unsigned int len)
{
	const struct gh_sim_region *r = gh_sim_vm_region(v->vm, pa, len);

	if (!r)
		return false;
	memcpy(buf, r->host + (pa - r->gpa), len);
	return true;
}

/*
 * Stage-1 translation of the EL1&0 regime (AArch64 long descriptors, 4K, 16K
 * and 64K granules, TTBR0/TTBR1, TBI), as the hardware walks it: used to
 * find the instruction of an MMIO access when the guest's MMU is on, and to
 * classify the MMU faults Unicorn reports without a syndrome.
 */
int gh_sim_walk(struct gh_sim_vcpu *v, uint64_t va, struct walk *w)
{
	uint64_t tcr = gh_sim_cp_read(v, 3, 0, 2, 0, 2);
	bool upper = (va >> 55) & 1;
	unsigned int tsz, g, stride, level, start, bits;
	uint64_t table, tg;
	bool tbi;
	unsigned int aptable = 0;
	bool uxntable = false, pxntable = false;

	memset(w, 0, sizeof(*w));
	if (upper) {
		tsz = (tcr >> 16) & 63;
		tg = (tcr >> 30) & 3;
		g = tg == 1 ? 14 : tg == 3 ? 16 : 12;
		tbi = (tcr >> 38) & 1;
		table = gh_sim_reg_read(v, UC_ARM64_REG_TTBR1_EL1);
	} else {
		tsz = tcr & 63;
		tg = (tcr >> 14) & 3;
		g = tg == 2 ? 14 : tg == 1 ? 16 : 12;
		tbi = (tcr >> 37) & 1;
		table = gh_sim_reg_read(v, UC_ARM64_REG_TTBR0_EL1);
	}
	if (tbi) /* the top byte is ignored: bit 55 extends */
		va = upper ? va | (0xffULL << 56) : va & ~(0xffULL << 56);
	w->level = 0;
	if (tcr & (upper ? 1ULL << 23 : 1ULL << 7)) /* EPD1 / EPD0 */
		return WALK_TRANSLATION;
	if (tsz < 16)
		tsz = 16;
	if (tsz > 39)
		tsz = 39;
	bits = 64 - tsz; /* input address size */
	if ((va >> bits) != (upper ? ~0ULL >> bits : 0))
		return WALK_TRANSLATION;
	stride = g - 3;
	start = 4 - (bits - g + stride - 1) / stride;
	table &= 0x0000fffffffffffeULL; /* BADDR; CnP cleared */
	for (level = start; level <= 3; level++) {
		unsigned int shift = g + stride * (3 - level);
		unsigned int width = level == start ? bits - shift : stride;
		uint64_t idx = (va >> shift) & ((1ULL << width) - 1);
		uint64_t desc, out;
		bool block;

		w->level = level;
		if (!gh_sim_phys_read(v, table + idx * 8, &desc, 8)) {
			w->table_pa = table + idx * 8;
			return WALK_UNKNOWN;
		}
		if (!(desc & 1))
			return WALK_TRANSLATION;
		out = desc & 0x0000ffffffffffffULL & ~((1ULL << g) - 1);
		block = level == 3 || !(desc & 2);
		if (level == 3 && !(desc & 2))
			return WALK_TRANSLATION; /* reserved */
		if (block && level < 3 && !(g == 12 ? level >= 1 : level == 2))
			return WALK_TRANSLATION; /* no blocks at this level */
		if (!block) {
			aptable |= (unsigned int)(desc >> 61) & 3;
			uxntable |= (desc >> 60) & 1;
			pxntable |= (desc >> 59) & 1;
			table = out;
			continue;
		}
		w->pa = (out & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
		w->ap = (unsigned int)(desc >> 6) & 3;
		if (aptable & 1) /* APTable[0]: no EL0 access */
			w->ap &= ~1U;
		if (aptable & 2) /* APTable[1]: read-only */
			w->ap |= 2;
		w->uxn = ((desc >> 54) & 1) || uxntable;
		w->pxn = ((desc >> 53) & 1) || pxntable;
		return (desc & (1ULL << 10)) ? WALK_OK : WALK_ACCESS_FLAG;
	}
	return WALK_TRANSLATION;
}

/* Does the final descriptor of @w allow @type at EL0 (@el0) or EL1?
 * VMSAv8-64 stage 1, EL1&0 regime, no PAN (the CPU is ARMv8.0): memory
 * writable at EL0 is never executable at EL1; SCTLR_EL1.WXN makes writable
 * memory execute-never. */
bool gh_sim_walk_permits(const struct walk *w, bool el0, enum access_type type, bool wxn)
{
	bool el0_r = w->ap & 1, el0_w = w->ap == 1;
	bool r = el0 ? el0_r : true;
	bool wr = el0 ? el0_w : !(w->ap & 2);

	switch (type) {
	case ACC_READ:
		return r;
	case ACC_WRITE:
		return wr;
	default:
		if (wxn && wr)
			return false;
		return el0 ? !w->uxn : !(w->pxn || el0_w);
	}
}

/* The physical address of @va for finding instructions (no permission
 * checks: Unicorn has already executed the instruction). */
bool gh_sim_translate(struct gh_sim_vcpu *v, uint64_t va, uint64_t *pa)
{
	struct walk w;
	int r = gh_sim_walk(v, va, &w);

	if (r != WALK_OK && r != WALK_ACCESS_FLAG)
		return false;
	*pa = w.pa;
	return true;
}

/* The guest instruction at virtual address @va, read from RAM. */
bool gh_sim_fetch_insn(struct gh_sim_vcpu *v, uint64_t va, uint32_t *insn)
{
	uint64_t pa = va;

	if (v->sysreg.mmu_on && !gh_sim_translate(v, va, &pa))
		return false;
	return gh_sim_phys_read(v, pa, insn, 4);
}
