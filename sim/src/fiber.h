/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fibers: each simulated vCPU's emulation runs on its own stack, entered
 * and left with gh_sim_ctx_switch (ctx_x86_64.S), annotated for ASan and
 * TSan so that their stack and happens-before tracking follow the switch.
 *
 * A fiber may be entered from any host thread; gh_sim_fiber_yield() always
 * returns to the thread that entered it last (its host context is recorded
 * on each entry). The caller must guarantee that one fiber is never entered
 * by two threads at once.
 */
#ifndef GH_SIM_FIBER_H
#define GH_SIM_FIBER_H

#include <stddef.h>

struct gh_sim_fiber {
	void *sp;    /* saved stack pointer while switched out */
	void *stack; /* mmap'd stack */
	size_t stack_size;
	void (*entry)(void *arg);
	void *arg;
	/* the host side of the current entry */
	void *host_sp;
	const void *host_stack_bottom; /* ASan */
	size_t host_stack_size;
	void *host_fake_stack; /* ASan fake stack of the host side */
	void *fake_stack;      /* ASan fake stack of the fiber side */
	void *tsan_fiber;      /* TSan: the fiber's own */
	void *tsan_host;       /* TSan: the fiber of the entering thread */
	int finished;
};

/* 0 or -ENOMEM. @entry runs on the fiber's stack and ends with
 * gh_sim_fiber_exit(). */
int gh_sim_fiber_init(struct gh_sim_fiber *f, size_t stack_size, void (*entry)(void *arg),
                      void *arg);
/* Frees the stack. The fiber must have finished or never been entered. */
void gh_sim_fiber_destroy(struct gh_sim_fiber *f);

/* Host side: runs @f until it yields or exits. */
void gh_sim_fiber_enter(struct gh_sim_fiber *f);
/* Fiber side: back to the host thread that entered it. */
void gh_sim_fiber_yield(struct gh_sim_fiber *f);
/* Fiber side: back to the host for good. */
__attribute__((noreturn)) void gh_sim_fiber_exit(struct gh_sim_fiber *f);

#endif /* GH_SIM_FIBER_H */
