/* SPDX-License-Identifier: BSD-3-Clause */
/* The device tree of ghvmm's machine, built with libfdt. */
#ifndef GHVMM_DTB_H
#define GHVMM_DTB_H

#include <stddef.h>
#include <stdint.h>

struct ghvmm_dtb_config {
	unsigned int cpus;		/* 1..GHVMM_MAX_CPUS, MPIDR Aff0 = index */
	uint64_t ram_size;		/* RAM at GHVMM_RAM_BASE */
	const char *cmdline;		/* /chosen/bootargs, or NULL */
	uint64_t initrd_start;		/* with initrd_end: /chosen linux,initrd-* */
	uint64_t initrd_end;		/* 0: no initrd */
	unsigned int virtio_slots;	/* virtio-mmio nodes for slots 0..n-1 */
};

/*
 * Builds the DTB into @buf (at most @size bytes). Returns its total size, or
 * a negative errno with a reason in @err (-ENOSPC when @size is too small).
 */
int ghvmm_build_dtb(const struct ghvmm_dtb_config *c, void *buf, size_t size, char *err,
		    size_t errlen);

/* Checks that @blob of @len bytes is a well-formed DTB that fits in @len. */
int ghvmm_check_dtb(const void *blob, size_t len, char *err, size_t errlen);

#endif
