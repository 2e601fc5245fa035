/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Userspace specifics of the POSIX OS glue.
 *
 * "Signals": a userspace process has no per-task signal_pending() that a
 * condition variable wait honours, so the glue keeps its own per-thread
 * pending flag. gh_os_posix_kick(task) sets it on another thread and wakes that
 * thread out of gh_os_completion_wait_interruptible(); the in-process UAPI (the
 * analogue of a signal aimed at a vCPU thread, as KVM VMMs use to kick a vCPU
 * out of KVM_RUN) uses it, then the kicked thread clears it with
 * gh_os_posix_clear_kick() once it has seen the -EINTR (the analogue of the
 * signal being delivered). gh_os_signal_pending() is true when the calling
 * thread's flag is set. Real POSIX signals are not consulted.
 */
#ifndef GUNYAH_OS_POSIX_H
#define GUNYAH_OS_POSIX_H

#include <gunyah/os.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_os_task;

/* The calling thread's task, with a reference for the caller (gh_os_posix_task_put). */
struct gh_os_task *gh_os_posix_task_self(void);
void gh_os_posix_task_put(struct gh_os_task *t);
/* Sets @t's pending flag and wakes it if it waits interruptibly. */
void gh_os_posix_kick(struct gh_os_task *t);
/* Clears the calling thread's pending flag. */
void gh_os_posix_clear_kick(void);

/*
 * Fires host interrupt @irq: calls the handler gh_os_irq_request() attached,
 * in the calling thread. -ENOENT when none is attached. (The simulator calls
 * this when it asserts a vCPU's wake-up interrupt.)
 */
int gh_os_posix_irq_raise(uint32_t irq);

/* Warnings: printed to stderr (at most 10 per second); counted here. */
unsigned long gh_os_posix_warn_count(void);
/* Silences stderr output of warnings (the count still grows); for tests and fuzzers. */
void gh_os_posix_warn_quiet(bool quiet);

/*
 * The host's view of guest memory @m: all of it mapped shared, read-write
 * (PROT_NONE where it is lent), valid until gh_os_gmem_destroy(). One view per
 * store, made on the first call; NULL on failure. What a VMM mmaps from a
 * guest-memory fd in the kernel's world.
 */
void *gh_os_posix_gmem_view(struct gh_os_gmem *m);

/* Outstanding glue allocations (zalloc + pages + objects); tests check balance. */
long gh_os_posix_live_allocs(void);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_OS_POSIX_H */
