/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a platform module gives gunyah.ko: the hypercall transport (or none,
 * to use `hvc #0` to a real Gunyah) and the resource-manager ops VMs are
 * created with. A test hypervisor backend (kmod/tests/) and, later, an RM
 * client register through this header.
 */
#ifndef GUNYAH_PLATFORM_H
#define GUNYAH_PLATFORM_H

#include <linux/module.h>

#include <gunyah/hypercall.h>
#include <gunyah/vm_mgr.h>

/**
 * struct gunyah_platform - a provider of the hypervisor and its RM
 * @owner: THIS_MODULE; every VM holds a reference on it while it exists
 * @name: for messages
 * @hypercall: a transport in place of `hvc #0`, or NULL for the native one
 *             (only when gunyah.ko found a real Gunyah at load)
 * @rm_ops, @rm_ctx: passed to gh_vm_mgr_create() for every new VM
 */
struct gunyah_platform {
	struct module *owner;
	const char *name;
	const struct gh_hypercall_backend *hypercall;
	const struct gh_vm_rm_ops *rm_ops;
	void *rm_ctx;
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

/*
 * The RM's asynchronous "VM @vmid stopped" notification: @status is
 * GH_VM_MGR_STATUS_EXITED, _CRASHED or _LOAD_FAILED. -ENOENT when no such VM
 * exists (any more); else gh_vm_mgr_notify_status()'s result. May sleep; must
 * not be called from an RM op or a hypercall of the same VM.
 */
int gunyah_vm_notify_status(u16 vmid, enum gh_vm_mgr_status status,
                            const struct gh_vm_exit_info *info);

#endif /* GUNYAH_PLATFORM_H */
