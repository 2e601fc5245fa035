// SPDX-License-Identifier: BSD-3-Clause
/*
 * virtio-mmio v2 transport. One mutex guards the register state and the
 * queues (ring access goes through the bounds-checked guest memory accessor,
 * which only copies). The device model and the interrupt line are called
 * after the mutex is dropped.
 *
 * Every reset and every queue disable bumps `generation`; chains popped in an
 * earlier generation are refused at push time, so a device finishing a
 * request after the driver reset it cannot write into the new rings.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/devices/virtio_mmio.h>

#include "irq_line.h"

#define DEVICE_FEATURE_MASK 0xffffffull /* bits 0..23 */
#define TRANSPORT_FEATURES  ((1ull << GH_VIRTIO_F_VERSION_1) | (1ull << GH_VIRTIO_F_INDIRECT_DESC))

struct queue {
	uint32_t num;
	uint64_t desc, avail, used;
	bool ready;
	struct gh_virtq vq;
};

struct gh_virtio_mmio {
	pthread_mutex_t lock;
	struct irq_line irq;
	/* Fixed at creation. */
	uint32_t device_id, vendor_id;
	uint64_t offered;
	uint16_t num_queues, queue_max;
	uint32_t config_len;
	struct gh_virtio_dev_ops dev_ops;
	void *dev;
	struct gh_guest_mem mem;

	/* Under lock. */
	uint32_t status;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	uint64_t driver_features;
	uint32_t isr;
	uint32_t config_gen;
	uint32_t generation;
	struct queue q[GH_VIRTIO_MAX_QUEUES];
	uint8_t config[GH_VIRTIO_CONFIG_MAX];
	struct gh_dev_stats stats;
};

struct after {
	bool reset;
	bool notify;
	uint16_t queue;
	bool config_write;
	uint32_t cw_off, cw_size, cw_val;
};

static void update_irq(struct gh_virtio_mmio *t)
{
	irq_line_set(&t->irq, t->isr != 0);
}

/* A malformed ring or chain: stop, tell the driver. Lock held. */
static void set_broken(struct gh_virtio_mmio *t)
{
	if (t->status & GH_VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= GH_VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & GH_VIRTIO_STATUS_DRIVER_OK)
		t->isr |= GH_VIRTIO_INT_CONFIG;
	update_irq(t);
}

static void reset_locked(struct gh_virtio_mmio *t)
{
	t->status = 0;
	t->dev_feat_sel = 0;
	t->drv_feat_sel = 0;
	t->queue_sel = 0;
	t->driver_features = 0;
	t->isr = 0;
	t->generation++;
	memset(t->q, 0, sizeof(t->q));
	update_irq(t);
}

int gh_virtio_mmio_create(const struct gh_virtio_mmio_config *cfg, struct gh_virtio_mmio **out)
{
	struct gh_virtio_mmio *t;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->dev_ops || !cfg->dev_ops->notify || !cfg->mem.ops ||
	    !cfg->mem.ops->read || !cfg->mem.ops->write || !cfg->mem.ops->check)
		return -EINVAL;
	if (cfg->device_features & ~DEVICE_FEATURE_MASK)
		return -EINVAL;
	if (!cfg->num_queues || cfg->num_queues > GH_VIRTIO_MAX_QUEUES || !cfg->queue_max ||
	    cfg->queue_max > GH_VIRTQ_MAX_SIZE || (cfg->queue_max & (cfg->queue_max - 1)))
		return -EINVAL;
	if (cfg->config_len > GH_VIRTIO_CONFIG_MAX || (cfg->config_len && !cfg->config_space))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (pthread_mutex_init(&t->lock, NULL))
		goto err_free;
	if (irq_line_init(&t->irq, cfg->irq, cfg->irq_ctx))
		goto err_lock;
	t->device_id = cfg->device_id;
	t->vendor_id = cfg->vendor_id;
	t->offered = cfg->device_features | TRANSPORT_FEATURES;
	t->num_queues = cfg->num_queues;
	t->queue_max = cfg->queue_max;
	t->config_len = cfg->config_len;
	if (cfg->config_len)
		memcpy(t->config, cfg->config_space, cfg->config_len);
	t->dev_ops = *cfg->dev_ops;
	t->dev = cfg->dev;
	t->mem = cfg->mem;
	reset_locked(t);
	*out = t;
	return 0;

err_lock:
	pthread_mutex_destroy(&t->lock);
err_free:
	free(t);
	return -ENOMEM;
}

void gh_virtio_mmio_destroy(struct gh_virtio_mmio *t)
{
	if (!t)
		return;
	irq_line_destroy(&t->irq);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct queue *sel_queue(struct gh_virtio_mmio *t)
{
	return t->queue_sel < t->num_queues ? &t->q[t->queue_sel] : NULL;
}

static bool config_read(struct gh_virtio_mmio *t, uint64_t off, uint32_t size, uint64_t *v)
{
	uint64_t x = 0;

	if ((size != 1 && size != 2 && size != 4 && size != 8) || (off & (size - 1)) ||
	    off >= t->config_len || size > t->config_len - off)
		return false;
	for (uint32_t i = 0; i < size; i++)
		x |= (uint64_t)t->config[off + i] << (8 * i);
	*v = x;
	return true;
}

static bool common_read(struct gh_virtio_mmio *t, uint64_t off, uint64_t *v)
{
	struct queue *q = sel_queue(t);

	switch (off) {
	case GH_VIRTIO_MMIO_MAGIC:
		*v = GH_VIRTIO_MMIO_MAGIC_VALUE;
		return true;
	case GH_VIRTIO_MMIO_VERSION:
		*v = 2;
		return true;
	case GH_VIRTIO_MMIO_DEVICE_ID:
		*v = t->device_id;
		return true;
	case GH_VIRTIO_MMIO_VENDOR_ID:
		*v = t->vendor_id;
		return true;
	case GH_VIRTIO_MMIO_DEVICE_FEATURES:
		*v = t->dev_feat_sel < 2 ? (uint32_t)(t->offered >> (32 * t->dev_feat_sel)) : 0;
		return true;
	case GH_VIRTIO_MMIO_QUEUE_NUM_MAX:
		*v = q ? t->queue_max : 0;
		return true;
	case GH_VIRTIO_MMIO_QUEUE_READY:
		*v = q ? q->ready : 0;
		return true;
	case GH_VIRTIO_MMIO_INTERRUPT_STATUS:
		*v = t->isr;
		return true;
	case GH_VIRTIO_MMIO_STATUS:
		*v = t->status;
		return true;
	case GH_VIRTIO_MMIO_CONFIG_GENERATION:
		*v = t->config_gen;
		return true;
	default:
		return false; /* write-only or reserved */
	}
}

static bool features_acceptable(const struct gh_virtio_mmio *t)
{
	return !(t->driver_features & ~t->offered) &&
	       (t->driver_features & (1ull << GH_VIRTIO_F_VERSION_1));
}

static bool write_status(struct gh_virtio_mmio *t, uint32_t v)
{
	uint32_t added, accepted;

	v &= 0xff & ~GH_VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & ~v & ~GH_VIRTIO_STATUS_NEEDS_RESET)
		return false; /* bits can only be cleared by a reset */
	added = v & ~t->status;
	accepted = v;
	if ((added & GH_VIRTIO_STATUS_FEATURES_OK) &&
	    (!(v & GH_VIRTIO_STATUS_DRIVER) || !features_acceptable(t)))
		accepted &= ~GH_VIRTIO_STATUS_FEATURES_OK;
	if ((added & GH_VIRTIO_STATUS_DRIVER_OK) && !(accepted & GH_VIRTIO_STATUS_FEATURES_OK))
		accepted &= ~GH_VIRTIO_STATUS_DRIVER_OK;
	t->status = accepted | (t->status & GH_VIRTIO_STATUS_NEEDS_RESET);
	return accepted == v; /* a refused bit counts as a bad write */
}

static bool queue_ready(struct gh_virtio_mmio *t, struct queue *q, uint32_t v)
{
	bool indirect;

	if (!(v & 1)) {
		if (q->ready) {
			q->ready = false;
			t->generation++;
		}
		return true;
	}
	if (q->ready)
		return true;
	if (!(t->status & GH_VIRTIO_STATUS_FEATURES_OK) ||
	    (t->status & GH_VIRTIO_STATUS_NEEDS_RESET))
		return false;
	if (q->num > t->queue_max) {
		set_broken(t);
		return false;
	}
	indirect = t->driver_features & (1ull << GH_VIRTIO_F_INDIRECT_DESC);
	if (gh_virtq_init(&q->vq, &t->mem, (uint16_t)q->num, q->desc, q->avail, q->used,
	                  indirect)) {
		set_broken(t);
		return false;
	}
	q->ready = true;
	return true;
}

static void set_half(uint64_t *reg, bool high, uint32_t v)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | ((uint64_t)v << 32);
	else
		*reg = (*reg & ~0xffffffffull) | v;
}

static bool common_write(struct gh_virtio_mmio *t, uint64_t off, uint32_t v, struct after *a)
{
	struct queue *q = sel_queue(t);
	uint32_t sel;

	switch (off) {
	case GH_VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_feat_sel = v;
		return true;
	case GH_VIRTIO_MMIO_DRIVER_FEATURES:
		sel = t->drv_feat_sel;
		if (sel > 1 || !(t->status & GH_VIRTIO_STATUS_DRIVER) ||
		    (t->status & GH_VIRTIO_STATUS_FEATURES_OK))
			return false;
		t->driver_features &= ~(0xffffffffull << (32 * sel));
		t->driver_features |= (uint64_t)v << (32 * sel);
		return true;
	case GH_VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_feat_sel = v;
		return true;
	case GH_VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		return true;
	case GH_VIRTIO_MMIO_QUEUE_READY:
		return q && queue_ready(t, q, v);
	case GH_VIRTIO_MMIO_QUEUE_NOTIFY:
		v &= 0xffff;
		if (v >= t->num_queues || !t->q[v].ready ||
		    !(t->status & GH_VIRTIO_STATUS_DRIVER_OK) ||
		    (t->status & GH_VIRTIO_STATUS_NEEDS_RESET))
			return false;
		a->notify = true;
		a->queue = (uint16_t)v;
		return true;
	case GH_VIRTIO_MMIO_INTERRUPT_ACK:
		t->isr &= ~v;
		update_irq(t);
		return true;
	case GH_VIRTIO_MMIO_STATUS:
		if (!v) {
			reset_locked(t);
			a->reset = true;
			return true;
		}
		return write_status(t, v);
	default:
		break;
	}
	/* The queue layout registers: only for a valid, not-ready queue. */
	if (!q || q->ready)
		return false;
	switch (off) {
	case GH_VIRTIO_MMIO_QUEUE_NUM:
		q->num = v;
		return true;
	case GH_VIRTIO_MMIO_QUEUE_DESC_LOW:
	case GH_VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, off & 4, v);
		return true;
	case GH_VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case GH_VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->avail, off & 4, v);
		return true;
	case GH_VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case GH_VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&q->used, off & 4, v);
		return true;
	default:
		return false;
	}
}

int gh_virtio_mmio_read(struct gh_virtio_mmio *t, uint64_t offset, uint32_t size, uint64_t *val)
{
	uint64_t v = 0;
	bool ok;

	if (!t || !val)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (offset >= GH_VIRTIO_MMIO_CONFIG)
		ok = offset < GH_VIRTIO_MMIO_SIZE &&
		     config_read(t, offset - GH_VIRTIO_MMIO_CONFIG, size, &v);
	else
		ok = size == 4 && !(offset & 3) && common_read(t, offset, &v);
	if (!ok) {
		t->stats.bad_reads++;
		v = 0;
	}
	pthread_mutex_unlock(&t->lock);
	*val = v;
	return 0;
}

int gh_virtio_mmio_write(struct gh_virtio_mmio *t, uint64_t offset, uint32_t size, uint64_t val)
{
	struct after a = { 0 };
	bool ok = false;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (offset >= GH_VIRTIO_MMIO_CONFIG) {
		uint64_t off = offset - GH_VIRTIO_MMIO_CONFIG;

		if (t->dev_ops.config_write && offset < GH_VIRTIO_MMIO_SIZE &&
		    (size == 1 || size == 2 || size == 4) && !(off & (size - 1)) &&
		    off < t->config_len && size <= t->config_len - off) {
			a.config_write = true;
			a.cw_off = (uint32_t)off;
			a.cw_size = size;
			a.cw_val = (uint32_t)val;
			ok = true;
		}
	} else if (size == 4 && !(offset & 3)) {
		ok = common_write(t, offset, (uint32_t)val, &a);
	}
	if (!ok)
		t->stats.bad_writes++;
	pthread_mutex_unlock(&t->lock);

	irq_line_sync(&t->irq);
	if (a.reset && t->dev_ops.reset)
		t->dev_ops.reset(t->dev);
	if (a.config_write)
		t->dev_ops.config_write(t->dev, a.cw_off, a.cw_size, a.cw_val);
	if (a.notify)
		t->dev_ops.notify(t->dev, a.queue);
	return 0;
}

static int mmio_read(void *dev, uint64_t offset, uint32_t size, uint64_t *val)
{
	return gh_virtio_mmio_read(dev, offset, size, val);
}

static int mmio_write(void *dev, uint64_t offset, uint32_t size, uint64_t val)
{
	return gh_virtio_mmio_write(dev, offset, size, val);
}

const struct gh_mmio_ops gh_virtio_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

int gh_virtio_mmio_stats(struct gh_virtio_mmio *t, struct gh_dev_stats *stats)
{
	if (!t || !stats)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	*stats = t->stats;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int gh_virtio_mmio_pop(struct gh_virtio_mmio *t, uint16_t queue, struct gh_virtq_chain *chain,
                       uint32_t *token)
{
	struct queue *q;
	int ret;

	if (!t || !chain || !token || queue >= t->num_queues)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	q = &t->q[queue];
	if (t->status & GH_VIRTIO_STATUS_NEEDS_RESET) {
		ret = -EIO;
	} else if (!q->ready || !(t->status & GH_VIRTIO_STATUS_DRIVER_OK)) {
		ret = -EAGAIN;
	} else {
		ret = gh_virtq_pop(&q->vq, chain);
		if (ret && ret != -EAGAIN) {
			set_broken(t);
			ret = -EIO;
		}
		*token = t->generation;
	}
	pthread_mutex_unlock(&t->lock);
	irq_line_sync(&t->irq);
	return ret;
}

int gh_virtio_mmio_push(struct gh_virtio_mmio *t, uint16_t queue, uint16_t head, uint32_t len,
                        uint32_t token)
{
	struct queue *q;
	bool notify = false;
	int ret;

	if (!t || queue >= t->num_queues)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	q = &t->q[queue];
	if (token != t->generation || !q->ready) {
		ret = -ESTALE;
	} else if (t->status & GH_VIRTIO_STATUS_NEEDS_RESET) {
		ret = -EIO;
	} else {
		ret = gh_virtq_push(&q->vq, head, len, &notify);
		if (ret) {
			set_broken(t);
			ret = -EIO;
		} else if (notify) {
			t->isr |= GH_VIRTIO_INT_VRING;
			update_irq(t);
		}
	}
	pthread_mutex_unlock(&t->lock);
	irq_line_sync(&t->irq);
	return ret;
}

int gh_virtio_mmio_set_config(struct gh_virtio_mmio *t, uint32_t offset, const void *buf,
                              uint32_t len)
{
	if (!t || (!buf && len))
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (offset > t->config_len || len > t->config_len - offset) {
		pthread_mutex_unlock(&t->lock);
		return -EINVAL;
	}
	if (len)
		memcpy(t->config + offset, buf, len);
	t->config_gen++;
	if (t->status & GH_VIRTIO_STATUS_DRIVER_OK) {
		t->isr |= GH_VIRTIO_INT_CONFIG;
		update_irq(t);
	}
	pthread_mutex_unlock(&t->lock);
	irq_line_sync(&t->irq);
	return 0;
}

int gh_virtio_mmio_driver_features(struct gh_virtio_mmio *t, uint64_t *features)
{
	if (!t || !features)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	*features = t->driver_features;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int gh_virtio_mmio_mem(struct gh_virtio_mmio *t, const struct gh_guest_mem **mem)
{
	if (!t || !mem)
		return -EINVAL;
	*mem = &t->mem;
	return 0;
}
