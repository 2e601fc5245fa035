// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah_test_hyp.ko: a test hypervisor backend for gunyah.ko, so that the
 * real kernel paths (fds, mmap, IRQs, eventfds, the cores' run loop) run
 * without Gunyah. It registers as
 *  - the hypercall transport: answers the UID query and hyp_identify as
 *    Gunyah would, vcpu_run by playing a scripted guest program per vCPU,
 *    bell_send by counting;
 *  - the resource manager: VM ids, start (which can be made to fail), and the
 *    resources handed out as tickets: vCPUs 0..3 (capid + a wake-up IRQ each,
 *    real Linux IRQs on a dummy chip, raised from an hrtimer) and a doorbell.
 * Programs and addresses: gunyah_test_hyp.h.
 */
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <gunyah/hypercall.h>
#include <gunyah/vm_mgr.h>
#include <gunyah_platform.h>

#include "gunyah_test_hyp.h"

#define TH_VCPU_CAPID_BASE 0x100000ULL
#define TH_BELL_CAPID_BASE 0x200000ULL
#define TH_NOTIFY_DELAY_MS 5
#define TH_WAITBELL_POLLS  200000

/* Counters the selftest reads in /sys/module/gunyah_test_hyp/parameters. */
static int vm_starts, vm_stops, vm_resets, vms_live, bell_rings, vcpu_runs;
module_param(vm_starts, int, 0444);
module_param(vm_stops, int, 0444);
module_param(vm_resets, int, 0444);
module_param(vms_live, int, 0444);
module_param(bell_rings, int, 0444);
module_param(vcpu_runs, int, 0444);

enum th_op {
	OP_OFF,      /* POWERED_OFF (EXITED); the VM exits */
	OP_READ,     /* VMMIO read of len at addr */
	OP_BADLEN,   /* VMMIO read reported with an impossible len */
	OP_WRITE,    /* VMMIO write of val */
	OP_ECHO,     /* VMMIO write of the last read's value */
	OP_REPORT,   /* VMMIO write (8 bytes) of counter val */
	OP_WFI,      /* EXPECTS_WAKEUP; wake-up IRQ after val ms (0: never) */
	OP_STATE,    /* returns state val (READY, BLOCKED, unknown ones) */
	OP_HYPERR,   /* vcpu_run fails with hypervisor error val */
	OP_CRASH,    /* FAULT; the VM crashes */
	OP_WAITBELL, /* BLOCKED until the doorbell rang */
};

enum th_counter {
	C_STARTS,
	C_BELLS,
	C_LAST_ACTION,
	C_VCPU_ID
};

struct th_step {
	u8 op;
	u32 len;
	u64 addr;
	u64 val;
};

#define S_OFF()                 \
	{                       \
		OP_OFF, 0, 0, 0 \
	}
#define S_READ(a, l)             \
	{                        \
		OP_READ, l, a, 0 \
	}
#define S_BADLEN(a, l)             \
	{                          \
		OP_BADLEN, l, a, 0 \
	}
#define S_WRITE(a, l, v)          \
	{                         \
		OP_WRITE, l, a, v \
	}
#define S_ECHO(a, l)             \
	{                        \
		OP_ECHO, l, a, 0 \
	}
#define S_REPORT(c)                             \
	{                                       \
		OP_REPORT, 8, TH_REPORT_ADDR, c \
	}
#define S_MARK(v) S_WRITE(TH_MARK_ADDR, 4, v)
#define S_WFI(ms)                \
	{                        \
		OP_WFI, 0, 0, ms \
	}
#define S_STATE(s)                \
	{                         \
		OP_STATE, 0, 0, s \
	}
#define S_HYPERR(e)                            \
	{                                      \
		OP_HYPERR, 0, 0, (u64)(s64)(e) \
	}

static const struct th_step prog_off[] = { S_OFF() };
static const struct th_step prog_mmio[] = {
	S_READ(TH_READ_ADDR(0), 1),
	S_ECHO(TH_ECHO_ADDR(0), 1),
	S_READ(TH_READ_ADDR(1), 2),
	S_ECHO(TH_ECHO_ADDR(1), 2),
	S_READ(TH_READ_ADDR(2), 4),
	S_ECHO(TH_ECHO_ADDR(2), 4),
	S_READ(TH_READ_ADDR(3), 8),
	S_ECHO(TH_ECHO_ADDR(3), 8),
	S_WRITE(TH_WRITE_ADDR(0), 1, TH_WVAL(1)),
	S_WRITE(TH_WRITE_ADDR(1), 2, TH_WVAL(2)),
	S_WRITE(TH_WRITE_ADDR(2), 4, TH_WVAL(4)),
	S_WRITE(TH_WRITE_ADDR(3), 8, TH_WVAL(8)),
	S_OFF(),
};
static const struct th_step prog_exits[] = {
	S_STATE(GH_VCPU_STATE_READY),
	S_STATE(GH_VCPU_STATE_BLOCKED),
	S_HYPERR(GH_ERROR_RETRY),
	S_STATE(0x77),
	S_WFI(20),
	S_MARK(1),
	S_HYPERR(GH_ERROR_DENIED),
	S_MARK(2),
	S_OFF(),
};
static const struct th_step prog_crash[] = { S_MARK(3), { OP_CRASH, 0, 0, 0 } };
static const struct th_step prog_wfi[] = { S_WFI(300), S_MARK(0xc0ffee), S_OFF() };
static const struct th_step prog_resume[] = {
	S_READ(TH_READ_ADDR(0), 2),
	S_ECHO(TH_ECHO_ADDR(0), 2),
	S_READ(TH_READ_ADDR(1), 4),
	S_ECHO(TH_ECHO_ADDR(1), 4),
	S_READ(TH_READ_ADDR(2), 4),
	S_ECHO(TH_ECHO_ADDR(2), 8),
	S_READ(TH_READ_ADDR(3), 4),
	S_ECHO(TH_ECHO_ADDR(3), 4),
	S_BADLEN(TH_READ_ADDR(0), 4096),
	S_REPORT(C_LAST_ACTION),
	S_BADLEN(TH_READ_ADDR(0), 0),
	S_REPORT(C_LAST_ACTION),
	S_OFF(),
};
static const struct th_step prog_starts[] = { S_REPORT(C_STARTS), S_REPORT(C_VCPU_ID), S_OFF() };
static const struct th_step prog_irqfd[] = { { OP_WAITBELL, 0, 0, 1 }, S_REPORT(C_BELLS), S_OFF() };
static const struct th_step prog_ioeventfd[] = {
	S_WRITE(TH_IOEVENT_ADDR, 4, 0x1234),
	S_MARK(0x5678),
	S_OFF(),
};
static const struct th_step prog_forever[] = { S_WFI(0), S_OFF() };

static const struct th_step *const programs[TH_PROG_COUNT] = {
	[TH_PROG_OFF] = prog_off,
	[TH_PROG_MMIO] = prog_mmio,
	[TH_PROG_EXITS] = prog_exits,
	[TH_PROG_CRASH] = prog_crash,
	[TH_PROG_WFI] = prog_wfi,
	[TH_PROG_RESUME] = prog_resume,
	[TH_PROG_STARTS] = prog_starts,
	[TH_PROG_IRQFD] = prog_irqfd,
	[TH_PROG_IOEVENTFD] = prog_ioeventfd,
	[TH_PROG_FOREVER] = prog_forever,
};

struct th_vm;

/* Touched only by the vCPU's runner (one at a time: the core enforces it),
 * except woken, which the timer sets. */
struct th_vcpu {
	struct th_vm *vm;
	u32 id;
	u32 irq;
	const struct th_step *prog;
	unsigned int pc;
	bool mmio_pending;
	bool mmio_read;
	u32 mmio_len;
	u64 last;
	u64 last_action;
	bool waiting;
	bool stopped;
	unsigned int polls;
	atomic_t woken;
	struct hrtimer timer;
};

struct th_vm {
	u16 vmid;
	int slot;
	u64 pc;
	u64 x0;
	int starts;
	atomic_t bells;
	struct th_vcpu vcpu[TH_MAX_VCPUS];
};

static DEFINE_MUTEX(th_lock);
static struct th_vm *slots[TH_MAX_VMS]; /* written under th_lock, read by vcpu_run */
static u16 next_vmid = 1;
static int irq_base;
static struct workqueue_struct *th_wq;

static struct th_vm *vm_by_vmid(u16 vmid)
{
	for (int i = 0; i < TH_MAX_VMS; i++) {
		if (slots[i] && slots[i]->vmid == vmid)
			return slots[i];
	}
	return NULL;
}

/* --- the RM's asynchronous notifications ------------------------------------------ */

struct th_notify {
	struct delayed_work work;
	u16 vmid;
	enum gh_vm_mgr_status status;
	struct gh_vm_exit_info info;
};

static void th_notify_work(struct work_struct *work)
{
	struct th_notify *n = container_of(to_delayed_work(work), struct th_notify, work);

	gunyah_vm_notify_status(n->vmid, n->status, &n->info);
	kfree(n);
}

static void th_notify(u16 vmid, enum gh_vm_mgr_status status, u16 type)
{
	struct th_notify *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return;
	n->vmid = vmid;
	n->status = status;
	n->info.type = type;
	n->info.reason_size = 2;
	n->info.reason[0] = 0x9d;
	n->info.reason[1] = (u8)vmid;
	INIT_DELAYED_WORK(&n->work, th_notify_work);
	queue_delayed_work(th_wq, &n->work, msecs_to_jiffies(TH_NOTIFY_DELAY_MS));
}

/* --- vCPUs -------------------------------------------------------------------------- */

static enum hrtimer_restart th_wakeup(struct hrtimer *t)
{
	struct th_vcpu *v = container_of(t, struct th_vcpu, timer);

	atomic_set(&v->woken, 1);
	generic_handle_irq_safe(v->irq); /* the wake-up IRQ, as Gunyah raises it */
	return HRTIMER_NORESTART;
}

static u64 th_counter(struct th_vcpu *v, u64 which)
{
	switch (which) {
	case C_STARTS:
		return v->vm->starts;
	case C_BELLS:
		return atomic_read(&v->vm->bells);
	case C_LAST_ACTION:
		return v->last_action;
	case C_VCPU_ID:
		return v->id;
	default:
		return ~0ULL;
	}
}

static u64 len_mask(u32 len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

static void mmio_out(struct th_vcpu *v, struct gh_hypercall_regs *out, bool read, u64 addr, u32 len,
                     u64 val)
{
	v->mmio_pending = true;
	v->mmio_read = read;
	v->mmio_len = len;
	out->x[1] = read ? GH_VCPU_STATE_ADDRSPACE_VMMIO_READ : GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
	out->x[2] = addr;
	out->x[3] = len;
	out->x[4] = read ? 0 : val;
}

static void th_vcpu_run(struct th_vcpu *v, const struct gh_hypercall_regs *in,
                        struct gh_hypercall_regs *out)
{
	const struct th_step *s;

	vcpu_runs++;
	out->x[0] = GH_ERROR_OK;
	/* The answer to the last VMMIO access travels with this call. */
	if (v->mmio_pending) {
		v->mmio_pending = false;
		v->last_action = in->x[3];
		if (in->x[3] != GH_VMMIO_ACTION_RETRY) {
			if (v->mmio_read)
				v->last = in->x[3] == GH_VMMIO_ACTION_EMULATE ?
				                  in->x[2] & len_mask(v->mmio_len) :
				                  TH_FAULT_MARK;
			v->pc++;
		}
	}
	for (;;) {
		s = &v->prog[v->pc];
		switch (s->op) {
		case OP_READ:
		case OP_BADLEN:
			mmio_out(v, out, true, s->addr, s->len, 0);
			return;
		case OP_WRITE:
			mmio_out(v, out, false, s->addr, s->len, s->val);
			return;
		case OP_ECHO:
			mmio_out(v, out, false, s->addr, s->len, v->last & len_mask(s->len));
			return;
		case OP_REPORT:
			mmio_out(v, out, false, s->addr, 8, th_counter(v, s->val));
			return;
		case OP_WFI:
			if (!v->waiting) {
				v->waiting = true;
				atomic_set(&v->woken, 0);
				if (s->val)
					hrtimer_start(&v->timer, ms_to_ktime(s->val),
					              HRTIMER_MODE_REL);
			}
			if (atomic_read(&v->woken)) {
				v->waiting = false;
				v->pc++;
				continue;
			}
			out->x[1] = GH_VCPU_STATE_EXPECTS_WAKEUP;
			return;
		case OP_STATE:
			v->pc++;
			out->x[1] = s->val;
			return;
		case OP_HYPERR:
			v->pc++;
			out->x[0] = s->val;
			return;
		case OP_WAITBELL:
			if (atomic_read(&v->vm->bells) >= (int)s->val ||
			    ++v->polls > TH_WAITBELL_POLLS) {
				v->pc++;
				continue;
			}
			out->x[1] = GH_VCPU_STATE_BLOCKED;
			return;
		case OP_CRASH:
			if (!v->stopped)
				th_notify(v->vm->vmid, GH_VM_MGR_STATUS_CRASHED,
				          GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT);
			v->stopped = true;
			out->x[1] = GH_VCPU_STATE_FAULT;
			return;
		case OP_OFF:
		default:
			if (!v->stopped)
				th_notify(v->vm->vmid, GH_VM_MGR_STATUS_EXITED,
				          GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
			v->stopped = true;
			out->x[1] = GH_VCPU_STATE_POWERED_OFF;
			out->x[2] = GH_VCPU_POWEROFF_EXITED;
			return;
		}
	}
}

/* --- the hypercall transport ---------------------------------------------------------------- */

/* What this hypervisor implements: vcpu_run and doorbells (no message queues). */
static const struct gh_hyp_identity th_identity = {
	.api_version = GH_API_V1,
	.is_64bit = true,
	.features = BIT_ULL(GH_FEATURE_VCPU) | BIT_ULL(GH_FEATURE_DOORBELL),
};

static void th_call(void *ctx, const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	u64 capid = in->x[1];
	struct th_vm *vm;

	switch ((u32)in->x[0]) {
	case GH_SMCCC_VENDOR_HYP_CALL_UID:
		out->x[0] = GH_UID0;
		out->x[1] = GH_UID1;
		out->x[2] = GH_UID2;
		out->x[3] = GH_UID3;
		return;
	case GH_HYPERCALL_HYP_IDENTIFY: {
		struct gh_hypercall_hyp_identify_resp id;

		gh_hyp_identify_answer(&th_identity, &id);
		out->x[0] = id.api_info;
		out->x[1] = id.flags[0];
		out->x[2] = id.flags[1];
		out->x[3] = id.flags[2];
		return;
	}
	case GH_HYPERCALL_VCPU_RUN:
		capid -= TH_VCPU_CAPID_BASE;
		vm = capid / TH_MAX_VCPUS < TH_MAX_VMS ? READ_ONCE(slots[capid / TH_MAX_VCPUS]) :
		                                         NULL;
		if (!vm || in->x[5]) {
			out->x[0] = vm ? GH_ERROR_ARG_INVAL : GH_ERROR_CSPACE_CAP_NULL;
			return;
		}
		th_vcpu_run(&vm->vcpu[capid % TH_MAX_VCPUS], in, out);
		return;
	case GH_HYPERCALL_BELL_SEND:
		capid -= TH_BELL_CAPID_BASE;
		vm = capid < TH_MAX_VMS ? READ_ONCE(slots[capid]) : NULL;
		if (!vm) {
			out->x[0] = GH_ERROR_CSPACE_CAP_NULL;
			return;
		}
		atomic_inc(&vm->bells);
		bell_rings++;
		out->x[0] = GH_ERROR_OK;
		return;
	case GH_HYPERCALL_BELL_SET_MASK:
		out->x[0] = GH_ERROR_OK;
		return;
	default:
		out->x[0] = (u64)(s64)GH_ERROR_UNIMPLEMENTED;
		return;
	}
}

static const struct gh_hypercall_backend th_backend = {
	.name = "gunyah_test_hyp",
	.call = th_call,
};

/* --- the resource manager ------------------------------------------------------------------- */

static int th_alloc_vmid(void *ctx, struct gh_vm *gvm, u16 *vmid)
{
	struct th_vm *vm;
	int slot, ret = -ENOSPC;

	mutex_lock(&th_lock);
	for (slot = 0; slot < TH_MAX_VMS && slots[slot]; slot++)
		;
	if (slot == TH_MAX_VMS)
		goto out;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm) {
		ret = -ENOMEM;
		goto out;
	}
	vm->slot = slot;
	vm->vmid = next_vmid++;
	if (!next_vmid)
		next_vmid = 1;
	for (int i = 0; i < TH_MAX_VCPUS; i++) {
		struct th_vcpu *v = &vm->vcpu[i];

		v->vm = vm;
		v->id = i;
		v->irq = irq_base + slot * TH_MAX_VCPUS + i;
		v->prog = prog_off;
		hrtimer_init(&v->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		v->timer.function = th_wakeup;
	}
	WRITE_ONCE(slots[slot], vm);
	vms_live++;
	*vmid = vm->vmid;
	ret = 0;
out:
	mutex_unlock(&th_lock);
	return ret;
}

static void th_dealloc_vmid(void *ctx, u16 vmid)
{
	struct th_vm *vm;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	if (vm) {
		WRITE_ONCE(slots[vm->slot], NULL);
		vms_live--;
	}
	mutex_unlock(&th_lock);
	if (WARN_ON(!vm))
		return;
	for (int i = 0; i < TH_MAX_VCPUS; i++)
		hrtimer_cancel(&vm->vcpu[i].timer);
	kfree(vm);
}

static int th_set_boot_context(void *ctx, u16 vmid, const struct gh_vm_boot_context *bc)
{
	struct th_vm *vm;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	if (vm && bc->reg == GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0))
		vm->pc = bc->value;
	if (vm && bc->reg == GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0))
		vm->x0 = bc->value;
	mutex_unlock(&th_lock);
	return vm ? 0 : -ENOENT;
}

static int th_get_resources(void *ctx, u16 vmid, struct gh_vm_resource *out, size_t max, size_t *n)
{
	struct th_vm *vm;
	size_t i = 0;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	for (; vm && i < TH_MAX_VCPUS && i < max; i++) {
		out[i].type = GH_RESOURCE_TYPE_VCPU;
		out[i].label = i;
		out[i].capid = TH_VCPU_CAPID_BASE + vm->slot * TH_MAX_VCPUS + i;
		out[i].irq = vm->vcpu[i].irq;
	}
	if (vm && i < max) {
		out[i].type = GH_RESOURCE_TYPE_BELL_TX;
		out[i].label = TH_BELL_LABEL;
		out[i].capid = TH_BELL_CAPID_BASE + vm->slot;
		i++;
	}
	mutex_unlock(&th_lock);
	*n = i;
	return vm ? 0 : -ENOENT;
}

static int th_vm_start(void *ctx, u16 vmid)
{
	struct th_vm *vm;
	int ret = 0;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	if (!vm) {
		ret = -ENOENT;
		goto out;
	}
	vm->starts++;
	vm_starts++;
	if (vm->x0 == TH_FAIL_START) {
		ret = -TH_START_ERRNO;
		goto out;
	}
	for (int i = 0; i < TH_MAX_VCPUS; i++)
		vm->vcpu[i].prog = vm->pc < TH_PROG_COUNT ? programs[vm->pc] : prog_off;
out:
	mutex_unlock(&th_lock);
	return ret;
}

static int th_vm_stop(void *ctx, u16 vmid)
{
	mutex_lock(&th_lock);
	vm_stops++;
	mutex_unlock(&th_lock);
	return 0;
}

static int th_vm_reset(void *ctx, u16 vmid)
{
	mutex_lock(&th_lock);
	vm_resets++;
	mutex_unlock(&th_lock);
	return 0;
}

static const struct gh_vm_rm_ops th_rm_ops = {
	.alloc_vmid = th_alloc_vmid,
	.dealloc_vmid = th_dealloc_vmid,
	.set_boot_context = th_set_boot_context,
	.get_resources = th_get_resources,
	.vm_start = th_vm_start,
	.vm_stop = th_vm_stop,
	.vm_reset = th_vm_reset,
};

static struct gunyah_platform th_platform = {
	.owner = THIS_MODULE,
	.name = "gunyah_test_hyp",
	.hypercall = &th_backend,
	.rm_ops = &th_rm_ops,
};

/* --- module ---------------------------------------------------------------------------------------- */

static int __init th_init(void)
{
	int nr = TH_MAX_VMS * TH_MAX_VCPUS, ret;

	irq_base = irq_alloc_descs(-1, 1, nr, NUMA_NO_NODE);
	if (irq_base < 0)
		return irq_base;
	for (int i = 0; i < nr; i++) {
		irq_set_chip_and_handler(irq_base + i, &dummy_irq_chip, handle_simple_irq);
		irq_clear_status_flags(irq_base + i, IRQ_NOREQUEST | IRQ_NOPROBE);
	}
	th_wq = alloc_workqueue("gunyah_test_hyp", 0, 0);
	if (!th_wq) {
		ret = -ENOMEM;
		goto err_irqs;
	}
	ret = gunyah_register_platform(&th_platform);
	if (ret)
		goto err_wq;
	return 0;

err_wq:
	destroy_workqueue(th_wq);
err_irqs:
	irq_free_descs(irq_base, nr);
	return ret;
}

static void __exit th_exit(void)
{
	/* No VM exists: each holds a reference on this module. */
	gunyah_unregister_platform(&th_platform);
	destroy_workqueue(th_wq); /* runs what is queued: those VMs are gone */
	irq_free_descs(irq_base, TH_MAX_VMS * TH_MAX_VCPUS);
}

module_init(th_init);
module_exit(th_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test hypervisor backend for gunyah.ko");
