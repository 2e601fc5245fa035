// SPDX-License-Identifier: BSD-3-Clause
/*
 * The VM manager's RM seam over RM RPC: struct gh_vm_rm_ops implemented with
 * the rm/ client, and the VM_EXITED / VM_STATUS notifications turned into
 * gh_vm_mgr_notify_status() and the reset wait. The same file runs in the
 * module (real Gunyah, or the test hypervisor) and in-process (the
 * simulator's RM server).
 */
#include <gunyah/rm.h>

#include "vm_mgr_internal.h"

/* One VM of the client, from alloc_vmid to dealloc_vmid. */
struct rm_client_vm {
	struct rm_client_vm *next;
	struct gh_vm *vm;
	uint16_t vmid;
	struct gh_os_completion *reset; /* the VM_STATUS RESET notification came */
};

struct gh_vm_rm_client {
	struct gh_rm *rm;
	uint16_t host_vmid;
	struct gh_rm_listener listener;
	/* The VM list. Held across gh_vm_mgr_notify_status(), so that a VM
	 * whose vmid is deallocated is never notified afterwards. */
	struct gh_os_mutex *lock;
	struct rm_client_vm *vms;
};

/* lock held */
static struct rm_client_vm *find_vm(struct gh_vm_rm_client *c, uint16_t vmid)
{
	struct rm_client_vm *v;

	for (v = c->vms; v; v = v->next)
		if (v->vmid == vmid)
			return v;
	return NULL;
}

/* --- notifications ------------------------------------------------------------------ */

/* Exit types of a VM that did not end by its own request. */
static bool exit_is_crash(uint16_t type)
{
	return type == GH_RM_VM_EXIT_TYPE_WATCHDOG_BITE ||
	       type == GH_RM_VM_EXIT_TYPE_SOFTWARE_ERROR ||
	       type == GH_RM_VM_EXIT_TYPE_ASYNC_HW_ERROR;
}

static void on_exited(struct gh_vm_rm_client *c, const struct gh_rm_vm_exited_info *e)
{
	struct gh_vm_exit_info info = { 0 };
	struct rm_client_vm *v;
	bool crashed;
	uint32_t n;

	n = e->reason_size < GH_VM_LAST_EXIT_INFO_SIZE ? e->reason_size : GH_VM_LAST_EXIT_INFO_SIZE;
	if (n > GH_RM_EXIT_REASON_MAX)
		n = GH_RM_EXIT_REASON_MAX;
	info.type = e->exit_type;
	info.reason_size = n;
	for (uint32_t i = 0; i < n; i++)
		info.reason[i] = e->reason[i];
	crashed = exit_is_crash(e->exit_type) ||
	          (e->has_code && e->exit_code != GH_RM_VM_EXIT_CODE_NORMAL);

	gh_os_mutex_lock(c->lock);
	v = find_vm(c, e->vmid);
	if (v)
		gh_vm_mgr_notify_status(
			v->vm, crashed ? GH_VM_MGR_STATUS_CRASHED : GH_VM_MGR_STATUS_EXITED, &info);
	gh_os_mutex_unlock(c->lock);
}

static void on_status(struct gh_vm_rm_client *c, const struct gh_rm_vm_status_info *s)
{
	struct rm_client_vm *v;

	/* Every other transition answers an RM call of ours. */
	if (s->vm_status != GH_RM_VM_STATUS_RESET)
		return;
	gh_os_mutex_lock(c->lock);
	v = find_vm(c, s->vmid);
	if (v)
		gh_os_completion_complete(v->reset);
	gh_os_mutex_unlock(c->lock);
}

static void client_notify(struct gh_rm_listener *l, const struct gh_rm_notif *n)
{
	struct gh_vm_rm_client *c = gh_container_of(l, struct gh_vm_rm_client, listener);

	if (n->err)
		return; /* not ours, or malformed: the rm/ client counted it */
	if (n->msg_id == GH_RM_NOTIF_VM_EXITED)
		on_exited(c, &n->u.exited);
	else if (n->msg_id == GH_RM_NOTIF_VM_STATUS)
		on_status(c, &n->u.status);
}

/* --- the client ---------------------------------------------------------------------- */

int gh_vm_rm_client_create(struct gh_rm *rm, struct gh_vm_rm_client **out)
{
	struct gh_vm_rm_client *c;
	int ret;

	if (!rm || !out)
		return -EINVAL;
	c = gh_os_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->rm = rm;
	c->lock = gh_os_mutex_alloc();
	if (!c->lock) {
		ret = -ENOMEM;
		goto err;
	}
	ret = gh_rm_get_vmid(rm, &c->host_vmid);
	if (ret)
		goto err;
	c->listener.notify = client_notify;
	ret = gh_rm_register_listener(rm, &c->listener);
	if (ret)
		goto err;
	*out = c;
	return 0;
err:
	gh_os_mutex_free(c->lock);
	gh_os_free(c);
	return ret;
}

void gh_vm_rm_client_destroy(struct gh_vm_rm_client *c)
{
	if (!c)
		return;
	gh_rm_unregister_listener(c->rm, &c->listener);
	if (c->vms)
		gh_os_warn_ratelimited("rm client: destroyed with VMs left");
	gh_os_mutex_free(c->lock);
	gh_os_free(c);
}

/* --- the ops -------------------------------------------------------------------------- */

static int client_alloc_vmid(void *ctx, struct gh_vm *vm, uint16_t *vmid)
{
	struct gh_vm_rm_client *c = ctx;
	struct rm_client_vm *v;
	int ret;

	v = gh_os_zalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->reset = gh_os_completion_alloc();
	if (!v->reset) {
		ret = -ENOMEM;
		goto err;
	}
	ret = gh_rm_vm_alloc_vmid(c->rm, 0, &v->vmid);
	if (ret)
		goto err;
	v->vm = vm;
	gh_os_mutex_lock(c->lock);
	v->next = c->vms;
	c->vms = v;
	gh_os_mutex_unlock(c->lock);
	*vmid = v->vmid;
	return 0;
err:
	gh_os_completion_free(v->reset);
	gh_os_free(v);
	return ret;
}

static void client_dealloc_vmid(void *ctx, uint16_t vmid)
{
	struct gh_vm_rm_client *c = ctx;
	struct rm_client_vm **pp, *v = NULL;
	int ret;

	gh_os_mutex_lock(c->lock);
	for (pp = &c->vms; *pp; pp = &(*pp)->next) {
		if ((*pp)->vmid == vmid) {
			v = *pp;
			*pp = v->next;
			break;
		}
	}
	gh_os_mutex_unlock(c->lock);
	ret = gh_rm_vm_dealloc_vmid(c->rm, vmid);
	if (ret)
		gh_os_warn_ratelimited("vm %u: VM_DEALLOC_VMID failed: %d", vmid, ret);
	if (v) {
		gh_os_completion_free(v->reset);
		gh_os_free(v);
	}
}

static uint8_t acl_perms(uint32_t flags)
{
	return (flags & GH_MEM_ALLOW_READ ? GH_RM_ACL_R : 0) |
	       (flags & GH_MEM_ALLOW_WRITE ? GH_RM_ACL_W : 0) |
	       (flags & GH_MEM_ALLOW_EXEC ? GH_RM_ACL_X : 0);
}

static int client_mem_share(void *ctx, uint16_t vmid, const struct gh_vm_mem_parcel *p,
                            uint32_t *handle)
{
	struct gh_vm_rm_client *c = ctx;
	struct gh_rm_mem_acl acl[2] = {
		{ .vmid = vmid, .perms = acl_perms(p->region->flags) },
		{ .vmid = c->host_vmid, .perms = GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X },
	};
	struct gh_rm_mem_parcel parcel = {
		.mem_type = GH_RM_MEM_TYPE_NORMAL,
		.label = p->region->label,
		.n_acl = p->lend ? 1 : 2, /* a lend names the VM only */
		.acl = acl,
		.n_ranges = p->n_ranges,
	};
	struct gh_rm_mem_range *ranges;
	int ret;

	if (!acl[0].perms)
		return -EINVAL; /* the RM takes no ACL entry without access */
	if (!p->n_ranges || p->n_ranges > GH_RM_MEM_MAX_RANGES)
		return -EINVAL;
	ranges = gh_os_zalloc(p->n_ranges * sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_ranges; i++) {
		ranges[i].addr = p->ranges[i].phys;
		ranges[i].size = p->ranges[i].size;
	}
	parcel.ranges = ranges;
	/* Shared unless lent: the host keeps access (virtio devices read guest memory). */
	ret = p->lend ? gh_rm_mem_lend(c->rm, &parcel, handle) :
	                gh_rm_mem_share(c->rm, &parcel, handle);
	gh_os_free(ranges);
	return ret;
}

static int client_mem_reclaim(void *ctx, uint16_t vmid, uint32_t handle)
{
	struct gh_vm_rm_client *c = ctx;

	(void)vmid;
	return gh_rm_mem_reclaim(c->rm, handle, 0);
}

/* An RM without VM_SET_ADDRESS_LAYOUT takes the layout from the DTB's vm-config. */
static int set_layout(struct gh_vm_rm_client *c, uint16_t vmid, uint32_t range, uint64_t base,
                      uint64_t size)
{
	int ret = gh_rm_vm_set_address_layout(c->rm, vmid, range, base, size);

	return ret == -EOPNOTSUPP ? 0 : ret;
}

static int client_config_image(void *ctx, uint16_t vmid, const struct gh_vm_image_layout *l)
{
	struct gh_vm_rm_client *c = ctx;
	struct gh_rm_vm_image_config cfg = {
		.vmid = vmid,
		.auth_mech = GH_RM_VM_AUTH_NONE,
		.mem_handle = l->image_handle,
		.dtb_offset = l->dtb_offset,
		.dtb_size = l->dtb_size,
	};
	int ret;

	if (!l->image_size)
		return 0; /* no memory at all: VM_INIT will tell */
	ret = gh_rm_vm_config_image(c->rm, &cfg);
	if (!ret && l->has_firmware)
		ret = gh_rm_vm_set_firmware_mem(c->rm, vmid, l->fw_handle, l->fw_offset,
		                                l->fw_image_size);
	if (!ret)
		ret = set_layout(c, vmid, GH_RM_RANGE_ID_IMAGE, l->image_base, l->image_size);
	if (!ret && l->has_firmware)
		ret = set_layout(c, vmid, GH_RM_RANGE_ID_FIRMWARE, l->fw_base, l->fw_size);
	return ret;
}

static int client_vm_init(void *ctx, uint16_t vmid)
{
	return gh_rm_vm_init(((struct gh_vm_rm_client *)ctx)->rm, vmid);
}

static int client_set_boot_context(void *ctx, uint16_t vmid, const struct gh_vm_boot_context *bc)
{
	struct gh_vm_rm_client *c = ctx;

	return gh_rm_vm_set_boot_context(c->rm, vmid,
	                                 (bc->reg >> GH_VM_BOOT_CONTEXT_REG_SHIFT) & 0xff,
	                                 bc->reg & 0xff, bc->value);
}

static int client_get_resources(void *ctx, uint16_t vmid, struct gh_vm_resource *out, size_t max,
                                size_t *n)
{
	struct gh_vm_rm_client *c = ctx;
	struct gh_rm_hyp_resource *res;
	size_t got = 0;
	int ret;

	if (max > GH_RM_MAX_HYP_RESOURCES)
		max = GH_RM_MAX_HYP_RESOURCES;
	res = gh_os_zalloc((max ? max : 1) * sizeof(*res));
	if (!res)
		return -ENOMEM;
	ret = gh_rm_vm_get_hyp_resources(c->rm, vmid, res, max, &got);
	for (size_t i = 0; !ret && i < got; i++) {
		if (res[i].capid == 0 && res[i].type == GH_RM_RESOURCE_VCPU) {
			ret = -EIO; /* a vCPU without a capability cannot run */
			break;
		}
		out[i] = (struct gh_vm_resource){
			.type = res[i].type,
			.label = res[i].label,
			.capid = res[i].capid,
			.irq = res[i].virq,
		};
	}
	if (!ret)
		*n = got;
	gh_os_free(res);
	return ret;
}

static int client_vm_start(void *ctx, uint16_t vmid)
{
	return gh_rm_vm_start(((struct gh_vm_rm_client *)ctx)->rm, vmid);
}

static int client_vm_stop(void *ctx, uint16_t vmid)
{
	return gh_rm_vm_stop(((struct gh_vm_rm_client *)ctx)->rm, vmid, GH_RM_VM_STOP_FLAG_FORCE,
	                     GH_RM_VM_STOP_REASON_FORCE);
}

/* VM_RESET is asynchronous: the RM says RESET with a VM_STATUS notification. */
static int client_vm_reset(void *ctx, uint16_t vmid)
{
	struct gh_vm_rm_client *c = ctx;
	struct gh_os_completion *done = NULL;
	struct rm_client_vm *v;
	int ret;

	gh_os_mutex_lock(c->lock);
	v = find_vm(c, vmid);
	if (v) {
		done = v->reset;
		gh_os_completion_reinit(done);
	}
	gh_os_mutex_unlock(c->lock);
	ret = gh_rm_vm_reset(c->rm, vmid);
	if (ret || !done)
		return ret;
	/* Teardown must learn the outcome: a pending signal does not end the wait. */
	while (gh_os_completion_wait_interruptible(done))
		gh_os_yield();
	return 0;
}

const struct gh_vm_rm_ops gh_vm_rm_client_ops = {
	.alloc_vmid = client_alloc_vmid,
	.dealloc_vmid = client_dealloc_vmid,
	.mem_share = client_mem_share,
	.mem_reclaim = client_mem_reclaim,
	.config_image = client_config_image,
	.vm_init = client_vm_init,
	.set_boot_context = client_set_boot_context,
	.get_resources = client_get_resources,
	.vm_start = client_vm_start,
	.vm_stop = client_vm_stop,
	.vm_reset = client_vm_reset,
};
