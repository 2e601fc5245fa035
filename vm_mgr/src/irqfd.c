// SPDX-License-Identifier: BSD-3-Clause
/*
 * The "irqfd" VM function: an eventfd whose signals ring a doorbell (BELL_TX,
 * label) that it claims with a resource ticket. A client of <gunyah/vm_mgr.h>.
 */
#include <gunyah/hypercall.h>
#include <gunyah/os.h>
#include <gunyah/vm_mgr.h>

#include "builtin_functions.h"

struct gh_irqfd {
	struct gh_vm_resource_ticket ticket;
	struct gh_os_eventfd *ev;
	struct gh_os_eventfd_watch *watch;
	struct gh_os_mutex *lock; /* capid, populated */
	bool populated;
	bool level;
	uint64_t capid;
};

static void irqfd_signalled(void *arg)
{
	struct gh_irqfd *irqfd = arg;
	enum gh_error err;

	gh_os_mutex_lock(irqfd->lock);
	if (!irqfd->populated) {
		gh_os_mutex_unlock(irqfd->lock);
		gh_os_warn_ratelimited("irqfd %u: signalled before its doorbell exists",
		                       irqfd->ticket.label);
		return;
	}
	err = gh_hypercall_bell_send(irqfd->capid, 1, NULL);
	gh_os_mutex_unlock(irqfd->lock);
	if (err != GH_ERROR_OK)
		gh_os_warn_ratelimited("irqfd %u: bell_send failed: %d", irqfd->ticket.label,
		                       gh_remap_error(err));
}

static int irqfd_populate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_irqfd *irqfd = gh_container_of(t, struct gh_irqfd, ticket);
	enum gh_error err;

	gh_os_mutex_lock(irqfd->lock);
	irqfd->capid = res->capid;
	irqfd->populated = true;
	if (irqfd->level) {
		/* Level: the bell asserts on bit 0 and the guest's ack clears it. */
		err = gh_hypercall_bell_set_mask(irqfd->capid, 1, 1);
		if (err != GH_ERROR_OK)
			gh_os_warn_ratelimited("irqfd %u: cannot make it level-triggered: %d",
			                       t->label, gh_remap_error(err));
	}
	gh_os_mutex_unlock(irqfd->lock);
	return 0;
}

static void irqfd_unpopulate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_irqfd *irqfd = gh_container_of(t, struct gh_irqfd, ticket);

	(void)res;
	gh_os_mutex_lock(irqfd->lock);
	irqfd->populated = false;
	irqfd->capid = 0;
	gh_os_mutex_unlock(irqfd->lock);
}

static int irqfd_validate(const void *arg)
{
	const struct gh_fn_irqfd_arg *a = arg;

	if ((a->flags & ~GH_IRQFD_VALID_FLAGS) || a->padding)
		return -EINVAL;
	return 0;
}

static void irqfd_free(struct gh_irqfd *irqfd)
{
	gh_os_eventfd_put(irqfd->ev);
	gh_os_mutex_free(irqfd->lock);
	gh_os_free(irqfd);
}

static int irqfd_bind(struct gh_vm_function_instance *inst, struct gh_vm_function_handle **handle)
{
	const struct gh_fn_irqfd_arg *a = (const void *)inst->arg;
	struct gh_irqfd *irqfd;
	int ret;

	(void)handle;
	if (a->fd > 0x7fffffffU)
		return -EBADF;
	irqfd = gh_os_zalloc(sizeof(*irqfd));
	if (!irqfd)
		return -ENOMEM;
	irqfd->lock = gh_os_mutex_alloc();
	if (!irqfd->lock) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = gh_os_eventfd_get((int)a->fd, &irqfd->ev);
	if (ret)
		goto err_free;
	irqfd->level = a->flags & GH_IRQFD_LEVEL;
	irqfd->ticket.resource_type = GH_RESOURCE_TYPE_BELL_TX;
	irqfd->ticket.label = a->label;
	irqfd->ticket.populate = irqfd_populate;
	irqfd->ticket.unpopulate = irqfd_unpopulate;
	ret = gh_vm_mgr_add_ticket(inst->vm, &irqfd->ticket);
	if (ret)
		goto err_free;
	ret = gh_os_eventfd_watch(irqfd->ev, irqfd_signalled, irqfd, &irqfd->watch);
	if (ret)
		goto err_remove_ticket;
	inst->data = irqfd;
	return 0;

err_remove_ticket:
	gh_vm_mgr_remove_ticket(inst->vm, &irqfd->ticket);
err_free:
	irqfd_free(irqfd);
	return ret;
}

static void irqfd_unbind(struct gh_vm_function_instance *inst)
{
	struct gh_irqfd *irqfd = inst->data;

	gh_os_eventfd_unwatch(irqfd->watch);
	gh_vm_mgr_remove_ticket(inst->vm, &irqfd->ticket);
	irqfd_free(irqfd);
}

static bool irqfd_matches(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_irqfd_arg *a = arg, *b = (const void *)inst->arg;

	return a->label == b->label;
}

static int irqfd_conflicts(const struct gh_vm_function_instance *inst, const void *arg)
{
	return irqfd_matches(inst, arg) ? -EEXIST : 0;
}

const struct gh_vm_function_type gh_irqfd_function_type = {
	.name = "irqfd",
	.arg_size = sizeof(struct gh_fn_irqfd_arg),
	.validate = irqfd_validate,
	.bind = irqfd_bind,
	.unbind = irqfd_unbind,
	.matches = irqfd_matches,
	.conflicts = irqfd_conflicts,
};
