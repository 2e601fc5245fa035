// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's link to the resource manager: the rm/ RPC client on two
 * Gunyah message queues, their interrupts (TX "not full" in hard IRQ
 * context, RX "not empty" in a threaded handler, which may sleep), and the VM
 * manager's RM ops over it (gh_vm_rm_client_ops). Every VM the module creates
 * is set up through it, on a device and under the test hypervisor alike.
 *
 * On a device the queues are found as the upstream driver finds them: the
 * device tree's "gunyah-hypervisor" node has a "gunyah-resource-manager"
 * child whose reg holds the TX then the RX capability id (#address-cells 2,
 * #size-cells 0) and whose interrupts are TX then RX.
 */
#include <linux/interrupt.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>

#include <gunyah/rm.h>
#include <gunyah/vm_mgr.h>
#include <gunyah_platform.h>

#include "gunyah_kmod.h"

struct gunyah_rm_link {
	struct gh_rm_msgq msgq;
	struct gh_rm *rm;
	struct gh_vm_rm_client *client;
	int tx_irq, rx_irq;
	bool tx_requested, rx_requested;
};

static irqreturn_t rm_tx_irq(int irq, void *data)
{
	struct gunyah_rm_link *l = data;

	gh_rm_tx_ready(l->rm);
	return IRQ_HANDLED;
}

static irqreturn_t rm_rx_thread(int irq, void *data)
{
	struct gunyah_rm_link *l = data;
	int ret = gh_rm_rx_ready(l->rm);

	if (ret)
		pr_warn_ratelimited("gunyah: RM receive failed: %d\n", ret);
	return IRQ_HANDLED;
}

int gunyah_rm_link_create(const struct gunyah_rm_endpoint *ep, struct gunyah_rm_link **out)
{
	struct gunyah_rm_link *l;
	int ret;

	if (!ep || ep->tx_irq <= 0 || ep->rx_irq <= 0)
		return -EINVAL;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->msgq.tx_capid = ep->tx_capid;
	l->msgq.rx_capid = ep->rx_capid;
	l->tx_irq = ep->tx_irq;
	l->rx_irq = ep->rx_irq;
	ret = gh_rm_create(&gh_rm_msgq_ops, &l->msgq, &l->rm);
	if (ret)
		goto err;
	ret = request_irq(l->tx_irq, rm_tx_irq, 0, "gunyah-rm-tx", l);
	if (ret)
		goto err;
	l->tx_requested = true;
	ret = request_threaded_irq(l->rx_irq, NULL, rm_rx_thread, IRQF_ONESHOT, "gunyah-rm-rx", l);
	if (ret)
		goto err;
	l->rx_requested = true;
	/* What the RM queued before the handler existed raised nothing for us. */
	ret = gh_rm_rx_ready(l->rm);
	if (!ret)
		ret = gh_vm_rm_client_create(l->rm, &l->client);
	if (ret)
		goto err;
	*out = l;
	return 0;
err:
	gunyah_rm_link_destroy(l);
	return ret;
}

void gunyah_rm_link_destroy(struct gunyah_rm_link *l)
{
	if (!l)
		return;
	gh_vm_rm_client_destroy(l->client);
	if (l->rx_requested)
		free_irq(l->rx_irq, l);
	if (l->tx_requested)
		free_irq(l->tx_irq, l);
	gh_rm_destroy(l->rm);
	kfree(l);
}

struct gh_vm_rm_client *gunyah_rm_link_client(struct gunyah_rm_link *l)
{
	return l->client;
}

/* --- the device tree ------------------------------------------------------------ */

int gunyah_rm_endpoint_from_dt(struct gunyah_rm_endpoint *ep)
{
	struct device_node *hyp, *node;
	u32 reg[4];
	int ret;

	hyp = of_find_compatible_node(NULL, NULL, "gunyah-hypervisor");
	if (!hyp)
		return -ENODEV;
	node = of_get_compatible_child(hyp, "gunyah-resource-manager");
	of_node_put(hyp);
	if (!node)
		return -ENODEV;
	ret = of_property_read_u32_array(node, "reg", reg, ARRAY_SIZE(reg));
	if (ret)
		goto out;
	ep->tx_capid = (u64)reg[0] << 32 | reg[1];
	ep->rx_capid = (u64)reg[2] << 32 | reg[3];
	ep->tx_irq = of_irq_get(node, 0);
	ep->rx_irq = of_irq_get(node, 1);
	if (ep->tx_irq <= 0 || ep->rx_irq <= 0)
		ret = ep->tx_irq < 0 ? ep->tx_irq : ep->rx_irq < 0 ? ep->rx_irq : -ENXIO;
out:
	of_node_put(node);
	return ret;
}
