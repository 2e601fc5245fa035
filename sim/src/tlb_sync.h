/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Broadcast TLB maintenance across a VM's engines (tlb_sync.c).
 */
#ifndef GH_SIM_TLB_SYNC_H
#define GH_SIM_TLB_SYNC_H

#include <stdint.h>

#include <unicorn/unicorn.h>

struct gh_sim_vcpu;

/* A vCPU's side. */
struct gh_sim_tlb_cpu {
	/* atomic: another vCPU of the VM broadcast a TLB invalidation since
	 * this one last ran; it flushes its engine's TLB before it runs again */
	int stale;
};

/* UC_HOOK_INSN for SYS (installed only in a VM of more than one vCPU). */
uint32_t gh_sim_hook_sys(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user);

/* On each entry into @v's fiber of a VM of more than one vCPU, with the VM's
 * execution lock: the flush that a broadcast left @v, if any. */
void gh_sim_tlb_sync(struct gh_sim_vcpu *v);

#endif /* GH_SIM_TLB_SYNC_H */
