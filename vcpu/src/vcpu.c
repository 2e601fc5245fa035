// SPDX-License-Identifier: BSD-3-Clause
/*
 * The proxy-scheduled vCPU: the "vcpu" VM function and its handle, its run page, and the
 * GH_VCPU_RUN loop. The exit decoder is a pure function (decode.c); this file
 * holds the loop around it: waiting, yielding, signals, the run page.
 */
#include <gunyah/vcpu.h>

#include "run_page_v17.h"
#include "vcpu_internal.h"

/* The PAGE_FAULT view overlays the seed's page: same header, inside its union. */
_Static_assert(__builtin_offsetof(struct gh_vcpu_run, exit_reason) ==
                       __builtin_offsetof(struct gh_vcpu_run_v17_pf, exit_reason),
               "exit_reason where both ABIs have it");
_Static_assert(__builtin_offsetof(struct gh_vcpu_run, mmio) == 16, "the union at 16");
_Static_assert(sizeof(struct gh_vcpu_run_v17_pf) <= sizeof(struct gh_vcpu_run),
               "the view fits in the seed's page struct");
_Static_assert(GH_VCPU_V17_RESUME_HANDLED == GH_VM_RESUME_HANDLED &&
                       GH_VCPU_V17_RESUME_FAULT == GH_VM_RESUME_FAULT &&
                       GH_VCPU_V17_RESUME_RETRY == GH_VM_RESUME_RETRY,
               "one resume_action decoder for MMIO and page faults");
_Static_assert(GH_VCPU_V17_EXIT_PAGE_FAULT != GH_VM_EXIT_MMIO &&
                       GH_VCPU_V17_EXIT_PAGE_FAULT != GH_VM_EXIT_STATUS,
               "exit 3 is none of the seed's");

/* --- lifetime ---------------------------------------------------------------- */

static void vcpu_free(struct gh_vcpu *vcpu)
{
	gh_os_page_free(vcpu->run);
	gh_os_completion_free(vcpu->ready);
	gh_os_mutex_free(vcpu->run_lock);
	gh_os_free(vcpu);
}

static void vcpu_put(struct gh_vcpu *vcpu)
{
	if (gh_os_ref_put(&vcpu->ref))
		vcpu_free(vcpu);
}

void gh_vcpu_handle_dup(struct gh_vcpu *vcpu)
{
	gh_os_ref_get(&vcpu->ref);
	gh_vm_get(vcpu->vm);
}

void gh_vcpu_handle_release(struct gh_vcpu *vcpu)
{
	struct gh_vm *vm;

	if (!vcpu)
		return;
	/* The handle's VM reference keeps vcpu->vm valid up to here; dropping
	 * it may release the VM, which unbinds the function (its vCPU ref). */
	vm = vcpu->vm;
	vcpu_put(vcpu);
	gh_vm_put(vm);
}

uint32_t gh_vcpu_id(const struct gh_vcpu *vcpu)
{
	return vcpu->vcpu_id;
}

/* --- wake-ups and resources ------------------------------------------------------ */

static void vcpu_irq_handler(void *arg)
{
	gh_vcpu_wakeup_irq(arg);
}

void gh_vcpu_wakeup_irq(struct gh_vcpu *vcpu)
{
	gh_os_completion_complete(vcpu->ready);
}

static int vcpu_populate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_vcpu *vcpu = gh_container_of(t, struct gh_vcpu, ticket);
	int ret = 0;

	gh_os_mutex_lock(vcpu->run_lock);
	if (res->irq) {
		ret = gh_os_irq_request(res->irq, vcpu_irq_handler, vcpu);
		if (ret) {
			gh_os_warn_ratelimited("vcpu %u: wake-up irq %u: %d", vcpu->vcpu_id,
			                       res->irq, ret);
			goto out;
		}
	}
	vcpu->capid = res->capid;
	vcpu->irq = res->irq;
	vcpu->populated = true;
	GH_STORE_RELEASE(vcpu->gone, false);
out:
	gh_os_mutex_unlock(vcpu->run_lock);
	return ret;
}

/*
 * The resource goes away. A runner may sleep in a wait with run_lock held:
 * flag it and wake it first (it returns -ENODEV), then take run_lock. The run
 * page is userspace's: nothing is written into it (seed defect 6).
 */
static void vcpu_unpopulate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_vcpu *vcpu = gh_container_of(t, struct gh_vcpu, ticket);

	(void)res;
	GH_STORE_RELEASE(vcpu->gone, true);
	gh_os_completion_complete(vcpu->ready);
	gh_os_mutex_lock(vcpu->run_lock);
	if (vcpu->populated && vcpu->irq)
		gh_os_irq_free(vcpu->irq, vcpu);
	vcpu->populated = false;
	vcpu->capid = 0;
	vcpu->irq = 0;
	vcpu->mmio.pending = false;
	vcpu->pf.pending = false;
	gh_os_mutex_unlock(vcpu->run_lock);
}

static void vcpu_vm_status_changed(struct gh_vm_resource_ticket *t)
{
	struct gh_vcpu *vcpu = gh_container_of(t, struct gh_vcpu, ticket);

	gh_os_completion_complete(vcpu->ready);
}

/* --- the "vcpu" function ------------------------------------------------------------ */

static const struct gh_vm_function_handle_ops gh_vcpu_handle_ops;

static int vcpu_bind(struct gh_vm_function_instance *inst, struct gh_vm_function_handle **handle)
{
	const struct gh_fn_vcpu_arg *arg = (const void *)inst->arg;
	struct gh_vcpu *vcpu;
	int ret;

	if (!handle)
		return -EINVAL;
	vcpu = gh_os_zalloc(sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	gh_os_ref_init(&vcpu->ref); /* the function's reference */
	vcpu->handle.ops = &gh_vcpu_handle_ops;
	vcpu->vm = inst->vm;
	vcpu->vcpu_id = arg->vcpu_id;
	vcpu->v17_page = inst->abi == GH_VM_FN_ABI_DESC;
	vcpu->run = gh_os_page_alloc_zeroed();
	vcpu->run_lock = gh_os_mutex_alloc();
	vcpu->ready = gh_os_completion_alloc();
	if (!vcpu->run || !vcpu->run_lock || !vcpu->ready) {
		ret = -ENOMEM;
		goto err_free;
	}
	vcpu->ticket.resource_type = GH_RESOURCE_TYPE_VCPU;
	vcpu->ticket.label = arg->vcpu_id;
	vcpu->ticket.populate = vcpu_populate;
	vcpu->ticket.unpopulate = vcpu_unpopulate;
	vcpu->ticket.vm_status_changed = vcpu_vm_status_changed;
	ret = gh_vm_mgr_add_ticket(inst->vm, &vcpu->ticket);
	if (ret)
		goto err_free;

	/* The handle: a vCPU reference and a VM reference (seed defect 5). */
	gh_vcpu_handle_dup(vcpu);
	inst->data = vcpu;
	*handle = &vcpu->handle;
	return 0;

err_free:
	vcpu_free(vcpu);
	return ret;
}

static void vcpu_unbind(struct gh_vm_function_instance *inst)
{
	struct gh_vcpu *vcpu = inst->data;

	GH_STORE_RELEASE(vcpu->removed, true);
	GH_STORE_RELEASE(vcpu->gone, true);
	gh_os_completion_complete(vcpu->ready);
	gh_vm_mgr_remove_ticket(inst->vm, &vcpu->ticket);
	/* Wait for a runner to leave before dropping the function's reference. */
	gh_os_mutex_lock(vcpu->run_lock);
	gh_os_mutex_unlock(vcpu->run_lock);
	vcpu_put(vcpu);
}

static bool vcpu_matches(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_vcpu_arg *a = arg, *b = (const void *)inst->arg;

	return a->vcpu_id == b->vcpu_id;
}

static int vcpu_conflicts(const struct gh_vm_function_instance *inst, const void *arg)
{
	return vcpu_matches(inst, arg) ? -EEXIST : 0;
}

/* --- the handle ------------------------------------------------------------------------- */

static void vcpu_handle_release(struct gh_vm_function_handle *h)
{
	gh_vcpu_handle_release(gh_vcpu_from_handle(h));
}

static long vcpu_handle_ioctl(struct gh_vm_function_handle *h, unsigned int cmd, unsigned long arg)
{
	return gh_vcpu_ioctl(gh_vcpu_from_handle(h), cmd, arg);
}

static void *vcpu_handle_map_page(struct gh_vm_function_handle *h, uint64_t pgoff)
{
	return gh_vcpu_map_page(gh_vcpu_from_handle(h), pgoff);
}

static const struct gh_vm_function_handle_ops gh_vcpu_handle_ops = {
	.name = "gunyah-vcpu",
	.release = vcpu_handle_release,
	.ioctl = vcpu_handle_ioctl,
	.map_page = vcpu_handle_map_page,
};

struct gh_vcpu *gh_vcpu_from_handle(struct gh_vm_function_handle *h)
{
	if (!h || h->ops != &gh_vcpu_handle_ops)
		return NULL;
	return gh_container_of(h, struct gh_vcpu, handle);
}

struct gh_vm_function_handle *gh_vcpu_handle(struct gh_vcpu *vcpu)
{
	return vcpu ? &vcpu->handle : NULL;
}

static const struct gh_vm_function_type gh_vcpu_type = {
	.name = "vcpu",
	.arg_size = sizeof(struct gh_fn_vcpu_arg),
	.handle_ops = &gh_vcpu_handle_ops,
	.bind = vcpu_bind,
	.unbind = vcpu_unbind,
	.matches = vcpu_matches,
	.conflicts = vcpu_conflicts,
};

int gh_vcpu_register_function(void)
{
	int ret = gh_vm_mgr_register_function_type(&gh_vcpu_type);

	return ret == -EEXIST ? 0 : ret;
}

void gh_vcpu_unregister_function(void)
{
	gh_vm_mgr_unregister_function_type(&gh_vcpu_type);
}

/* --- the run page ---------------------------------------------------------------------- */

size_t gh_vcpu_mmap_size(void)
{
	return gh_os_page_size();
}

void *gh_vcpu_map_page(struct gh_vcpu *vcpu, uint64_t pgoff)
{
	/* One page, at offset 0 only (seed defect 4). */
	if (!vcpu || pgoff != 0)
		return NULL;
	return vcpu->run;
}

/* --- the run loop ------------------------------------------------------------------------ */

/* Fills the MMIO exit and records the request privately (seed defect 1). */
static void mmio_exit(struct gh_vcpu *vcpu, const struct gh_vcpu_exit *ex)
{
	struct gh_vcpu_run *run = vcpu->run;
	uint64_t data;

	vcpu->mmio.pending = true;
	vcpu->mmio.fixed = false;
	vcpu->mmio.is_write = ex->is_write;
	vcpu->mmio.addr = ex->addr;
	vcpu->mmio.len = (uint32_t)ex->len; /* 1..8: the decoder checked */

	GH_WRITE_ONCE(run->exit_reason, GH_VM_EXIT_MMIO);
	GH_WRITE_ONCE(run->mmio.phys_addr, ex->addr);
	/* The decoder masked a write's value to its length; a read's is 0. */
	data = ex->is_write ? ex->value : 0;
	for (unsigned int i = 0; i < GH_VCPU_MMIO_MAX_LEN; i++)
		GH_WRITE_ONCE(run->mmio.data[i], (uint8_t)(data >> (8 * i)));
	GH_WRITE_ONCE(run->mmio.len, (uint32_t)ex->len);
	GH_WRITE_ONCE(run->mmio.is_write, ex->is_write ? 1 : 0);
	GH_WRITE_ONCE(run->mmio.resume_action, GH_VM_RESUME_HANDLED);
}

/*
 * The resume data of a pending MMIO completion, built from the private request
 * and only resume_action and data from the run page, with the private length
 * (seed defect 1): never more than 8 bytes.
 */
static int mmio_resume(struct gh_vcpu *vcpu, uint64_t resume[3])
{
	struct gh_vcpu_run *run = vcpu->run;
	uint64_t action, value = 0;
	int ret;

	if (vcpu->mmio.fixed) {
		resume[0] = 0;
		resume[1] = vcpu->mmio.fixed_action;
		resume[2] = 0;
		return 0;
	}
	ret = gh_vcpu_resume_action(GH_READ_ONCE(run->mmio.resume_action), &action);
	if (ret)
		return ret;
	if (!vcpu->mmio.is_write && action == GH_VMMIO_ACTION_EMULATE) {
		for (uint32_t i = 0; i < vcpu->mmio.len && i < GH_VCPU_MMIO_MAX_LEN; i++)
			value |= (uint64_t)GH_READ_ONCE(run->mmio.data[i]) << (8 * i);
	}
	resume[0] = value;
	resume[1] = action;
	resume[2] = 0;
	return 0;
}

static struct gh_vcpu_run_v17_pf *pf_view(struct gh_vcpu *vcpu)
{
	return (struct gh_vcpu_run_v17_pf *)(void *)vcpu->run;
}

/*
 * The later ABIs' PAGE_FAULT exit. As v17 gunyah_vcpu.c
 * gunyah_handle_page_fault() fills it: the address, attempt 0 (the kernel
 * tried nothing itself: it has no guest_memfd to demand-page from) and
 * resume_action FAULT, so a VMM that never writes it makes the guest abort.
 */
static void pf_exit(struct gh_vcpu *vcpu, const struct gh_vcpu_exit *ex)
{
	struct gh_vcpu_run_v17_pf *pf = pf_view(vcpu);

	vcpu->pf.pending = true;
	vcpu->pf.fixed = false;
	GH_WRITE_ONCE(pf->exit_reason, GH_VCPU_V17_EXIT_PAGE_FAULT);
	GH_WRITE_ONCE(pf->phys_addr, ex->addr);
	GH_WRITE_ONCE(pf->attempt, 0);
	GH_WRITE_ONCE(pf->resume_action, GH_VCPU_V17_RESUME_FAULT);
	for (unsigned int i = 0; i < sizeof(pf->padding3); i++)
		GH_WRITE_ONCE(pf->padding3[i], 0);
}

/* The resume data of a pending page fault: userspace's resume_action (one
 * byte read once), or the core's own answer. */
static int pf_resume(struct gh_vcpu *vcpu, uint64_t resume[3])
{
	uint64_t action;
	int ret;

	if (vcpu->pf.fixed) {
		action = vcpu->pf.fixed_action;
	} else {
		ret = gh_vcpu_resume_action(GH_READ_ONCE(pf_view(vcpu)->resume_action), &action);
		if (ret)
			return ret;
	}
	resume[0] = 0;
	resume[1] = action;
	resume[2] = 0;
	return 0;
}

static uint32_t uapi_status(enum gh_vm_mgr_status st)
{
	switch (st) {
	case GH_VM_MGR_STATUS_CRASHED:
		return GH_VM_STATUS_CRASHED;
	case GH_VM_MGR_STATUS_LOAD_FAILED:
		return GH_VM_STATUS_LOAD_FAILED;
	default:
		return GH_VM_STATUS_EXITED;
	}
}

/* The VM has stopped for good: fill the STATUS exit with how. */
static void write_status_exit(struct gh_vcpu *vcpu, enum gh_vm_mgr_status st,
                              const struct gh_vm_exit_info *info)
{
	struct gh_vcpu_run *run = vcpu->run;

	GH_WRITE_ONCE(run->exit_reason, GH_VM_EXIT_STATUS);
	GH_WRITE_ONCE(run->status.status, uapi_status(st));
	GH_WRITE_ONCE(run->status.exit_info.type, info->type);
	GH_WRITE_ONCE(run->status.exit_info.padding, 0);
	GH_WRITE_ONCE(run->status.exit_info.reason_size, info->reason_size);
	for (unsigned int i = 0; i < GH_VM_LAST_EXIT_INFO_SIZE; i++)
		GH_WRITE_ONCE(run->status.exit_info.reason[i], info->reason[i]);
}

static bool vm_is_live(enum gh_vm_mgr_status st)
{
	return st == GH_VM_MGR_STATUS_RUNNING || st == GH_VM_MGR_STATUS_STARTING ||
	       st == GH_VM_MGR_STATUS_NO_STATE;
}

/* When the VM has stopped (EXITED, CRASHED, LOAD_FAILED), every RUN reports
 * it as the same STATUS exit: true when it filled one. */
static bool vm_status_exit(struct gh_vcpu *vcpu)
{
	struct gh_vm_exit_info info;
	enum gh_vm_mgr_status st = gh_vm_mgr_get_exit(vcpu->vm, &info);

	if (vm_is_live(st))
		return false;
	write_status_exit(vcpu, st, &info);
	return true;
}

/* The vCPU lost its resource or function: a removed function is -ENODEV;
 * a resource withdrawn because the VM stopped is that VM's STATUS exit. */
static int gone_result(struct gh_vcpu *vcpu)
{
	if (GH_LOAD_ACQUIRE(vcpu->removed))
		return -ENODEV;
	return vm_status_exit(vcpu) ? 0 : -ENODEV;
}

/*
 * The vCPU will not run again (powered off for good, or faulted while the VM
 * crashes). Report a STATUS exit once the RM has told vm_mgr how the VM
 * stopped; until then wait (vm_status_changed wakes us), interruptibly.
 */
static int vm_stopped_exit(struct gh_vcpu *vcpu)
{
	int ret;

	for (;;) {
		gh_os_completion_reinit(vcpu->ready);
		if (vm_status_exit(vcpu))
			return 0;
		if (GH_LOAD_ACQUIRE(vcpu->gone))
			return -ENODEV;
		ret = gh_os_completion_wait_interruptible(vcpu->ready);
		if (ret)
			return ret;
	}
}

/* run_lock held, populated. */
static int run_locked(struct gh_vcpu *vcpu)
{
	struct gh_vcpu_run *run = vcpu->run;
	struct gh_hypercall_vcpu_run_resp resp;
	uint64_t resume[3] = { 0, 0, 0 };
	unsigned int unknown = 0;
	struct gh_vcpu_exit ex;
	enum gh_error err;
	int ret;

	/* Last exit was MMIO: userspace's answer goes with the next vcpu_run.
	 * It stays pending until a vcpu_run takes it (seed defect 3). */
	if (vcpu->mmio.pending) {
		ret = mmio_resume(vcpu, resume);
		if (ret)
			return ret;
	} else if (vcpu->pf.pending) {
		ret = pf_resume(vcpu, resume);
		if (ret)
			return ret;
	}

	for (;;) {
		/* KVM semantics: checked before entering the guest, never after
		 * an exit has been filled in. */
		if (GH_READ_ONCE(run->immediate_exit) || gh_os_signal_pending())
			return -EINTR;
		/* Re-arm before the hypercall: a wake-up IRQ that fires between
		 * the hypercall's return and the wait below is not lost. */
		gh_os_completion_reinit(vcpu->ready);
		if (GH_LOAD_ACQUIRE(vcpu->gone))
			return gone_result(vcpu);

		err = gh_hypercall_vcpu_run(vcpu->capid, resume, &resp);
		if (err == GH_ERROR_RETRY) {
			gh_os_yield();
			continue;
		}
		if (err != GH_ERROR_OK)
			return gh_remap_error(err);

		/* The hypervisor took the resume data. */
		vcpu->mmio.pending = false;
		vcpu->pf.pending = false;
		resume[0] = resume[1] = resume[2] = 0;

		gh_vcpu_decode_exit(&resp, &ex);
		if (ex.kind != GH_VCPU_EXIT_KIND_UNKNOWN)
			unknown = 0;
		switch (ex.kind) {
		case GH_VCPU_EXIT_KIND_RESUME:
			if (gh_os_need_resched())
				gh_os_yield();
			break;
		case GH_VCPU_EXIT_KIND_YIELD:
			gh_os_yield();
			break;
		case GH_VCPU_EXIT_KIND_WAIT_WAKEUP:
			ret = gh_os_completion_wait_interruptible(vcpu->ready);
			if (ret)
				return ret;
			if (GH_LOAD_ACQUIRE(vcpu->gone))
				return gone_result(vcpu);
			break;
		case GH_VCPU_EXIT_KIND_VM_STOPPED:
			return vm_stopped_exit(vcpu);
		case GH_VCPU_EXIT_KIND_MMIO:
			if (ex.is_write &&
			    !gh_vm_mgr_mmio_write(vcpu->vm, ex.addr, (uint32_t)ex.len, ex.value)) {
				/* ioeventfd: done in here, the guest resumes at once. */
				vcpu->mmio.pending = true; /* until vcpu_run takes it */
				vcpu->mmio.fixed = true;
				vcpu->mmio.fixed_action = GH_VMMIO_ACTION_EMULATE;
				vcpu->mmio.is_write = true;
				vcpu->mmio.len = (uint32_t)ex.len;
				vcpu->mmio.addr = ex.addr;
				resume[1] = GH_VMMIO_ACTION_EMULATE;
				break;
			}
			mmio_exit(vcpu, &ex);
			return 0;
		case GH_VCPU_EXIT_KIND_BAD_MMIO:
			/* Seed defect 2: not a copy but an error; the guest's
			 * access completes with a fault on the next RUN. */
			gh_os_warn_ratelimited(
				"vcpu %u: hypervisor reported MMIO length %llu at 0x%llx",
				vcpu->vcpu_id, (unsigned long long)ex.len,
				(unsigned long long)ex.addr);
			vcpu->mmio.pending = true;
			vcpu->mmio.fixed = true;
			vcpu->mmio.fixed_action = GH_VMMIO_ACTION_FAULT;
			vcpu->mmio.len = 0;
			return -EIO;
		case GH_VCPU_EXIT_KIND_PAGE_FAULT:
			if (vcpu->v17_page) {
				pf_exit(vcpu, &ex);
				return 0;
			}
			/* The seed's page has no PAGE_FAULT exit: answer it here,
			 * the guest takes an abort. Pending until a vcpu_run
			 * takes it, like an ioeventfd write. */
			gh_os_warn_ratelimited("vcpu %u: guest %s at 0x%llx not permitted; "
			                       "the guest takes an abort (no PAGE_FAULT exit "
			                       "for a vCPU added by name)",
			                       vcpu->vcpu_id, ex.is_write ? "write" : "access",
			                       (unsigned long long)ex.addr);
			vcpu->pf.pending = true;
			vcpu->pf.fixed = true;
			vcpu->pf.fixed_action = GH_VMMIO_ACTION_FAULT;
			resume[1] = GH_VMMIO_ACTION_FAULT;
			break;
		case GH_VCPU_EXIT_KIND_UNKNOWN:
		default:
			gh_os_warn_ratelimited("vcpu %u: unknown vcpu_run state 0x%llx",
			                       vcpu->vcpu_id, (unsigned long long)ex.raw_state);
			if (++unknown >= GH_VCPU_UNKNOWN_STATE_LIMIT)
				return -EIO;
			gh_os_yield();
			break;
		}
	}
}

int gh_vcpu_run(struct gh_vcpu *vcpu)
{
	enum gh_vm_mgr_status st;
	int ret;

	if (!vcpu)
		return -EINVAL;
	/* One runner at a time; a second is refused, not queued. */
	if (gh_os_atomic_xchg_acquire(&vcpu->in_run, 1))
		return -EBUSY;
	if (GH_LOAD_ACQUIRE(vcpu->removed)) {
		ret = -ENODEV;
		goto out;
	}
	/* KVM semantics for the first RUN too: a kick or immediate_exit that
	 * came before it is -EINTR, not a start whose RM calls it interrupts
	 * (which would fail the VM for good). */
	st = gh_vm_mgr_status(vcpu->vm);
	if ((st == GH_VM_MGR_STATUS_NO_STATE || st == GH_VM_MGR_STATUS_STARTING) &&
	    (GH_READ_ONCE(vcpu->run->immediate_exit) || gh_os_signal_pending())) {
		ret = -EINTR;
		goto out;
	}
	/* A VM that failed to start, exited or crashed: its STATUS exit, on
	 * every RUN of every vCPU. */
	ret = gh_vm_mgr_ensure_started(vcpu->vm);
	if (ret) {
		if (vm_status_exit(vcpu))
			ret = 0;
		goto out;
	}
	gh_os_mutex_lock(vcpu->run_lock);
	if (!vcpu->populated)
		ret = gone_result(vcpu);
	else
		ret = run_locked(vcpu);
	gh_os_mutex_unlock(vcpu->run_lock);
out:
	gh_os_atomic_set_release(&vcpu->in_run, 0);
	return ret;
}

long gh_vcpu_ioctl(struct gh_vcpu *vcpu, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case GH_VCPU_RUN:
		if (arg)
			return -EINVAL;
		return gh_vcpu_run(vcpu);
	case GH_VCPU_MMAP_SIZE:
		return (long)gh_vcpu_mmap_size();
	default:
		/* Seed defect 7: not -EINVAL. */
		return -ENOTTY;
	}
}
