/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage-2 faults on guest RAM: the PAGE_FAULT state, and the retry or abort the host's answer asks for.
 */
#ifndef GH_SIM_PAGE_FAULT_H
#define GH_SIM_PAGE_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/hypercall.h>

struct gh_sim_vcpu;

/*
 * A vCPU's page-fault state. @pending is set on the fiber side before it
 * yields and cleared by the host's vcpu_run that answers it (one runner at a
 * time). The registers are those before the faulting instruction (read in
 * the hook, where Unicorn has not written a load's destination yet): a
 * refused load still writes its register before the engine stops, so they
 * are put back before the retry or the abort.
 */
struct gh_sim_pf_cpu {
	bool pending; /* a PAGE_FAULT awaits the host's answer */
	bool restore; /* put x[] and sp back when uc_emu_start returns */
	bool retry;   /* ... and resume at pc (else an abort is pending) */
	uint64_t pc;  /* the faulting instruction */
	uint64_t x[31];
	uint64_t sp;
};

/*
 * UC_HOOK_MEM_{READ,FETCH}_PROT at @va (inside Unicorn, on the fiber; the IPA
 * through the stage-1 walk when the MMU is on): an access to guest RAM the
 * region's flags do not permit. Reports PAGE_FAULT (IPA, write = 0), waits
 * for the host and arranges the retry or the abort; ends the VM with a
 * reason when the instruction cannot be placed. false when the IPA is not
 * guest RAM (the caller ends the VM as before). The hook then returns
 * false: the engine stops.
 */
bool gh_sim_page_fault(struct gh_sim_vcpu *v, bool fetch, uint64_t va);

/* After uc_emu_start returned: the registers back, and the PC at the
 * instruction for a retry (the abort is delivered by the caller). */
void gh_sim_page_fault_restore(struct gh_sim_vcpu *v);

/* Host side: the resume data of a pending PAGE_FAULT; GH_ERROR_ARG_INVAL
 * (the fault stays pending) unless it is 0, a gh_vmmio_action, 0. */
enum gh_error gh_sim_page_fault_check_resume(const struct gh_sim_vcpu *v, const uint64_t resume[3]);

#endif /* GH_SIM_PAGE_FAULT_H */
