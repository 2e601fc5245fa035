/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Failure injection in the POSIX OS glue, for tests: fail_nth in the manner
 * of the kernel's /proc/<pid>/task/<tid>/fail-nth.
 *
 * gh_os_posix_fault_arm(classes, nth, err) makes the @nth call (counting from
 * 1) of the glue's injection points whose class is in @classes fail, once;
 * calls of the other classes are not counted. Every public call listed below
 * is exactly one injection point of one class (a mutex_alloc is one ALLOC
 * point, not two):
 *
 *  GH_OS_FAULT_ALLOC    gh_os_zalloc, gh_os_page_alloc_zeroed,
 *                       gh_os_mutex_alloc, gh_os_rwlock_alloc,
 *                       gh_os_completion_alloc: they return NULL
 *  GH_OS_FAULT_IRQ      gh_os_irq_request: returns @err
 *  GH_OS_FAULT_EVENTFD  gh_os_eventfd_get, gh_os_eventfd_watch: return @err
 *                       (they have no effect: no reference, no watch)
 *
 * The count is process-wide and atomic: calls of any thread count, in the
 * order they reach the counter. A test that wants a deterministic walk keeps
 * every injectable call on one thread (the glue's own watcher thread makes
 * none). When disarmed, an injection point costs one relaxed load.
 *
 * The live counters tell a test what the glue has outstanding, so it can
 * check that an unwind gave everything back.
 */
#ifndef GUNYAH_OS_POSIX_FAULT_H
#define GUNYAH_OS_POSIX_FAULT_H

#include <gunyah/os.h>

#ifdef __cplusplus
extern "C" {
#endif

enum gh_os_fault_class {
	GH_OS_FAULT_ALLOC = 1U << 0,
	GH_OS_FAULT_IRQ = 1U << 1,
	GH_OS_FAULT_EVENTFD = 1U << 2,
};

#define GH_OS_FAULT_ALL (GH_OS_FAULT_ALLOC | GH_OS_FAULT_IRQ | GH_OS_FAULT_EVENTFD)

/*
 * Arms injection: the @nth counted call (1-based) of a class in @classes
 * fails; @err (a negative errno) is what IRQ and EVENTFD points return
 * (ALLOC points return NULL). Resets the count and the record of the last
 * injection. -EINVAL when @classes has no known class, @nth is 0 or @err is
 * not negative.
 */
int gh_os_posix_fault_arm(unsigned int classes, unsigned long nth, int err);

/* What happened since the last arm: read by disarm() and status(). */
struct gh_os_posix_fault_report {
	unsigned long calls;      /* counted calls (of the armed classes) */
	unsigned int fired_class; /* the class of the call that failed, 0 when none did */
};

/* Stops injection; @report (may be NULL) receives what happened since arm. */
void gh_os_posix_fault_disarm(struct gh_os_posix_fault_report *report);
/* What has happened since arm, without disarming. */
void gh_os_posix_fault_status(struct gh_os_posix_fault_report *report);

/* Objects the glue has outstanding. */
struct gh_os_posix_live_counts {
	long allocs;   /* gh_os_posix_live_allocs(): zalloc, pages and objects */
	long irqs;     /* handlers attached with gh_os_irq_request */
	long eventfds; /* references taken with gh_os_eventfd_get */
	long watches;  /* gh_os_eventfd_watch registrations */
};

void gh_os_posix_live(struct gh_os_posix_live_counts *out);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_OS_POSIX_FAULT_H */
