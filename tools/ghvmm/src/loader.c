// SPDX-License-Identifier: BSD-3-Clause
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

#define SZ_2M                  (2ULL << 20)
#define SZ_4K                  4096ULL
#define ELF_MAX_PHDRS          256
#define LINUX_IMAGE_MAGIC      0x644d5241U /* "ARM\x64" */
#define LINUX_IMAGE_HDR_SIZE   64
#define LINUX_DEFAULT_TEXT_OFF 0x80000ULL


int ghvmm_open_file(const char *path, uint64_t max, int *fd_out, uint64_t *size)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		ret = -EFBIG;
		goto fail;
	}
	*fd_out = fd;
	*size = (uint64_t)st.st_size;
	return 0;
fail:
	close(fd);
	return ret;
}

int ghvmm_read_fd(int fd, uint64_t off, void *dst, uint64_t len)
{
	uint8_t *p = dst;

	while (len) {
		size_t chunk = len > (1U << 30) ? (1U << 30) : (size_t)len;
		ssize_t n = pread(fd, p, chunk, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* The first @len bytes of @fd in a malloc()ed buffer: -ENOMEM, or
 * ghvmm_read_fd()'s error. */
static int read_fd_alloc(int fd, uint64_t len, uint8_t **out)
{
	uint8_t *buf = malloc(len ? (size_t)len : 1);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = ghvmm_read_fd(fd, 0, buf, len);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

int ghvmm_read_file(const char *path, uint64_t max, uint8_t **data, size_t *len)
{
	uint64_t size;
	int fd, ret;

	ret = ghvmm_open_file(path, max, &fd, &size);
	if (ret)
		return ret;
	ret = read_fd_alloc(fd, size, data);
	close(fd);
	if (!ret)
		*len = (size_t)size;
	return ret;
}

bool ghvmm_mem_contains(const struct ghvmm_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!len || gpa < mem->gpa)
		return false;
	if (gpa - mem->gpa > mem->size)
		return false;
	return len <= mem->size - (gpa - mem->gpa);
}

int ghvmm_mem_write(const struct ghvmm_mem *mem, uint64_t gpa, const void *src, uint64_t len)
{
	if (!len)
		return 0;
	if (!ghvmm_mem_contains(mem, gpa, len))
		return -ERANGE;
	memcpy(mem->host + (gpa - mem->gpa), src, (size_t)len);
	return 0;
}

static int mem_zero(const struct ghvmm_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!len)
		return 0;
	if (!ghvmm_mem_contains(mem, gpa, len))
		return -ERANGE;
	memset(mem->host + (gpa - mem->gpa), 0, (size_t)len);
	return 0;
}

bool ghvmm_is_elf(const uint8_t *data, size_t len)
{
	return len >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG);
}

bool ghvmm_is_linux_image(const uint8_t *data, size_t len)
{
	uint32_t magic;

	if (len < LINUX_IMAGE_HDR_SIZE)
		return false;
	memcpy(&magic, data + 56, sizeof(magic));
	return magic == LINUX_IMAGE_MAGIC;
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Where ELF segment @p goes: @ram, or @rom for a read-only one inside it. */
static const struct ghvmm_mem *elf_segment_home(const struct ghvmm_mem *ram,
                                                const struct ghvmm_mem *rom, const Elf64_Phdr *p)
{
	if (ghvmm_mem_contains(ram, p->p_paddr, p->p_memsz))
		return ram;
	if (rom && rom->size && !(p->p_flags & PF_W) &&
	    ghvmm_mem_contains(rom, p->p_paddr, p->p_memsz))
		return rom;
	return NULL;
}

int ghvmm_load_elf(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, const uint8_t *data,
                   size_t len, struct ghvmm_image *img, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[ELF_MAX_PHDRS];
	uint64_t lo = UINT64_MAX, hi = 0;
	bool entry_ok = false, in_rom = false;
	unsigned int nload = 0;

	if (len < sizeof(eh))
		return ghvmm_fail(err, errlen, -EINVAL, "truncated ELF header");
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return ghvmm_fail(err, errlen, -EINVAL, "not a 64-bit ELF");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return ghvmm_fail(err, errlen, -EINVAL, "not a little-endian ELF");
	if (eh.e_machine != EM_AARCH64)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "wrong architecture (e_machine %u, not AArch64)", eh.e_machine);
	if (eh.e_type != ET_EXEC)
		return ghvmm_fail(err, errlen, -EINVAL, "not an executable ELF (e_type %u)",
		                  eh.e_type);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return ghvmm_fail(err, errlen, -EINVAL, "bad program header size %u",
		                  eh.e_phentsize);
	if (eh.e_phnum == 0 || eh.e_phnum > ELF_MAX_PHDRS)
		return ghvmm_fail(err, errlen, -EINVAL, "%u program headers (1..%d allowed)",
		                  eh.e_phnum, ELF_MAX_PHDRS);
	if (eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "program headers beyond the end of the file");
	memcpy(ph, data + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));

	/* Validate everything before writing anything. */
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		const struct ghvmm_mem *home;

		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		if (p->p_filesz > p->p_memsz)
			return ghvmm_fail(err, errlen, -EINVAL,
			                  "segment %u: file size above memory size", i);
		if (p->p_offset > len || p->p_filesz > len - p->p_offset)
			return ghvmm_fail(
				err, errlen, -EINVAL,
				"segment %u: data beyond the end of the file (truncated?)", i);
		home = elf_segment_home(ram, rom, p);
		if (!home && rom && rom->size && ghvmm_mem_contains(rom, p->p_paddr, p->p_memsz))
			return ghvmm_fail(
				err, errlen, -ERANGE,
				"segment %u at 0x%llx+0x%llx is writable, and outside RAM "
				"0x%llx..0x%llx (in the read-only flash)",
				i, (unsigned long long)p->p_paddr, (unsigned long long)p->p_memsz,
				(unsigned long long)ram->gpa,
				(unsigned long long)(ram->gpa + ram->size));
		if (!home)
			return ghvmm_fail(
				err, errlen, -ERANGE,
				"segment %u at 0x%llx+0x%llx is outside RAM 0x%llx..0x%llx", i,
				(unsigned long long)p->p_paddr, (unsigned long long)p->p_memsz,
				(unsigned long long)ram->gpa,
				(unsigned long long)(ram->gpa + ram->size));
		for (unsigned int j = 0; j < i; j++) {
			const Elf64_Phdr *q = &ph[j];

			if (q->p_type != PT_LOAD || !q->p_memsz)
				continue;
			if (p->p_paddr < q->p_paddr + q->p_memsz &&
			    q->p_paddr < p->p_paddr + p->p_memsz)
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "segments %u and %u overlap", j, i);
		}
		if (eh.e_entry >= p->p_paddr && eh.e_entry - p->p_paddr < p->p_memsz)
			entry_ok = true;
		nload++;
		if (home != ram) {
			in_rom = true;
			continue;
		}
		if (p->p_paddr < lo)
			lo = p->p_paddr;
		if (p->p_paddr + p->p_memsz > hi)
			hi = p->p_paddr + p->p_memsz;
	}
	if (!nload)
		return ghvmm_fail(err, errlen, -EINVAL, "no loadable segment");
	if (!entry_ok)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "entry point 0x%llx is in no loaded segment",
		                  (unsigned long long)eh.e_entry);

	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		const struct ghvmm_mem *home;

		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		home = elf_segment_home(ram, rom, p);
		ghvmm_mem_write(home, p->p_paddr, data + p->p_offset, p->p_filesz);
		mem_zero(home, p->p_paddr + p->p_filesz, p->p_memsz - p->p_filesz);
	}
	img->kind = GHVMM_IMAGE_ELF;
	img->entry = eh.e_entry;
	/* Only RAM matters to where the DTB and initrd go. */
	img->start = lo == UINT64_MAX ? 0 : lo;
	img->end = hi;
	img->in_rom = in_rom;
	return 0;
}

/*
 * A kernel image in memory (@data) or in a file (@fd, read as it is copied,
 * so that a large image goes straight into guest memory). @len is the
 * file's size; @hdr holds its first @hdr_len bytes (at most
 * LINUX_IMAGE_HDR_SIZE for a file).
 */
struct image_src {
	const uint8_t *data;
	int fd;
	uint64_t len;
	const uint8_t *hdr;
	size_t hdr_len;
};

/* ghvmm_read_fd()'s error @r, explained. */
static int read_failed(int r, char *err, size_t errlen)
{
	if (r == -EIO)
		return ghvmm_fail(err, errlen, r, "the file shrank while it was read");
	return ghvmm_fail(err, errlen, r, "read failed: %s", strerror(-r));
}

int ghvmm_mem_read_file(const struct ghvmm_mem *mem, uint64_t gpa, int fd, uint64_t len, char *err,
                        size_t errlen)
{
	int r;

	if (!len)
		return 0;
	if (!ghvmm_mem_contains(mem, gpa, len))
		return ghvmm_fail(err, errlen, -ERANGE, "0x%llx bytes at 0x%llx are not in memory",
		                  (unsigned long long)len, (unsigned long long)gpa);
	r = ghvmm_read_fd(fd, 0, mem->host + (gpa - mem->gpa), len);
	return r ? read_failed(r, err, errlen) : 0;
}

/* Copies the whole image to @gpa, which the caller checked lies in @ram. */
static int src_copy(const struct image_src *src, const struct ghvmm_mem *ram, uint64_t gpa,
                    char *err, size_t errlen)
{
	if (src->data)
		return ghvmm_mem_write(ram, gpa, src->data, src->len);
	return ghvmm_mem_read_file(ram, gpa, src->fd, src->len, err, errlen);
}

static int load_linux_image(const struct ghvmm_mem *ram, const struct image_src *src,
                            struct ghvmm_image *img, char *err, size_t errlen)
{
	uint64_t text_offset, image_size, base, load;
	int r;

	if (!ghvmm_is_linux_image(src->hdr, src->hdr_len))
		return ghvmm_fail(err, errlen, -EINVAL, "no arm64 Image header");
	text_offset = get_le64(src->hdr + 8);
	image_size = get_le64(src->hdr + 16);
	if (image_size == 0) {
		/* Kernels before 3.17 leave these zero: the historical default. */
		text_offset = LINUX_DEFAULT_TEXT_OFF;
		image_size = src->len;
	}
	if (image_size < src->len)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "image_size 0x%llx is smaller than the file",
		                  (unsigned long long)image_size);
	if (text_offset & (SZ_4K - 1))
		return ghvmm_fail(err, errlen, -EINVAL, "text_offset 0x%llx is not page aligned",
		                  (unsigned long long)text_offset);
	/* The kernel wants a 2 MiB aligned base; RAM's start is one. */
	base = (ram->gpa + SZ_2M - 1) & ~(SZ_2M - 1);
	if (text_offset > UINT64_MAX - base)
		return ghvmm_fail(err, errlen, -ERANGE, "text_offset 0x%llx is too large",
		                  (unsigned long long)text_offset);
	load = base + text_offset;
	if (!ghvmm_mem_contains(ram, load, image_size))
		return ghvmm_fail(err, errlen, -ERANGE,
		                  "the kernel (0x%llx bytes at 0x%llx) does not fit in RAM",
		                  (unsigned long long)image_size, (unsigned long long)load);
	r = src_copy(src, ram, load, err, errlen);
	if (r)
		return r;
	mem_zero(ram, load + src->len, image_size - src->len);
	img->kind = GHVMM_IMAGE_LINUX;
	img->entry = load;
	img->start = load;
	img->end = load + image_size;
	return 0;
}

static int load_raw(const struct ghvmm_mem *ram, const struct image_src *src, uint64_t at,
                    struct ghvmm_image *img, char *err, size_t errlen)
{
	int r;

	if (!ghvmm_mem_contains(ram, at, src->len))
		return ghvmm_fail(err, errlen, -ERANGE,
		                  "%llu bytes at 0x%llx do not fit in RAM 0x%llx..0x%llx",
		                  (unsigned long long)src->len, (unsigned long long)at,
		                  (unsigned long long)ram->gpa,
		                  (unsigned long long)(ram->gpa + ram->size));
	r = src_copy(src, ram, at, err, errlen);
	if (r)
		return r;
	img->kind = GHVMM_IMAGE_RAW;
	img->entry = at;
	img->start = at;
	img->end = at + src->len;
	return 0;
}

/* An ELF from a file is read whole first: its headers say what goes where. */
static int load_elf_src(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom,
                        const struct image_src *src, struct ghvmm_image *img, char *err,
                        size_t errlen)
{
	uint8_t *buf;
	int r;

	if (src->data)
		return ghvmm_load_elf(ram, rom, src->data, src->len, img, err, errlen);
	r = read_fd_alloc(src->fd, src->len, &buf);
	if (r == -ENOMEM)
		return ghvmm_fail(err, errlen, r, "out of memory for the ELF");
	if (r)
		return read_failed(r, err, errlen);
	r = ghvmm_load_elf(ram, rom, buf, src->len, img, err, errlen);
	free(buf);
	return r;
}

static int load_kernel(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom,
                       const struct image_src *src, bool has_load_addr, uint64_t load_addr,
                       struct ghvmm_image *img, char *err, size_t errlen)
{
	memset(img, 0, sizeof(*img));
	if (!src->len)
		return ghvmm_fail(err, errlen, -EINVAL, "empty file");
	if (ghvmm_is_elf(src->hdr, src->hdr_len)) {
		if (has_load_addr)
			return ghvmm_fail(
				err, errlen, -EINVAL,
				"--load-addr is for raw binaries; an ELF says where it goes");
		return load_elf_src(ram, rom, src, img, err, errlen);
	}
	if (ghvmm_is_linux_image(src->hdr, src->hdr_len)) {
		if (has_load_addr)
			return ghvmm_fail(err, errlen, -EINVAL,
			                  "--load-addr is for raw binaries, not a Linux Image");
		return load_linux_image(ram, src, img, err, errlen);
	}
	return load_raw(ram, src, has_load_addr ? load_addr : ram->gpa, img, err, errlen);
}

int ghvmm_load_linux_image(const struct ghvmm_mem *ram, const uint8_t *data, size_t len,
                           struct ghvmm_image *img, char *err, size_t errlen)
{
	struct image_src src = { .data = data, .fd = -1, .len = len, .hdr = data, .hdr_len = len };

	return load_linux_image(ram, &src, img, err, errlen);
}

int ghvmm_load_kernel(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, const uint8_t *data,
                      size_t len, bool has_load_addr, uint64_t load_addr, struct ghvmm_image *img,
                      char *err, size_t errlen)
{
	struct image_src src = { .data = data, .fd = -1, .len = len, .hdr = data, .hdr_len = len };

	return load_kernel(ram, rom, &src, has_load_addr, load_addr, img, err, errlen);
}

int ghvmm_load_kernel_file(const struct ghvmm_mem *ram, const struct ghvmm_mem *rom, int fd,
                           uint64_t len, bool has_load_addr, uint64_t load_addr,
                           struct ghvmm_image *img, char *err, size_t errlen)
{
	uint8_t hdr[LINUX_IMAGE_HDR_SIZE];
	struct image_src src = { .fd = fd, .len = len, .hdr = hdr };
	int r;

	src.hdr_len = len < sizeof(hdr) ? (size_t)len : sizeof(hdr);
	r = ghvmm_read_fd(fd, 0, hdr, src.hdr_len);
	if (r) {
		memset(img, 0, sizeof(*img));
		return read_failed(r, err, errlen);
	}
	return load_kernel(ram, rom, &src, has_load_addr, load_addr, img, err, errlen);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int ghvmm_place_boot_data(const struct ghvmm_mem *ram, const struct ghvmm_image *kernel,
                          uint64_t dtb_size, uint64_t initrd_len, uint64_t *dtb_gpa,
                          uint64_t *initrd_gpa, char *err, size_t errlen)
{
	uint64_t ram_end = ram->gpa + ram->size;
	uint64_t kstart = kernel ? kernel->start : 0,
		 klen = kernel ? kernel->end - kernel->start : 0;
	uint64_t dtb, initrd = 0;

	if (dtb_size > ram->size)
		return ghvmm_fail(err, errlen, -ENOSPC, "no room for the DTB");
	dtb = ram->gpa;
	if (klen && overlaps(dtb, dtb_size, kstart, klen)) {
		dtb = (ram_end - dtb_size) & ~(SZ_4K - 1);
		if (dtb < ram->gpa || overlaps(dtb, dtb_size, kstart, klen))
			return ghvmm_fail(err, errlen, -ENOSPC,
			                  "no room for the DTB beside the kernel");
	}
	if (initrd_len) {
		uint64_t floor = klen ? kernel->end : ram->gpa;

		if (dtb == ram->gpa && floor < dtb + dtb_size)
			floor = dtb + dtb_size;
		initrd = (floor + SZ_2M - 1) & ~(SZ_2M - 1);
		if (initrd < floor || !ghvmm_mem_contains(ram, initrd, initrd_len) ||
		    overlaps(initrd, initrd_len, dtb, dtb_size))
			return ghvmm_fail(
				err, errlen, -ENOSPC,
				"the initrd (%llu bytes) does not fit in RAM above the kernel",
				(unsigned long long)initrd_len);
	}
	*dtb_gpa = dtb;
	if (initrd_gpa)
		*initrd_gpa = initrd;
	return 0;
}
