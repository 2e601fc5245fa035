// SPDX-License-Identifier: BSD-3-Clause
/*
 * Fibers on mmap'd stacks with a guard page, switched by gh_sim_ctx_switch.
 * Under ASan the switch is bracketed by __sanitizer_{start,finish}_switch_fiber
 * (so fake stacks and stack bounds follow it); under TSan each fiber has its
 * own TSan fiber context and every switch synchronises (happens-before), which
 * is what makes resuming a fiber from another host thread race-free for TSan.
 */
#include "fiber.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GH_FIBER_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define GH_FIBER_TSAN 1
#endif
#endif

#ifdef GH_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef GH_FIBER_TSAN
#include <sanitizer/tsan_interface.h>
#endif

void gh_sim_ctx_switch(void **save_sp, void *load_sp);
void gh_sim_ctx_trampoline(void);

#define GUARD_SIZE 4096

static void fiber_main(void *arg);

int gh_sim_fiber_init(struct gh_sim_fiber *f, size_t stack_size, void (*entry)(void *arg),
                      void *arg)
{
	uintptr_t top;
	uint64_t *sp;
	void *mem;

	memset(f, 0, sizeof(*f));
	stack_size = (stack_size + 4095) & ~(size_t)4095;
	mem = mmap(NULL, stack_size + GUARD_SIZE, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -ENOMEM;
	if (mprotect(mem, GUARD_SIZE, PROT_NONE)) {
		munmap(mem, stack_size + GUARD_SIZE);
		return -ENOMEM;
	}
	f->stack = (char *)mem + GUARD_SIZE;
	f->stack_size = stack_size;
	f->entry = entry;
	f->arg = arg;

	/*
	 * Initial frame, as gh_sim_ctx_switch pops it: mxcsr/fpucw slot,
	 * r15, r14, r13 (= this fiber), r12 (= fiber_main), rbx, rbp, return
	 * address (the trampoline). After the `ret` the stack pointer is the
	 * 16-byte aligned top, so the trampoline's call enters fiber_main with
	 * the ABI's alignment (rsp + 8 aligned).
	 */
	top = ((uintptr_t)f->stack + stack_size) & ~(uintptr_t)15;
	sp = (uint64_t *)top;
	*--sp = (uint64_t)(uintptr_t)gh_sim_ctx_trampoline;
	*--sp = 0;                               /* rbp */
	*--sp = 0;                               /* rbx */
	*--sp = (uint64_t)(uintptr_t)fiber_main; /* r12 */
	*--sp = (uint64_t)(uintptr_t)f;          /* r13 */
	*--sp = 0;                               /* r14 */
	*--sp = 0;                               /* r15 */
	/* MXCSR default 0x1f80; x87 control word default 0x037f. */
	*--sp = 0x1f80ULL | (0x037fULL << 32);
	f->sp = sp;
#ifdef GH_FIBER_TSAN
	f->tsan_fiber = __tsan_create_fiber(0);
#endif
	return 0;
}

void gh_sim_fiber_destroy(struct gh_sim_fiber *f)
{
	if (!f->stack)
		return;
#ifdef GH_FIBER_TSAN
	if (f->tsan_fiber)
		__tsan_destroy_fiber(f->tsan_fiber);
#endif
#ifdef GH_FIBER_ASAN
	/* The stack's frames may still be poisoned in the shadow; a later
	 * mapping at the same address must not inherit that. */
	ASAN_UNPOISON_MEMORY_REGION(f->stack, f->stack_size);
#endif
	munmap((char *)f->stack - GUARD_SIZE, f->stack_size + GUARD_SIZE);
	f->stack = NULL;
}

static void fiber_arrived(struct gh_sim_fiber *f)
{
#ifdef GH_FIBER_ASAN
	/* Learns the bounds of the host stack we came from (any thread's). */
	__sanitizer_finish_switch_fiber(f->fake_stack, &f->host_stack_bottom, &f->host_stack_size);
#else
	(void)f;
#endif
}

static void fiber_main(void *arg)
{
	struct gh_sim_fiber *f = arg;

	fiber_arrived(f);
	f->entry(f->arg);
	gh_sim_fiber_exit(f);
}

void gh_sim_fiber_enter(struct gh_sim_fiber *f)
{
#ifdef GH_FIBER_TSAN
	f->tsan_host = __tsan_get_current_fiber();
#endif
#ifdef GH_FIBER_ASAN
	__sanitizer_start_switch_fiber(&f->host_fake_stack, f->stack, f->stack_size);
#endif
#ifdef GH_FIBER_TSAN
	__tsan_switch_to_fiber(f->tsan_fiber, 0);
#endif
	gh_sim_ctx_switch(&f->host_sp, f->sp);
#ifdef GH_FIBER_ASAN
	__sanitizer_finish_switch_fiber(f->host_fake_stack, NULL, NULL);
#endif
}

void gh_sim_fiber_yield(struct gh_sim_fiber *f)
{
#ifdef GH_FIBER_ASAN
	__sanitizer_start_switch_fiber(&f->fake_stack, f->host_stack_bottom, f->host_stack_size);
#endif
#ifdef GH_FIBER_TSAN
	__tsan_switch_to_fiber(f->tsan_host, 0);
#endif
	gh_sim_ctx_switch(&f->sp, f->host_sp);
	fiber_arrived(f);
}

void gh_sim_fiber_exit(struct gh_sim_fiber *f)
{
	f->finished = 1;
#ifdef GH_FIBER_ASAN
	/* NULL: this fiber's fake stack is destroyed. */
	__sanitizer_start_switch_fiber(NULL, f->host_stack_bottom, f->host_stack_size);
#endif
#ifdef GH_FIBER_TSAN
	__tsan_switch_to_fiber(f->tsan_host, 0);
#endif
	/* Not a local: under ASan this frame's fake stack is already gone. */
	gh_sim_ctx_switch(&f->sp, f->host_sp);
	__builtin_unreachable();
}
