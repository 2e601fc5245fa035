// SPDX-License-Identifier: BSD-3-Clause
/*
 * The service thread: ends time slices of vCPUs running guest code, fires timers.
 */
#include <time.h>

#include "sim_internal.h"

void gh_sim_ticker_wake(struct gh_sim *sim)
{
	/* Under sim->lock, so that a ticker about to sleep cannot miss it (it
	 * holds sim->lock until its wait releases it). */
	pthread_mutex_lock(&sim->lock);
	pthread_cond_signal(&sim->ticker.cv);
	pthread_mutex_unlock(&sim->lock);
}

/*
 * Linux writes its timer on every tick and hrtimer; a wake-up per write
 * (a signal, and sim->lock taken against the ticker) was a sixth of the
 * host's context switches in a 4-vCPU run, though the ticker was due to
 * wake sooner anyway. Either the write sees the ticker's wait (wake_ns) and
 * wakes it if that ends too late, or the ticker sees the write's count
 * (timer_gen) before waiting and looks at the timers again; between its
 * waits (wake_ns 0) it always does.
 */
void gh_sim_ticker_timer_set(struct gh_sim *sim, uint64_t due_ns)
{
	uint64_t wake;

	__atomic_fetch_add(&sim->ticker.timer_gen, 1, __ATOMIC_SEQ_CST);
	wake = __atomic_load_n(&sim->ticker.wake_ns, __ATOMIC_SEQ_CST);
	if (wake && due_ns < wake)
		gh_sim_ticker_wake(sim);
}

static void tick_vm(struct gh_sim_vm *vm, uint64_t now_ns, uint64_t *next_ns, bool *running)
{
	unsigned int i;

	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE) || gh_sim_vm_has_exited(vm))
		return;
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		/* the same entry seen on GH_SIM_SLICE_TICKS ticks: slice over */
		if (__atomic_load_n(&v->exec.running, __ATOMIC_SEQ_CST)) {
			uint64_t gen = __atomic_load_n(&v->exec.run_gen, __ATOMIC_RELAXED);

			*running = true;
			if (gen != v->slice.tick_gen) {
				v->slice.tick_gen = gen;
				v->slice.tick_count = 0;
			} else if (++v->slice.tick_count >= GH_SIM_SLICE_TICKS) {
				gh_sim_kick_set(v, KICK_READY);
			}
		}
		gh_sim_timer_tick(v, now_ns, next_ns);
	}
	pthread_mutex_unlock(&vm->lock);
}

/*
 * Time slices need a periodic tick only while some vCPU executes guest code;
 * timers need a wake-up only at their deadline. So an idle simulator (every
 * vCPU in WFI, or in the host) sleeps until the next timer, or until woken:
 * ticker.idle is set (seq_cst) before the vCPUs' running flags are read, and
 * an entry sets running (seq_cst) before reading ticker.idle — one of the two
 * sees the other. A wake-up takes sim->lock, which the ticker holds until its
 * wait releases it, so none is lost.
 */
static void *ticker_main(void *arg)
{
	struct gh_sim *sim = arg;

	pthread_mutex_lock(&sim->lock);
	while (!sim->ticker.stopping) {
		uint64_t now = gh_sim_now_ns(), next = UINT64_MAX, gen;
		bool running = false;
		struct timespec ts;
		unsigned int i;

		__atomic_store_n(&sim->ticker.wake_ns, 0, __ATOMIC_SEQ_CST);
		gen = __atomic_load_n(&sim->ticker.timer_gen, __ATOMIC_SEQ_CST);
		__atomic_store_n(&sim->ticker.idle, 1, __ATOMIC_SEQ_CST);
		for (i = 0; i < GH_SIM_MAX_VMS; i++)
			if (sim->vms[i])
				tick_vm(sim->vms[i], now, &next, &running);
		if (running) {
			__atomic_store_n(&sim->ticker.idle, 0, __ATOMIC_SEQ_CST);
			if (next > now + GH_SIM_TICK_NS)
				next = now + GH_SIM_TICK_NS;
		}
		__atomic_store_n(&sim->ticker.wake_ns, next, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&sim->ticker.timer_gen, __ATOMIC_SEQ_CST) != gen)
			continue; /* a timer written since its look */
		if (next == UINT64_MAX) {
			pthread_cond_wait(&sim->ticker.cv, &sim->lock);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000000000ULL);
		ts.tv_nsec = (long)(next % 1000000000ULL);
		pthread_cond_timedwait(&sim->ticker.cv, &sim->lock, &ts);
	}
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

int gh_sim_ticker_start(struct gh_sim *sim)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sim->ticker.cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&sim->ticker.thread, NULL, ticker_main, sim)) {
		pthread_cond_destroy(&sim->ticker.cv);
		return -ENOMEM;
	}
	return 0;
}

void gh_sim_ticker_stop(struct gh_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	sim->ticker.stopping = true;
	pthread_cond_broadcast(&sim->ticker.cv);
	pthread_mutex_unlock(&sim->lock);
	pthread_join(sim->ticker.thread, NULL);
	pthread_cond_destroy(&sim->ticker.cv);
}
