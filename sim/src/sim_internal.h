/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to sim/: the simulator's objects, made of the per-concern state in the headers below.
 *
 * Locks, in the order they nest:
 *   sim->lock      the VM list, the capability table and the ticker
 *   vm->exec       the VM's execution lock (a FIFO ticket lock, exec.c): held
 *                  by the host thread that runs one of the VM's vCPU fibers,
 *                  so guest code of one VM never runs on two host threads at
 *                  once (Unicorn's atomics are not atomic across engines)
 *   vm->lock       the VM's state: power states, GIC, timers, exit status
 * The fiber side (hooks) takes only vm->lock, never across a yield.
 */
#ifndef GH_SIM_INTERNAL_H
#define GH_SIM_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <gunyah/sim.h>
#include <linux/gunyah.h>
#include <unicorn/unicorn.h>

#include "arch_timer.h"
#include "cap.h"
#include "decode.h"
#include "exec.h"
#include "fiber.h"
#include "gic.h"
#include "inject_fault.h"
#include "maintenance.h"
#include "mmio.h"
#include "page_fault.h"
#include "psci.h"
#include "rm_server.h"
#include "run.h"
#include "sys_regs.h"
#include "ticker.h"
#include "vm.h"
#include "vm_exit.h"

#define GH_SIM_MAX_VMS  32
#define GH_SIM_IRQ_BASE 64
#define GH_SIM_NR_IRQS  GH_SIM_GIC_NR_IRQS

/* One vCPU: its engine and fiber, and the state of each concern. */
struct gh_sim_vcpu {
	struct gh_sim_vm *vm;
	uint32_t id; /* MPIDR Aff0 */
	uint64_t capid;
	uint32_t irq; /* the host's wake-up IRQ */
	uc_engine *uc;
	struct gh_sim_fiber fiber;

	struct gh_sim_exec_cpu exec;     /* exec.c: kicks, running, sleeping */
	struct gh_sim_slice slice;       /* ticker.c */
	struct gh_sim_run_cpu run;       /* run.c: the fiber <-> host hand-over */
	struct gh_sim_mmio_cpu mmio;     /* mmio.c */
	struct gh_sim_exc_cpu exc;       /* inject_fault.c */
	struct gh_sim_pf_cpu pf;         /* page_fault.c */
	struct gh_sim_sysreg_cpu sysreg; /* sys_regs.c */
	struct gh_sim_maint_cpu maint;   /* maintenance.c: TLBI and IC of others */
	struct gh_sim_psci_cpu psci;     /* psci.c, under vm->lock */
	struct gh_sim_timer_cpu timer;   /* arch_timer.c, under vm->lock */
	struct gh_sim_gic_cpu gic;       /* gic.c, under vm->lock */

	struct gh_sim_vcpu_stats stats;
};

struct gh_sim_vm {
	struct gh_sim *sim;
	uint16_t vmid;
	pthread_mutex_t lock;
	struct gh_sim_exec exec; /* exec.c */

	/* vm.c: fixed once started */
	struct gh_sim_region regions[GH_SIM_MAX_REGIONS]; /* sorted by gpa */
	unsigned int nregions;
	struct gh_sim_boot boot;
	struct gh_sim_vcpu *vcpus[GH_SIM_MAX_VCPUS];
	struct gh_sim_doorbell doorbells[GH_SIM_MAX_DOORBELLS];
	unsigned int ndoorbells;

	bool started; /* atomic reads */
	uint64_t start_ns;
	struct gh_sim_vm_exit exit; /* vm_exit.c */
	struct gh_sim_gic gic;      /* gic.c through vgic.c, under vm->lock */
};

struct gh_sim {
	pthread_mutex_t lock;
	struct gh_sim_ticker ticker; /* ticker.c */
	bool timing;                 /* atomic: gh_sim_set_timing() */
	bool registered;
	struct gh_hypercall_backend be;
	struct gh_sim_host_ops host;
	struct gh_sim_vm *vms[GH_SIM_MAX_VMS];
	uint16_t next_vmid;
	struct gh_sim_cap caps[GH_SIM_MAX_CAPS]; /* cap.c */
	uint32_t next_irq;
	struct gh_sim_rm *rm; /* rm_server.c: the RM's server and queues */
};

/* --- registers of a vCPU's engine ------------------------------------------ */

static inline uint64_t gh_sim_reg_read(struct gh_sim_vcpu *v, int reg)
{
	uint64_t val = 0;

	uc_reg_read(v->uc, reg, &val);
	return val;
}

static inline void gh_sim_reg_write(struct gh_sim_vcpu *v, int reg, uint64_t val)
{
	uc_reg_write(v->uc, reg, &val);
}

/*
 * Unicorn's id of Xn, n <= 30. X0..X28 are consecutive in its enum, X29 and
 * X30 are not (they are FP and LR, near the start): X0 + 29 is V0, a 16-byte
 * vector register, which a read would write past a uint64_t.
 */
static inline int gh_sim_xreg_id(unsigned int n)
{
	if (n == 29)
		return UC_ARM64_REG_X29;
	if (n == 30)
		return UC_ARM64_REG_X30;
	return UC_ARM64_REG_X0 + (int)n;
}

/* Xn, with n == 31 the SP (the decoder's register callback). */
static inline uint64_t gh_sim_xreg(void *ctx, unsigned int n)
{
	struct gh_sim_vcpu *v = ctx;

	if (n == 31)
		return gh_sim_reg_read(v, UC_ARM64_REG_SP);
	return gh_sim_reg_read(v, gh_sim_xreg_id(n));
}

static inline int gh_sim_cp_write(struct gh_sim_vcpu *v, uint32_t op0, uint32_t op1, uint32_t crn,
                                  uint32_t crm, uint32_t op2, uint64_t val)
{
	uc_arm64_cp_reg r = {
		.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2, .val = val
	};

	return uc_reg_write(v->uc, UC_ARM64_REG_CP_REG, &r) == UC_ERR_OK ? 0 : -EIO;
}

static inline uint64_t gh_sim_cp_read(struct gh_sim_vcpu *v, uint32_t op0, uint32_t op1,
                                      uint32_t crn, uint32_t crm, uint32_t op2)
{
	uc_arm64_cp_reg r = { .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2 };

	uc_reg_read(v->uc, UC_ARM64_REG_CP_REG, &r);
	return r.val;
}

/* --- the fiber side of the hand-over (run.c) -------------------------------- */

/* The state the host's vcpu_run returns next. */
static inline void gh_sim_post(struct gh_sim_vcpu *v, uint64_t state, uint64_t d0, uint64_t d1,
                               uint64_t d2)
{
	v->run.exit_state = state;
	v->run.exit_data[0] = d0;
	v->run.exit_data[1] = d1;
	v->run.exit_data[2] = d2;
}

/* Hands the posted state to the host and waits for the next vcpu_run. */
static inline void gh_sim_yield(struct gh_sim_vcpu *v)
{
	gh_sim_fiber_yield(&v->fiber);
}

/* Host side: one entry into @v's fiber, under the VM's execution lock;
 * inline, so that no frame of its own stays live across the switch (run.c). */
static inline __attribute__((always_inline)) void gh_sim_run_fiber(struct gh_sim_vcpu *v)
{
	gh_sim_exec_enter(v);
	gh_sim_fiber_enter(&v->fiber);
	gh_sim_exec_leave(v);
}

/* uc_emu_stop from a hook, remembered (uc_emu_start then returns OK). */
static inline void gh_sim_stop(struct gh_sim_vcpu *v)
{
	uc_emu_stop(v->uc);
	v->run.stop_requested = true;
}

static inline void gh_sim_kick_set(struct gh_sim_vcpu *v, unsigned int bits)
{
	__atomic_fetch_or(&v->exec.kick, bits, __ATOMIC_ACQ_REL);
	/* without the block hook: the engine stops at its next block (a no-op
	 * outside uc_emu_start, where the fiber loop looks at the kicks) */
	if (gh_sim_stop_at_block)
		gh_sim_stop_at_block(v->uc);
}

static inline void gh_sim_kick_clear(struct gh_sim_vcpu *v, unsigned int bits)
{
	__atomic_fetch_and(&v->exec.kick, ~bits, __ATOMIC_ACQ_REL);
}

static inline bool gh_sim_vm_has_exited(struct gh_sim_vm *vm)
{
	return __atomic_load_n(&vm->exit.exited, __ATOMIC_ACQUIRE) != 0;
}

#endif /* GH_SIM_INTERNAL_H */
