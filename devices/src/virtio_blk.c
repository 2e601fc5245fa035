// SPDX-License-Identifier: BSD-3-Clause
/*
 * virtio-blk. Each request is validated in full (header, status byte,
 * sector alignment, bounds) before the backend is called; data moves through
 * a bounce buffer so the backend never sees guest addresses. Requests from
 * different vCPUs run in parallel; the transport serialises ring updates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/devices/virtio_blk.h>

#define BOUNCE     4096u
#define HDR_LEN    16u
#define CONFIG_LEN 60u

struct gh_virtio_blk {
	struct gh_virtio_mmio *t;
	const struct gh_guest_mem *mem;
	const struct gh_blk_ops *ops;
	void *ctx;
	uint64_t sectors;
	bool read_only;
	char serial[GH_VIRTIO_BLK_ID_BYTES];
};

struct req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct req_hdr) == HDR_LEN, "virtio_blk_outhdr is 16 bytes");

static bool in_bounds(const struct gh_virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	return sector <= b->sectors && bytes / GH_VIRTIO_BLK_SECTOR <= b->sectors - sector;
}

/* Device to guest: backend -> writable part [0, len). */
static uint8_t do_read(struct gh_virtio_blk *b, const struct gh_virtq_chain *c, uint64_t sector,
                       uint32_t len, uint32_t *moved)
{
	uint8_t buf[BOUNCE];

	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done < BOUNCE ? len - done : BOUNCE;

		if (b->ops->read(b->ctx, sector * GH_VIRTIO_BLK_SECTOR + done, buf, n) ||
		    gh_virtq_chain_write(b->mem, c, done, buf, n))
			return GH_VIRTIO_BLK_S_IOERR;
		done += n;
		*moved = done;
	}
	return GH_VIRTIO_BLK_S_OK;
}

/* Guest to device: readable part [HDR_LEN, HDR_LEN + len) -> backend. */
static uint8_t do_write(struct gh_virtio_blk *b, const struct gh_virtq_chain *c, uint64_t sector,
                        uint32_t len)
{
	uint8_t buf[BOUNCE];

	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done < BOUNCE ? len - done : BOUNCE;

		if (gh_virtq_chain_read(b->mem, c, HDR_LEN + done, buf, n) ||
		    b->ops->write(b->ctx, sector * GH_VIRTIO_BLK_SECTOR + done, buf, n))
			return GH_VIRTIO_BLK_S_IOERR;
		done += n;
	}
	return GH_VIRTIO_BLK_S_OK;
}

/* Handle one chain; returns the used length (bytes written to the guest). */
static uint32_t blk_request(struct gh_virtio_blk *b, const struct gh_virtq_chain *c)
{
	struct req_hdr h;
	uint8_t status = GH_VIRTIO_BLK_S_IOERR;
	uint32_t moved = 0, len;

	if (!c->in_bytes)
		return 0; /* no room for a status byte: nothing we can say */
	if (c->out_bytes < HDR_LEN || gh_virtq_chain_read(b->mem, c, 0, &h, sizeof(h)))
		goto done;
	switch (h.type) {
	case GH_VIRTIO_BLK_T_IN:
		len = c->in_bytes - 1;
		if (len % GH_VIRTIO_BLK_SECTOR || !in_bounds(b, h.sector, len))
			break;
		status = do_read(b, c, h.sector, len, &moved);
		break;
	case GH_VIRTIO_BLK_T_OUT:
		len = c->out_bytes - HDR_LEN;
		if (b->read_only || len % GH_VIRTIO_BLK_SECTOR || !in_bounds(b, h.sector, len))
			break;
		status = do_write(b, c, h.sector, len);
		break;
	case GH_VIRTIO_BLK_T_FLUSH:
		status = (!b->ops->flush || !b->ops->flush(b->ctx)) ? GH_VIRTIO_BLK_S_OK :
		                                                      GH_VIRTIO_BLK_S_IOERR;
		break;
	case GH_VIRTIO_BLK_T_GET_ID:
		len = c->in_bytes - 1;
		if (len > GH_VIRTIO_BLK_ID_BYTES)
			len = GH_VIRTIO_BLK_ID_BYTES;
		if (!gh_virtq_chain_write(b->mem, c, 0, b->serial, len)) {
			moved = len;
			status = GH_VIRTIO_BLK_S_OK;
		}
		break;
	default:
		status = GH_VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	if (gh_virtq_chain_write(b->mem, c, c->in_bytes - 1, &status, 1))
		return moved;
	return moved + 1;
}

static void blk_notify(void *dev, uint16_t queue)
{
	struct gh_virtio_blk *b = dev;
	struct gh_virtq_chain chain;
	uint32_t token;

	if (queue != 0)
		return;
	for (unsigned int i = 0; i < GH_VIRTIO_NOTIFY_BUDGET; i++) {
		uint32_t used;

		if (gh_virtio_mmio_pop(b->t, 0, &chain, &token))
			break;
		used = blk_request(b, &chain);
		gh_virtio_mmio_push(b->t, 0, chain.head, used, token);
	}
}

static const struct gh_virtio_dev_ops blk_dev_ops = {
	.notify = blk_notify,
};

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int gh_virtio_blk_create(const struct gh_virtio_blk_config *cfg, struct gh_virtio_blk **out)
{
	struct gh_virtio_mmio_config tc = { 0 };
	uint8_t config[CONFIG_LEN] = { 0 };
	struct gh_virtio_blk *b;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->blk || !cfg->blk->read || !cfg->blk->write)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ops = cfg->blk;
	b->ctx = cfg->blk_ctx;
	b->sectors = cfg->capacity / GH_VIRTIO_BLK_SECTOR;
	b->read_only = cfg->read_only;
	memcpy(b->serial, cfg->serial, sizeof(b->serial));

	put_le(config + 0, b->sectors, 8);             /* capacity */
	put_le(config + 12, GH_VIRTQ_MAX_SEGS - 2, 4); /* seg_max */
	put_le(config + 20, GH_VIRTIO_BLK_SECTOR, 4);  /* blk_size */
	tc.device_id = GH_VIRTIO_ID_BLOCK;
	tc.device_features = (1ull << GH_VIRTIO_BLK_F_SEG_MAX) |
	                     (1ull << GH_VIRTIO_BLK_F_BLK_SIZE) | (1ull << GH_VIRTIO_BLK_F_FLUSH);
	if (cfg->read_only)
		tc.device_features |= 1ull << GH_VIRTIO_BLK_F_RO;
	tc.num_queues = 1;
	tc.queue_max = GH_VIRTIO_BLK_QUEUE_SIZE;
	tc.config_space = config;
	tc.config_len = sizeof(config);
	tc.dev_ops = &blk_dev_ops;
	tc.dev = b;
	tc.mem = cfg->mem;
	tc.irq = cfg->irq;
	tc.irq_ctx = cfg->irq_ctx;
	ret = gh_virtio_mmio_create(&tc, &b->t);
	if (ret) {
		free(b);
		return ret;
	}
	gh_virtio_mmio_mem(b->t, &b->mem);
	*out = b;
	return 0;
}

void gh_virtio_blk_destroy(struct gh_virtio_blk *b)
{
	if (!b)
		return;
	gh_virtio_mmio_destroy(b->t);
	free(b);
}

int gh_virtio_blk_transport(struct gh_virtio_blk *b, struct gh_virtio_mmio **t)
{
	if (!b || !t)
		return -EINVAL;
	*t = b->t;
	return 0;
}
