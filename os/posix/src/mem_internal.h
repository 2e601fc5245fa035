/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to os/posix/src: what a pinned range is in userspace. */
#ifndef GUNYAH_OS_POSIX_MEM_INTERNAL_H
#define GUNYAH_OS_POSIX_MEM_INTERNAL_H

#include <gunyah/os.h>

/* @range: the "physical" range, a process address; @mapping: not NULL when
 * the pin made a mapping of its own (guest memory), unmapped at unpin. */
struct gh_os_pinned {
	struct gh_os_mem_range range;
	void *mapping;
};

#endif /* GUNYAH_OS_POSIX_MEM_INTERNAL_H */
