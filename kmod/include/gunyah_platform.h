/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a platform gives gunyah.ko: the hypercall transport (or none, to use
 * `hvc #0` to a real Gunyah) and where the resource manager's message queues
 * are. On a device gunyah.ko registers its own platform from the device tree;
 * the test hypervisor backend (kmod/tests/) registers through this header.
 */
#ifndef GUNYAH_PLATFORM_H
#define GUNYAH_PLATFORM_H

#include <linux/module.h>

#include <gunyah/hypercall.h>
#include <gunyah/vm_mgr.h>

/**
 * struct gunyah_rm_endpoint - where the resource manager listens
 * @tx_capid: the message queue to the RM (msgq_send)
 * @rx_capid: the message queue from the RM (msgq_recv)
 * @tx_irq, @rx_irq: Linux IRQs: TX "not full", RX "not empty"
 */
struct gunyah_rm_endpoint {
	u64 tx_capid;
	u64 rx_capid;
	int tx_irq;
	int rx_irq;
};

/**
 * struct gunyah_platform - a provider of the hypervisor and its RM
 * @owner: THIS_MODULE; every VM holds a reference on it while it exists
 * @name: for messages
 * @hypercall: a transport in place of `hvc #0`, or NULL for the native one
 *             (only when gunyah.ko found a real Gunyah at load)
 * @rm: the RM's message queues: gunyah.ko runs the RM RPC client on them
 *      (rm/, vm_mgr's gh_vm_rm_client_ops) for every VM
 */
struct gunyah_platform {
	struct module *owner;
	const char *name;
	const struct gh_hypercall_backend *hypercall;
	const struct gunyah_rm_endpoint *rm;
};

/*
 * Makes @p the platform: registers its transport, then checks through it that
 * a usable Gunyah answers (UID, hyp_identify: API v1, 64-bit, vCPU feature).
 * -EBUSY when a platform is registered, -EINVAL for a bad @p, -ENODEV when
 * @p->hypercall is NULL and there is no native Gunyah, or when the probe
 * through @p's transport fails.
 */
int gunyah_register_platform(struct gunyah_platform *p);
/* Call from the owner's module exit: no VM can exist then (each holds @owner). */
void gunyah_unregister_platform(struct gunyah_platform *p);

#endif /* GUNYAH_PLATFORM_H */
