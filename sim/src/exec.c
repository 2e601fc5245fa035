// SPDX-License-Identifier: BSD-3-Clause
/*
 * The execution lock, entries into a vCPU's fiber, kicks and wake-ups, and the block hook.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_internal.h"
#include "walk.h"

uc_err (*gh_sim_stop_at_block)(uc_engine *uc);
static uc_err (*irq_line)(uc_engine *uc, int level);

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe(void)
{
	void *stop, *line;

	/* experimental (sim/README.md, "Performance"): only when asked */
	if (!getenv("GH_SIM_NO_BLOCK_HOOK"))
		return;
	stop = dlsym(RTLD_DEFAULT, "uc_emu_stop_at_block");
	line = dlsym(RTLD_DEFAULT, "uc_irq_line");
	_Static_assert(sizeof(stop) == sizeof(gh_sim_stop_at_block),
	               "a code pointer is a data pointer");
	if (!stop || !line)
		return; /* both, or the block hook */
	memcpy(&irq_line, &line, sizeof(line));
	memcpy(&gh_sim_stop_at_block, &stop, sizeof(stop));
}

void gh_sim_irq_line(struct gh_sim_vcpu *v, bool level)
{
	if (irq_line && v->exec.irq_line != level) {
		irq_line(v->uc, level);
		v->exec.irq_line = level;
	}
}

void gh_sim_exec_probe(void)
{
	pthread_once(&probe_once, probe);
}

/* The host's wake-up IRQ of @v (vm->lock held). */
static void fire_wakeup(struct gh_sim_vcpu *v)
{
	const struct gh_sim_host_ops *h = &v->vm->sim->host;

	if (h->wakeup_irq)
		h->wakeup_irq(h->ctx, v->irq);
}

void gh_sim_wake(struct gh_sim_vcpu *v)
{
	if (v->exec.sleeping) {
		v->exec.sleeping = false;
		fire_wakeup(v);
	}
}

void gh_sim_vcpu_notify(struct gh_sim_vcpu *v)
{
	gh_sim_kick_set(v, KICK_IRQ);
	if (v->psci.power == POWER_ON)
		gh_sim_wake(v);
}

/* --- the execution lock ------------------------------------------------------- */

/*
 * A FIFO ticket lock: uncontended, one atomic add and one load, no syscall;
 * waiters sleep on the condition of their ticket's slot, and an unlock wakes
 * that of the next ticket only (a broadcast to every waiter made each exit of
 * an 8-vCPU VM wake 7 threads, 6 of them for nothing). The waiter count and
 * the serving counter are a Dekker pair (sequentially consistent): an unlock
 * either sees the waiter and signals, or the waiter sees its turn before
 * sleeping.
 */
_Static_assert(GH_SIM_MAX_VCPUS < GH_SIM_EXEC_SLOTS, "a ticket slot per possible waiter");

void gh_sim_exec_init(struct gh_sim_exec *e)
{
	unsigned int c;

	pthread_mutex_init(&e->mu, NULL);
	for (c = 0; c < GH_SIM_EXEC_SLOTS; c++)
		pthread_cond_init(&e->cv[c], NULL);
}

void gh_sim_exec_destroy(struct gh_sim_exec *e)
{
	unsigned int c;

	for (c = 0; c < GH_SIM_EXEC_SLOTS; c++)
		pthread_cond_destroy(&e->cv[c]);
	pthread_mutex_destroy(&e->mu);
}

/* e->mu held: the next ticket's turn. */
static void exec_release_locked(struct gh_sim_exec *e)
{
	uint64_t next = __atomic_add_fetch(&e->serving, 1, __ATOMIC_SEQ_CST);

	pthread_cond_broadcast(&e->cv[next % GH_SIM_EXEC_SLOTS]);
}

/* Without the block hook: the waiter next in line asks the vCPU of @vm that
 * holds the lock (running, or out with a lease) to yield (READY) once it has
 * waited GH_SIM_CONTENDED_US. */
static void ask_to_yield(struct gh_sim_vm *vm)
{
	uintptr_t lease = __atomic_load_n(&vm->exec.lease, __ATOMIC_ACQUIRE);
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (v &&
		    (__atomic_load_n(&v->exec.running, __ATOMIC_SEQ_CST) || (uintptr_t)v == lease))
			gh_sim_kick_set(v, KICK_READY);
	}
	pthread_mutex_unlock(&vm->lock);
}

static void exec_unlock(struct gh_sim_exec *e)
{
	uint64_t next = __atomic_add_fetch(&e->serving, 1, __ATOMIC_SEQ_CST);

	if (!__atomic_load_n(&e->waiters, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&e->mu);
	pthread_cond_broadcast(&e->cv[next % GH_SIM_EXEC_SLOTS]);
	pthread_mutex_unlock(&e->mu);
}

/* Ends the lease of @holder (0: whoever has one): true when this call did,
 * and the lock is then the caller's to release. */
static bool lease_end(struct gh_sim_exec *e, uintptr_t holder)
{
	uintptr_t cur = __atomic_load_n(&e->lease, __ATOMIC_ACQUIRE);

	if (!cur || (holder && cur != holder))
		return false;
	return __atomic_compare_exchange_n(&e->lease, &cur, 0, false, __ATOMIC_ACQ_REL,
	                                   __ATOMIC_RELAXED);
}

void gh_sim_exec_lease_drop(struct gh_sim_exec *e, const struct gh_sim_vcpu *v)
{
	if (lease_end(e, (uintptr_t)v))
		exec_unlock(e);
}

/* e->mu held, a waiter's time out: a lease kept outside the fiber too long
 * (its thread is elsewhere: a slow device, a RUN of another vCPU, no RUN at
 * all) is taken back. */
static void lease_revoke_stale(struct gh_sim_exec *e)
{
	uintptr_t cur = __atomic_load_n(&e->lease, __ATOMIC_ACQUIRE);

	if (!cur ||
	    gh_sim_now_ns() - __atomic_load_n(&e->lease_ns, __ATOMIC_RELAXED) < GH_SIM_LEASE_OUT_NS)
		return;
	if (!lease_end(e, cur))
		return;
	__atomic_fetch_add(&((struct gh_sim_vcpu *)cur)->exec.taken_back, 1, __ATOMIC_RELAXED);
	exec_release_locked(e);
}

/*
 * The waiter next in line polls while a lease is out (it is the one to end a
 * stale one) and sleeps otherwise; those behind it sleep until they are
 * next: whoever gets the lock wakes its successor. A lease taken while the
 * next waiter sleeps wakes it (lease_keep): e->polling and e->lease are a
 * Dekker pair, the waiter's side under e->mu, so that wake-up is not lost.
 * Polling only then matters: a 200 us poll for the whole wait was a third
 * of the host's context switches in a 4-vCPU Linux run, where leases are
 * rare. Without the block hook, which yields by itself while others wait,
 * the next waiter also asks the holder to yield, once, after
 * GH_SIM_CONTENDED_US.
 */
static void exec_lock(struct gh_sim_vm *vm)
{
	struct gh_sim_exec *e = &vm->exec;
	uint64_t ticket = __atomic_fetch_add(&e->next, 1, __ATOMIC_SEQ_CST);
	bool asked = !gh_sim_stop_at_block;
	uint64_t serving;

	if (__atomic_load_n(&e->serving, __ATOMIC_SEQ_CST) == ticket)
		return;
	pthread_mutex_lock(&e->mu);
	__atomic_fetch_add(&e->waiters, 1, __ATOMIC_SEQ_CST);
	while ((serving = __atomic_load_n(&e->serving, __ATOMIC_SEQ_CST)) != ticket) {
		pthread_cond_t *cv = &e->cv[ticket % GH_SIM_EXEC_SLOTS];
		long wait_ns = asked ? (long)GH_SIM_LEASE_OUT_NS : GH_SIM_CONTENDED_US * 1000L;
		struct timespec ts;

		if (serving + 1 != ticket) {
			pthread_cond_wait(cv, &e->mu);
			continue;
		}
		if (asked) {
			__atomic_store_n(&e->polling, 0, __ATOMIC_SEQ_CST);
			if (!__atomic_load_n(&e->lease, __ATOMIC_SEQ_CST)) {
				pthread_cond_wait(cv, &e->mu);
				continue;
			}
			__atomic_store_n(&e->polling, 1, __ATOMIC_SEQ_CST);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += wait_ns;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(cv, &e->mu, &ts) != ETIMEDOUT)
			continue;
		if (asked) {
			lease_revoke_stale(e);
			continue;
		}
		asked = true;
		pthread_mutex_unlock(&e->mu);
		ask_to_yield(vm);
		pthread_mutex_lock(&e->mu);
	}
	if (__atomic_sub_fetch(&e->waiters, 1, __ATOMIC_SEQ_CST))
		pthread_cond_broadcast(&e->cv[(ticket + 1) % GH_SIM_EXEC_SLOTS]);
	pthread_mutex_unlock(&e->mu);
}

/*
 * Keep the lock across this exit? Only while another vCPU waits (else an
 * unlock and the next lock cost an atomic each), only for an MMIO exit (the
 * host answers it and comes back at once), and only within the slice: the
 * contention yield (GH_SIM_CONTENDED_TBS blocks) and the time slice count
 * across the lease's entries, and end it with a READY exit, which lets go.
 */
static bool lease_keep(struct gh_sim_exec *e, struct gh_sim_vcpu *v)
{
	uint64_t st = v->run.exit_state;

	if (!__atomic_load_n(&e->waiters, __ATOMIC_SEQ_CST) || v->run.terminate ||
	    (st != GH_VCPU_STATE_ADDRSPACE_VMMIO_READ && st != GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE))
		return false;
	v->stats.lock_kept++;
	__atomic_store_n(&e->lease_ns, gh_sim_now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&e->lease, (uintptr_t)v, __ATOMIC_SEQ_CST);
	/* the next waiter sleeps: it must poll now (see exec_lock) */
	if (!__atomic_load_n(&e->polling, __ATOMIC_SEQ_CST)) {
		uint64_t next = __atomic_load_n(&e->serving, __ATOMIC_RELAXED) + 1;

		pthread_mutex_lock(&e->mu);
		pthread_cond_broadcast(&e->cv[next % GH_SIM_EXEC_SLOTS]);
		pthread_mutex_unlock(&e->mu);
	}
	return true;
}

/*
 * A VM with one vCPU has no other guest code to exclude: its host threads
 * are already one at a time (run.in_run), so its entries take no lock (an
 * MMIO exit saves the ticket's two atomics). The vCPUs are fixed at start.
 */
void gh_sim_exec_enter(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;

	if (vm->exec.solo) {
		__atomic_store_n(&v->exec.run_gen,
		                 __atomic_load_n(&v->exec.run_gen, __ATOMIC_RELAXED) + 1,
		                 __ATOMIC_RELAXED);
	} else if (!lease_end(&vm->exec, (uintptr_t)v)) {
		exec_lock(vm);
		/* a new slice: the service thread restarts its count (only
		 * the exec-lock holder writes run_gen: no read-modify-write
		 * needed) */
		__atomic_store_n(&v->exec.run_gen,
		                 __atomic_load_n(&v->exec.run_gen, __ATOMIC_RELAXED) + 1,
		                 __ATOMIC_RELAXED);
		v->exec.contended_tbs = 0;
	}
	if (gh_sim_maint_pending(&v->maint))
		gh_sim_maint_sync(v);
	/* A KICK_READY left from before this entry is kept: a kick racing
	 * with the caller's last look at immediate_exit must not be lost (a
	 * stale one costs one early READY). */
	__atomic_store_n(&v->exec.running, 1, __ATOMIC_SEQ_CST);
	/* An idle ticker keeps no time slices: wake it to count this one. */
	if (__atomic_load_n(&vm->sim->ticker.idle, __ATOMIC_SEQ_CST))
		gh_sim_ticker_wake(vm->sim);
}

void gh_sim_exec_leave(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;

	__atomic_store_n(&v->exec.running, 0, __ATOMIC_RELEASE);
	if (!vm->exec.solo && !lease_keep(&vm->exec, v))
		exec_unlock(&vm->exec);
}

/* --- the block hook ------------------------------------------------------------- */

/* Returns READY to the host from inside the engine; false when the VM is
 * being destroyed (the engine is stopped). */
static bool yield_ready(struct gh_sim_vcpu *v)
{
	v->stats.ready_exits++;
	gh_sim_post(v, GH_VCPU_STATE_READY, 0, 0, 0);
	gh_sim_yield(v);
	if (v->run.terminate) {
		gh_sim_stop(v);
		return false;
	}
	return true;
}

#define INSN_YIELD 0xd503203fU
#define INSN_WFE   0xd503205fU

/*
 * Is the block at @addr entered by falling through a WFE or a YIELD? Both end
 * their translation block in Unicorn (WFE as a no-op), so the next block
 * starts right where the last one ended; Linux's spin-waits (cpu_relax(),
 * smp_cond_load_*() through __cmpwait's WFEs, udelay()) come back to such a
 * block at each turn. Other instructions end blocks too (a conditional
 * branch not taken, an MSR to DAIF, an ISB, a page's end), and Linux masks
 * interrupts all the time: what the instruction before each block entered so
 * is, is read once and kept (the walk is dear), so that the check costs a
 * compare per block. Returns 1 (after a WFE or YIELD), 0, or -1: not known
 * yet (spin_wait_learn()).
 */
static inline int spin_wait(struct gh_sim_exec_cpu *x, uint64_t addr, uint32_t size)
{
	bool fell = addr == x->prev_end;
	uint64_t slot;

	x->prev_end = addr + size;
	if (!fell || !addr)
		return 0;
	slot = x->fell_into[(addr >> 2) & (GH_SIM_FELL_SLOTS - 1)];
	if ((slot & ~1ULL) != addr)
		return -1;
	return (int)(slot & 1);
}

/* Reads the instruction before the block at @addr for spin_wait(). */
static void spin_wait_learn(struct gh_sim_vcpu *v, uint64_t addr)
{
	uint32_t insn;
	bool hint = gh_sim_fetch_insn(v, addr - 4, &insn) &&
	            (insn == INSN_WFE || insn == INSN_YIELD);

	v->exec.fell_into[(addr >> 2) & (GH_SIM_FELL_SLOTS - 1)] = addr | hint;
}

/*
 * The block hook's rare work: a yield to a waiting vCPU (@spin: what
 * spin_wait() answered; only when @contended), kicks.
 */
static __attribute__((noinline, cold)) void hook_block_slow(struct gh_sim_vcpu *v, uint64_t addr,
                                                            bool contended, int spin)
{
	unsigned int k;

	/*
	 * Guest code of a VM runs on one host thread at a time. When another
	 * vCPU waits for its turn, end this slice early if this one spins
	 * waiting (it may wait for the one that waits), else after
	 * GH_SIM_CONTENDED_TBS blocks, for spin-waits without a hint. A block
	 * seen for the first time is no spin yet: a single WFE is none.
	 */
	if (contended) {
		if (spin < 0) {
			spin_wait_learn(v, addr);
			spin = 0;
		}
		if (spin || v->exec.contended_tbs >= GH_SIM_CONTENDED_TBS) {
			v->exec.contended_tbs = 0;
			if (spin)
				__atomic_store_n(&v->exec.spin_yields, v->exec.spin_yields + 1,
				                 __ATOMIC_RELAXED);
			if (!yield_ready(v))
				return;
		}
	}
	k = __atomic_load_n(&v->exec.kick, __ATOMIC_ACQUIRE);
	if (!k)
		return;
	if (k & KICK_STOP) {
		gh_sim_stop(v);
		return;
	}
	if ((k & KICK_IRQ) && !(gh_sim_reg_read(v, UC_ARM64_REG_PSTATE) & PSTATE_I)) {
		gh_sim_stop(v);
		return;
	}
	if (k & KICK_READY) {
		gh_sim_kick_clear(v, KICK_READY);
		yield_ready(v);
	}
}

/*
 * On every translation block: a leaf saving no registers on its fast paths
 * (two stores, two loads; while another vCPU waits, the spin-wait check and
 * the block count too), since it runs as often as guest code branches
 * (sim/README.md, "Performance").
 */
void gh_sim_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
	struct gh_sim_vcpu *v = user;
	struct gh_sim_exec_cpu *x = &v->exec;
	int spin;

	(void)uc;
	v->mmio.tb_start = addr;
	v->mmio.scan_pc = addr;
	if (__builtin_expect(!__atomic_load_n(&v->vm->exec.waiters, __ATOMIC_RELAXED), 1)) {
		if (__builtin_expect(__atomic_load_n(&x->kick, __ATOMIC_ACQUIRE) != 0, 0))
			hook_block_slow(v, addr, false, 0);
		return;
	}
	spin = spin_wait(x, addr, size);
	x->contended_tbs++;
	if (spin || x->contended_tbs >= GH_SIM_CONTENDED_TBS ||
	    __atomic_load_n(&x->kick, __ATOMIC_ACQUIRE))
		hook_block_slow(v, addr, true, spin);
}

/* Without the block hook (gh_sim_stop_at_block): what hook_block_slow does
 * for kicks, after the engine stopped at a block entry. KICK_IRQ alone is
 * left to the caller: gh_sim_handle_wfx does not sleep while an interrupt is
 * pending, and the next entry injects it (or, IRQs masked, looks again). */
bool gh_sim_serve_kicks(struct gh_sim_vcpu *v)
{
	unsigned int k = __atomic_load_n(&v->exec.kick, __ATOMIC_ACQUIRE);

	if (!(k & (KICK_READY | KICK_STOP)))
		return false;
	if (k & KICK_READY) {
		gh_sim_kick_clear(v, KICK_READY);
		v->stats.ready_exits++;
		gh_sim_post(v, GH_VCPU_STATE_READY, 0, 0, 0);
		gh_sim_yield(v);
	}
	return true;
}
