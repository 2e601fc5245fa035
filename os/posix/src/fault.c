// SPDX-License-Identifier: BSD-3-Clause
/*
 * Failure injection (fail_nth) and the live-object counters of the POSIX
 * glue; see <gunyah/os_posix_fault.h>. Everything here is an atomic: the
 * glue's functions call the hook from any thread.
 */
#include <gunyah/os_posix.h>
#include <gunyah/os_posix_fault.h>

#include "fault_internal.h"

unsigned int gh_os_fault_armed;
int gh_os_fault_err;

static unsigned long fault_nth;
static unsigned long fault_calls;
static unsigned int fault_fired;

static long live[GH_OS_LIVE_NR];

bool gh_os_fault_hit(unsigned int cls)
{
	unsigned int armed = __atomic_load_n(&gh_os_fault_armed, __ATOMIC_ACQUIRE);
	unsigned int none = 0;
	unsigned long n;

	if (!(armed & cls))
		return false;
	n = __atomic_add_fetch(&fault_calls, 1, __ATOMIC_RELAXED);
	if (n != __atomic_load_n(&fault_nth, __ATOMIC_RELAXED))
		return false;
	/* Exactly one call sees n == nth: it records its class. */
	__atomic_compare_exchange_n(&fault_fired, &none, cls, false, __ATOMIC_RELAXED,
	                            __ATOMIC_RELAXED);
	return true;
}

int gh_os_posix_fault_arm(unsigned int classes, unsigned long nth, int err)
{
	if (!(classes & GH_OS_FAULT_ALL) || !nth || err >= 0)
		return -EINVAL;
	__atomic_store_n(&gh_os_fault_armed, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_nth, nth, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_calls, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_fired, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&gh_os_fault_err, err, __ATOMIC_RELAXED);
	/* Publishes the above to a hook that sees the classes (acquire). */
	__atomic_store_n(&gh_os_fault_armed, classes & GH_OS_FAULT_ALL, __ATOMIC_RELEASE);
	return 0;
}

void gh_os_posix_fault_status(struct gh_os_posix_fault_report *report)
{
	if (!report)
		return;
	report->calls = __atomic_load_n(&fault_calls, __ATOMIC_RELAXED);
	report->fired_class = __atomic_load_n(&fault_fired, __ATOMIC_RELAXED);
}

void gh_os_posix_fault_disarm(struct gh_os_posix_fault_report *report)
{
	__atomic_store_n(&gh_os_fault_armed, 0, __ATOMIC_SEQ_CST);
	gh_os_posix_fault_status(report);
}

void gh_os_live_count(enum gh_os_live_kind kind, long d)
{
	__atomic_add_fetch(&live[kind], d, __ATOMIC_RELAXED);
}

void gh_os_posix_live(struct gh_os_posix_live_counts *out)
{
	out->allocs = gh_os_posix_live_allocs();
	out->irqs = __atomic_load_n(&live[GH_OS_LIVE_IRQS], __ATOMIC_RELAXED);
	out->eventfds = __atomic_load_n(&live[GH_OS_LIVE_EVENTFDS], __ATOMIC_RELAXED);
	out->watches = __atomic_load_n(&live[GH_OS_LIVE_WATCHES], __ATOMIC_RELAXED);
}
