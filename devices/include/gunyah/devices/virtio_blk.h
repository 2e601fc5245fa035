/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-blk with one request queue: read, write, flush and get-id, an
 * optional read-only mode (VIRTIO_BLK_F_RO; writes then fail with IOERR and
 * touch nothing). Requests are checked before any data moves: a 16-byte
 * header in the readable part, a status byte at the end of the writable
 * part, data lengths that are whole 512-byte sectors, and
 * sector + count <= capacity without overflow. Anything else completes with
 * VIRTIO_BLK_S_IOERR (or UNSUPP for an unknown type); the guest cannot make
 * the backend touch bytes outside [0, capacity).
 *
 * The backend is an ops table (a file through gh_blk_file_ops, or anything
 * else); it may be called from several vCPU threads at once.
 */
#ifndef GUNYAH_DEVICES_VIRTIO_BLK_H
#define GUNYAH_DEVICES_VIRTIO_BLK_H

#include <gunyah/devices/virtio_mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_virtio_blk;

#define GH_VIRTIO_BLK_QUEUE_SIZE 256u
#define GH_VIRTIO_BLK_SECTOR     512u
#define GH_VIRTIO_BLK_ID_BYTES   20u

/* Request types and status values (virtio 1.1 5.2.6). */
#define GH_VIRTIO_BLK_T_IN     0u
#define GH_VIRTIO_BLK_T_OUT    1u
#define GH_VIRTIO_BLK_T_FLUSH  4u
#define GH_VIRTIO_BLK_T_GET_ID 8u
#define GH_VIRTIO_BLK_S_OK     0u
#define GH_VIRTIO_BLK_S_IOERR  1u
#define GH_VIRTIO_BLK_S_UNSUPP 2u

/* Feature bits. */
#define GH_VIRTIO_BLK_F_SEG_MAX  2
#define GH_VIRTIO_BLK_F_RO       5
#define GH_VIRTIO_BLK_F_BLK_SIZE 6
#define GH_VIRTIO_BLK_F_FLUSH    9

/* Byte-addressed backend; each call moves exactly @len bytes or fails. */
struct gh_blk_ops {
	int (*read)(void *ctx, uint64_t offset, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t offset, const void *buf, size_t len);
	int (*flush)(void *ctx); /* optional */
};

struct gh_virtio_blk_config {
	const struct gh_blk_ops *blk; /* read and write required */
	void *blk_ctx;
	uint64_t capacity; /* bytes; a partial last sector is not exposed */
	bool read_only;
	char serial[GH_VIRTIO_BLK_ID_BYTES]; /* GET_ID answer, NUL-padded */
	struct gh_guest_mem mem;
	const struct gh_irq_ops *irq;
	void *irq_ctx;
};

int gh_virtio_blk_create(const struct gh_virtio_blk_config *cfg, struct gh_virtio_blk **out);
void gh_virtio_blk_destroy(struct gh_virtio_blk *blk);
int gh_virtio_blk_transport(struct gh_virtio_blk *blk, struct gh_virtio_mmio **t);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_VIRTIO_BLK_H */
