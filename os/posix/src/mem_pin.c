// SPDX-License-Identifier: BSD-3-Clause
/*
 * gh_os_mem_pin() for userspace: the process's own addresses are what the
 * in-process resource manager calls physical, so a pinned range is the range
 * itself. Every page must be mapped (msync(2) tells); writability is not
 * checked here (the simulator's stage 2 takes the access rights from the
 * parcel's ACL). And the other calls on the process's own memory and time:
 * copies from "user" addresses, the monotonic clock.
 */
#include <gunyah/os.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mem_internal.h"

/* Every page of the range mapped: msync(MS_ASYNC) fails with ENOMEM where
 * part of it is not, and on Linux walks the mappings, not the pages (mincore
 * walks every page: 64 GiB took milliseconds). */
static bool range_mapped(uint64_t uaddr, uint64_t size)
{
	return msync((void *)(uintptr_t)uaddr, size, MS_ASYNC) == 0;
}

int gh_os_mem_pin(uint64_t uaddr, uint64_t size, bool writable, struct gh_os_pinned **out)
{
	uint64_t page = gh_os_page_size();
	struct gh_os_pinned *p;

	(void)writable;
	if (!out || !size || (uaddr | size) & (page - 1) || uaddr + size < uaddr ||
	    uaddr + size - 1 > UINTPTR_MAX)
		return -EINVAL;
	if (!range_mapped(uaddr, size))
		return -EFAULT;
	p = gh_os_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->range.phys = uaddr;
	p->range.size = size;
	*out = p;
	return 0;
}

size_t gh_os_pinned_ranges(const struct gh_os_pinned *p, const struct gh_os_mem_range **ranges)
{
	*ranges = &p->range;
	return 1;
}

void gh_os_mem_unpin(struct gh_os_pinned *p)
{
	if (p && p->mapping)
		munmap(p->mapping, p->range.size);
	gh_os_free(p);
}

int gh_os_copy_from_user(void *dst, uint64_t src, size_t len)
{
	if (!len)
		return 0;
	if (!src || src + len < src || src + len - 1 > UINTPTR_MAX)
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)src, len);
	return 0;
}

uint64_t gh_os_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
