/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-mmio transport, version 2 (virtio 1.1 section 4.2), modern only.
 *
 * The transport owns the common registers, feature negotiation, the device
 * status state machine, the split virtqueues, the interrupt status and the
 * configuration space (a byte image the device model updates; each update
 * bumps ConfigGeneration). A device model plugs in through
 * struct gh_virtio_dev_ops and drives its queues with gh_virtio_mmio_pop()
 * and gh_virtio_mmio_push().
 *
 * Guest rules enforced here: control registers take 32-bit aligned accesses
 * only; the config space 1, 2, 4 (or 8) byte naturally aligned accesses
 * inside its length; status bits can only be added (0 resets); driver
 * features are written only between DRIVER and FEATURES_OK, and FEATURES_OK
 * sticks only for a subset of the offered features that includes
 * VIRTIO_F_VERSION_1; DRIVER_OK needs FEATURES_OK; queue registers are
 * written only while the queue is not ready; a queue becomes ready only with
 * a valid size and aligned rings inside guest memory. A malformed ring or
 * chain sets DEVICE_NEEDS_RESET (with a configuration-change interrupt) and
 * the device does nothing more until reset. Anything else the guest gets
 * wrong reads 0 / is ignored and counted.
 */
#ifndef GUNYAH_DEVICES_VIRTIO_MMIO_H
#define GUNYAH_DEVICES_VIRTIO_MMIO_H

#include <gunyah/devices/types.h>
#include <gunyah/devices/virtqueue.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_virtio_mmio;

#define GH_VIRTIO_MMIO_SIZE     0x200u
#define GH_VIRTIO_MAX_QUEUES    8u
#define GH_VIRTIO_CONFIG_MAX    0x100u
/* Chains a device handles per notification before returning. */
#define GH_VIRTIO_NOTIFY_BUDGET 4096u

/* Register offsets. */
#define GH_VIRTIO_MMIO_MAGIC               0x000
#define GH_VIRTIO_MMIO_VERSION             0x004
#define GH_VIRTIO_MMIO_DEVICE_ID           0x008
#define GH_VIRTIO_MMIO_VENDOR_ID           0x00c
#define GH_VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define GH_VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define GH_VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define GH_VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define GH_VIRTIO_MMIO_QUEUE_SEL           0x030
#define GH_VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define GH_VIRTIO_MMIO_QUEUE_NUM           0x038
#define GH_VIRTIO_MMIO_QUEUE_READY         0x044
#define GH_VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define GH_VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define GH_VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define GH_VIRTIO_MMIO_STATUS              0x070
#define GH_VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define GH_VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define GH_VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define GH_VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define GH_VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define GH_VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define GH_VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define GH_VIRTIO_MMIO_CONFIG              0x100

#define GH_VIRTIO_MMIO_MAGIC_VALUE 0x74726976u /* "virt" */

/* Device status bits. */
#define GH_VIRTIO_STATUS_ACKNOWLEDGE 1u
#define GH_VIRTIO_STATUS_DRIVER      2u
#define GH_VIRTIO_STATUS_DRIVER_OK   4u
#define GH_VIRTIO_STATUS_FEATURES_OK 8u
#define GH_VIRTIO_STATUS_NEEDS_RESET 64u
#define GH_VIRTIO_STATUS_FAILED      128u

/* Interrupt status bits. */
#define GH_VIRTIO_INT_VRING  1u
#define GH_VIRTIO_INT_CONFIG 2u

/* Transport feature bits the transport offers itself. */
#define GH_VIRTIO_F_INDIRECT_DESC 28
#define GH_VIRTIO_F_VERSION_1     32

/* Device ids. */
#define GH_VIRTIO_ID_BLOCK   2u
#define GH_VIRTIO_ID_CONSOLE 3u
#define GH_VIRTIO_ID_RNG     4u

/*
 * The device model behind a transport. All three are called without any
 * transport lock held, on the vCPU thread that made the access.
 */
struct gh_virtio_dev_ops {
	/* The driver notified queue @queue (ready, DRIVER_OK). Required. */
	void (*notify)(void *dev, uint16_t queue);
	/* The driver reset the device. Optional. */
	void (*reset)(void *dev);
	/* A write to the config space, inside its length. Optional: without
	 * it config writes are ignored and counted. */
	void (*config_write)(void *dev, uint32_t offset, uint32_t size, uint32_t val);
};

struct gh_virtio_mmio_config {
	uint32_t device_id;
	uint32_t vendor_id;
	/* Device-specific features, bits 0..23 only; the transport adds
	 * VIRTIO_F_VERSION_1 and VIRTIO_F_INDIRECT_DESC. */
	uint64_t device_features;
	uint16_t num_queues; /* 1..GH_VIRTIO_MAX_QUEUES */
	uint16_t queue_max;  /* power of two, 1..GH_VIRTQ_MAX_SIZE */
	const void *config_space;
	uint32_t config_len; /* <= GH_VIRTIO_CONFIG_MAX */
	const struct gh_virtio_dev_ops *dev_ops;
	void *dev;
	struct gh_guest_mem mem;      /* read, write and check all required */
	const struct gh_irq_ops *irq; /* optional */
	void *irq_ctx;
};

int gh_virtio_mmio_create(const struct gh_virtio_mmio_config *cfg, struct gh_virtio_mmio **out);
void gh_virtio_mmio_destroy(struct gh_virtio_mmio *t);

int gh_virtio_mmio_read(struct gh_virtio_mmio *t, uint64_t offset, uint32_t size, uint64_t *val);
int gh_virtio_mmio_write(struct gh_virtio_mmio *t, uint64_t offset, uint32_t size, uint64_t val);
/* For gh_bus_register(bus, base, GH_VIRTIO_MMIO_SIZE, &gh_virtio_mmio_ops, t). */
extern const struct gh_mmio_ops gh_virtio_mmio_ops;
int gh_virtio_mmio_stats(struct gh_virtio_mmio *t, struct gh_dev_stats *stats);

/*
 * For device models. gh_virtio_mmio_pop() returns the next validated chain
 * of @queue and a token naming the device's current incarnation;
 * -EAGAIN: nothing to do (empty, queue not ready, driver not ready);
 * -EIO: the device needs a reset (a malformed ring or chain was found now or
 * earlier). gh_virtio_mmio_push() returns the chain, raising the used-buffer
 * interrupt unless the driver suppressed it; -ESTALE (and nothing written)
 * if the device was reset since the pop.
 */
int gh_virtio_mmio_pop(struct gh_virtio_mmio *t, uint16_t queue, struct gh_virtq_chain *chain,
                       uint32_t *token);
int gh_virtio_mmio_push(struct gh_virtio_mmio *t, uint16_t queue, uint16_t head, uint32_t len,
                        uint32_t token);
/* Replace config bytes [offset, offset + len); bumps the generation and, if
 * the driver is running, raises the configuration-change interrupt. */
int gh_virtio_mmio_set_config(struct gh_virtio_mmio *t, uint32_t offset, const void *buf,
                              uint32_t len);
/* The features the driver accepted (valid once FEATURES_OK is set). */
int gh_virtio_mmio_driver_features(struct gh_virtio_mmio *t, uint64_t *features);
/* The guest memory accessor given at creation. */
int gh_virtio_mmio_mem(struct gh_virtio_mmio *t, const struct gh_guest_mem **mem);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_VIRTIO_MMIO_H */
