// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stage-2 faults on guest RAM: the PAGE_FAULT state, and the retry or abort the host's answer asks for.
 *
 * A guest read or instruction fetch in a region whose flags lack READ or
 * EXEC is what a stage-2 permission fault is on hardware. Gunyah reports
 * such faults to the proxy scheduler as vcpu_run state 7 with the IPA and
 * whether it was a write (the Linux driver's gunyah_vcpu.c; the open
 * hypervisor has no such state), so the simulator does too. The host's
 * answer in resume_data[1]: EMULATE or RETRY re-execute the instruction
 * (which faults again while the region's flags are unchanged); FAULT makes
 * the guest take a synchronous external abort, as for a VMMIO FAULT.
 *
 * Writes to read-only regions stay VMMIO writes (mmio.c); addresses outside
 * every region stay MMIO holes or end the VM.
 */
#include <inttypes.h>
#include <stdio.h>

#include "sim_internal.h"
#include "walk.h"

static void save_regs(struct gh_sim_vcpu *v)
{
	unsigned int i;

	for (i = 0; i < 31; i++)
		v->pf.x[i] = gh_sim_reg_read(v, gh_sim_xreg_id(i));
	v->pf.sp = gh_sim_reg_read(v, UC_ARM64_REG_SP);
}

/* The FAULT answer: a synchronous external abort on the instruction. A
 * single-register load has a valid syndrome (as a VMMIO FAULT's); other
 * forms ISV = 0, FAR when their address can be computed. */
static void request_abort(struct gh_sim_vcpu *v, bool fetch, uint64_t pc,
                          const struct gh_sim_ldst *d, uint64_t ipa)
{
	char what[64];
	uint64_t va;

	if (fetch) {
		snprintf(what, sizeof(what), "the VMM faulted a fetch at 0x%" PRIx64, ipa);
		gh_sim_request_sync(v, ESR_IABT | ESR_IL | ISS_DFSC_SEA, pc,
		                    GH_SIM_CRASH_BAD_MEMORY, what);
		v->exc.far = pc;
		v->exc.far_valid = true;
		return;
	}
	if (d->kind == GH_SIM_LDST_VALID) {
		v->mmio.acc_decoded = true;
		v->mmio.acc_pc = pc;
		v->mmio.acc_d = *d;
		if (gh_sim_request_data_abort(v))
			return;
	}
	snprintf(what, sizeof(what), "the VMM faulted a read at 0x%" PRIx64, ipa);
	gh_sim_request_sync(v, ESR_DABT | ESR_IL | ISS_DFSC_SEA, pc, GH_SIM_CRASH_BAD_MEMORY, what);
	if (gh_sim_ldst_address(d, pc, gh_sim_xreg, v, &va)) {
		v->exc.far = va;
		v->exc.far_valid = true;
	}
}

/* The instruction behind the access: the PC for a fetch (when the fetch is
 * at the PC, not further into a block), the decoded load for a read. */
static bool locate(struct gh_sim_vcpu *v, bool fetch, uint64_t va, uint64_t ipa,
                   struct gh_sim_ldst *d, uint64_t *pc)
{
	if (!fetch)
		return gh_sim_mmio_locate(v, ipa, false, d, pc);
	*pc = gh_sim_reg_read(v, UC_ARM64_REG_PC);
	d->kind = GH_SIM_LDST_NONE;
	return *pc == va;
}

bool gh_sim_page_fault(struct gh_sim_vcpu *v, bool fetch, uint64_t va)
{
	struct gh_sim_ldst d;
	uint64_t pc, ipa = va;
	char what[96];

	/* Unicorn's permission hooks get the virtual address (cputlb.c) */
	if (v->sysreg.mmu_on && !gh_sim_translate(v, va, &ipa))
		return false;
	if (!gh_sim_vm_region(v->vm, ipa, 1))
		return false;
	if (!locate(v, fetch, va, ipa, &d, &pc)) {
		snprintf(what, sizeof(what),
		         "%s at 0x%" PRIx64 " not permitted, by an instruction not found",
		         fetch ? "instruction fetch" : "read", ipa);
		gh_sim_crash(v, GH_SIM_CRASH_BAD_MEMORY, v->mmio.tb_start, what);
		return true;
	}
	save_regs(v);
	gh_sim_post(v, GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, ipa, 0, 0);
	v->pf.pending = true;
	v->stats.page_faults++;
	gh_sim_yield(v);
	if (v->run.terminate) {
		gh_sim_stop(v);
		return true;
	}
	v->pf.restore = true;
	v->pf.pc = pc;
	/* gh_sim_page_fault_check_resume() let only 0..2 through */
	v->pf.retry = v->run.resume[1] != GH_VMMIO_ACTION_FAULT;
	if (!v->pf.retry)
		request_abort(v, fetch, pc, &d, ipa);
	return true;
}

void gh_sim_page_fault_restore(struct gh_sim_vcpu *v)
{
	unsigned int i;

	v->pf.restore = false;
	/* Measured on Unicorn 2.1.1: without this, the third try of a refused
	 * load read the region (most likely through a TLB entry filled by an
	 * earlier try, which the permission check on the slow path never
	 * sees). Flushing sends the next access down the checked path. */
	uc_ctl_flush_tlb(v->uc);
	for (i = 0; i < 31; i++)
		gh_sim_reg_write(v, gh_sim_xreg_id(i), v->pf.x[i]);
	gh_sim_reg_write(v, UC_ARM64_REG_SP, v->pf.sp);
	if (v->pf.retry)
		gh_sim_reg_write(v, UC_ARM64_REG_PC, v->pf.pc);
	v->pf.retry = false;
}

enum gh_error gh_sim_page_fault_check_resume(const struct gh_sim_vcpu *v, const uint64_t resume[3])
{
	(void)v;
	if (resume[0] || resume[2] || resume[1] > GH_VMMIO_ACTION_FAULT)
		return GH_ERROR_ARG_INVAL;
	return GH_ERROR_OK;
}
