/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to vcpu/src. */
#ifndef GUNYAH_VCPU_INTERNAL_H
#define GUNYAH_VCPU_INTERNAL_H

#include <gunyah/vcpu.h>

/*
 * References: one for the bound function (dropped at unbind), one per handle.
 * Each handle also holds a VM reference, so vm is valid for the object's life.
 *
 * run_lock: held by a runner for its whole RUN, and by populate/unpopulate;
 * protects capid, irq, populated, mmio and pf. in_run refuses a second runner
 * without blocking. gone/removed are read lock-free by a runner that sleeps
 * with run_lock held, so unpopulate/unbind can wake it before taking the lock.
 */
struct gh_vcpu {
	struct gh_os_ref ref;
	struct gh_vm_function_handle handle; /* ops: the vCPU's; one pointer for every handle */
	struct gh_vm *vm;
	uint32_t vcpu_id;
	struct gh_vm_resource_ticket ticket;

	struct gh_vcpu_run *run; /* the shared page */
	struct gh_os_mutex *run_lock;
	struct gh_os_completion *ready; /* wake-up IRQ, status change, removal */
	struct gh_os_atomic in_run;     /* 1 while a runner is inside RUN */
	bool gone;                      /* atomic: no resource (or removed) */
	bool removed;                   /* atomic: the function is unbound */

	bool populated;
	uint64_t capid;
	uint32_t irq;
	bool v17_page; /* added by descriptor: the later ABIs' run page (PAGE_FAULT) */

	/* The MMIO access the guest waits on: private, never read back from the page. */
	struct {
		bool pending;
		bool fixed;           /* answered in here: fixed_action, not the page */
		uint8_t fixed_action; /* gh_vmmio_action */
		bool is_write;
		uint32_t len;
		uint64_t addr;
	} mmio;

	/* The page fault the guest waits on: its answer goes with the next
	 * vcpu_run. fixed: the core answered it (a vCPU without the PAGE_FAULT
	 * exit), not userspace through the page. */
	struct {
		bool pending;
		bool fixed;
		uint8_t fixed_action; /* gh_vmmio_action */
	} pf;
};

#endif /* GUNYAH_VCPU_INTERNAL_H */
