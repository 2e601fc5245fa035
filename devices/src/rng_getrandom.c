// SPDX-License-Identifier: BSD-3-Clause
/* getrandom(2) as a virtio-rng source. */
#include <errno.h>
#include <sys/random.h>

#include <gunyah/devices/backends.h>

static int getrandom_fill(void *ctx, void *buf, size_t len)
{
	unsigned char *p = buf;

	(void)ctx;
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const struct gh_rng_ops gh_rng_getrandom_ops = {
	.fill = getrandom_fill,
};
