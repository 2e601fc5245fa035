// SPDX-License-Identifier: BSD-3-Clause
/* Guest memory, images, initrd and DTB in place before the first vCPU runs. */
#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dtb.h"
#include "report.h"

static int map_mem(struct ghvmm_mem *m, uint64_t gpa, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	m->gpa = gpa;
	m->size = size;
	m->host = p;
	return 0;
}

static void unmap_mem(struct ghvmm_mem *m)
{
	if (m->host)
		munmap(m->host, m->size);
	memset(m, 0, sizeof(*m));
}

/* ghvmm_open_file()'s or ghvmm_read_file()'s error @r for @what @path. */
static int file_failed(int r, const char *what, const char *path, uint64_t max, char *err,
                       size_t errlen)
{
	if (r == -EFBIG)
		return ghvmm_fail(err, errlen, r, "%s %s: larger than %llu bytes", what, path,
		                  (unsigned long long)max);
	if (r == -EINVAL)
		return ghvmm_fail(err, errlen, r, "%s %s: not a regular file", what, path);
	return ghvmm_fail(err, errlen, r, "%s %s: %s", what, path, strerror(-r));
}

/* Reads @path (at most @max bytes) with a message naming it on failure. */
static int read_named(const char *what, const char *path, uint64_t max, uint8_t **data, size_t *len,
                      char *err, size_t errlen)
{
	int r = ghvmm_read_file(path, max, data, len);

	return r ? file_failed(r, what, path, max, err, errlen) : 0;
}

/* Opens @path (at most @max bytes) with a message naming it on failure. */
static int open_named(const char *what, const char *path, uint64_t max, int *fd, uint64_t *len,
                      char *err, size_t errlen)
{
	int r = ghvmm_open_file(path, max, fd, len);

	return r ? file_failed(r, what, path, max, err, errlen) : 0;
}

int ghvmm_boot_prepare(const struct ghvmm_options *o, const struct ghvmm_machine *m,
                       struct ghvmm_boot *b, char *err, size_t errlen)
{
	char why[192];
	uint8_t *data = NULL, *dtb_file = NULL;
	size_t len = 0, dtb_len = 0;
	uint64_t kernel_len, initrd_len = 0;
	int kernel_fd = -1, initrd_fd = -1;
	void *dtb = NULL;
	int r;

	memset(b, 0, sizeof(*b));
	r = map_mem(&b->ram, GHVMM_RAM_BASE, m->ram_size);
	if (r)
		return ghvmm_fail(err, errlen, r, "--mem %llu: cannot allocate guest RAM: %s",
		                  (unsigned long long)m->ram_size, strerror(-r));

	if (o->bios) {
		r = read_named("--bios", o->bios, GHVMM_FLASH_BANK_SIZE, &data, &len, err, errlen);
		if (r)
			goto out;
		if (!len) {
			r = ghvmm_fail(err, errlen, -EINVAL, "--bios %s: empty file", o->bios);
			goto out;
		}
		r = map_mem(&b->flash, GHVMM_FLASH_BASE, GHVMM_FLASH_SIZE);
		if (r) {
			ghvmm_fail(err, errlen, r, "cannot allocate the flash: %s", strerror(-r));
			goto out;
		}
		memcpy(b->flash.host, data, len);
		b->entry = GHVMM_FLASH_BASE;
	} else {
		r = open_named("--kernel", o->kernel, m->ram_size, &kernel_fd, &kernel_len, err,
		               errlen);
		if (r)
			goto out;
		/* Without firmware the flash window may take an ELF's read-only
		 * segments; it only becomes guest memory when one went there. */
		r = map_mem(&b->flash, GHVMM_FLASH_BASE, GHVMM_FLASH_SIZE);
		if (r) {
			ghvmm_fail(err, errlen, r, "cannot allocate the flash: %s", strerror(-r));
			goto out;
		}
		r = ghvmm_load_kernel_file(&b->ram, &b->flash, kernel_fd, kernel_len,
		                           o->has_load_addr, o->load_addr, &b->kernel, why,
		                           sizeof(why));
		if (r) {
			ghvmm_fail(err, errlen, r, "--kernel %s: %s", o->kernel, why);
			goto out;
		}
		if (!b->kernel.in_rom)
			unmap_mem(&b->flash);
		b->entry = b->kernel.entry;
	}

	if (o->initrd) {
		r = open_named("--initrd", o->initrd, m->ram_size, &initrd_fd, &initrd_len, err,
		               errlen);
		if (r)
			goto out;
	}

	if (o->dtb) {
		r = read_named("--dtb", o->dtb, GHVMM_DTB_MAX_SIZE, &dtb_file, &dtb_len, err,
		               errlen);
		if (r)
			goto out;
		r = ghvmm_check_dtb(dtb_file, dtb_len, why, sizeof(why));
		if (r) {
			ghvmm_fail(err, errlen, r, "--dtb %s: %s", o->dtb, why);
			goto out;
		}
		b->dtb_size = (dtb_len + 4095) & ~4095ULL;
	} else {
		b->dtb_size = GHVMM_DTB_MAX_SIZE;
	}

	r = ghvmm_place_boot_data(&b->ram, o->bios ? NULL : &b->kernel, b->dtb_size, initrd_len,
	                          &b->dtb_gpa, &b->initrd_gpa, why, sizeof(why));
	if (r) {
		ghvmm_fail(err, errlen, r, "%s: %s", o->initrd ? o->initrd : o->kernel, why);
		goto out;
	}
	if (initrd_len) {
		/* straight into guest memory: an initrd can be tens of MiB */
		r = ghvmm_mem_read_file(&b->ram, b->initrd_gpa, initrd_fd, initrd_len, why,
		                        sizeof(why));
		if (r) {
			ghvmm_fail(err, errlen, r, "--initrd %s: %s", o->initrd, why);
			goto out;
		}
		b->initrd_size = initrd_len;
	}

	if (dtb_file) {
		ghvmm_mem_write(&b->ram, b->dtb_gpa, dtb_file, dtb_len);
	} else {
		struct ghvmm_dtb_config c = {
			.machine = m,
			.cmdline = o->cmdline,
			.initrd_start = initrd_len ? b->initrd_gpa : 0,
			.initrd_end = initrd_len ? b->initrd_gpa + initrd_len : 0,
		};

		dtb = malloc(b->dtb_size);
		if (!dtb) {
			r = ghvmm_fail(err, errlen, -ENOMEM, "out of memory for the DTB");
			goto out;
		}
		r = ghvmm_build_dtb(&c, dtb, b->dtb_size, why, sizeof(why));
		if (r < 0) {
			ghvmm_fail(err, errlen, r, "%s", why);
			goto out;
		}
		ghvmm_mem_write(&b->ram, b->dtb_gpa, dtb, (uint64_t)r);
	}
	r = 0;
out:
	if (kernel_fd >= 0)
		close(kernel_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	free(data);
	free(dtb_file);
	free(dtb);
	if (r)
		ghvmm_boot_release(b);
	return r;
}

int ghvmm_boot_dump_dtb(const struct ghvmm_boot *b, const char *path, char *err, size_t errlen)
{
	const uint8_t *blob = b->ram.host + (b->dtb_gpa - b->ram.gpa);
	uint32_t size;
	int fd, r;

	memcpy(&size, blob + 4, sizeof(size));
	size = __builtin_bswap32(size); /* totalsize, big-endian */
	if (size > b->dtb_size)
		return ghvmm_fail(err, errlen, -EINVAL, "the DTB's header is corrupt");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ghvmm_fail(err, errlen, -errno, "--dump-dtb %s: %s", path, strerror(errno));
	r = 0;
	for (uint32_t done = 0; done < size;) {
		ssize_t n = write(fd, blob + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = ghvmm_fail(err, errlen, n < 0 ? -errno : -EIO, "--dump-dtb %s: %s",
			               path, strerror(n < 0 ? errno : EIO));
			break;
		}
		done += (uint32_t)n;
	}
	if (close(fd) && !r)
		r = ghvmm_fail(err, errlen, -errno, "--dump-dtb %s: %s", path, strerror(errno));
	return r;
}

void ghvmm_boot_release(struct ghvmm_boot *b)
{
	unmap_mem(&b->ram);
	unmap_mem(&b->flash);
}
