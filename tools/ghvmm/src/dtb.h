/* SPDX-License-Identifier: BSD-3-Clause */
/* The device tree of ghvmm's machine, built with libfdt. */
#ifndef GHVMM_DTB_H
#define GHVMM_DTB_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"

struct ghvmm_dtb_config {
	/* CPUs (1..GHVMM_MAX_CPUS), RAM and one node per device, in its order */
	const struct ghvmm_machine *machine;
	const char *cmdline;   /* /chosen/bootargs, or NULL */
	uint64_t initrd_start; /* with initrd_end: /chosen linux,initrd-* */
	uint64_t initrd_end;   /* 0: no initrd */
};

/*
 * Builds the DTB of @c->machine into @buf (at most @size bytes): memory,
 * CPUs, PSCI, timer, GIC, the APB clock, then each device's node from its
 * description; /chosen's stdout-path is the first PL011. Returns its total
 * size, or a negative errno with a reason in @err (-EINVAL for a machine out
 * of range, -ENOSPC when @size is too small).
 */
int ghvmm_build_dtb(const struct ghvmm_dtb_config *c, void *buf, size_t size, char *err,
                    size_t errlen);

/* Checks that @blob of @len bytes is a well-formed DTB that fits in @len. */
int ghvmm_check_dtb(const void *blob, size_t len, char *err, size_t errlen);

#endif
