/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The service thread: time slices of running vCPUs and timer deadlines.
 */
#ifndef GH_SIM_TICKER_H
#define GH_SIM_TICKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct gh_sim;

#define GH_SIM_TICK_NS     1000000ULL /* service thread period */
#define GH_SIM_SLICE_TICKS 2          /* slice: 1..2 ticks */

struct gh_sim_ticker {
	pthread_cond_t cv; /* with sim->lock */
	pthread_t thread;
	/* The ticker sleeps with no period: an entry into guest code must wake
	 * it (see ticker_main). Accessed with seq_cst atomics. */
	int idle;
	/* The end of the ticker's current wait (UINT64_MAX: none; 0: it is
	 * between waits), and a count of timer writes: a Dekker pair with
	 * gh_sim_ticker_timer_set, seq_cst atomics. */
	uint64_t wake_ns;
	uint64_t timer_gen;
	bool stopping;
};

/* A vCPU's time slice as the service thread sees it. */
struct gh_sim_slice {
	uint64_t tick_gen;       /* exec.run_gen last seen */
	unsigned int tick_count; /* ticks run_gen unchanged */
};

/* 0 or -ENOMEM. */
int gh_sim_ticker_start(struct gh_sim *sim);
void gh_sim_ticker_stop(struct gh_sim *sim);
/* The ticker recomputes its deadline (takes sim->lock). */
void gh_sim_ticker_wake(struct gh_sim *sim);
/* A timer was written and now fires at @due_ns (UINT64_MAX: not armed):
 * wakes the ticker only when its wait would end after that. */
void gh_sim_ticker_timer_set(struct gh_sim *sim, uint64_t due_ns);

#endif /* GH_SIM_TICKER_H */
