// SPDX-License-Identifier: BSD-3-Clause
/*
 * Guest MMU faults: recomputing the syndrome and address Unicorn does not report.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmu_fault.h"
#include "sim_internal.h"
#include "walk.h"

/*
 * Unicorn reports a guest MMU fault (a prefetch or data abort of its own
 * stage-1 walk or alignment check) to the interrupt hook with the PC at the
 * faulting instruction and neither syndrome nor address. The hardware's
 * answer is recomputed here: the instruction's own fetch is walked first
 * (an instruction abort); otherwise the load/store at the PC is decoded,
 * its address(es) computed from the registers and walked with the access's
 * permissions. Where no fault can be found, or the instruction is not one
 * this knows, the VM ends with the reason instead of a guess.
 */
struct fault_access {
	uint64_t va;
	unsigned int len;   /* bytes from va */
	unsigned int align; /* required alignment (1: none) */
	bool write;         /* needs write permission; WnR */
	bool unpriv;        /* LDTR/STTR: checked as EL0 */
	bool cm;            /* cache maintenance (ESR.CM) */
};

/* The bytes an AdvSIMD structure load/store (LD1..LD4, ST1..ST4, LDnR)
 * touches: 0 when @insn is not one. */
static unsigned int simd_struct_len(uint32_t insn)
{
	unsigned int q = (insn >> 30) & 1, opcode = (insn >> 12) & 15, size = (insn >> 10) & 3;
	unsigned int nregs, selem, esize;

	if ((insn & 0xbfbf0000) == 0x0c000000 || (insn & 0xbfa00000) == 0x0c800000) {
		switch (opcode) { /* multiple structures */
		case 0:
		case 2:
			nregs = 4;
			break;
		case 4:
		case 6:
			nregs = 3;
			break;
		case 7:
			nregs = 1;
			break;
		case 8:
		case 10:
			nregs = 2;
			break;
		default:
			return 0;
		}
		return nregs * (q ? 16 : 8);
	}
	if ((insn & 0xbf9f0000) == 0x0d000000 || (insn & 0xbf800000) == 0x0d800000) {
		selem = ((((opcode >> 1) & 1) << 1) | ((insn >> 21) & 1)) + 1;
		switch (opcode >> 2) { /* single structure */
		case 0:
			esize = 1;
			break;
		case 1:
			esize = 2;
			break;
		case 2:
			esize = (size & 1) ? 8 : 4;
			break;
		default:
			esize = 1U << size;
			break; /* LDnR */
		}
		return selem * esize;
	}
	return 0;
}

/* The data access(es) of @insn at @pc: false (with @why) when it is not a
 * load/store this can place. */
static bool fault_decode(struct gh_sim_vcpu *v, uint32_t insn, uint64_t pc, struct fault_access *a,
                         const char **why)
{
	struct gh_sim_ldst d;
	unsigned int len;

	memset(a, 0, sizeof(*a));
	a->align = 1;
	if ((insn & 0xffffffe0) == 0xd50b7420) { /* DC ZVA, Xt */
		unsigned int bs = 4U << (gh_sim_cp_read(v, 3, 3, 0, 0, 7) & 15);

		a->va = gh_sim_xreg(v, insn & 31);
		if ((insn & 31) == 31)
			a->va = 0;
		a->va &= ~((uint64_t)bs - 1);
		a->len = bs;
		a->write = true;
		return true;
	}
	gh_sim_decode_ldst(insn, &d);
	if (d.kind == GH_SIM_LDST_NONE) {
		*why = "not a load or store";
		return false;
	}
	a->write = d.is_store;
	a->len = d.len;
	if (d.mode == GH_SIM_ADDR_UNKNOWN) {
		len = simd_struct_len(insn);
		if (!len) {
			*why = d.reason;
			return false;
		}
		a->va = gh_sim_xreg(v, d.rn);
		a->len = len;
		a->write = !((insn >> 22) & 1);
		return true;
	}
	if (!gh_sim_ldst_address(&d, pc, gh_sim_xreg, v, &a->va)) {
		*why = d.reason;
		return false;
	}
	if ((insn & 0x3f000000) == 0x08000000) {
		/* exclusives and load-acquire/store-release: aligned to the
		 * whole access (ARMv8.0); CAS is an LSE form */
		bool o2 = (insn >> 23) & 1, o1 = (insn >> 21) & 1;

		if (o2 && o1) {
			*why = "compare-and-swap";
			return false;
		}
		a->align = d.len;
	}
	/* LDTR/STTR and their sign-extending forms */
	a->unpriv = (insn & 0x3b200c00) == 0x38000800;
	if (d.kind == GH_SIM_LDST_NO_SYNDROME && d.reason &&
	    !strcmp(d.reason, "atomic memory operation")) {
		*why = d.reason;
		return false;
	}
	if (gh_sim_cp_read(v, 3, 0, 1, 0, 0) & 2) /* SCTLR_EL1.A */
		if (a->align < d.size)
			a->align = d.size;
	return true;
}

struct mmu_fault {
	uint64_t far;
	unsigned int fsc;
};

/* The fault hardware takes for an access of @type at EL0/EL1 to
 * [@va, @va + @len): false when there is none (or *@unknown when a table is
 * outside RAM). */
static bool find_fault(struct gh_sim_vcpu *v, uint64_t va, unsigned int len, bool el0,
                       enum access_type type, struct mmu_fault *f, bool *unknown)
{
	bool mmu = gh_sim_cp_read(v, 3, 0, 1, 0, 0) & 1;
	bool wxn = (gh_sim_cp_read(v, 3, 0, 1, 0, 0) >> 19) & 1;
	uint64_t page = va;
	unsigned int i;

	*unknown = false;
	if (!mmu || !len)
		return false;
	/* every 4 KiB step covers every page of any granule */
	for (i = 0; i < 2 + len / 4096; i++) {
		uint64_t at = i == 0 ? va : (va & ~0xfffULL) + 4096ULL * i;
		struct walk w;
		int r;

		if (i > 0 && at > va + len - 1)
			break;
		page = at;
		r = gh_sim_walk(v, at, &w);
		f->far = page;
		switch (r) {
		case WALK_UNKNOWN:
			*unknown = true;
			return false;
		case WALK_TRANSLATION:
			f->fsc = FSC_TRANSLATION + w.level;
			return true;
		case WALK_ACCESS_FLAG:
			f->fsc = FSC_ACCESS_FLAG + w.level;
			return true;
		default:
			if (!gh_sim_walk_permits(&w, el0, type, wxn)) {
				f->fsc = FSC_PERMISSION + w.level;
				return true;
			}
		}
	}
	return false;
}

void gh_sim_mmu_fault(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	uint64_t pstate = gh_sim_reg_read(v, UC_ARM64_REG_PSTATE);
	bool el0 = ((pstate >> 2) & 3) == 0;
	struct fault_access a;
	struct mmu_fault f;
	const char *why = NULL;
	char what[160];
	bool unknown;
	uint32_t insn = 0;
	uint64_t pa;

	if (find_fault(v, pc, 4, el0, ACC_EXEC, &f, &unknown)) {
		snprintf(what, sizeof(what), "instruction abort at 0x%" PRIx64 " (FSC 0x%x)", pc,
		         f.fsc);
		gh_sim_request_sync(v, ESR_IABT | ESR_IL | f.fsc, pc, GH_SIM_CRASH_EXCEPTION, what);
		v->exc.far = pc;
		v->exc.far_valid = true;
		return;
	}
	if (unknown) {
		why = "the walk of the PC reads a table outside RAM";
		goto undetermined;
	}
	pa = pc;
	if ((gh_sim_cp_read(v, 3, 0, 1, 0, 0) & 1) && !gh_sim_translate(v, pc, &pa)) {
		why = "the PC does not translate";
		goto undetermined;
	}
	if (!gh_sim_phys_read(v, pa, &insn, 4)) {
		why = "the instruction is not in RAM";
		goto undetermined;
	}
	if (!fault_decode(v, insn, pc, &a, &why))
		goto undetermined;
	if (a.align > 1 && (a.va & (a.align - 1))) {
		f.far = a.va;
		f.fsc = FSC_ALIGNMENT;
	} else if (!find_fault(v, a.va, a.len, el0 || a.unpriv, a.write ? ACC_WRITE : ACC_READ, &f,
	                       &unknown)) {
		why = unknown ? "the walk reads a table outside RAM" :
		                "no fault found for its access";
		goto undetermined;
	}
	snprintf(what, sizeof(what), "data abort at 0x%" PRIx64 " (FSC 0x%x)", f.far, f.fsc);
	gh_sim_request_sync(v,
	                    ESR_DABT | ESR_IL | (a.write ? ISS_DABT_WNR : 0) |
	                            (a.cm ? ISS_DABT_CM : 0) | f.fsc,
	                    pc, GH_SIM_CRASH_EXCEPTION, what);
	v->exc.far = f.far;
	v->exc.far_valid = true;
	return;

undetermined:
	snprintf(what, sizeof(what),
	         "MMU fault (exception %u) not delivered: instruction 0x%08x: %s", intno, insn,
	         why ? why : "unknown");
	gh_sim_crash(v, GH_SIM_CRASH_EXCEPTION, pc, what);
	gh_sim_stop(v);
}
