// SPDX-License-Identifier: BSD-3-Clause
/* A file as a virtio-blk backend. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gunyah/devices/backends.h>

struct gh_blk_file {
	int fd;
};

int gh_blk_file_open(const char *path, bool read_only, struct gh_blk_file **out)
{
	struct gh_blk_file *f;
	int fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;
	fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->fd = fd;
	*out = f;
	return 0;
}

void gh_blk_file_close(struct gh_blk_file *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f);
}

int gh_blk_file_size(struct gh_blk_file *f, uint64_t *bytes)
{
	struct stat st;

	if (!f || !bytes)
		return -EINVAL;
	if (fstat(f->fd, &st))
		return -errno;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

static int file_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	struct gh_blk_file *f = ctx;
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) { /* past the end of the file */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static int file_write(void *ctx, uint64_t offset, const void *buf, size_t len)
{
	struct gh_blk_file *f = ctx;
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(f->fd, p, len, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static int file_flush(void *ctx)
{
	struct gh_blk_file *f = ctx;

	return fdatasync(f->fd) ? -errno : 0;
}

const struct gh_blk_ops gh_blk_file_ops = {
	.read = file_read,
	.write = file_write,
	.flush = file_flush,
};
