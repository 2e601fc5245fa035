/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to os/posix/src: the injection hook and the live counters that the
 * glue's functions update (fault.c holds them). A new allocating call of
 * <gunyah/os.h> calls gh_os_fault_should_fail(GH_OS_FAULT_ALLOC) once, on
 * entry, and fails as the allocation failing would.
 */
#ifndef GUNYAH_OS_POSIX_FAULT_INTERNAL_H
#define GUNYAH_OS_POSIX_FAULT_INTERNAL_H

#include <gunyah/os_posix_fault.h>

/* The armed classes: 0 when disarmed (the one load a disarmed hook pays). */
extern unsigned int gh_os_fault_armed;
/* The error IRQ and EVENTFD points return when they fail. */
extern int gh_os_fault_err;

bool gh_os_fault_hit(unsigned int cls);

/* True when this call (of class @cls) is the one that must fail. */
static inline bool gh_os_fault_should_fail(unsigned int cls)
{
	if (__builtin_expect(!__atomic_load_n(&gh_os_fault_armed, __ATOMIC_RELAXED), 1))
		return false;
	return gh_os_fault_hit(cls);
}

enum gh_os_live_kind {
	GH_OS_LIVE_IRQS,
	GH_OS_LIVE_EVENTFDS,
	GH_OS_LIVE_WATCHES,
	GH_OS_LIVE_NR,
};

void gh_os_live_count(enum gh_os_live_kind kind, long d);

#endif /* GUNYAH_OS_POSIX_FAULT_INTERNAL_H */
