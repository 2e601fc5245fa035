// SPDX-License-Identifier: BSD-3-Clause
/*
 * Cache and TLB maintenance across a VM's engines.
 *
 * Each vCPU has an engine of its own, with its own TLB and its own
 * translated code, and Unicorn's maintenance instructions reach only the
 * engine that runs them:
 *
 * - A TLBI to the Inner Shareable domain (VMALLE1IS, VAE1IS, ASIDE1IS, ...)
 *   flushes only the issuing engine's TLB (its "all CPUs" are its one
 *   CPU): another vCPU would go on translating through an entry the guest
 *   invalidated (Linux relies on broadcast invalidation for every unmap,
 *   COW and vfree on SMP). Such a TLBI marks every other vCPU of the VM,
 *   which flushes its whole TLB at its next entry.
 * - An engine notices stores to code it translated only when they are its
 *   own: code written by another vCPU (Linux patching its text for a static
 *   key, a JIT) or by a device (a program read from a disk) ran in its old
 *   form there. IC IVAU (by address, broadcast to the shareable domain as
 *   the architecture has it) records the line's physical range (the
 *   issuer's translation of the address) with every vCPU, IC IALLUIS all
 *   of RAM with the others (ic_invalidate()); each drops its translations
 *   of them at its next entry. The issuer is one for IC IVAU: its own
 *   stores are already seen, a device's are not, and it drops them at its
 *   next exit rather than at once (sim/README.md, "Limits").
 *
 * The marks are made by the holder of the VM's execution lock and read by
 * the next holder after taking it, so no other vCPU runs guest code between
 * a broadcast and its effect, and several broadcasts while a vCPU waits are
 * served together. Both happen while the fiber may be suspended inside
 * Unicorn (an MMIO callback, the block hook): nothing there uses a TLB
 * entry or the translation it is in after the callback returns (invalidated
 * code stays in the code buffer until a flush, as with another CPU's
 * invalidation in QEMU).
 *
 * Unicorn drops translations by virtual address only, through the engine's
 * current translation (uc_ctl_remove_cache), which would raise a guest
 * fault on an address that is not executable there. So the vCPU's MMU is
 * switched off for the call (SCTLR_EL1.M = 0, the TLB flushed before and
 * after): the physical address is then its own, executable, address.
 */
#include "maintenance.h"

#include "sim_internal.h"
#include "walk.h"

#define SYS_OP0   1
#define TLBI_CRN  8
#define IC_CRN    7
#define IC_LINE   64ULL /* Unicorn's Cortex-A72: CTR_EL0.IminLine = 4 words */
#define SCTLR_EL1 3, 0, 1, 0, 0

/*
 * The TLBIs of EL1&0 that reach other PEs: CRm 3 is Inner Shareable, 1 Outer
 * Shareable (ARMv8.4), 2 and 5 their range forms (ARMv8.4); EL2 and EL3
 * ones (op1 4, 6) do not concern an EL1 guest. Unicorn's Cortex-A72 has
 * only CRm 3; the others would be UNDEFINED before they do anything.
 */
static bool is_broadcast_tlbi(const uc_arm64_cp_reg *cp)
{
	if (cp->crn != TLBI_CRN || cp->op1 != 0)
		return false;
	return cp->crm == 3 || cp->crm == 1 || cp->crm == 2 || cp->crm == 5;
}

static void tlbi_broadcast(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;

	v->stats.tlb_broadcasts++;
	for (unsigned int i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *u = vm->vcpus[i];

		if (u && u != v)
			__atomic_store_n(&u->maint.tlb_stale, 1, __ATOMIC_RELAXED);
	}
}

/* Records [pa, pa + len) with @u: after the last range when it continues it,
 * else in a free slot, else all merged into one range covering them. */
static void ic_record(struct gh_sim_vcpu *u, uint64_t pa, uint64_t len)
{
	struct gh_sim_maint_cpu *m = &u->maint;
	struct gh_sim_ic_range *last = m->nranges ? &m->ranges[m->nranges - 1] : NULL;

	if (last && pa >= last->pa && pa <= last->pa + last->len) {
		if (pa + len > last->pa + last->len)
			last->len = pa + len - last->pa;
	} else if (m->nranges < GH_SIM_IC_RANGES) {
		m->ranges[m->nranges++] = (struct gh_sim_ic_range){ pa, len };
	} else {
		uint64_t lo = pa, hi = pa + len;

		for (unsigned int i = 0; i < m->nranges; i++) {
			if (m->ranges[i].pa < lo)
				lo = m->ranges[i].pa;
			if (m->ranges[i].pa + m->ranges[i].len > hi)
				hi = m->ranges[i].pa + m->ranges[i].len;
		}
		m->ranges[0] = (struct gh_sim_ic_range){ lo, hi - lo };
		m->nranges = 1;
	}
	__atomic_store_n(&m->ic_pending, 1, __ATOMIC_RELAXED);
}

/*
 * IC IVAU @va (@by_va): its line, with every vCPU. IC IALLUIS: all of RAM,
 * with the others only: the issuer's engine saw its own stores, and
 * dropping everything it translated costs it a retranslation of all the
 * code it runs (with Linux, +8 MiB of code buffer for the IALLU after its
 * alternatives are applied); so IC IALLU, local, does nothing.
 */
static void ic_invalidate(struct gh_sim_vcpu *v, bool by_va, uint64_t va)
{
	struct gh_sim_vm *vm = v->vm;
	uint64_t pa = va & ~(IC_LINE - 1);

	/* No translation, or not guest memory (any address with the MMU off):
	 * nothing to drop. So every range lies in the VM's physical space. */
	if (by_va && ((v->sysreg.mmu_on && !gh_sim_translate(v, pa, &pa)) ||
	              !gh_sim_vm_region(vm, pa, IC_LINE)))
		return;
	for (unsigned int i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *u = vm->vcpus[i];

		if (!u || (!by_va && u == v))
			continue;
		if (by_va) {
			ic_record(u, pa, IC_LINE);
			continue;
		}
		for (unsigned int r = 0; r < vm->nregions; r++)
			ic_record(u, vm->regions[r].gpa, vm->regions[r].size);
	}
}

uint32_t gh_sim_hook_sys(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	struct gh_sim_vcpu *v = user;

	(void)uc;
	(void)reg;
	if (cp->op0 != SYS_OP0)
		return 0;
	if (is_broadcast_tlbi(cp))
		tlbi_broadcast(v);
	else if (cp->crn == IC_CRN && cp->op1 == 3 && cp->crm == 5 && cp->op2 == 1)
		ic_invalidate(v, true, cp->val); /* IC IVAU */
	else if (cp->crn == IC_CRN && cp->op1 == 0 && cp->crm == 1 && cp->op2 == 0)
		ic_invalidate(v, false, 0); /* IC IALLUIS */
	return 0;
}

/* The part of [pa, pa + len) in region @r, or false. */
static bool clip_to_region(const struct gh_sim_region *r, uint64_t pa, uint64_t len, uint64_t *lo,
                           uint64_t *hi)
{
	*lo = pa > r->gpa ? pa : r->gpa;
	*hi = pa + len < r->gpa + r->size ? pa + len : r->gpa + r->size;
	return *lo < *hi;
}

static void ic_sync(struct gh_sim_vcpu *v)
{
	struct gh_sim_maint_cpu *m = &v->maint;
	struct gh_sim_vm *vm = v->vm;
	uint64_t sctlr = gh_sim_cp_read(v, SCTLR_EL1);

	__atomic_store_n(&m->ic_pending, 0, __ATOMIC_RELAXED);
	if (sctlr & 1)
		gh_sim_cp_write(v, SCTLR_EL1, sctlr & ~1ULL);
	uc_ctl_flush_tlb(v->uc);
	for (unsigned int i = 0; i < m->nranges; i++) {
		for (unsigned int r = 0; r < vm->nregions; r++) {
			uint64_t lo, hi;

			if (clip_to_region(&vm->regions[r], m->ranges[i].pa, m->ranges[i].len, &lo,
			                   &hi))
				uc_ctl_remove_cache(v->uc, lo, hi);
		}
	}
	m->nranges = 0;
	if (sctlr & 1)
		gh_sim_cp_write(v, SCTLR_EL1, sctlr);
	uc_ctl_flush_tlb(v->uc);
	v->stats.ic_syncs++;
}

void gh_sim_maint_sync(struct gh_sim_vcpu *v)
{
	struct gh_sim_maint_cpu *m = &v->maint;

	if (__atomic_load_n(&m->ic_pending, __ATOMIC_RELAXED)) {
		__atomic_store_n(&m->tlb_stale, 0, __ATOMIC_RELAXED);
		ic_sync(v); /* flushes the TLB too */
		return;
	}
	if (!__atomic_load_n(&m->tlb_stale, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&m->tlb_stale, 0, __ATOMIC_RELAXED);
	uc_ctl_flush_tlb(v->uc);
	v->stats.tlb_flushes++;
}
