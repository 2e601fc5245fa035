/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueues (virtio 1.1 section 2.6), device side.
 *
 * Guest memory is reached only through an injected, bounds-checked accessor;
 * everything read from the rings is copied first and validated on the copy.
 * gh_virtq_pop() checks a whole descriptor chain before returning it:
 *  - the number of pending buffers (avail.idx - last seen) is at most the
 *    queue size, head and next indices are inside their table;
 *  - a chain visits at most as many descriptors as its table has (so a loop
 *    is caught) and at most GH_VIRTQ_MAX_SEGS buffers in all;
 *  - device-writable buffers come after every device-readable one;
 *  - an indirect table is only followed when VIRTIO_F_INDIRECT_DESC was
 *    negotiated, only from the head descriptor, never with NEXT, has a
 *    non-zero length that is a multiple of 16 and at most GH_VIRTQ_MAX_SEGS
 *    entries, and contains no indirect descriptor itself;
 *  - every buffer (and the table) is inside guest memory and does not wrap;
 *  - the readable and writable totals each fit in 32 bits.
 * A chain that breaks any rule is reported, not half-processed: the queue is
 * then unusable until the driver resets the device.
 */
#ifndef GUNYAH_DEVICES_VIRTQUEUE_H
#define GUNYAH_DEVICES_VIRTQUEUE_H

#include <gunyah/devices/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Guest physical memory. read/write copy exactly @len bytes or fail with
 * -EFAULT and copy nothing; check() says whether [gpa, gpa + len) is all
 * accessible guest RAM (0) or not (-EFAULT). They may be called concurrently.
 */
struct gh_guest_mem_ops {
	int (*read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	int (*check)(void *ctx, uint64_t gpa, uint64_t len);
};

struct gh_guest_mem {
	const struct gh_guest_mem_ops *ops;
	void *ctx;
};

#define GH_VIRTQ_MAX_SIZE 1024u /* largest queue size accepted */
#define GH_VIRTQ_MAX_SEGS 256u  /* largest number of buffers in one chain */

#define GH_VIRTQ_DESC_F_NEXT          1u
#define GH_VIRTQ_DESC_F_WRITE         2u
#define GH_VIRTQ_DESC_F_INDIRECT      4u
#define GH_VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* A queue's device-side state. Plain data; the owner serialises access. */
struct gh_virtq {
	struct gh_guest_mem mem;
	uint64_t desc;
	uint64_t avail;
	uint64_t used;
	uint16_t size;
	uint16_t last_avail; /* next avail ring slot to consume */
	uint16_t used_idx;   /* next used ring slot to fill */
	bool indirect;       /* VIRTIO_F_INDIRECT_DESC negotiated */
};

struct gh_virtq_seg {
	uint64_t addr;
	uint32_t len;
};

/* A validated chain: n_out readable segments, then n_in writable ones. */
struct gh_virtq_chain {
	uint16_t head;
	uint16_t n_out;
	uint16_t n_in;
	uint32_t out_bytes;
	uint32_t in_bytes;
	struct gh_virtq_seg seg[GH_VIRTQ_MAX_SEGS];
};

/*
 * Set up @vq: @size a power of two, 1..GH_VIRTQ_MAX_SIZE; the descriptor
 * table 16-byte, the available ring 2-byte and the used ring 4-byte aligned,
 * all three inside guest memory. -EINVAL or -EFAULT otherwise.
 */
int gh_virtq_init(struct gh_virtq *vq, const struct gh_guest_mem *mem, uint16_t size, uint64_t desc,
                  uint64_t avail, uint64_t used, bool indirect);

/*
 * Take the next available chain. 0 and *chain filled; -EAGAIN if there is
 * none; -EINVAL for a malformed ring or chain; -EFAULT if the rings or a
 * buffer are outside guest memory. Nothing is consumed on failure.
 */
int gh_virtq_pop(struct gh_virtq *vq, struct gh_virtq_chain *chain);

/*
 * Return chain @head with @len bytes written. *notify says whether the
 * driver wants an interrupt (VIRTQ_AVAIL_F_NO_INTERRUPT clear).
 */
int gh_virtq_push(struct gh_virtq *vq, uint16_t head, uint32_t len, bool *notify);

/* Copy from the readable part of @chain at byte @offset, or into its writable
 * part. -EINVAL if the range runs past that part, -EFAULT from the accessor. */
int gh_virtq_chain_read(const struct gh_guest_mem *mem, const struct gh_virtq_chain *chain,
                        uint64_t offset, void *buf, size_t len);
int gh_virtq_chain_write(const struct gh_guest_mem *mem, const struct gh_virtq_chain *chain,
                         uint64_t offset, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_VIRTQUEUE_H */
