// SPDX-License-Identifier: BSD-3-Clause
/* vCPU exits as values and the pure verdict on each (see exit_verdict.h). */
#include "exit_verdict.h"

#include <errno.h>
#include <string.h>

void ghvmm_exit_decode(int ret, const struct gh_vcpu_run *run, struct ghvmm_vcpu_exit *out)
{
	memset(out, 0, sizeof(*out));
	if (ret == -EINTR) {
		out->kind = GHVMM_EXIT_KIND_INTERRUPTED;
		return;
	}
	if (ret) {
		out->kind = GHVMM_EXIT_KIND_RUN_FAILED;
		out->error = ret;
		return;
	}
	switch (run->exit_reason) {
	case GH_VM_EXIT_MMIO:
		out->kind = GHVMM_EXIT_KIND_MMIO;
		out->mmio.addr = run->mmio.phys_addr;
		out->mmio.len = run->mmio.len;
		out->mmio.is_write = run->mmio.is_write != 0;
		if (out->mmio.is_write && out->mmio.len >= 1 && out->mmio.len <= 8)
			for (uint32_t i = 0; i < out->mmio.len; i++)
				out->mmio.value |= (uint64_t)run->mmio.data[i] << (8 * i);
		break;
	case GH_VM_EXIT_STATUS:
		out->kind = GHVMM_EXIT_KIND_STATUS;
		out->status.status = run->status.status;
		out->status.type = run->status.exit_info.type;
		break;
	case GHVMM_V17_EXIT_PAGE_FAULT:
		out->kind = GHVMM_EXIT_KIND_PAGE_FAULT;
		out->fault_addr = run->mmio.phys_addr;
		break;
	default:
		out->kind = GHVMM_EXIT_KIND_UNKNOWN;
		out->reason = run->exit_reason;
		break;
	}
}

static struct ghvmm_verdict stop(enum ghvmm_exit code, enum ghvmm_report report)
{
	return (struct ghvmm_verdict){ GHVMM_ACTION_STOP, code, report };
}

static struct ghvmm_verdict exited(uint16_t type, bool stopping)
{
	switch (type) {
	case GH_VM_EXIT_TYPE_PSCI_POWER_OFF:
	case GH_VM_EXIT_TYPE_VM_EXIT:
		return stop(GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE);
	case GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET:
	case GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2:
		return stop(GHVMM_EXIT_RESET, GHVMM_REPORT_RESET);
	case GH_VM_EXIT_TYPE_VM_FORCE_STOPPED:
		if (stopping)
			return stop(GHVMM_EXIT_QUIT, GHVMM_REPORT_NONE);
		break;
	default:
		break;
	}
	return stop(GHVMM_EXIT_CRASH, GHVMM_REPORT_STOPPED);
}

struct ghvmm_verdict ghvmm_exit_verdict(const struct ghvmm_vcpu_exit *e, bool stopping)
{
	const struct ghvmm_verdict run = { GHVMM_ACTION_RUN, GHVMM_EXIT_POWEROFF,
		                           GHVMM_REPORT_NONE };

	switch (e->kind) {
	case GHVMM_EXIT_KIND_INTERRUPTED:
		return run;
	case GHVMM_EXIT_KIND_RUN_FAILED:
		return stop(GHVMM_EXIT_INTERNAL, GHVMM_REPORT_RUN_FAILED);
	case GHVMM_EXIT_KIND_MMIO: {
		struct ghvmm_verdict v = run;

		v.action = e->mmio.len >= 1 && e->mmio.len <= 8 ? GHVMM_ACTION_MMIO :
		                                                  GHVMM_ACTION_MMIO_FAULT;
		return v;
	}
	case GHVMM_EXIT_KIND_STATUS:
		switch (e->status.status) {
		case GH_VM_STATUS_EXITED:
			return exited(e->status.type, stopping);
		case GH_VM_STATUS_CRASHED:
			return stop(GHVMM_EXIT_CRASH, GHVMM_REPORT_CRASHED);
		case GH_VM_STATUS_LOAD_FAILED:
			return stop(GHVMM_EXIT_LOAD, GHVMM_REPORT_LOAD_FAILED);
		default:
			return stop(GHVMM_EXIT_INTERNAL, GHVMM_REPORT_BAD_STATUS);
		}
	case GHVMM_EXIT_KIND_PAGE_FAULT:
		/* No demand paging here: the kernel's default answer (FAULT)
		 * stands, the guest takes an abort. */
		return run;
	case GHVMM_EXIT_KIND_UNKNOWN:
	default:
		return stop(GHVMM_EXIT_INTERNAL, GHVMM_REPORT_BAD_EXIT);
	}
}

void ghvmm_exit_complete_mmio(struct gh_vcpu_run *run, const struct ghvmm_vcpu_exit *e,
                              enum ghvmm_action action, uint64_t read_value)
{
	if (action != GHVMM_ACTION_MMIO) {
		run->mmio.resume_action = GH_VM_RESUME_FAULT;
		return;
	}
	if (!e->mmio.is_write)
		for (uint32_t i = 0; i < sizeof(run->mmio.data); i++)
			run->mmio.data[i] = i < e->mmio.len ? (uint8_t)(read_value >> (8 * i)) : 0;
	run->mmio.resume_action = GH_VM_RESUME_HANDLED;
}
