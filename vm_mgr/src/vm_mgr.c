// SPDX-License-Identifier: BSD-3-Clause
/*
 * The VM object: lifetime, status machine, start sequence through the RM ops,
 * configuration (memory regions, DTB, boot context), tickets and resources,
 * and the ioctl dispatch.
 */
#include "fn_desc.h"
#include "vm_mgr_internal.h"

_Static_assert(GH_VM_FN_DESC_ADD == GH_VM_ADD_FUNCTION_DESC, "descriptor ADD number");
_Static_assert(GH_VM_FN_DESC_REMOVE == GH_VM_REMOVE_FUNCTION_DESC, "descriptor REMOVE number");
_Static_assert(GH_VM_ANDROID_LEND_USER_MEM == _IOW('A', 0x11, struct gh_userspace_memory_region),
               "Android's LEND_USER_MEM takes the seed's region");
_Static_assert(GH_VM_ANDROID_SET_FW_CONFIG == _IOW('A', 0x12, struct gh_vm_fw_config),
               "Android's SET_FW_CONFIG");

static int rm_ret(int ret)
{
	return ret > 0 ? -EIO : ret;
}

/* --- lifetime ------------------------------------------------------------------ */

static void vm_free_objects(struct gh_vm *vm)
{
	gh_os_mutex_free(vm->start_lock);
	gh_os_mutex_free(vm->notify_lock);
	gh_os_rwlock_free(vm->status_lock);
	gh_os_mutex_free(vm->cfg_lock);
	gh_os_mutex_free(vm->fn_lock);
	gh_os_mutex_free(vm->rsc_lock);
	gh_os_rwlock_free(vm->io_lock);
	gh_os_free(vm->resources);
	gh_os_free(vm);
}

int gh_vm_mgr_create(const struct gh_vm_rm_ops *ops, void *ctx, struct gh_vm **out)
{
	struct gh_vm *vm;
	int ret;

	if (!ops || !out)
		return -EINVAL;
	vm = gh_os_zalloc(sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->start_lock = gh_os_mutex_alloc();
	vm->notify_lock = gh_os_mutex_alloc();
	vm->status_lock = gh_os_rwlock_alloc();
	vm->cfg_lock = gh_os_mutex_alloc();
	vm->fn_lock = gh_os_mutex_alloc();
	vm->rsc_lock = gh_os_mutex_alloc();
	vm->io_lock = gh_os_rwlock_alloc();
	vm->resources = gh_os_zalloc(GH_VM_MAX_RESOURCES * sizeof(*vm->resources));
	if (!vm->start_lock || !vm->notify_lock || !vm->status_lock || !vm->cfg_lock ||
	    !vm->fn_lock || !vm->rsc_lock || !vm->io_lock || !vm->resources) {
		ret = -ENOMEM;
		goto err_free;
	}
	vm->ops = ops;
	vm->ctx = ctx;
	vm->status = GH_VM_MGR_STATUS_NO_STATE;
	gh_os_ref_init(&vm->ref);
	if (ops->alloc_vmid) {
		ret = rm_ret(ops->alloc_vmid(ctx, vm, &vm->vmid));
		if (ret)
			goto err_free;
	}
	*out = vm;
	return 0;

err_free:
	vm_free_objects(vm);
	return ret;
}

void gh_vm_get(struct gh_vm *vm)
{
	gh_os_ref_get(&vm->ref);
}

/*
 * Parcels back from the RM, pages unpinned. Called before the reset (the
 * VM is stopped) and after it, for what the RM refused the first time (a VM
 * that was initialised but never ran still holds its memory until reset).
 * @last: a parcel the RM still refuses stays pinned, leaked with a warning:
 * its pages may still be mapped into the VM.
 */
static void vm_reclaim_memory(struct gh_vm *vm, bool last)
{
	for (size_t i = 0; i < GH_VM_MAX_MEM_REGIONS; i++) {
		if (vm->shared[i] && vm->ops->mem_reclaim &&
		    rm_ret(vm->ops->mem_reclaim(vm->ctx, vm->vmid, vm->parcel[i]))) {
			if (!last)
				continue;
			gh_os_warn_ratelimited(
				"vm %u: parcel %u not reclaimed: its pages stay pinned", vm->vmid,
				vm->parcel[i]);
			/* Leaked as it is: pinned, and lent guest memory stays
			 * out of the host's reach. */
			vm->shared[i] = false;
			vm->pinned[i] = NULL;
			continue;
		}
		vm->shared[i] = false;
		gh_os_mem_unpin(vm->pinned[i]);
		vm->pinned[i] = NULL;
		if (vm->gmem_lent[i]) {
			/* Back from the VM: the host may touch it again. */
			gh_os_gmem_set_lent(gh_gmem_store(vm->gmem[i]), vm->gmem_off[i],
			                    vm->regions[i].memory_size, false);
			vm->gmem_lent[i] = false;
		}
	}
}

static void vm_release(struct gh_vm *vm)
{
	const struct gh_vm_rm_ops *ops = vm->ops;
	struct gh_vm_resource_ticket *t;
	int ret;

	/* Nobody else holds a reference: no lock can be contended, but take
	 * them anyway so that callbacks see the usual locking. */
	if (vm->rm_started && GH_READ_ONCE(vm->status) == GH_VM_MGR_STATUS_RUNNING &&
	    ops->vm_stop) {
		ret = rm_ret(ops->vm_stop(vm->ctx, vm->vmid));
		if (ret)
			gh_os_warn_ratelimited("vm %u: stop failed: %d", vm->vmid, ret);
	}

	gh_vm_fn_release_all(vm);

	/* Tickets belong to functions, all unbound now; resources remain. */
	gh_os_mutex_lock(vm->rsc_lock);
	for (t = vm->tickets; t; t = t->next) {
		gh_os_warn_ratelimited("vm %u: ticket (%u, %u) left at release", vm->vmid,
		                       t->resource_type, t->label);
		if (t->populated && t->unpopulate)
			t->unpopulate(t, &t->res);
		t->populated = false;
	}
	vm->tickets = NULL;
	vm->nr_resources = 0;
	gh_os_mutex_unlock(vm->rsc_lock);
	/* A VM_EXITED may still be delivered (the RM client finds the VM until
	 * dealloc_vmid): its notify_tickets walks the list under notify_lock. */
	gh_os_mutex_lock(vm->notify_lock);
	vm->listeners = NULL;
	gh_os_mutex_unlock(vm->notify_lock);

	vm_reclaim_memory(vm, false);
	if (vm->rm_initialized && ops->vm_reset) {
		ret = rm_ret(ops->vm_reset(vm->ctx, vm->vmid));
		if (ret)
			gh_os_warn_ratelimited("vm %u: reset failed: %d", vm->vmid, ret);
	}
	vm_reclaim_memory(vm, true);
	for (size_t i = 0; i < vm->nr_regions; i++) {
		if (!vm->gmem[i])
			continue;
		/* A parcel the RM kept stays lent: its store lives on, leaked. */
		if (!vm->gmem_lent[i])
			gh_gmem_unbind(vm->gmem[i], vm, vm->gmem_off[i],
			               vm->regions[i].memory_size);
		vm->gmem[i] = NULL;
	}
	if (ops->dealloc_vmid)
		ops->dealloc_vmid(vm->ctx, vm->vmid);
	vm_free_objects(vm);
}

void gh_vm_put(struct gh_vm *vm)
{
	if (vm && gh_os_ref_put(&vm->ref))
		vm_release(vm);
}

uint16_t gh_vm_mgr_vmid(const struct gh_vm *vm)
{
	return vm->vmid;
}

enum gh_vm_mgr_status gh_vm_mgr_status(struct gh_vm *vm)
{
	return GH_LOAD_ACQUIRE(vm->status);
}

static bool status_final(enum gh_vm_mgr_status st)
{
	return st == GH_VM_MGR_STATUS_EXITED || st == GH_VM_MGR_STATUS_CRASHED ||
	       st == GH_VM_MGR_STATUS_LOAD_FAILED;
}

enum gh_vm_mgr_status gh_vm_mgr_get_exit(struct gh_vm *vm, struct gh_vm_exit_info *info)
{
	enum gh_vm_mgr_status st = GH_LOAD_ACQUIRE(vm->status);

	if (info) {
		if (status_final(st))
			*info = vm->exit_info; /* published before status */
		else
			__builtin_memset(info, 0, sizeof(*info));
	}
	return st;
}

/* --- tickets and resources -------------------------------------------------------- */

static struct gh_vm_resource *rsc_find(struct gh_vm *vm, uint32_t type, uint32_t label)
{
	for (size_t i = 0; i < vm->nr_resources; i++) {
		if (vm->resources[i].type == type && vm->resources[i].label == label)
			return &vm->resources[i];
	}
	return NULL;
}

static struct gh_vm_resource_ticket *ticket_find(struct gh_vm *vm, uint32_t type, uint32_t label)
{
	struct gh_vm_resource_ticket *t;

	for (t = vm->tickets; t; t = t->next) {
		if (t->resource_type == type && t->label == label)
			return t;
	}
	return NULL;
}

int gh_vm_mgr_add_ticket(struct gh_vm *vm, struct gh_vm_resource_ticket *t)
{
	struct gh_vm_resource *res;
	int ret = 0;

	if (!t || !t->populate || !t->unpopulate)
		return -EINVAL;
	gh_os_mutex_lock(vm->rsc_lock);
	if (ticket_find(vm, t->resource_type, t->label)) {
		ret = -EEXIST;
		goto out;
	}
	t->populated = false;
	res = rsc_find(vm, t->resource_type, t->label);
	if (res) {
		ret = t->populate(t, res);
		if (ret)
			goto out;
		t->res = *res;
		t->populated = true;
	}
	t->next = vm->tickets;
	vm->tickets = t;
	if (t->vm_status_changed) {
		gh_os_mutex_lock(vm->notify_lock);
		t->next_listener = vm->listeners;
		vm->listeners = t;
		gh_os_mutex_unlock(vm->notify_lock);
	}
out:
	gh_os_mutex_unlock(vm->rsc_lock);
	return ret;
}

void gh_vm_mgr_remove_ticket(struct gh_vm *vm, struct gh_vm_resource_ticket *t)
{
	struct gh_vm_resource_ticket **pp;

	gh_os_mutex_lock(vm->rsc_lock);
	gh_os_mutex_lock(vm->notify_lock);
	for (pp = &vm->listeners; *pp; pp = &(*pp)->next_listener) {
		if (*pp == t) {
			*pp = t->next_listener;
			t->next_listener = NULL;
			break;
		}
	}
	gh_os_mutex_unlock(vm->notify_lock);
	for (pp = &vm->tickets; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			if (t->populated)
				t->unpopulate(t, &t->res);
			t->populated = false;
			t->next = NULL;
			break;
		}
	}
	gh_os_mutex_unlock(vm->rsc_lock);
}

int gh_vm_mgr_add_resource(struct gh_vm *vm, const struct gh_vm_resource *res)
{
	struct gh_vm_resource_ticket *t;
	int ret = 0;

	if (!res)
		return -EINVAL;
	gh_os_mutex_lock(vm->rsc_lock);
	if (rsc_find(vm, res->type, res->label)) {
		ret = -EEXIST;
		goto out;
	}
	if (vm->nr_resources >= GH_VM_MAX_RESOURCES) {
		ret = -ENOSPC;
		goto out;
	}
	vm->resources[vm->nr_resources++] = *res;
	t = ticket_find(vm, res->type, res->label);
	if (t && !t->populated) {
		int r = t->populate(t, res);

		if (r) {
			gh_os_warn_ratelimited("vm %u: resource (%u, %u) not taken: %d", vm->vmid,
			                       res->type, res->label, r);
		} else {
			t->res = *res;
			t->populated = true;
		}
	}
out:
	gh_os_mutex_unlock(vm->rsc_lock);
	return ret;
}

int gh_vm_mgr_remove_resource(struct gh_vm *vm, uint32_t type, uint32_t label)
{
	struct gh_vm_resource_ticket *t;
	struct gh_vm_resource *res;
	int ret = 0;

	gh_os_mutex_lock(vm->rsc_lock);
	res = rsc_find(vm, type, label);
	if (!res) {
		ret = -ENOENT;
		goto out;
	}
	t = ticket_find(vm, type, label);
	if (t && t->populated) {
		t->unpopulate(t, &t->res);
		t->populated = false;
	}
	*res = vm->resources[--vm->nr_resources];
out:
	gh_os_mutex_unlock(vm->rsc_lock);
	return ret;
}

static void notify_tickets(struct gh_vm *vm)
{
	struct gh_vm_resource_ticket *t;

	gh_os_mutex_lock(vm->notify_lock);
	for (t = vm->listeners; t; t = t->next_listener)
		t->vm_status_changed(t);
	gh_os_mutex_unlock(vm->notify_lock);
}

/* --- start ------------------------------------------------------------------------ */

static int vm_hand_out_resources(struct gh_vm *vm)
{
	struct gh_vm_resource *buf;
	size_t n = 0;
	int ret;

	if (!vm->ops->get_resources)
		return 0;
	buf = gh_os_zalloc(GH_VM_MAX_RESOURCES * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	ret = rm_ret(vm->ops->get_resources(vm->ctx, vm->vmid, buf, GH_VM_MAX_RESOURCES, &n));
	if (!ret && n > GH_VM_MAX_RESOURCES)
		ret = -EIO;
	for (size_t i = 0; !ret && i < n; i++) {
		int r = gh_vm_mgr_add_resource(vm, &buf[i]);

		if (r)
			gh_os_warn_ratelimited("vm %u: resource (%u, %u) ignored: %d", vm->vmid,
			                       buf[i].type, buf[i].label, r);
	}
	gh_os_free(buf);
	return ret;
}

static void set_status(struct gh_vm *vm, enum gh_vm_mgr_status st, int err)
{
	gh_os_rwlock_write_lock(vm->status_lock);
	vm->start_err = err;
	GH_STORE_RELEASE(vm->status, st);
	gh_os_rwlock_write_unlock(vm->status_lock);
}

/* start_lock held: each region pinned and given to the RM. */
static int vm_share_memory(struct gh_vm *vm)
{
	const struct gh_vm_rm_ops *ops = vm->ops;
	int ret = 0;

	for (size_t i = 0; !ret && i < vm->nr_regions; i++) {
		const struct gh_userspace_memory_region *r = &vm->regions[i];
		struct gh_vm_mem_parcel p = { .region = r, .lend = vm->lent[i] };

		if (vm->gmem[i])
			ret = gh_os_gmem_pin(gh_gmem_store(vm->gmem[i]), vm->gmem_off[i],
			                     r->memory_size, &vm->pinned[i]);
		else
			ret = gh_os_mem_pin(r->userspace_addr, r->memory_size,
			                    r->flags & GH_MEM_ALLOW_WRITE, &vm->pinned[i]);
		if (ret)
			break;
		p.n_ranges = gh_os_pinned_ranges(vm->pinned[i], &p.ranges);
		vm->parcel[i] = 0;
		if (ops->mem_share) {
			ret = rm_ret(ops->mem_share(vm->ctx, vm->vmid, &p, &vm->parcel[i]));
			vm->shared[i] = !ret;
		}
		if (!ret && vm->gmem[i] && vm->lent[i]) {
			/* The VM has it now: the host loses its mappings. */
			gh_os_gmem_set_lent(gh_gmem_store(vm->gmem[i]), vm->gmem_off[i],
			                    r->memory_size, true);
			vm->gmem_lent[i] = true;
		}
	}
	return ret;
}

/*
 * The image is the region holding the DTB (without one, the lowest region);
 * the firmware the lowest of the others. -EINVAL: a DTB outside every region.
 */
static bool region_holds(const struct gh_userspace_memory_region *r, uint64_t gpa, uint64_t size)
{
	return gpa >= r->guest_phys_addr && gpa - r->guest_phys_addr < r->memory_size &&
	       size <= r->memory_size - (gpa - r->guest_phys_addr);
}

static int vm_image_layout(const struct gh_vm *vm, struct gh_vm_image_layout *l)
{
	const struct gh_userspace_memory_region *img = NULL, *fw = NULL;
	size_t img_i = 0, fw_i = 0;

	for (size_t i = 0; i < vm->nr_regions; i++) {
		const struct gh_userspace_memory_region *r = &vm->regions[i];
		bool pick = vm->dtb_set ? region_holds(r, vm->dtb.guest_phys_addr, vm->dtb.size) :
		                          !img || r->guest_phys_addr < img->guest_phys_addr;

		if (pick) {
			img = r;
			img_i = i;
		}
	}
	*l = (struct gh_vm_image_layout){ 0 };
	if (!img)
		return vm->dtb_set || vm->fw_set ? -EINVAL : 0;
	for (size_t i = 0; i < vm->nr_regions; i++) {
		const struct gh_userspace_memory_region *r = &vm->regions[i];
		bool pick = vm->fw_set ? region_holds(r, vm->fw.guest_phys_addr, vm->fw.size) :
		                         !fw || r->guest_phys_addr < fw->guest_phys_addr;

		if (r != img && pick) {
			fw = r;
			fw_i = i;
		}
	}
	/* A firmware config must name a region of its own. */
	if (vm->fw_set && !fw)
		return -EINVAL;
	l->image_handle = vm->parcel[img_i];
	l->image_base = img->guest_phys_addr;
	l->image_size = img->memory_size;
	if (vm->dtb_set) {
		l->dtb_offset = vm->dtb.guest_phys_addr - img->guest_phys_addr;
		l->dtb_size = vm->dtb.size;
	}
	if (fw) {
		l->has_firmware = true;
		l->fw_handle = vm->parcel[fw_i];
		l->fw_base = fw->guest_phys_addr;
		l->fw_size = fw->memory_size;
		l->fw_offset = vm->fw_set ? vm->fw.guest_phys_addr - fw->guest_phys_addr : 0;
		l->fw_image_size = vm->fw_set ? vm->fw.size : fw->memory_size;
	}
	return 0;
}

/* start_lock held; status is STARTING (config frozen). No status lock is
 * held here: populate callbacks take vCPU run_locks. */
static int vm_start_sequence(struct gh_vm *vm)
{
	const struct gh_vm_rm_ops *ops = vm->ops;
	struct gh_vm_image_layout layout;
	int ret;

	ret = vm_share_memory(vm);
	if (!ret)
		ret = vm_image_layout(vm, &layout);
	if (!ret && ops->config_image)
		ret = rm_ret(ops->config_image(vm->ctx, vm->vmid, &layout));
	if (!ret && ops->vm_init) {
		vm->rm_initialized = true;
		ret = rm_ret(ops->vm_init(vm->ctx, vm->vmid));
	}
	for (size_t i = 0; !ret && ops->set_boot_context && i < vm->nr_boot; i++)
		ret = rm_ret(ops->set_boot_context(vm->ctx, vm->vmid, &vm->boot[i]));
	if (!ret)
		ret = vm_hand_out_resources(vm);
	if (!ret && ops->vm_start)
		ret = rm_ret(ops->vm_start(vm->ctx, vm->vmid));
	return ret;
}

/* The answer ensure_started gives for a status other than NO_STATE. */
static int status_result(const struct gh_vm *vm, enum gh_vm_mgr_status st)
{
	switch (st) {
	case GH_VM_MGR_STATUS_RUNNING:
		return 0;
	case GH_VM_MGR_STATUS_LOAD_FAILED:
		return vm->start_err ? vm->start_err : -ENODEV;
	default:
		return -ENODEV;
	}
}

int gh_vm_mgr_ensure_started(struct gh_vm *vm)
{
	enum gh_vm_mgr_status st;
	int ret;

	/* Fast path of every RUN: one acquire load. */
	st = GH_LOAD_ACQUIRE(vm->status);
	if (st == GH_VM_MGR_STATUS_RUNNING)
		return 0;
	if (status_final(st))
		return status_result(vm, st);

	/* NO_STATE or STARTING: the first caller starts, the others wait here. */
	gh_os_mutex_lock(vm->start_lock);
	gh_os_rwlock_write_lock(vm->status_lock);
	st = vm->status;
	if (st == GH_VM_MGR_STATUS_NO_STATE)
		GH_STORE_RELEASE(vm->status, GH_VM_MGR_STATUS_STARTING);
	gh_os_rwlock_write_unlock(vm->status_lock);

	if (st != GH_VM_MGR_STATUS_NO_STATE) {
		ret = status_result(vm, GH_LOAD_ACQUIRE(vm->status));
		gh_os_mutex_unlock(vm->start_lock);
		return ret;
	}
	ret = vm_start_sequence(vm);
	if (ret) {
		set_status(vm, GH_VM_MGR_STATUS_LOAD_FAILED, ret);
	} else {
		vm->rm_started = true;
		set_status(vm, GH_VM_MGR_STATUS_RUNNING, 0);
	}
	gh_os_mutex_unlock(vm->start_lock);
	return ret;
}

int gh_vm_mgr_start(struct gh_vm *vm)
{
	return gh_vm_mgr_ensure_started(vm);
}

int gh_vm_mgr_notify_status(struct gh_vm *vm, enum gh_vm_mgr_status status,
                            const struct gh_vm_exit_info *info)
{
	if (status != GH_VM_MGR_STATUS_EXITED && status != GH_VM_MGR_STATUS_CRASHED &&
	    status != GH_VM_MGR_STATUS_LOAD_FAILED)
		return -EINVAL;

	gh_os_rwlock_write_lock(vm->status_lock);
	if (vm->status != GH_VM_MGR_STATUS_RUNNING) {
		gh_os_rwlock_write_unlock(vm->status_lock);
		return -EALREADY;
	}
	__builtin_memset(&vm->exit_info, 0, sizeof(vm->exit_info));
	if (info) {
		vm->exit_info.type = info->type;
		vm->exit_info.reason_size = info->reason_size > GH_VM_LAST_EXIT_INFO_SIZE ?
		                                    GH_VM_LAST_EXIT_INFO_SIZE :
		                                    info->reason_size;
		__builtin_memcpy(vm->exit_info.reason, info->reason, vm->exit_info.reason_size);
	}
	if (status == GH_VM_MGR_STATUS_LOAD_FAILED)
		vm->start_err = -ENODEV;
	GH_STORE_RELEASE(vm->status, status);
	gh_os_rwlock_write_unlock(vm->status_lock);

	notify_tickets(vm);
	return 0;
}

/* --- configuration ----------------------------------------------------------------- */

/* Holds status_lock for reading and cfg_lock when it returns 0. */
static int cfg_begin(struct gh_vm *vm)
{
	gh_os_rwlock_read_lock(vm->status_lock);
	if (vm->status != GH_VM_MGR_STATUS_NO_STATE) {
		gh_os_rwlock_read_unlock(vm->status_lock);
		return -EBUSY;
	}
	gh_os_mutex_lock(vm->cfg_lock);
	return 0;
}

static void cfg_end(struct gh_vm *vm)
{
	gh_os_mutex_unlock(vm->cfg_lock);
	gh_os_rwlock_read_unlock(vm->status_lock);
}

/* [start, start + size) without wrapping; size > 0 */
static bool range_ok(uint64_t start, uint64_t size)
{
	return size && start + (size - 1) >= start;
}

static bool ranges_overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a <= b + (bsz - 1) && b <= a + (asz - 1);
}

/* cfg_lock held: 0 when @r can be added, -EEXIST (label or guest range
 * taken), -ENOSPC. */
static int region_fits(const struct gh_vm *vm, const struct gh_userspace_memory_region *r)
{
	for (size_t i = 0; i < vm->nr_regions; i++) {
		const struct gh_userspace_memory_region *o = &vm->regions[i];

		if (o->label == r->label || ranges_overlap(o->guest_phys_addr, o->memory_size,
		                                           r->guest_phys_addr, r->memory_size))
			return -EEXIST;
	}
	return vm->nr_regions >= GH_VM_MAX_MEM_REGIONS ? -ENOSPC : 0;
}

static int set_region(struct gh_vm *vm, const struct gh_userspace_memory_region *r, bool lend)
{
	uint64_t page = gh_os_page_size();
	int ret;

	if (!r)
		return -EFAULT;
	if (r->flags & ~GH_MEM_VALID_FLAGS)
		return -EINVAL;
	if (!r->memory_size || (r->memory_size & (page - 1)) || (r->guest_phys_addr & (page - 1)) ||
	    (r->userspace_addr & (page - 1)))
		return -EINVAL;
	if (!range_ok(r->guest_phys_addr, r->memory_size) ||
	    !range_ok(r->userspace_addr, r->memory_size))
		return -EINVAL;

	ret = cfg_begin(vm);
	if (ret)
		return ret;
	ret = region_fits(vm, r);
	if (!ret) {
		vm->lent[vm->nr_regions] = lend;
		vm->regions[vm->nr_regions++] = *r;
	}
	cfg_end(vm);
	return ret;
}

int gh_vm_mgr_set_user_mem_region(struct gh_vm *vm, const struct gh_userspace_memory_region *r)
{
	return set_region(vm, r, false);
}

int gh_vm_mgr_lend_user_mem(struct gh_vm *vm, const struct gh_userspace_memory_region *r)
{
	return set_region(vm, r, true);
}

/* cfg_lock held: the lowest label no region has (a mapping of guest memory
 * has none of its own; the parcel needs one). */
static uint32_t free_label(const struct gh_vm *vm)
{
	for (uint32_t label = 0;; label++) {
		size_t i = 0;

		while (i < vm->nr_regions && vm->regions[i].label != label)
			i++;
		if (i == vm->nr_regions)
			return label;
	}
}

/* cfg_lock held: removes region @i (before start: nothing is pinned). */
static void remove_region(struct gh_vm *vm, size_t i)
{
	for (; i + 1 < vm->nr_regions; i++) {
		vm->regions[i] = vm->regions[i + 1];
		vm->lent[i] = vm->lent[i + 1];
		vm->gmem[i] = vm->gmem[i + 1];
		vm->gmem_off[i] = vm->gmem_off[i + 1];
		vm->gmem_flags[i] = vm->gmem_flags[i + 1];
	}
	vm->nr_regions--;
	vm->gmem[vm->nr_regions] = NULL;
}

/*
 * UNMAP, as v17's gunyah_gmem_remove_mapping: the mapping of @g with the same
 * flags that holds [guest_addr, guest_addr + size) at the same offset into
 * @g; all of it goes, or its start or its end (the rest stays mapped), not a
 * middle (-EINVAL). None: -ENOENT.
 */
static int unmap_mem(struct gh_vm *vm, const struct gh_vm_map_mem *a, struct gh_gmem *g)
{
	uint32_t flags = a->flags & ~GH_VM_MAP_MEM_UNMAP;

	for (size_t i = 0; i < vm->nr_regions; i++) {
		struct gh_userspace_memory_region *r = &vm->regions[i];
		uint64_t head, tail;

		if (vm->gmem[i] != g || vm->gmem_flags[i] != flags ||
		    !region_holds(r, a->guest_addr, a->size))
			continue;
		head = a->guest_addr - r->guest_phys_addr;
		if (a->offset - vm->gmem_off[i] != head)
			return -ENOENT;
		tail = r->memory_size - head - a->size;
		if (head && tail)
			return -EINVAL;
		if (!head && !tail) {
			gh_gmem_unbind(g, vm, a->offset, a->size);
			remove_region(vm, i);
			return 0;
		}
		/* keep the end (head 0) or the start (tail 0) */
		gh_gmem_trim(g, vm, vm->gmem_off[i], r->memory_size,
		             head ? vm->gmem_off[i] : a->offset + a->size,
		             r->memory_size - a->size);
		if (!head) {
			r->guest_phys_addr += a->size;
			vm->gmem_off[i] += a->size;
		}
		r->memory_size -= a->size;
		return 0;
	}
	return -ENOENT;
}

int gh_vm_mgr_map_mem(struct gh_vm *vm, const struct gh_vm_map_mem *a, struct gh_gmem *g)
{
	const uint32_t valid = GH_VM_MAP_MEM_ACCESS_MASK | GH_VM_MAP_MEM_ALLOW_RWX |
	                       GH_VM_MAP_MEM_UNMAP;
	uint32_t access = a ? a->flags & GH_VM_MAP_MEM_ACCESS_MASK : 0;
	uint64_t page = gh_os_page_size();
	struct gh_userspace_memory_region r = { 0 };
	size_t n;
	int ret;

	if (!a || !g)
		return -EFAULT;
	if ((a->flags & ~valid) || !(a->flags & GH_VM_MAP_MEM_ALLOW_RWX) ||
	    (access != GH_VM_MAP_MEM_DEFAULT_ACCESS && access != GH_VM_MAP_MEM_FORCE_LEND &&
	     access != GH_VM_MAP_MEM_FORCE_SHARE))
		return -EINVAL;
	if (!a->size || ((a->guest_addr | a->offset | a->size) & (page - 1)) ||
	    !range_ok(a->guest_addr, a->size) || a->offset >= gh_gmem_size(g) ||
	    a->size > gh_gmem_size(g) - a->offset)
		return -EINVAL;

	ret = cfg_begin(vm);
	if (ret)
		return ret;
	if (a->flags & GH_VM_MAP_MEM_UNMAP) {
		ret = unmap_mem(vm, a, g);
		goto out;
	}
	r.guest_phys_addr = a->guest_addr;
	r.memory_size = a->size;
	r.flags = (a->flags & GH_VM_MAP_MEM_ALLOW_READ ? GH_MEM_ALLOW_READ : 0) |
	          (a->flags & GH_VM_MAP_MEM_ALLOW_WRITE ? GH_MEM_ALLOW_WRITE : 0) |
	          (a->flags & GH_VM_MAP_MEM_ALLOW_EXEC ? GH_MEM_ALLOW_EXEC : 0);
	r.label = free_label(vm);
	ret = region_fits(vm, &r);
	if (!ret)
		ret = gh_gmem_bind(g, vm, a->offset, a->size);
	if (ret)
		goto out;
	n = vm->nr_regions++;
	vm->regions[n] = r;
	vm->lent[n] = access != GH_VM_MAP_MEM_FORCE_SHARE;
	vm->gmem[n] = g;
	vm->gmem_off[n] = a->offset;
	vm->gmem_flags[n] = a->flags;
out:
	cfg_end(vm);
	return ret;
}

int gh_vm_mgr_set_fw_config(struct gh_vm *vm, const struct gh_vm_fw_config *fw)
{
	int ret;

	if (!fw)
		return -EFAULT;
	if (!fw->size || !range_ok(fw->guest_phys_addr, fw->size))
		return -EINVAL;
	ret = cfg_begin(vm);
	if (ret)
		return ret;
	vm->fw = *fw;
	vm->fw_set = true;
	cfg_end(vm);
	return 0;
}

/* Where the DTB lies is checked at start (vm_image_layout()), as v17 does:
 * a VMM may set it before it maps the memory. */
int gh_vm_mgr_set_dtb_config(struct gh_vm *vm, const struct gh_vm_dtb_config *dtb)
{
	int ret;

	if (!dtb)
		return -EFAULT;
	if (!range_ok(dtb->guest_phys_addr, dtb->size))
		return -EINVAL;
	ret = cfg_begin(vm);
	if (ret)
		return ret;
	vm->dtb = *dtb;
	vm->dtb_set = true;
	cfg_end(vm);
	return 0;
}

static bool boot_reg_ok(uint32_t reg)
{
	uint32_t set = (reg >> GH_VM_BOOT_CONTEXT_REG_SHIFT) & 0xff;
	uint32_t index = reg & 0xff;

	if (reg >> 16)
		return false;
	switch (set) {
	case GH_VM_BOOT_CONTEXT_REG_SET_X:
		return index <= 31;
	case GH_VM_BOOT_CONTEXT_REG_SET_PC:
		return index == 0;
	case GH_VM_BOOT_CONTEXT_REG_SET_SP:
		return index <= 2;
	default:
		return false;
	}
}

int gh_vm_mgr_set_boot_context(struct gh_vm *vm, const struct gh_vm_boot_context *bc)
{
	int ret;

	if (!bc)
		return -EFAULT;
	if (bc->reserved || !boot_reg_ok(bc->reg))
		return -EINVAL;
	ret = cfg_begin(vm);
	if (ret) /* v17 and Android: -EINVAL once the VM has a status */
		return ret == -EBUSY ? -EINVAL : ret;
	for (size_t i = 0; i < vm->nr_boot; i++) {
		if (vm->boot[i].reg == bc->reg) {
			vm->boot[i].value = bc->value;
			goto out;
		}
	}
	if (vm->nr_boot >= GH_VM_MAX_BOOT_CONTEXT) {
		ret = -ENOSPC;
		goto out;
	}
	vm->boot[vm->nr_boot++] = *bc;
out:
	cfg_end(vm);
	return ret;
}

/* --- ioctl dispatch ----------------------------------------------------------------- */

size_t gh_vm_mgr_ioctl_arg_size(unsigned int cmd)
{
	switch (cmd) {
	case GH_VM_SET_USER_MEM_REGION:
	case GH_VM_SET_DTB_CONFIG:
	case GH_VM_ADD_FUNCTION:
	case GH_VM_REMOVE_FUNCTION:
	case GH_VM_ADD_FUNCTION_DESC:
	case GH_VM_REMOVE_FUNCTION_DESC:
	case GH_VM_SET_BOOT_CONTEXT:
	case GH_VM_ANDROID_LEND_USER_MEM:
	case GH_VM_ANDROID_SET_FW_CONFIG:
		return _IOC_SIZE(cmd);
	default:
		return 0;
	}
}

int gh_vm_mgr_ioctl(struct gh_vm *vm, unsigned int cmd, const void *arg,
                    struct gh_vm_function_handle **handle)
{
	if (handle)
		*handle = NULL;
	if (!vm)
		return -ENODEV;
	switch (cmd) {
	case GH_VM_SET_USER_MEM_REGION:
		return gh_vm_mgr_set_user_mem_region(vm, arg);
	case GH_VM_SET_DTB_CONFIG:
		return gh_vm_mgr_set_dtb_config(vm, arg);
	case GH_VM_START:
		return gh_vm_mgr_start(vm);
	case GH_VM_ADD_FUNCTION:
		if (!arg)
			return -EFAULT;
		return gh_vm_mgr_add_function(vm, arg, handle);
	case GH_VM_REMOVE_FUNCTION:
		if (!arg)
			return -EFAULT;
		return gh_vm_mgr_remove_function(vm, arg);
	case GH_VM_ADD_FUNCTION_DESC:
		return gh_vm_mgr_fn_desc_ioctl(vm, true, arg, handle);
	case GH_VM_REMOVE_FUNCTION_DESC:
		return gh_vm_mgr_fn_desc_ioctl(vm, false, arg, NULL);
	case GH_VM_SET_BOOT_CONTEXT:
		return gh_vm_mgr_set_boot_context(vm, arg);
	case GH_VM_ANDROID_LEND_USER_MEM:
		return gh_vm_mgr_lend_user_mem(vm, arg);
	case GH_VM_ANDROID_SET_FW_CONFIG:
		return gh_vm_mgr_set_fw_config(vm, arg);
	default:
		return -ENOTTY;
	}
}
