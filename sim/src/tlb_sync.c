// SPDX-License-Identifier: BSD-3-Clause
/*
 * Broadcast TLB maintenance across a VM's engines.
 *
 * Each vCPU has an engine of its own, and Unicorn's TLBI to the Inner
 * Shareable domain (VMALLE1IS, VAE1IS, ASIDE1IS, ...) flushes only the
 * issuing engine's TLB: the "all CPUs" it flushes are the one CPU that
 * engine has. Another vCPU would go on translating through an entry the
 * guest invalidated and reach the page it no longer maps (Linux relies on
 * broadcast invalidation for every unmap, COW and vfree on SMP).
 *
 * A broadcast TLBI marks every other vCPU of the VM; a marked vCPU flushes
 * its whole TLB at its next entry into its fiber, before it runs another
 * instruction. The mark is made by the holder of the VM's execution lock
 * and read by the next holder after taking it, so no vCPU runs guest code
 * between a broadcast and its flush, and several broadcasts while a vCPU
 * waits cost it one flush. A flush while the fiber is suspended inside
 * Unicorn (an MMIO callback, the block hook) is safe: nothing there uses a
 * TLB entry after the callback returns, and the next access refills it.
 * Instruction-cache maintenance (IC IVAU, IC IALLUIS) is not broadcast:
 * sim/README.md, "Limits".
 */
#include "sim_internal.h"

#define TLBI_OP0 1
#define TLBI_CRN 8

/*
 * The TLBIs of EL1&0 that reach other PEs: CRm 3 is Inner Shareable, 1 Outer
 * Shareable (ARMv8.4), 2 and 5 their range forms (ARMv8.4); EL2 and EL3
 * ones (op1 4, 6) do not concern an EL1 guest. Unicorn's Cortex-A72 has
 * only CRm 3; the others would be UNDEFINED before they do anything.
 */
static bool is_broadcast_tlbi(const uc_arm64_cp_reg *cp)
{
	if (cp->op0 != TLBI_OP0 || cp->crn != TLBI_CRN || cp->op1 != 0)
		return false;
	return cp->crm == 3 || cp->crm == 1 || cp->crm == 2 || cp->crm == 5;
}

/* Runs before the instruction, which then runs as it would without the hook. */
uint32_t gh_sim_hook_sys(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	struct gh_sim_vcpu *v = user;
	struct gh_sim_vm *vm = v->vm;

	(void)uc;
	(void)reg;
	if (!is_broadcast_tlbi(cp))
		return 0;
	v->stats.tlb_broadcasts++;
	for (unsigned int i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *u = vm->vcpus[i];

		if (u && u != v)
			__atomic_store_n(&u->tlb.stale, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

void gh_sim_tlb_sync(struct gh_sim_vcpu *v)
{
	if (!__atomic_load_n(&v->tlb.stale, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&v->tlb.stale, 0, __ATOMIC_RELAXED);
	uc_ctl_flush_tlb(v->uc);
	v->stats.tlb_flushes++;
}
