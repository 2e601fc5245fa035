/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-console, one port, no optional features: queue 0 receives (host to
 * guest), queue 1 transmits (guest to host). Output goes to the same byte
 * sink a UART uses; input is pushed with gh_virtio_console_receive(), which
 * accepts as much as the guest has posted receive buffers for. When the
 * guest posts more, the sink's rx_ready() is called.
 */
#ifndef GUNYAH_DEVICES_VIRTIO_CONSOLE_H
#define GUNYAH_DEVICES_VIRTIO_CONSOLE_H

#include <gunyah/devices/virtio_mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_virtio_console;

#define GH_VIRTIO_CONSOLE_QUEUE_SIZE 256u

struct gh_virtio_console_config {
	const struct gh_chardev_ops *chr; /* write() required */
	void *chr_ctx;
	struct gh_guest_mem mem;
	const struct gh_irq_ops *irq;
	void *irq_ctx;
};

int gh_virtio_console_create(const struct gh_virtio_console_config *cfg,
                             struct gh_virtio_console **out);
void gh_virtio_console_destroy(struct gh_virtio_console *con);
/* The transport to put on the bus (owned by the console). */
int gh_virtio_console_transport(struct gh_virtio_console *con, struct gh_virtio_mmio **t);
int gh_virtio_console_receive(struct gh_virtio_console *con, const uint8_t *buf, size_t len,
                              size_t *accepted);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_VIRTIO_CONSOLE_H */
