// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah_test_hyp.ko: a test hypervisor backend for gunyah.ko, so that the
 * real kernel paths (fds, mmap, IRQs, eventfds, the cores' run loop) run
 * without Gunyah. It registers as
 *  - the hypercall transport: answers the UID query and hyp_identify as
 *    Gunyah would, vcpu_run by playing a scripted guest program per vCPU,
 *    bell_send by counting;
 *  - the resource manager, spoken as RM RPC over two message queues (msgq
 *    hypercalls, their IRQs real Linux IRQs), so that gunyah.ko's own RM
 *    client (rm/, vm_mgr's rm_client.c) sets every VM up: VM ids, memory
 *    parcels (counted, never mapped), start (which can be made to fail),
 *    reset, exits as VM_EXITED notifications, and the resources handed out
 *    as tickets: vCPUs 0..3 (capid + a wake-up IRQ each, real Linux IRQs on a
 *    dummy chip, raised from an hrtimer) and a doorbell.
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

#include <asm/unaligned.h>

#include <gunyah/hypercall.h>
#include <gunyah/rm_server.h>
#include <gunyah/vm_mgr.h>
#include <gunyah_platform.h>

#include "gunyah_test_hyp.h"

#define TH_VCPU_CAPID_BASE 0x100000ULL
#define TH_BELL_CAPID_BASE 0x200000ULL
#define TH_RM_TX_CAPID     0x300000ULL /* host -> RM */
#define TH_RM_RX_CAPID     0x300001ULL /* RM -> host */
#define TH_RM_DEPTH        64          /* messages in the RX queue */
#define TH_HOST_VMID       3
#define TH_NOTIFY_DELAY_MS 5
#define TH_WAITBELL_POLLS  200000

/* Counters the selftest reads in /sys/module/gunyah_test_hyp/parameters. */
static int vm_starts, vm_stops, vm_resets, vms_live, bell_rings, vcpu_runs, parcels_live, rm_calls;
module_param(vm_starts, int, 0444);
module_param(vm_stops, int, 0444);
module_param(vm_resets, int, 0444);
module_param(vms_live, int, 0444);
module_param(bell_rings, int, 0444);
module_param(vcpu_runs, int, 0444);
module_param(parcels_live, int, 0444);
module_param(rm_calls, int, 0444);

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
static int irq_base, rm_irq_base;
static struct workqueue_struct *th_wq;

static struct th_vm *vm_by_vmid(u16 vmid)
{
	for (int i = 0; i < TH_MAX_VMS; i++) {
		if (slots[i] && slots[i]->vmid == vmid)
			return slots[i];
	}
	return NULL;
}

/* --- the RM's message queues ---------------------------------------------------------- */

struct th_msg {
	u16 len;
	u8 data[GH_RM_RPC_MSG_SIZE];
};

static struct gunyah_rm_endpoint th_rm_ep = {
	.tx_capid = TH_RM_TX_CAPID,
	.rx_capid = TH_RM_RX_CAPID,
};
static DEFINE_SPINLOCK(rx_lock); /* the RX queue */
static struct th_msg rx_q[TH_RM_DEPTH];
static unsigned int rx_head, rx_count;
static DECLARE_WAIT_QUEUE_HEAD(rx_space);
static DEFINE_MUTEX(tx_lock); /* reassembly of the host's requests */
static struct gh_rm_server_rx tx_rx;
static u16 notif_seq;
static struct workqueue_struct *th_rm_wq; /* the RM: one request at a time, in order */

/* emit callback: one message into RX, waiting while it is full. */
static int rx_push(void *ctx, const void *msg, size_t size)
{
	bool was_empty;

	for (;;) {
		spin_lock_irq(&rx_lock);
		if (rx_count < TH_RM_DEPTH)
			break;
		spin_unlock_irq(&rx_lock);
		wait_event(rx_space, READ_ONCE(rx_count) < TH_RM_DEPTH);
	}
	was_empty = !rx_count;
	rx_q[(rx_head + rx_count) % TH_RM_DEPTH].len = size;
	memcpy(rx_q[(rx_head + rx_count) % TH_RM_DEPTH].data, msg, size);
	rx_count++;
	spin_unlock_irq(&rx_lock);
	if (was_empty)
		generic_handle_irq_safe(th_rm_ep.rx_irq); /* "not empty" */
	return 0;
}

static void th_msgq_recv(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	void *buf = (void *)(uintptr_t)in->x[2];
	struct th_msg m;

	if (in->x[1] != TH_RM_RX_CAPID) {
		out->x[0] = GH_ERROR_CSPACE_CAP_NULL;
		return;
	}
	spin_lock_irq(&rx_lock);
	if (!rx_count) {
		spin_unlock_irq(&rx_lock);
		out->x[0] = GH_ERROR_MSGQUEUE_EMPTY;
		return;
	}
	if (rx_q[rx_head].len > in->x[3]) {
		spin_unlock_irq(&rx_lock);
		out->x[0] = GH_ERROR_ADDR_OVFL;
		return;
	}
	m = rx_q[rx_head];
	rx_head = (rx_head + 1) % TH_RM_DEPTH;
	rx_count--;
	out->x[2] = rx_count != 0;
	spin_unlock_irq(&rx_lock);
	wake_up(&rx_space);
	memcpy(buf, m.data, m.len); /* a kernel pointer: the client is gunyah.ko */
	out->x[0] = GH_ERROR_OK;
	out->x[1] = m.len;
}

/* A complete request, handled on th_rm_wq. */
struct th_rm_req {
	struct work_struct work;
	u32 msg_id;
	u16 seq;
	size_t len;
	u8 payload[];
};

static void th_rm_handle(struct work_struct *work);

static void th_msgq_send(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	struct gh_rm_server_request req;
	struct th_rm_req *r;
	int st;

	if (in->x[1] != TH_RM_TX_CAPID) {
		out->x[0] = GH_ERROR_CSPACE_CAP_NULL;
		return;
	}
	if (!in->x[2] || in->x[2] > GH_RM_RPC_MSG_SIZE) {
		out->x[0] = GH_ERROR_ARG_SIZE;
		return;
	}
	mutex_lock(&tx_lock);
	st = gh_rm_server_rx_feed(&tx_rx, (const void *)(uintptr_t)in->x[3], in->x[2], &req);
	if (st == GH_RM_SERVER_REQUEST) {
		r = kmalloc(struct_size(r, payload, req.len), GFP_KERNEL);
		if (r) {
			INIT_WORK(&r->work, th_rm_handle);
			r->msg_id = req.msg_id;
			r->seq = req.seq;
			r->len = req.len;
			memcpy(r->payload, req.payload, req.len);
			queue_work(th_rm_wq, &r->work);
		}
	}
	mutex_unlock(&tx_lock);
	/* Dropped messages are not errors of the queue: the RM drops them. */
	out->x[0] = GH_ERROR_OK;
	out->x[1] = 1; /* not full */
}

static void th_reply(const struct th_rm_req *r, u32 err, const void *payload, size_t len)
{
	gh_rm_server_reply(r->msg_id, r->seq, err, payload, len, rx_push, NULL);
}

/* Runs on th_rm_wq (ordered with the replies). */
static void th_rm_notify(u32 msg_id, const void *payload, size_t len)
{
	gh_rm_server_notify(msg_id, notif_seq++, payload, len, rx_push, NULL);
}

/* The VM's exit, as the RM tells its owner: a VM_EXITED notification. */
struct th_exit {
	struct delayed_work work;
	u8 payload[8 + 2];
};

static void th_exit_work(struct work_struct *work)
{
	struct th_exit *e = container_of(to_delayed_work(work), struct th_exit, work);

	th_rm_notify(GH_RM_NOTIF_VM_EXITED, e->payload, sizeof(e->payload));
	kfree(e);
}

/* Exit types ASYNC_EXT_ABORT and the like are crashes for the RM client. */
static void th_notify(u16 vmid, u16 type)
{
	struct th_exit *e = kzalloc(sizeof(*e), GFP_KERNEL);

	if (!e)
		return;
	put_unaligned_le16(vmid, e->payload);
	put_unaligned_le16(type, e->payload + 2);
	put_unaligned_le32(2, e->payload + 4);
	e->payload[8] = 0x9d; /* a reason the selftest recognises */
	e->payload[9] = (u8)vmid;
	INIT_DELAYED_WORK(&e->work, th_exit_work);
	queue_delayed_work(th_rm_wq, &e->work, msecs_to_jiffies(TH_NOTIFY_DELAY_MS));
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
				th_notify(v->vm->vmid, GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT);
			v->stopped = true;
			out->x[1] = GH_VCPU_STATE_FAULT;
			return;
		case OP_OFF:
		default:
			if (!v->stopped)
				th_notify(v->vm->vmid, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
			v->stopped = true;
			out->x[1] = GH_VCPU_STATE_POWERED_OFF;
			out->x[2] = GH_VCPU_POWEROFF_EXITED;
			return;
		}
	}
}

/* --- the hypercall transport ---------------------------------------------------------------- */

/* What this hypervisor implements: vcpu_run, doorbells, the RM's message queues. */
static const struct gh_hyp_identity th_identity = {
	.api_version = GH_API_V1,
	.is_64bit = true,
	.features = BIT_ULL(GH_FEATURE_VCPU) | BIT_ULL(GH_FEATURE_DOORBELL) |
	            BIT_ULL(GH_FEATURE_MSGQUEUE),
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
	case GH_HYPERCALL_MSGQ_SEND:
		th_msgq_send(in, out);
		return;
	case GH_HYPERCALL_MSGQ_RECV:
		th_msgq_recv(in, out);
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

static int th_alloc_vmid(u16 *vmid)
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

static int th_dealloc_vmid(u16 vmid)
{
	struct th_vm *vm;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	if (vm) {
		WRITE_ONCE(slots[vm->slot], NULL);
		vms_live--;
	}
	mutex_unlock(&th_lock);
	if (!vm)
		return -ENOENT;
	for (int i = 0; i < TH_MAX_VCPUS; i++)
		hrtimer_cancel(&vm->vcpu[i].timer);
	kfree(vm);
	return 0;
}

static int th_set_boot_context(u16 vmid, u32 reg, u64 value)
{
	struct th_vm *vm;

	mutex_lock(&th_lock);
	vm = vm_by_vmid(vmid);
	if (vm && reg == GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0))
		vm->pc = value;
	if (vm && reg == GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0))
		vm->x0 = value;
	mutex_unlock(&th_lock);
	return vm ? 0 : -ENOENT;
}

static int th_get_resources(u16 vmid, struct gh_vm_resource *out, size_t max, size_t *n)
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

static int th_vm_start(u16 vmid)
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

static int th_vm_stop(u16 vmid)
{
	mutex_lock(&th_lock);
	vm_stops++;
	mutex_unlock(&th_lock);
	return 0;
}

static int th_vm_reset(u16 vmid)
{
	mutex_lock(&th_lock);
	vm_resets++;
	mutex_unlock(&th_lock);
	return 0;
}

/* --- RM RPC: the requests -------------------------------------------------------------- */

/* An errno of the handlers above as the RM's error code. */
static u32 rm_err(int ret)
{
	switch (ret) {
	case 0:
		return GH_RM_ERROR_OK;
	case -ENOMEM:
		return GH_RM_ERROR_NOMEM;
	case -ENOSPC:
	case -TH_START_ERRNO:
		return GH_RM_ERROR_NORESOURCE;
	case -ENOENT:
		return GH_RM_ERROR_VMID_INVALID;
	default:
		return GH_RM_ERROR_ARGUMENT_INVALID;
	}
}

#define TH_MAX_PARCELS 64
static DEFINE_MUTEX(parcel_lock);
static u32 parcels[TH_MAX_PARCELS]; /* handles given out; 0 = free */
static u32 next_handle = 1;

/* MEM_SHARE / MEM_LEND: the lists are checked, the pages never touched. */
static u32 th_mem_share(const u8 *p, size_t len, u32 *handle)
{
	size_t off = 8;
	u16 n;

	/* acl, sgl, attr lists: each a count then entries of 4, 16, 4 bytes */
	for (int list = 0; list < 3; list++) {
		static const size_t esz[] = { 4, 16, 4 };

		if (off + 4 > len)
			return GH_RM_ERROR_MSG_INVALID;
		n = get_unaligned_le16(p + off);
		off += 4;
		if ((list < 2 && !n) || n > GH_RM_MEM_MAX_LIST_ENTRIES || off + n * esz[list] > len)
			return GH_RM_ERROR_MSG_INVALID;
		off += n * esz[list];
	}
	if (off != len || p[2] & ~GH_RM_MEM_SHARE_FLAG_SANITIZE)
		return GH_RM_ERROR_MSG_INVALID; /* (no MEM_APPEND here) */
	mutex_lock(&parcel_lock);
	for (int i = 0; i < TH_MAX_PARCELS; i++) {
		if (!parcels[i]) {
			parcels[i] = *handle = next_handle++;
			parcels_live++;
			mutex_unlock(&parcel_lock);
			return GH_RM_ERROR_OK;
		}
	}
	mutex_unlock(&parcel_lock);
	return GH_RM_ERROR_NORESOURCE;
}

static u32 th_mem_reclaim(u32 handle)
{
	u32 err = GH_RM_ERROR_HANDLE_INVALID;

	mutex_lock(&parcel_lock);
	for (int i = 0; handle && i < TH_MAX_PARCELS; i++) {
		if (parcels[i] == handle) {
			parcels[i] = 0;
			parcels_live--;
			err = GH_RM_ERROR_OK;
		}
	}
	mutex_unlock(&parcel_lock);
	return err;
}

static void th_reply_resources(const struct th_rm_req *r, u16 vmid)
{
	struct gh_vm_resource res[TH_MAX_VCPUS + 1];
	u8 buf[4 + (TH_MAX_VCPUS + 1) * 44] = { 0 };
	size_t n = 0;
	int ret = th_get_resources(vmid, res, ARRAY_SIZE(res), &n);

	if (ret) {
		th_reply(r, rm_err(ret), NULL, 0);
		return;
	}
	put_unaligned_le32(n, buf);
	for (size_t i = 0; i < n; i++) {
		u8 *e = buf + 4 + i * 44;

		e[0] = res[i].type;
		put_unaligned_le32(res[i].label, e + 8);
		put_unaligned_le64(res[i].capid, e + 12);
		put_unaligned_le32(res[i].irq, e + 24);
	}
	th_reply(r, GH_RM_ERROR_OK, buf, 4 + n * 44);
}

static void th_rm_handle(struct work_struct *work)
{
	struct th_rm_req *r = container_of(work, struct th_rm_req, work);
	const u8 *p = r->payload;
	u16 vmid = r->len >= 2 ? get_unaligned_le16(p) : 0;
	u8 word[4];
	u32 err = GH_RM_ERROR_OK, v32 = 0;
	bool value = false;
	int ret;

	rm_calls++;
	switch (r->msg_id) {
	case GH_RM_MSG_VM_GET_VMID:
		err = r->len ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_OK;
		v32 = TH_HOST_VMID;
		value = true;
		break;
	case GH_RM_MSG_VM_ALLOC_VMID:
		if (r->len != 4 || vmid) {
			err = GH_RM_ERROR_MSG_INVALID;
			break;
		}
		ret = th_alloc_vmid(&vmid);
		err = rm_err(ret);
		v32 = vmid;
		value = !ret;
		break;
	case GH_RM_MSG_VM_DEALLOC_VMID:
		err = r->len != 4 ? GH_RM_ERROR_MSG_INVALID : rm_err(th_dealloc_vmid(vmid));
		break;
	case GH_RM_MSG_MEM_SHARE:
	case GH_RM_MSG_MEM_LEND:
		err = th_mem_share(p, r->len, &v32);
		value = err == GH_RM_ERROR_OK;
		break;
	case GH_RM_MSG_MEM_RECLAIM:
		err = r->len != 8 ? GH_RM_ERROR_MSG_INVALID : th_mem_reclaim(get_unaligned_le32(p));
		break;
	case GH_RM_MSG_VM_CONFIG_IMAGE:
	case GH_RM_MSG_VM_SET_FIRMWARE_MEM:
	case GH_RM_MSG_VM_SET_ADDRESS_LAYOUT:
	case GH_RM_MSG_VM_INIT:
		mutex_lock(&th_lock);
		err = vm_by_vmid(vmid) ? GH_RM_ERROR_OK : GH_RM_ERROR_VMID_INVALID;
		mutex_unlock(&th_lock);
		break;
	case GH_RM_MSG_VM_SET_BOOT_CONTEXT:
		err = r->len != 16 ? GH_RM_ERROR_MSG_INVALID :
		                     rm_err(th_set_boot_context(vmid, (u32)p[2] << 8 | p[3],
		                                                get_unaligned_le64(p + 8)));
		break;
	case GH_RM_MSG_VM_GET_HYP_RESOURCES:
		th_reply_resources(r, vmid);
		goto out;
	case GH_RM_MSG_VM_START:
		err = rm_err(th_vm_start(vmid));
		break;
	case GH_RM_MSG_VM_STOP:
		err = rm_err(th_vm_stop(vmid));
		break;
	case GH_RM_MSG_VM_RESET:
		err = rm_err(th_vm_reset(vmid));
		th_reply(r, err, NULL, 0);
		if (err == GH_RM_ERROR_OK) {
			u8 st[8] = { 0 };

			put_unaligned_le16(vmid, st);
			st[4] = GH_RM_VM_STATUS_RESET;
			th_rm_notify(GH_RM_NOTIF_VM_STATUS, st, sizeof(st));
		}
		goto out;
	default:
		err = GH_RM_ERROR_UNIMPLEMENTED;
		break;
	}
	put_unaligned_le32(v32, word);
	th_reply(r, err, value ? word : NULL, value ? 4 : 0);
out:
	kfree(r);
}

static struct gunyah_platform th_platform = {
	.owner = THIS_MODULE,
	.name = "gunyah_test_hyp",
	.hypercall = &th_backend,
	.rm = &th_rm_ep,
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
	/*
	 * The RM's TX and RX IRQs: gunyah.ko holds them for as long as this
	 * platform is registered, so they must not pin this module (no owner),
	 * or it could never be unloaded; th_exit frees them after unregistering.
	 */
	rm_irq_base = __irq_alloc_descs(-1, 1, 2, NUMA_NO_NODE, NULL, NULL);
	if (rm_irq_base < 0) {
		ret = rm_irq_base;
		goto err_irqs;
	}
	for (int i = 0; i < 2; i++) {
		irq_set_chip_and_handler(rm_irq_base + i, &dummy_irq_chip, handle_simple_irq);
		irq_clear_status_flags(rm_irq_base + i, IRQ_NOREQUEST | IRQ_NOPROBE);
	}
	th_rm_ep.tx_irq = rm_irq_base;
	th_rm_ep.rx_irq = rm_irq_base + 1;
	gh_rm_server_rx_init(&tx_rx);
	th_wq = alloc_workqueue("gunyah_test_hyp", 0, 0);
	th_rm_wq = alloc_ordered_workqueue("gunyah_test_rm", 0);
	if (!th_wq || !th_rm_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}
	ret = gunyah_register_platform(&th_platform);
	if (ret)
		goto err_wq;
	return 0;

err_wq:
	if (th_rm_wq)
		destroy_workqueue(th_rm_wq);
	if (th_wq)
		destroy_workqueue(th_wq);
	irq_free_descs(rm_irq_base, 2);
err_irqs:
	irq_free_descs(irq_base, nr);
	return ret;
}

static void __exit th_exit(void)
{
	/* No VM exists: each holds a reference on this module. */
	gunyah_unregister_platform(&th_platform);
	destroy_workqueue(th_rm_wq); /* runs what is queued: those VMs are gone */
	destroy_workqueue(th_wq);
	irq_free_descs(rm_irq_base, 2);
	irq_free_descs(irq_base, TH_MAX_VMS * TH_MAX_VCPUS);
}

module_init(th_init);
module_exit(th_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test hypervisor backend for gunyah.ko");
