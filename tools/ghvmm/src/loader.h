/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot images into guest memory: ELF64 AArch64, arm64 Linux Image, raw
 * binaries, firmware in flash, an initrd and the DTB. Every image is
 * untrusted input: each size, offset and address is checked against the file
 * and against the memory it lands in, with overflow-safe arithmetic, and a
 * bad image is reported in one line naming it before any vCPU runs.
 */
#ifndef GHVMM_LOADER_H
#define GHVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A piece of guest-physical memory and the host memory behind it. */
struct ghvmm_mem {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

enum ghvmm_image_kind {
	GHVMM_IMAGE_ELF,
	GHVMM_IMAGE_LINUX,
	GHVMM_IMAGE_RAW,
};

/* What was loaded, and where. */
struct ghvmm_image {
	enum ghvmm_image_kind kind;
	uint64_t entry;
	uint64_t start; /* lowest byte loaded in RAM */
	uint64_t end;   /* one past the highest byte loaded in RAM (incl. bss) */
	bool in_rom;    /* an ELF segment went into the ROM window */
};

/*
 * Opens a regular file of at most @max bytes for reading: -EINVAL when it is
 * not a regular file, -EFBIG when it is larger.
 */
int ghvmm_open_file(const char *path, uint64_t max, int *fd, uint64_t *size);
/* Reads exactly @len bytes at offset @off of @fd: -EIO when the file ends first. */
int ghvmm_read_fd(int fd, uint64_t off, void *dst, uint64_t len);
/* Reads a whole file (ghvmm_open_file(), then into a malloc()ed buffer). */
int ghvmm_read_file(const char *path, uint64_t max, uint8_t **data, size_t *len);

/* Copies @len bytes to guest address @gpa: -ERANGE unless wholly inside @mem. */
int ghvmm_mem_write(const struct ghvmm_mem *mem, uint64_t gpa, const void *src, uint64_t len);
/* Reads the first @len bytes of file @fd to @gpa: -ERANGE unless wholly
 * inside @mem; on failure a reason in @err. */
int ghvmm_mem_read_file(const struct ghvmm_mem *mem, uint64_t gpa, int fd, uint64_t len, char *err,
                        size_t errlen);
/* True when [gpa, gpa+len) lies inside @mem (len 0 is never inside). */
bool ghvmm_mem_contains(const struct ghvmm_mem *mem, uint64_t gpa, uint64_t len);

/*
 * Loads a kernel image of any supported kind into @ram. @load_addr (when
 * @has_load_addr) places a raw binary; it is an error for the other kinds.
 * @rom (NULL: none) is a read-only window outside RAM, the flash when no
 * firmware occupies it: an ELF's segments without PF_W that lie wholly in it
 * are loaded there, as QEMU's virt does with -kernel (lld's default layout
 * puts the ELF and program headers in such a segment below the text).
 * Every other segment must lie in RAM. On failure writes a reason (without
 * the file name) into @err.
 */
int ghvmm_load_kernel(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, const uint8_t *data,
                      size_t len, bool has_load_addr, uint64_t load_addr, struct ghvmm_image *img,
                      char *err, size_t errlen);

/*
 * ghvmm_load_kernel() for the @len bytes of file @fd: a Linux Image or a raw
 * binary is read straight into @ram, with no copy of the file in between (a
 * distribution's kernel is tens of MiB); an ELF is read whole first. The
 * checks come before anything is written; a read that fails after them
 * (the file shrank) leaves @ram partly written.
 */
int ghvmm_load_kernel_file(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, int fd,
                           uint64_t len, bool has_load_addr, uint64_t load_addr,
                           struct ghvmm_image *img, char *err, size_t errlen);

/* The individual loaders, for tests. Same contract as ghvmm_load_kernel. */
int ghvmm_load_elf(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, const uint8_t *data,
                   size_t len, struct ghvmm_image *img, char *err, size_t errlen);
int ghvmm_load_linux_image(const struct ghvmm_mem *ram, const uint8_t *data, size_t len,
                           struct ghvmm_image *img, char *err, size_t errlen);
bool ghvmm_is_elf(const uint8_t *data, size_t len);
bool ghvmm_is_linux_image(const uint8_t *data, size_t len);

/*
 * Where the DTB (of at most @dtb_size bytes) and an initrd of @initrd_len
 * bytes go, given what the kernel occupies. The DTB goes at the start of RAM
 * when it is free (as QEMU does), else at the top; the initrd goes above the
 * kernel, 2 MiB aligned. -ENOSPC when they do not fit.
 */
int ghvmm_place_boot_data(const struct ghvmm_mem *ram, const struct ghvmm_image *kernel,
                          uint64_t dtb_size, uint64_t initrd_len, uint64_t *dtb_gpa,
                          uint64_t *initrd_gpa, char *err, size_t errlen);

#endif
