/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The execution lock (one host thread in a VM's guest code) and kicks to a running vCPU.
 */
#ifndef GH_SIM_EXEC_H
#define GH_SIM_EXEC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

struct gh_sim_vcpu;
struct gh_sim_vm;

/* While another vCPU of the VM waits for the execution lock, the running one
 * yields at once when it spins in a WFE or YIELD loop, else after this many
 * translation blocks (a spin-wait without a hint; about 0.1-0.3 ms). */
#define GH_SIM_CONTENDED_TBS 16384
/* Without the block hook: a waiter asks for the lock after this many µs. */
#define GH_SIM_CONTENDED_US  50

/* Blocks entered by falling through another that the spin-wait check
 * remembers per vCPU (a power of two; 32 KiB). Every conditional branch not
 * taken makes one: with 64, the 4-vCPU Linux run spent 6% of its time
 * re-reading instructions (1.5% with 4096). */
#define GH_SIM_FELL_SLOTS 4096

/* exec.kick bits: requests to the running fiber, checked at each block */
#define KICK_READY (1U << 0) /* return READY to the host */
#define KICK_IRQ   (1U << 1) /* an interrupt may be deliverable */
#define KICK_STOP  (1U << 2) /* leave uc_emu_start (power/exit change) */

/* One condition per ticket slot: an unlock wakes the next ticket's waiter
 * only (at most GH_SIM_MAX_VCPUS tickets are ever outstanding). */
#define GH_SIM_EXEC_SLOTS 16

/* A waiter takes a lease back from a vCPU that has kept it outside its fiber
 * for this long (its host thread is not coming back soon). */
#define GH_SIM_LEASE_OUT_NS 200000ULL

/*
 * A VM's execution lock: a FIFO ticket lock (exec.c). While other vCPUs
 * wait, a vCPU leaving its fiber for an MMIO exit keeps it (the lease), so
 * that its slice, not each exit, is one handoff.
 */
struct gh_sim_exec {
	pthread_mutex_t mu;
	pthread_cond_t cv[GH_SIM_EXEC_SLOTS];
	uint64_t next;        /* atomic */
	uint64_t serving;     /* atomic */
	unsigned int waiters; /* atomic */
	uintptr_t lease;      /* atomic: the vCPU holding the lock outside its fiber, or 0 */
	uint64_t lease_ns;    /* atomic: when it left the fiber */
	int polling;          /* atomic: the waiter next in line polls for a stale lease */
	bool solo;            /* set at start: one vCPU, nobody to exclude (no lock) */
};

/* A vCPU's side of it. */
struct gh_sim_exec_cpu {
	unsigned int kick;          /* atomic: KICK_* */
	int running;                /* atomic: inside the fiber */
	uint64_t run_gen;           /* atomic: counts entries into the fiber */
	unsigned int contended_tbs; /* blocks run this slice while others wait */
	/* While others wait (spin_wait): where the last block ended, and
	 * blocks entered by falling through (bit 0 set: after a WFE or YIELD),
	 * by address, so that each instruction before one is read once. */
	uint64_t prev_end;
	uint64_t fell_into[GH_SIM_FELL_SLOTS];
	uint64_t spin_yields; /* atomic: READY yields on a spin-wait */
	uint64_t taken_back;  /* atomic: leases a waiter ended (stats.lock_taken_back) */
	bool irq_line;        /* the engine's IRQ line (gh_sim_irq_line) */
	bool sleeping;        /* under vm->lock: told the host
					 * EXPECTS_WAKEUP/POWERED_OFF */
};

void gh_sim_exec_init(struct gh_sim_exec *e);
void gh_sim_exec_destroy(struct gh_sim_exec *e);

/* Host side, around one entry into @v's fiber (gh_sim_run_fiber(),
 * sim_internal.h): takes the VM's execution lock, or ends @v's lease of it;
 * then keeps it as a lease or lets go. */
void gh_sim_exec_enter(struct gh_sim_vcpu *v);
void gh_sim_exec_leave(struct gh_sim_vcpu *v);
/* Gives the execution lock back if @v (NULL: any vCPU) keeps it outside its
 * fiber: before a RUN of @v that will not enter it, and when the VM goes. */
void gh_sim_exec_lease_drop(struct gh_sim_exec *e, const struct gh_sim_vcpu *v);

/* Fires @v's wake-up IRQ if the host was told it sleeps (vm->lock held). */
void gh_sim_wake(struct gh_sim_vcpu *v);
/* An interrupt is deliverable on @v (the GIC's notify op, vm->lock held):
 * kicks a running vCPU and wakes a sleeping one. */
void gh_sim_vcpu_notify(struct gh_sim_vcpu *v);

/* UC_HOOK_BLOCK: time slices, kicks and yielding to a waiting vCPU. */
void gh_sim_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user);

/*
 * uc_emu_stop_at_block() when the Unicorn loaded has it (third_party/unicorn's
 * patch: a stop taken only at a block entry, and the accessing instruction's
 * PC in memory callbacks), else NULL. With it there is no block hook: kicks
 * stop the engine (gh_sim_kick_set), the fiber loop serves them
 * (gh_sim_serve_kicks) and the MMIO decoder starts at the engine's PC.
 * Resolved once by gh_sim_exec_probe() (gh_sim_create), read-only after, and
 * only when GH_SIM_NO_BLOCK_HOOK is set: the mode is experimental.
 */
extern uc_err (*gh_sim_stop_at_block)(uc_engine *uc);
void gh_sim_exec_probe(void);

/* Without the block hook: an interrupt is pending while the guest masks
 * IRQs. The engine reports the moment it unmasks them (UC_HOOK_INTR,
 * EXCP_IRQ), which the block hook used to notice (a no-op with the hook). */
void gh_sim_irq_line(struct gh_sim_vcpu *v, bool level);

/* Without the block hook, after uc_emu_start returned OK: serves a READY or
 * STOP kick as the hook would have; true when there was one. */
bool gh_sim_serve_kicks(struct gh_sim_vcpu *v);

#endif /* GH_SIM_EXEC_H */
