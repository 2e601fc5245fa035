/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vCPU's exit reduced to a value, and the pure decision on it: what the
 * vCPU thread does next and what it tells the user. No I/O here; the
 * thread around it (vcpu.c) applies the verdict.
 */
#ifndef GHVMM_EXIT_VERDICT_H
#define GHVMM_EXIT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/gunyah.h>

#include "options.h"

enum ghvmm_exit_kind {
	GHVMM_EXIT_KIND_INTERRUPTED, /* RUN returned -EINTR: a kick */
	GHVMM_EXIT_KIND_RUN_FAILED,  /* RUN returned another -errno */
	GHVMM_EXIT_KIND_MMIO,
	GHVMM_EXIT_KIND_STATUS,
	GHVMM_EXIT_KIND_PAGE_FAULT, /* v17's exit 3 (a vCPU added by descriptor) */
	GHVMM_EXIT_KIND_UNKNOWN,    /* an exit_reason this VMM does not know */
};

/**
 * struct ghvmm_vcpu_exit - one return from GH_VCPU_RUN, as a value
 * @kind: what it was
 * @error: RUN_FAILED: the -errno
 * @reason: UNKNOWN: the raw exit_reason, kept as data
 * @mmio: MMIO: the access; @value is the data of a write (little-endian,
 *        only when @len is 1..8)
 * @status: STATUS: the VM's status (GH_VM_STATUS_*) and exit type
 * @fault_addr: PAGE_FAULT: the guest-physical address it could not access
 */
struct ghvmm_vcpu_exit {
	enum ghvmm_exit_kind kind;
	int error;
	uint32_t reason;
	struct {
		uint64_t addr;
		uint32_t len;
		bool is_write;
		uint64_t value;
	} mmio;
	struct {
		uint32_t status;
		uint16_t type;
	} status;
	uint64_t fault_addr;
};

/* v17's run page: exit 3 and its page_fault.phys_addr, at the offset of the
 * seed's mmio.phys_addr (uapi/v17). The kernel leaves resume_action FAULT. */
#define GHVMM_V17_EXIT_PAGE_FAULT 3U

/* Reduces RUN's result @ret and, when it is 0, the run page @run to a value. */
void ghvmm_exit_decode(int ret, const struct gh_vcpu_run *run, struct ghvmm_vcpu_exit *out);

enum ghvmm_action {
	GHVMM_ACTION_RUN,        /* run the vCPU again */
	GHVMM_ACTION_MMIO,       /* serve the access from the bus, resume HANDLED */
	GHVMM_ACTION_MMIO_FAULT, /* refuse it: resume with FAULT (a data abort) */
	GHVMM_ACTION_STOP,       /* stop the VM with the verdict's code */
};

/* What the user is told, if anything (the thread adds the details). */
enum ghvmm_report {
	GHVMM_REPORT_NONE,
	GHVMM_REPORT_RESET,       /* the guest asked for a reset */
	GHVMM_REPORT_STOPPED,     /* the guest stopped: <the backend's description> */
	GHVMM_REPORT_CRASHED,     /* the guest crashed: <the backend's description> */
	GHVMM_REPORT_LOAD_FAILED, /* the hypervisor could not start the VM */
	GHVMM_REPORT_BAD_STATUS,  /* a VM status this VMM does not know */
	GHVMM_REPORT_RUN_FAILED,  /* GH_VCPU_RUN: <errno> */
	GHVMM_REPORT_BAD_EXIT,    /* an exit reason this VMM does not know */
};

struct ghvmm_verdict {
	enum ghvmm_action action;
	enum ghvmm_exit code; /* STOP: ghvmm's exit status */
	enum ghvmm_report report;
};

/*
 * The decision on @e. @stopping: ghvmm has already asked every vCPU to stop
 * (then a force-stopped VM is the expected end, not a crash).
 */
struct ghvmm_verdict ghvmm_exit_verdict(const struct ghvmm_vcpu_exit *e, bool stopping);

/*
 * The answer to an MMIO exit written into the run page @run, with @action
 * the verdict's: MMIO (served: for a read, the first @e->mmio.len bytes of
 * data are @read_value little-endian and the rest zero) or MMIO_FAULT (a
 * data abort). Only mmio.data and mmio.resume_action are written; the
 * length comes from @e, never from the page again.
 */
void ghvmm_exit_complete_mmio(struct gh_vcpu_run *run, const struct ghvmm_vcpu_exit *e,
                              enum ghvmm_action action, uint64_t read_value);

#endif
