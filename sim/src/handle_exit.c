// SPDX-License-Identifier: BSD-3-Clause
/*
 * Traps out of guest code by exception class (a table for Unicorn's interrupt hook), and WFx.
 */
#include <inttypes.h>
#include <stdio.h>

#include "handle_exit.h"
#include "hypercalls.h"
#include "mmu_fault.h"
#include "sim_internal.h"
#include "vgic.h"
#include "walk.h"

/* Unicorn exception numbers (QEMU's EXCP_*) seen by UC_HOOK_INTR */
#define EXCP_UDEF           1
#define EXCP_SWI            2
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT     4
#define EXCP_IRQ            5 /* gh_sim_irq_line's report: IRQs unmasked */
#define EXCP_BKPT           7
#define EXCP_HVC            11
#define EXCP_SMC            13
#define EXCP_MAX            16

#define INSN_WFI 0xd503207fU
#define INSN_WFE 0xd503205fU

/* A trap handler: @pc as Unicorn reports it for exception @intno. */
typedef void (*trap_fn)(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc);

/* HVC and SMC: the SMCCC dispatcher answers; the guest continues after. */
static void trap_smccc(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	(void)intno;
	(void)pc;
	gh_sim_smccc_guest(v);
}

/* UDEF, PC at the instruction: an ICC_* access (Unicorn does not implement
 * them) is emulated at EL1; anything else, and every one from EL0 (the
 * registers are EL1's: UNDEFINED there), goes to the guest's vectors as EC 0
 * (unknown reason), ELR at the instruction. */
static void trap_undef(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	struct gh_sim_sysreg_insn s;
	uint32_t insn = 0;
	char what[64];

	(void)intno;
	if (gh_sim_fetch_insn(v, pc, &insn) && gh_sim_decode_sysreg(insn, &s) &&
	    (gh_sim_reg_read(v, UC_ARM64_REG_PSTATE) & 0xc) != 0) {
		uint64_t val = 0;

		if (!s.is_read)
			val = s.rt == 31 ? 0 : gh_sim_xreg(v, s.rt);
		if (gh_sim_sysreg_access(v, &s, &val)) {
			if (s.is_read && s.rt != 31)
				gh_sim_reg_write(v, gh_sim_xreg_id(s.rt), val);
			gh_sim_reg_write(v, UC_ARM64_REG_PC, pc + 4);
			return;
		}
	}
	snprintf(what, sizeof(what), "undefined instruction 0x%08x", insn);
	gh_sim_request_sync(v, ESR_IL | ((uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT), pc,
	                    GH_SIM_CRASH_UNDEFINED, what);
}

/* SVC: the PC is already after the instruction (the preferred return
 * address); ISS = its imm16. */
static void trap_svc(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	uint32_t insn;

	(void)intno;
	if (!gh_sim_fetch_insn(v, pc - 4, &insn))
		insn = 0;
	gh_sim_request_sync(
		v, ESR_IL | ((uint64_t)ESR_EC_SVC64 << ESR_EC_SHIFT) | ((insn >> 5) & 0xffff), pc,
		GH_SIM_CRASH_EXCEPTION, "unhandled exception 2 (SVC)");
}

/* BRK: PC at the instruction, ISS = its imm16. */
static void trap_brk(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	uint32_t insn;

	(void)intno;
	if (!gh_sim_fetch_insn(v, pc, &insn))
		insn = 0;
	gh_sim_request_sync(
		v, ESR_IL | ((uint64_t)ESR_EC_BRK64 << ESR_EC_SHIFT) | ((insn >> 5) & 0xffff), pc,
		GH_SIM_CRASH_EXCEPTION, "unhandled exception 7 (BRK)");
}

/* Prefetch and data aborts of Unicorn's own stage-1 walk. */
static void trap_mmu(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	gh_sim_mmu_fault(v, intno, pc);
}

/* The guest unmasked IRQs with one pending (gh_sim_irq_line): leave the
 * engine, the fiber loop injects it. */
static void trap_irq(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	(void)intno;
	(void)pc;
	gh_sim_irq_line(v, false);
	gh_sim_stop(v);
}

static const trap_fn traps[EXCP_MAX] = {
	[EXCP_UDEF] = trap_undef,     [EXCP_SWI] = trap_svc,  [EXCP_PREFETCH_ABORT] = trap_mmu,
	[EXCP_DATA_ABORT] = trap_mmu, [EXCP_BKPT] = trap_brk, [EXCP_HVC] = trap_smccc,
	[EXCP_SMC] = trap_smccc,      [EXCP_IRQ] = trap_irq,
};

void gh_sim_hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t pc = gh_sim_reg_read(v, UC_ARM64_REG_PC);
	char what[64];

	(void)uc;
	if (intno < EXCP_MAX && traps[intno]) {
		traps[intno](v, intno, pc);
		return;
	}
	snprintf(what, sizeof(what), "unhandled exception %u (no vector delivery)", intno);
	gh_sim_crash(v, GH_SIM_CRASH_EXCEPTION, pc, what);
	gh_sim_stop(v);
}

void gh_sim_handle_wfx(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;
	uint64_t pc = gh_sim_reg_read(v, UC_ARM64_REG_PC);
	uint32_t insn;

	/* Unicorn returned by itself: WFI (PC after it) or WFE. */
	if (!gh_sim_fetch_insn(v, pc - 4, &insn))
		return;
	if (insn == INSN_WFE) {
		/* A spin-wait: end the slice so that the vCPU it waits for gets
		 * the VM's execution lock (a hypervisor traps WFE to yield for
		 * the same reason). */
		v->stats.ready_exits++;
		gh_sim_post(v, GH_VCPU_STATE_READY, 0, 0, 0);
		gh_sim_yield(v);
		return;
	}
	if (insn != INSN_WFI)
		return;
	pthread_mutex_lock(&vm->lock);
	if (gh_sim_vgic_pending(v) != GH_SIM_GIC_SPURIOUS) {
		pthread_mutex_unlock(&vm->lock);
		return;
	}
	v->exec.sleeping = true;
	pthread_mutex_unlock(&vm->lock);
	v->stats.wfi_exits++;
	gh_sim_post(v, GH_VCPU_STATE_EXPECTS_WAKEUP, 0, 0, 0);
	gh_sim_yield(v);
}
