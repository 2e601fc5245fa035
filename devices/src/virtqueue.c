// SPDX-License-Identifier: BSD-3-Clause
/*
 * Split virtqueue, device side. See <gunyah/devices/virtqueue.h> for the
 * rules a chain must follow. Ring fields are little-endian; this file
 * assumes a little-endian host (x86_64, aarch64), checked below.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <gunyah/devices/virtqueue.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c assumes a little-endian host"
#endif

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct desc) == 16, "virtq_desc is 16 bytes");

static bool range_ok(uint64_t addr, uint64_t len)
{
	return len <= UINT64_MAX - addr;
}

static int mem_check(const struct gh_guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (!range_ok(gpa, len))
		return -EFAULT;
	return m->ops->check(m->ctx, gpa, len) ? -EFAULT : 0;
}

static int mem_read(const struct gh_guest_mem *m, uint64_t gpa, void *buf, size_t len)
{
	if (!range_ok(gpa, len))
		return -EFAULT;
	return m->ops->read(m->ctx, gpa, buf, len) ? -EFAULT : 0;
}

static int mem_write(const struct gh_guest_mem *m, uint64_t gpa, const void *buf, size_t len)
{
	if (!range_ok(gpa, len))
		return -EFAULT;
	return m->ops->write(m->ctx, gpa, buf, len) ? -EFAULT : 0;
}

int gh_virtq_init(struct gh_virtq *vq, const struct gh_guest_mem *mem, uint16_t size, uint64_t desc,
                  uint64_t avail, uint64_t used, bool indirect)
{
	int ret;

	if (!vq || !mem || !mem->ops || !mem->ops->read || !mem->ops->write || !mem->ops->check)
		return -EINVAL;
	if (!size || size > GH_VIRTQ_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	if ((desc & 15) || (avail & 1) || (used & 3))
		return -EINVAL;
	ret = mem_check(mem, desc, 16ull * size);
	if (!ret)
		ret = mem_check(mem, avail, 6 + 2ull * size);
	if (!ret)
		ret = mem_check(mem, used, 6 + 8ull * size);
	if (ret)
		return ret;
	memset(vq, 0, sizeof(*vq));
	vq->mem = *mem;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->size = size;
	vq->indirect = indirect;
	return 0;
}

static int add_seg(struct gh_virtq_chain *c, const struct desc *d, uint64_t *out, uint64_t *in)
{
	if ((unsigned int)c->n_out + c->n_in >= GH_VIRTQ_MAX_SEGS)
		return -EINVAL;
	if (d->flags & GH_VIRTQ_DESC_F_WRITE) {
		*in += d->len;
		c->n_in++;
	} else {
		if (c->n_in)
			return -EINVAL; /* readable after writable */
		*out += d->len;
		c->n_out++;
	}
	if (*in > UINT32_MAX || *out > UINT32_MAX)
		return -EINVAL;
	c->seg[c->n_out + c->n_in - 1] = (struct gh_virtq_seg){ d->addr, d->len };
	return 0;
}

static int walk_chain(const struct gh_virtq *vq, uint16_t head, struct gh_virtq_chain *c)
{
	const struct gh_guest_mem *m = &vq->mem;
	uint64_t table = vq->desc, out = 0, in = 0;
	uint32_t table_n = vq->size, idx = head, steps = 0;
	bool indirect = false;
	struct desc d;
	int ret;

	c->head = head;
	c->n_out = 0;
	c->n_in = 0;
	for (;;) {
		if (idx >= table_n || ++steps > table_n)
			return -EINVAL; /* out of the table, or a loop */
		ret = mem_read(m, table + 16ull * idx, &d, sizeof(d));
		if (ret)
			return ret;
		if (d.flags & GH_VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect || indirect || steps != 1 ||
			    (d.flags & GH_VIRTQ_DESC_F_NEXT))
				return -EINVAL;
			if (!d.len || (d.len % 16) || d.len / 16 > GH_VIRTQ_MAX_SEGS)
				return -EINVAL;
			ret = mem_check(m, d.addr, d.len);
			if (ret)
				return ret;
			/* The WRITE flag of the table descriptor is ignored. */
			table = d.addr;
			table_n = d.len / 16;
			idx = 0;
			steps = 0;
			indirect = true;
			continue;
		}
		ret = mem_check(m, d.addr, d.len);
		if (ret)
			return ret;
		ret = add_seg(c, &d, &out, &in);
		if (ret)
			return ret;
		if (!(d.flags & GH_VIRTQ_DESC_F_NEXT))
			break;
		idx = d.next;
	}
	c->out_bytes = (uint32_t)out;
	c->in_bytes = (uint32_t)in;
	return 0;
}

int gh_virtq_pop(struct gh_virtq *vq, struct gh_virtq_chain *chain)
{
	uint16_t avail_idx, head;
	int ret;

	if (!vq || !chain || !vq->size)
		return -EINVAL;
	ret = mem_read(&vq->mem, vq->avail + 2, &avail_idx, sizeof(avail_idx));
	if (ret)
		return ret;
	if (avail_idx == vq->last_avail)
		return -EAGAIN;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size)
		return -EINVAL;
	/* The ring entry is read after the index that published it. */
	atomic_thread_fence(memory_order_acquire);
	ret = mem_read(&vq->mem, vq->avail + 4 + 2ull * (vq->last_avail % vq->size), &head,
	               sizeof(head));
	if (ret)
		return ret;
	ret = walk_chain(vq, head, chain);
	if (ret)
		return ret;
	vq->last_avail++;
	return 0;
}

int gh_virtq_push(struct gh_virtq *vq, uint16_t head, uint32_t len, bool *notify)
{
	uint32_t elem[2] = { head, len };
	uint16_t flags, idx;
	int ret;

	if (!vq || !notify || !vq->size || head >= vq->size)
		return -EINVAL;
	*notify = false;
	ret = mem_write(&vq->mem, vq->used + 4 + 8ull * (vq->used_idx % vq->size), elem,
	                sizeof(elem));
	if (ret)
		return ret;
	/* The element is visible before the index that publishes it. */
	atomic_thread_fence(memory_order_release);
	idx = vq->used_idx + 1;
	ret = mem_write(&vq->mem, vq->used + 2, &idx, sizeof(idx));
	if (ret)
		return ret;
	vq->used_idx = idx;
	/* Our used.idx store is ordered before the read of the driver's flags. */
	atomic_thread_fence(memory_order_seq_cst);
	ret = mem_read(&vq->mem, vq->avail, &flags, sizeof(flags));
	if (ret)
		return ret;
	*notify = !(flags & GH_VIRTQ_AVAIL_F_NO_INTERRUPT);
	return 0;
}

/* Walk segments [first, first + n) copying @len bytes at @offset. */
static int chain_copy(const struct gh_guest_mem *mem, const struct gh_virtq_seg *seg,
                      unsigned int n, uint64_t total, uint64_t offset, uint8_t *buf, size_t len,
                      bool to_guest)
{
	unsigned int i;
	int ret;

	if (!mem || !seg || (!buf && len) || n > GH_VIRTQ_MAX_SEGS)
		return -EINVAL;
	if (offset > total || len > total - offset)
		return -EINVAL;
	for (i = 0; i < n && len; i++) {
		uint64_t chunk;

		if (offset >= seg[i].len) {
			offset -= seg[i].len;
			continue;
		}
		chunk = seg[i].len - offset;
		if (chunk > len)
			chunk = len;
		if (to_guest)
			ret = mem_write(mem, seg[i].addr + offset, buf, chunk);
		else
			ret = mem_read(mem, seg[i].addr + offset, buf, chunk);
		if (ret)
			return ret;
		buf += chunk;
		len -= chunk;
		offset = 0;
	}
	return 0;
}

int gh_virtq_chain_read(const struct gh_guest_mem *mem, const struct gh_virtq_chain *c,
                        uint64_t offset, void *buf, size_t len)
{
	if (!c)
		return -EINVAL;
	return chain_copy(mem, c->seg, c->n_out, c->out_bytes, offset, buf, len, false);
}

int gh_virtq_chain_write(const struct gh_guest_mem *mem, const struct gh_virtq_chain *c,
                         uint64_t offset, const void *buf, size_t len)
{
	if (!c || (unsigned int)c->n_out + c->n_in > GH_VIRTQ_MAX_SEGS)
		return -EINVAL;
	return chain_copy(mem, c->seg + c->n_out, c->n_in, c->in_bytes, offset,
	                  (uint8_t *)(uintptr_t)buf, len, true);
}
