// SPDX-License-Identifier: BSD-3-Clause
/* Pure functions: a vcpu_run response to what the run loop must do. */
#include <gunyah/vcpu.h>

void gh_vcpu_decode_exit(const struct gh_hypercall_vcpu_run_resp *resp, struct gh_vcpu_exit *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->raw_state = resp->state;

	switch (resp->state) {
	case GH_VCPU_STATE_READY:
		out->kind = GH_VCPU_EXIT_KIND_RESUME;
		break;
	case GH_VCPU_STATE_EXPECTS_WAKEUP:
		out->kind = GH_VCPU_EXIT_KIND_WAIT_WAKEUP;
		break;
	case GH_VCPU_STATE_POWERED_OFF:
		/* Off for good when the VM has stopped; else another vCPU (PSCI
		 * CPU_ON) turns it on and the wake-up IRQ tells us. */
		out->kind = (resp->state_data[0] & GH_VCPU_POWEROFF_EXITED) ?
		                    GH_VCPU_EXIT_KIND_VM_STOPPED :
		                    GH_VCPU_EXIT_KIND_WAIT_WAKEUP;
		break;
	case GH_VCPU_STATE_BLOCKED:
		out->kind = GH_VCPU_EXIT_KIND_YIELD;
		break;
	case GH_VCPU_STATE_FAULT:
		out->kind = GH_VCPU_EXIT_KIND_VM_STOPPED;
		break;
	case GH_VCPU_STATE_ADDRSPACE_VMMIO_READ:
	case GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE:
		out->is_write = resp->state == GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
		out->addr = resp->state_data[0];
		out->len = resp->state_data[1];
		if (out->len < 1 || out->len > GH_VCPU_MMIO_MAX_LEN) {
			out->kind = GH_VCPU_EXIT_KIND_BAD_MMIO;
			break;
		}
		out->kind = GH_VCPU_EXIT_KIND_MMIO;
		if (out->is_write)
			out->value = resp->state_data[2] &
			             (out->len == 8 ? ~0ULL : (1ULL << (8 * out->len)) - 1);
		break;
	case GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT:
		/* data[0] the IPA (v17 15/35 gunyah_vcpu.c), data[1] non-zero
		 * for a write (the series' demand-paging patch, v16 27/34). */
		out->kind = GH_VCPU_EXIT_KIND_PAGE_FAULT;
		out->addr = resp->state_data[0];
		out->is_write = resp->state_data[1] != 0;
		break;
	default:
		out->kind = GH_VCPU_EXIT_KIND_UNKNOWN;
		break;
	}
}

int gh_vcpu_resume_action(uint8_t resume_action, uint64_t *vmmio_action)
{
	switch (resume_action) {
	case GH_VM_RESUME_HANDLED:
		*vmmio_action = GH_VMMIO_ACTION_EMULATE;
		return 0;
	case GH_VM_RESUME_FAULT:
		*vmmio_action = GH_VMMIO_ACTION_FAULT;
		return 0;
	case GH_VM_RESUME_RETRY:
		*vmmio_action = GH_VMMIO_ACTION_RETRY;
		return 0;
	default:
		return -EINVAL;
	}
}
