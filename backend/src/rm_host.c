// SPDX-License-Identifier: BSD-3-Clause
/* The host end of the in-process RM link (see rm_host.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <gunyah/os.h>

#include "rm_host.h"

struct gh_rm_host {
	struct gh_sim_rm_endpoint ep;
	struct gh_rm_msgq msgq;
	struct gh_rm *rm;
	struct gh_vm_rm_client *client;
	bool tx_irq, rx_irq;

	/* The RX drain thread: woken by the RX interrupt. */
	pthread_t drainer;
	bool drainer_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool rx_pending, stop;
};

/* Interrupt context (a simulator thread, maybe with its locks held): no
 * blocking, no hypercall. */
static void rx_irq(void *arg)
{
	struct gh_rm_host *h = arg;

	pthread_mutex_lock(&h->lock);
	h->rx_pending = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

static void tx_irq(void *arg)
{
	gh_rm_tx_ready(((struct gh_rm_host *)arg)->rm);
}

static void *drain(void *arg)
{
	struct gh_rm_host *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->rx_pending && !h->stop)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->stop)
			break;
		/* Cleared before the drain: a message after it raises again. */
		h->rx_pending = false;
		pthread_mutex_unlock(&h->lock);
		int ret = gh_rm_rx_ready(h->rm);
		if (ret)
			gh_os_warn_ratelimited("rm: receive failed: %d", ret);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

int gh_rm_host_create(struct gh_sim *sim, struct gh_rm_host **out)
{
	struct gh_rm_host *h;
	int ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	/* What a device tree's RM node tells the module. */
	gh_sim_rm_endpoint(sim, &h->ep);
	h->msgq.tx_capid = h->ep.tx_capid;
	h->msgq.rx_capid = h->ep.rx_capid;
	ret = gh_rm_create(&gh_rm_msgq_ops, &h->msgq, &h->rm);
	if (ret)
		goto err;
	ret = gh_os_irq_request(h->ep.tx_irq, tx_irq, h);
	if (ret)
		goto err;
	h->tx_irq = true;
	ret = gh_os_irq_request(h->ep.rx_irq, rx_irq, h);
	if (ret)
		goto err;
	h->rx_irq = true;
	ret = -pthread_create(&h->drainer, NULL, drain, h);
	if (ret)
		goto err;
	h->drainer_started = true;
	/* Anything the RM queued before the IRQ was ours. */
	rx_irq(h);
	ret = gh_vm_rm_client_create(h->rm, &h->client);
	if (ret)
		goto err;
	*out = h;
	return 0;
err:
	gh_rm_host_destroy(h);
	return ret;
}

void gh_rm_host_destroy(struct gh_rm_host *h)
{
	if (!h)
		return;
	gh_vm_rm_client_destroy(h->client);
	if (h->rx_irq)
		gh_os_irq_free(h->ep.rx_irq, h);
	if (h->tx_irq)
		gh_os_irq_free(h->ep.tx_irq, h);
	if (h->drainer_started) {
		pthread_mutex_lock(&h->lock);
		h->stop = true;
		pthread_cond_signal(&h->cond);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->drainer, NULL);
	}
	gh_rm_destroy(h->rm);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct gh_vm_rm_client *gh_rm_host_client(struct gh_rm_host *h)
{
	return h->client;
}

struct gh_rm *gh_rm_host_rm(struct gh_rm_host *h)
{
	return h->rm;
}
