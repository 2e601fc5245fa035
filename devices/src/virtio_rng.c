// SPDX-License-Identifier: BSD-3-Clause
/* virtio-rng: fill each chain's writable part from the injected source. */
#include <errno.h>
#include <stdlib.h>

#include <gunyah/devices/virtio_rng.h>

#define CHUNK 256u

struct gh_virtio_rng {
	struct gh_virtio_mmio *t;
	const struct gh_guest_mem *mem;
	const struct gh_rng_ops *rng;
	void *rng_ctx;
};

static void rng_notify(void *dev, uint16_t queue)
{
	struct gh_virtio_rng *r = dev;
	struct gh_virtq_chain chain;
	uint8_t buf[CHUNK];
	uint32_t token;

	if (queue != 0)
		return;
	for (unsigned int i = 0; i < GH_VIRTIO_NOTIFY_BUDGET; i++) {
		uint32_t want, done = 0;

		if (gh_virtio_mmio_pop(r->t, 0, &chain, &token))
			break;
		want = chain.in_bytes < GH_VIRTIO_RNG_MAX_CHAIN ? chain.in_bytes :
		                                                  GH_VIRTIO_RNG_MAX_CHAIN;
		while (done < want) {
			uint32_t n = want - done < CHUNK ? want - done : CHUNK;

			if (r->rng->fill(r->rng_ctx, buf, n) ||
			    gh_virtq_chain_write(r->mem, &chain, done, buf, n))
				break;
			done += n;
		}
		gh_virtio_mmio_push(r->t, 0, chain.head, done, token);
	}
}

static const struct gh_virtio_dev_ops rng_ops = {
	.notify = rng_notify,
};

int gh_virtio_rng_create(const struct gh_virtio_rng_config *cfg, struct gh_virtio_rng **out)
{
	struct gh_virtio_mmio_config tc = { 0 };
	struct gh_virtio_rng *r;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->rng || !cfg->rng->fill)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->rng = cfg->rng;
	r->rng_ctx = cfg->rng_ctx;
	tc.device_id = GH_VIRTIO_ID_RNG;
	tc.num_queues = 1;
	tc.queue_max = GH_VIRTIO_RNG_QUEUE_SIZE;
	tc.dev_ops = &rng_ops;
	tc.dev = r;
	tc.mem = cfg->mem;
	tc.irq = cfg->irq;
	tc.irq_ctx = cfg->irq_ctx;
	ret = gh_virtio_mmio_create(&tc, &r->t);
	if (ret) {
		free(r);
		return ret;
	}
	gh_virtio_mmio_mem(r->t, &r->mem);
	*out = r;
	return 0;
}

void gh_virtio_rng_destroy(struct gh_virtio_rng *r)
{
	if (!r)
		return;
	gh_virtio_mmio_destroy(r->t);
	free(r);
}

int gh_virtio_rng_transport(struct gh_virtio_rng *r, struct gh_virtio_mmio **t)
{
	if (!r || !t)
		return -EINVAL;
	*t = r->t;
	return 0;
}
