// SPDX-License-Identifier: BSD-3-Clause
/*
 * Exceptions into the guest: IRQs, and synchronous exceptions requested by hooks and taken later.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim_internal.h"
#include "vgic.h"
#include "walk.h"

/*
 * The vector offset of an exception taken to EL1 from the current PSTATE:
 * current EL with SP_EL0 (EL1t) 0x000, current EL with SP_ELx (EL1h) 0x200,
 * lower EL AArch64 (EL0) 0x400; plus 0x80 for an IRQ.
 */
static uint64_t vector_offset(uint64_t pstate)
{
	switch (pstate & 0xf) {
	case 0x5: /* EL1h */
		return 0x200;
	case 0x4: /* EL1t */
		return 0x000;
	default: /* EL0 */
		return 0x400;
	}
}

/* Takes an exception to EL1 (from EL1h, EL1t or EL0 AArch64) at vector
 * offset @offset (see vector_offset()), returning to @elr. */
static void take_exception(struct gh_sim_vcpu *v, uint64_t pstate, uint64_t elr, uint64_t offset)
{
	uint64_t vbar = gh_sim_reg_read(v, UC_ARM64_REG_VBAR_EL1);

	gh_sim_reg_write(v, UC_ARM64_REG_ELR_EL1, elr);
	if ((pstate & 0xf) != 0x5) {
		/* the live SP is SP_EL0: bank it, switch to SP_EL1 */
		gh_sim_reg_write(v, UC_ARM64_REG_SP_EL0, gh_sim_reg_read(v, UC_ARM64_REG_SP));
		gh_sim_reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
		gh_sim_reg_write(v, UC_ARM64_REG_SP, gh_sim_reg_read(v, UC_ARM64_REG_SP_EL1));
	} else {
		gh_sim_reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	}
	/* SPSR_EL1 through CP_REG, after PSTATE: measured on 2.1.1, a PSTATE
	 * write alone does not rebuild the cached mode flags (from EL0 the
	 * handler's first MRS of an EL1 register is then UNDEFINED); a CP_REG
	 * write does. */
	gh_sim_cp_write(v, 3, 0, 4, 0, 0, pstate);
	gh_sim_reg_write(v, UC_ARM64_REG_PC, vbar + offset);
}

/* Takes an IRQ exception to EL1 (from EL1h, EL1t or EL0 AArch64). */
static void inject_irq(struct gh_sim_vcpu *v)
{
	uint64_t pstate = gh_sim_reg_read(v, UC_ARM64_REG_PSTATE);

	take_exception(v, pstate, gh_sim_reg_read(v, UC_ARM64_REG_PC),
	               vector_offset(pstate) + 0x80);
	v->stats.irqs_injected++;
}

/*
 * Requests a synchronous exception from inside a hook: the engine stops
 * (uc_emu_stop) and the fiber loop delivers it when uc_emu_start returns. See
 * gh_sim_deliver_sync().
 */
void gh_sim_request_sync(struct gh_sim_vcpu *v, uint64_t esr, uint64_t elr, uint32_t crash_code,
                         const char *what)
{
	v->exc.pending = true;
	v->exc.esr = esr;
	v->exc.elr = elr;
	v->exc.far_valid = false;
	v->exc.rt = -1;
	v->exc.crash = crash_code;
	snprintf(v->exc.what, sizeof(v->exc.what), "%s", what);
	gh_sim_stop(v);
}

/*
 * Takes the exception gh_sim_request_sync() recorded, now that uc_emu_start has
 * returned. Measured on Unicorn 2.1.1: after uc_emu_stop inside an MMIO
 * callback the instruction completes (a load writes the callback's value to
 * its register; an 8-byte access still makes its second 4-byte callback),
 * no further guest instruction or block hook runs, and uc_emu_start returns
 * UC_ERR_OK with the PC at the start of the translation block. Inside the
 * interrupt hook nothing further runs either. So everything the exception
 * needs was captured in the hook (ELR from the decode, the old value of a
 * load's register), the registers the instruction changed are put back,
 * and the PC is set to the vector: the faulting instruction is neither
 * repeated nor continued past.
 *
 * false when the guest has no vector table in memory at VBAR_EL1 (it would
 * fault on the vector fetch forever): the VM ends instead, as before.
 */
bool gh_sim_deliver_sync(struct gh_sim_vcpu *v)
{
	uint64_t pstate = gh_sim_reg_read(v, UC_ARM64_REG_PSTATE);
	uint64_t offset = vector_offset(pstate);
	uint64_t vbar = gh_sim_reg_read(v, UC_ARM64_REG_VBAR_EL1);
	uint64_t esr = v->exc.esr;
	uint32_t insn;
	char what[160];

	v->exc.pending = false;
	if (v->exc.rt >= 0)
		gh_sim_reg_write(v, gh_sim_xreg_id(v->exc.rt), v->exc.rt_val);
	if (!gh_sim_fetch_insn(v, vbar + offset, &insn)) {
		snprintf(what, sizeof(what), "%s (no vector table at VBAR_EL1 0x%" PRIx64 ")",
		         v->exc.what, vbar);
		gh_sim_crash(v, v->exc.crash, v->exc.elr, what);
		return false;
	}
	if (esr & ESR_DABT)
		esr = (esr & ~ESR_DABT) |
		      ((uint64_t)(offset == 0x400 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR)
		       << ESR_EC_SHIFT);
	if (esr & ESR_IABT)
		esr = (esr & ~ESR_IABT) |
		      ((uint64_t)(offset == 0x400 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR)
		       << ESR_EC_SHIFT);
	gh_sim_reg_write(v, UC_ARM64_REG_ESR_EL1, esr);
	if (v->exc.far_valid)
		gh_sim_reg_write(v, UC_ARM64_REG_FAR_EL1, v->exc.far);
	take_exception(v, pstate, v->exc.elr, offset);
	v->stats.sync_exceptions++;
	return true;
}

/* The VMM answered an MMIO access with FAULT: a synchronous external abort
 * on the instruction found by the decode (false when there is none). Called
 * inside the MMIO callback, before the instruction completes. */
bool gh_sim_request_data_abort(struct gh_sim_vcpu *v)
{
	const struct gh_sim_ldst *d = &v->mmio.acc_d;
	uint64_t iss, va;
	unsigned int sas = d->size == 8 ? 3 : d->size == 4 ? 2 : d->size == 2 ? 1 : 0;
	bool sf = d->is_store ? d->size == 8 : d->dest64;
	char what[64];

	if (!v->mmio.acc_decoded || d->kind != GH_SIM_LDST_VALID ||
	    !gh_sim_ldst_address(d, v->mmio.acc_pc, gh_sim_xreg, v, &va))
		return false;
	iss = ISS_DABT_ISV | ((uint64_t)sas << ISS_DABT_SAS_SHIFT) |
	      (d->sign_extend ? ISS_DABT_SSE : 0) | ((uint64_t)d->rt << ISS_DABT_SRT_SHIFT) |
	      (sf ? ISS_DABT_SF : 0) | (d->acqrel ? ISS_DABT_AR : 0) |
	      (d->is_store ? ISS_DABT_WNR : 0) | ISS_DFSC_SEA;
	snprintf(what, sizeof(what), "the VMM asked for an abort on MMIO 0x%" PRIx64, va);
	gh_sim_request_sync(v, ESR_DABT | ESR_IL | iss, v->mmio.acc_pc, GH_SIM_CRASH_VMMIO_FAULT,
	                    what);
	v->exc.far = va;
	v->exc.far_valid = true;
	if (!d->is_store && d->rt != 31) {
		v->exc.rt = d->rt;
		v->exc.rt_val = gh_sim_xreg(v, d->rt);
	}
	return true;
}

/* Before (re)entering the engine: deliver a pending interrupt if the guest
 * accepts one now; keep KICK_IRQ set while one waits for PSTATE.I. */
void gh_sim_maybe_inject(struct gh_sim_vcpu *v)
{
	uint32_t intid;

	pthread_mutex_lock(&v->vm->lock);
	gh_sim_kick_clear(v, KICK_IRQ);
	intid = gh_sim_vgic_pending(v);
	if (intid != GH_SIM_GIC_SPURIOUS)
		gh_sim_kick_set(v, KICK_IRQ);
	pthread_mutex_unlock(&v->vm->lock);
	if (intid == GH_SIM_GIC_SPURIOUS) {
		gh_sim_irq_line(v, false);
		return;
	}
	if (gh_sim_reg_read(v, UC_ARM64_REG_PSTATE) & PSTATE_I) {
		gh_sim_irq_line(v, true);
		return;
	}
	gh_sim_irq_line(v, false);
	inject_irq(v);
}
