/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-rng (entropy device): one request queue; each chain's writable part
 * is filled from the injected source, at most GH_VIRTIO_RNG_MAX_CHAIN bytes
 * per chain (the used length tells the driver how many).
 */
#ifndef GUNYAH_DEVICES_VIRTIO_RNG_H
#define GUNYAH_DEVICES_VIRTIO_RNG_H

#include <gunyah/devices/virtio_mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_virtio_rng;

#define GH_VIRTIO_RNG_QUEUE_SIZE 64u
#define GH_VIRTIO_RNG_MAX_CHAIN  65536u

/* An entropy source: fill @len bytes, 0 or -errno (nothing is then used). */
struct gh_rng_ops {
	int (*fill)(void *ctx, void *buf, size_t len);
};

struct gh_virtio_rng_config {
	const struct gh_rng_ops *rng;
	void *rng_ctx;
	struct gh_guest_mem mem;
	const struct gh_irq_ops *irq;
	void *irq_ctx;
};

int gh_virtio_rng_create(const struct gh_virtio_rng_config *cfg, struct gh_virtio_rng **out);
void gh_virtio_rng_destroy(struct gh_virtio_rng *rng);
int gh_virtio_rng_transport(struct gh_virtio_rng *rng, struct gh_virtio_mmio **t);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_VIRTIO_RNG_H */
