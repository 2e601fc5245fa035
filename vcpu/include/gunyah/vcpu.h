/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proxy-scheduled Gunyah vCPUs: the run loop behind GH_VCPU_RUN, the run page
 * shared with userspace, and the "vcpu" VM function.
 *
 * Portable C on <gunyah/os.h>; see README.md for locking and lifetimes.
 */
#ifndef GUNYAH_VCPU_H
#define GUNYAH_VCPU_H

#include <gunyah/hypercall.h>
#include <gunyah/os.h>
#include <gunyah/vm_mgr.h>
#include <linux/gunyah.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_vcpu;

/*
 * Registers the "vcpu" function type with vm_mgr (idempotent; kmod calls it at
 * module init, the in-process UAPI before creating VMs). After it,
 * gh_vm_mgr_add_function(vm, {"vcpu", {.vcpu_id}}, &handle) binds a vCPU and
 * returns its handle (struct gh_vm_function_handle, ops "gunyah-vcpu":
 * release, ioctl = gh_vcpu_ioctl, map_page = gh_vcpu_map_page).
 */
int gh_vcpu_register_function(void);
void gh_vcpu_unregister_function(void);

/* The vCPU behind a handle, NULL when @h is not a vCPU's; and back. */
struct gh_vcpu *gh_vcpu_from_handle(struct gh_vm_function_handle *h);
struct gh_vm_function_handle *gh_vcpu_handle(struct gh_vcpu *vcpu);

/*
 * A handle is what ADD_FUNCTION("vcpu") returns (the kernel wraps it in a
 * file): it holds a reference on the vCPU and one on its VM. Release it once
 * (file release: gh_vm_mgr_handle_release() or gh_vcpu_handle_release()). The
 * vCPU object itself lives until the last of: the handle (and any
 * gh_vcpu_handle_dup), the VM function (until REMOVE_FUNCTION or VM release).
 */
void gh_vcpu_handle_dup(struct gh_vcpu *vcpu);
void gh_vcpu_handle_release(struct gh_vcpu *vcpu);

uint32_t gh_vcpu_id(const struct gh_vcpu *vcpu);

/*
 * The ioctls on a vCPU handle: GH_VCPU_RUN (@arg must be 0, else -EINVAL)
 * returns 0 or -errno; GH_VCPU_MMAP_SIZE returns the run page's size (one
 * page); anything else -ENOTTY.
 */
long gh_vcpu_ioctl(struct gh_vcpu *vcpu, unsigned int cmd, unsigned long arg);

/*
 * GH_VCPU_RUN. Returns 0 with run->exit_reason set (MMIO or STATUS; for a
 * vCPU added by function descriptor also 3, the later ABIs' PAGE_FAULT), or
 * an error. STATUS: the VM failed to start (LOAD_FAILED), exited or crashed;
 * every later RUN of every vCPU returns the same STATUS exit. PAGE_FAULT: the
 * guest accessed RAM its stage 2 does not permit; the page's page_fault
 * member (v17's offsets) has the address, attempt 0 and resume_action FAULT,
 * which userspace may change to HANDLED or RETRY for the next RUN. A vCPU
 * added by name never sees it: the core answers FAULT (the guest takes an
 * abort) and warns.
 *  -EINTR    immediate_exit was set or a signal is pending before entering the
 *            guest, or a signal arrived while waiting for a wake-up; nothing is
 *            lost: a pending MMIO completion stays pending for the next RUN
 *  -EBUSY    another thread is inside RUN on this vCPU (refused, not queued)
 *  -ENODEV   the vCPU's function was removed, or its resource went away while
 *            the VM still runs
 *  -EINVAL   the MMIO or page-fault resume_action userspace wrote is unknown
 *            (still pending)
 *  -EIO      the hypervisor reported an MMIO length outside 1..8 (the access is
 *            completed with a fault on the next RUN) or kept reporting a state
 *            this driver does not know
 *  other     a start interrupted by a signal (-EINTR), or a hypervisor error
 *            through gh_remap_error
 */
int gh_vcpu_run(struct gh_vcpu *vcpu);

/* The run page (struct gh_vcpu_run), for mmap: the page at @pgoff, which only
 * exists for @pgoff 0 (else NULL: the fault handler returns SIGBUS). */
void *gh_vcpu_map_page(struct gh_vcpu *vcpu, uint64_t pgoff);
size_t gh_vcpu_mmap_size(void);

/* The host's wake-up interrupt for this vCPU fired (kernel: the IRQ handler). */
void gh_vcpu_wakeup_irq(struct gh_vcpu *vcpu);

/* --- the pure exit decoder (no side effects; tests and fuzzers feed it) ------------ */

#define GH_VCPU_MMIO_MAX_LEN        8
#define GH_VCPU_UNKNOWN_STATE_LIMIT 8 /* consecutive unknown states per RUN */

enum gh_vcpu_exit_kind {
	GH_VCPU_EXIT_KIND_RESUME,      /* READY: run again (yield if resched is due) */
	GH_VCPU_EXIT_KIND_YIELD,       /* BLOCKED: yield, run again */
	GH_VCPU_EXIT_KIND_WAIT_WAKEUP, /* EXPECTS_WAKEUP, or POWERED_OFF for now */
	GH_VCPU_EXIT_KIND_VM_STOPPED,  /* POWERED_OFF for good, or FAULT */
	GH_VCPU_EXIT_KIND_MMIO,        /* VMMIO read/write with a valid length */
	GH_VCPU_EXIT_KIND_BAD_MMIO,    /* VMMIO with a length outside 1..8 */
	GH_VCPU_EXIT_KIND_UNKNOWN,     /* a state this driver does not know (raw kept) */
	GH_VCPU_EXIT_KIND_PAGE_FAULT,  /* a stage-2 fault on guest RAM: addr, is_write */
};

/**
 * struct gh_vcpu_exit - a decoded vcpu_run response
 * @kind: what the loop must do
 * @raw_state: the hypervisor's state value as returned
 * @addr, @len, @is_write, @value: MMIO (value only for writes; len raw for BAD_MMIO);
 *   PAGE_FAULT: @addr, @is_write (state data 0 and 1)
 */
struct gh_vcpu_exit {
	enum gh_vcpu_exit_kind kind;
	uint64_t raw_state;
	uint64_t addr;
	uint64_t len;
	bool is_write;
	uint64_t value;
};

void gh_vcpu_decode_exit(const struct gh_hypercall_vcpu_run_resp *resp, struct gh_vcpu_exit *out);

/* GH_VM_RESUME_* (the run page's resume_action, MMIO or page fault; v17's
 * GUNYAH_VCPU_RESUME_* have the same values) to gh_vmmio_action: 0 or -EINVAL. */
int gh_vcpu_resume_action(uint8_t resume_action, uint64_t *vmmio_action);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_VCPU_H */
