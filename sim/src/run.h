/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vCPU fiber loop and the host's vcpu_run / vcpu_run_check into it.
 */
#ifndef GH_SIM_RUN_H
#define GH_SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/hypercall.h>

struct gh_sim;
struct gh_sim_vcpu;

#define GH_SIM_FIBER_STACK_SIZE (8u << 20)

/* fiber <-> host hand-over (only touched by the exec-lock holder) */
struct gh_sim_run_cpu {
	int in_run;     /* atomic: a vcpu_run is in flight */
	bool terminate; /* set by destroy before the last entry */
	uint64_t exit_state;
	uint64_t exit_data[3];
	uint64_t resume[3];
	bool stop_requested;  /* we called uc_emu_stop */
	bool faulted;         /* this vCPU crashed the VM: report FAULT */
	bool resume_pc_valid; /* resume at resume_pc after a refused store */
	uint64_t resume_pc;
};

/* The fiber's entry. */
void gh_sim_vcpu_main(void *arg);

/* gh_sim_post(), gh_sim_yield() and gh_sim_stop(): sim_internal.h (inline). */
/* A crashed vCPU parks here until the VM is destroyed. */
void gh_sim_park(struct gh_sim_vcpu *v);

/* vcpu_run: @capid, @resume (x2..x4), @x5; on GH_ERROR_OK @resp gets x1..x4. */
enum gh_error gh_sim_vcpu_run(struct gh_sim *sim, uint64_t capid, const uint64_t resume[3],
                              uint64_t x5, struct gh_hypercall_vcpu_run_resp *resp);
/* vcpu_run_check of @capid: the state into @state (x1..x4). */
enum gh_error gh_sim_vcpu_run_check(struct gh_sim *sim, uint64_t capid, uint64_t state[4]);

#endif /* GH_SIM_RUN_H */
