/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generic timer: the counter, each vCPU's virtual and physical timers as PPIs.
 */
#ifndef GH_SIM_ARCH_TIMER_H
#define GH_SIM_ARCH_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct gh_sim_vcpu;
struct gh_sim_vm;

struct gh_sim_timer {
	uint64_t ctl;
	uint64_t cval;
	bool fired; /* notified since the last reprogramming */
};

/* A vCPU's timers (under vm->lock). */
struct gh_sim_timer_cpu {
	struct gh_sim_timer vtimer;
	struct gh_sim_timer ptimer;
};

uint64_t gh_sim_now_ns(void);
/* The guest's counter: GH_SIM_CNTFRQ since the VM started. */
uint64_t gh_sim_counter(const struct gh_sim_vm *vm);
/* CNT* registers of @v: false when @key (GH_SIM_SYSREG) is none of them. */
bool gh_sim_timer_sysreg(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val);
/* The service thread's look at @v's timers (vm->lock held): raises the due
 * ones, lowers *@next_ns to the next deadline. */
void gh_sim_timer_tick(struct gh_sim_vcpu *v, uint64_t now_ns, uint64_t *next_ns);

#endif /* GH_SIM_ARCH_TIMER_H */
