/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Everything the guest needs before its first instruction, checked before
 * any vCPU exists: RAM (and the flash, for --bios or an ELF's read-only
 * segments there) allocated, images loaded, the
 * DTB generated or read, placed and written, the boot registers chosen.
 */
#ifndef GHVMM_BOOT_H
#define GHVMM_BOOT_H

#include <stdint.h>

#include "loader.h"
#include "machine.h"
#include "options.h"

struct ghvmm_boot {
	struct ghvmm_mem ram;
	struct ghvmm_mem flash; /* size 0 when nothing is in it */
	uint64_t entry;         /* PC of the boot vCPU */
	uint64_t dtb_gpa;       /* x0 of the boot vCPU */
	uint64_t dtb_size;      /* bytes reserved for it */
	uint64_t initrd_gpa, initrd_size;
	struct ghvmm_image kernel; /* what --kernel loaded */
};

/*
 * Prepares @b from @o's images for machine @m (the generated DTB describes
 * it). On failure returns -errno with a one-line message naming the bad
 * file or argument in @err; everything allocated is released.
 */
int ghvmm_boot_prepare(const struct ghvmm_options *o, const struct ghvmm_machine *m,
                       struct ghvmm_boot *b, char *err, size_t errlen);
/* Writes the DTB in guest memory to @path. */
int ghvmm_boot_dump_dtb(const struct ghvmm_boot *b, const char *path, char *err, size_t errlen);
void ghvmm_boot_release(struct ghvmm_boot *b);

#endif
