// SPDX-License-Identifier: BSD-3-Clause
/*
 * virtio-console, single port. tx_lock serialises transmit processing so the
 * sink sees chains in ring order; rx_lock does the same for input. Neither
 * is held by the transport, and the transport lock is never held here while
 * calling the sink.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <gunyah/devices/virtio_console.h>

#define RX_QUEUE 0
#define TX_QUEUE 1
#define CHUNK    256u

struct gh_virtio_console {
	struct gh_virtio_mmio *t;
	const struct gh_guest_mem *mem;
	const struct gh_chardev_ops *chr;
	void *chr_ctx;
	pthread_mutex_t tx_lock;
	pthread_mutex_t rx_lock;
};

static void console_tx(struct gh_virtio_console *c)
{
	struct gh_virtq_chain chain;
	uint8_t buf[CHUNK];
	uint32_t token;

	pthread_mutex_lock(&c->tx_lock);
	for (unsigned int i = 0; i < GH_VIRTIO_NOTIFY_BUDGET; i++) {
		if (gh_virtio_mmio_pop(c->t, TX_QUEUE, &chain, &token))
			break;
		for (uint32_t off = 0; off < chain.out_bytes; off += CHUNK) {
			uint32_t n = chain.out_bytes - off < CHUNK ? chain.out_bytes - off : CHUNK;

			if (gh_virtq_chain_read(c->mem, &chain, off, buf, n))
				break;
			c->chr->write(c->chr_ctx, buf, n);
		}
		gh_virtio_mmio_push(c->t, TX_QUEUE, chain.head, 0, token);
	}
	pthread_mutex_unlock(&c->tx_lock);
}

static void console_notify(void *dev, uint16_t queue)
{
	struct gh_virtio_console *c = dev;

	if (queue == TX_QUEUE)
		console_tx(c);
	else if (queue == RX_QUEUE && c->chr->rx_ready)
		c->chr->rx_ready(c->chr_ctx);
}

static const struct gh_virtio_dev_ops console_ops = {
	.notify = console_notify,
};

int gh_virtio_console_create(const struct gh_virtio_console_config *cfg,
                             struct gh_virtio_console **out)
{
	/* cols, rows, max_nr_ports, emerg_wr: all unused without features. */
	static const uint8_t config[12];
	struct gh_virtio_mmio_config tc = { 0 };
	struct gh_virtio_console *c;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->chr || !cfg->chr->write)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	ret = -ENOMEM;
	if (pthread_mutex_init(&c->tx_lock, NULL))
		goto err_free;
	if (pthread_mutex_init(&c->rx_lock, NULL))
		goto err_tx;
	c->chr = cfg->chr;
	c->chr_ctx = cfg->chr_ctx;
	tc.device_id = GH_VIRTIO_ID_CONSOLE;
	tc.vendor_id = 0;
	tc.num_queues = 2;
	tc.queue_max = GH_VIRTIO_CONSOLE_QUEUE_SIZE;
	tc.config_space = config;
	tc.config_len = sizeof(config);
	tc.dev_ops = &console_ops;
	tc.dev = c;
	tc.mem = cfg->mem;
	tc.irq = cfg->irq;
	tc.irq_ctx = cfg->irq_ctx;
	ret = gh_virtio_mmio_create(&tc, &c->t);
	if (ret)
		goto err_rx;
	gh_virtio_mmio_mem(c->t, &c->mem);
	*out = c;
	return 0;

err_rx:
	pthread_mutex_destroy(&c->rx_lock);
err_tx:
	pthread_mutex_destroy(&c->tx_lock);
err_free:
	free(c);
	return ret;
}

void gh_virtio_console_destroy(struct gh_virtio_console *c)
{
	if (!c)
		return;
	gh_virtio_mmio_destroy(c->t);
	pthread_mutex_destroy(&c->rx_lock);
	pthread_mutex_destroy(&c->tx_lock);
	free(c);
}

int gh_virtio_console_transport(struct gh_virtio_console *c, struct gh_virtio_mmio **t)
{
	if (!c || !t)
		return -EINVAL;
	*t = c->t;
	return 0;
}

int gh_virtio_console_receive(struct gh_virtio_console *c, const uint8_t *buf, size_t len,
                              size_t *accepted)
{
	struct gh_virtq_chain chain;
	uint32_t token;
	size_t done = 0;

	if (!c || !accepted || (!buf && len))
		return -EINVAL;
	pthread_mutex_lock(&c->rx_lock);
	for (unsigned int i = 0; i < GH_VIRTIO_NOTIFY_BUDGET && done < len; i++) {
		size_t n;

		if (gh_virtio_mmio_pop(c->t, RX_QUEUE, &chain, &token))
			break;
		n = len - done < chain.in_bytes ? len - done : chain.in_bytes;
		if (gh_virtq_chain_write(c->mem, &chain, 0, buf + done, n))
			n = 0;
		if (gh_virtio_mmio_push(c->t, RX_QUEUE, chain.head, (uint32_t)n, token))
			n = 0;
		done += n;
	}
	pthread_mutex_unlock(&c->rx_lock);
	*accepted = done;
	return 0;
}
