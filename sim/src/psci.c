// SPDX-License-Identifier: BSD-3-Clause
/*
 * PSCI 1.1 for the guest: CPU_ON/OFF, AFFINITY_INFO, SYSTEM_OFF/RESET/RESET2, FEATURES.
 */
#include <inttypes.h>

#include "sim_internal.h"

/* x0 of a result: SMC32 calls return 32 bits. */
static unsigned int result(struct gh_hypercall_regs *out, uint32_t fid, int64_t val)
{
	uint64_t x0 = (uint64_t)val;

	if (!(fid & PSCI_SMC64))
		x0 = (uint32_t)x0;
	out->x[0] = x0;
	return 1;
}

static struct gh_sim_vcpu *vcpu_by_mpidr(struct gh_sim_vm *vm, uint64_t mpidr)
{
	if (mpidr & ~0xffULL & 0xff00ffffffULL)
		return NULL; /* Aff1..Aff3 must be 0 */
	if ((mpidr & 0xff) >= GH_SIM_MAX_VCPUS)
		return NULL;
	return vm->vcpus[mpidr & 0xff];
}

static int64_t psci_cpu_on(struct gh_sim_vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct gh_sim_vm *vm = v->vm;
	struct gh_sim_vcpu *t = vcpu_by_mpidr(vm, mpidr);
	int64_t ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMS;
	pthread_mutex_lock(&vm->lock);
	if (t->psci.power == POWER_ON) {
		ret = PSCI_ALREADY_ON;
	} else if (t->psci.power == POWER_ON_PENDING) {
		ret = PSCI_ON_PENDING;
	} else {
		t->psci.power = POWER_ON_PENDING;
		t->psci.on_entry = entry;
		t->psci.on_ctx = ctx;
		gh_sim_wake(t);
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static int64_t psci_affinity_info(struct gh_sim_vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct gh_sim_vcpu *t = vcpu_by_mpidr(v->vm, mpidr);
	int64_t ret;

	if (!t || level != 0)
		return PSCI_INVALID_PARAMS;
	pthread_mutex_lock(&v->vm->lock);
	ret = t->psci.power == POWER_ON ? 0 : t->psci.power == POWER_OFF ? 1 : 2;
	pthread_mutex_unlock(&v->vm->lock);
	return ret;
}

static bool psci_supported(uint32_t fid)
{
	switch (fid & ~PSCI_SMC64) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return (fid & PSCI_SMC64) == 0 || (fid & ~PSCI_SMC64) == PSCI_CPU_ON ||
		       (fid & ~PSCI_SMC64) == PSCI_AFFINITY_INFO;
	case PSCI_SYSTEM_RESET2:
		return true;
	default:
		return fid == SMCCC_VERSION;
	}
}

unsigned int gh_sim_psci_call(struct gh_sim_vcpu *v, const struct gh_hypercall_regs *in,
                              struct gh_hypercall_regs *out)
{
	uint32_t fid = (uint32_t)in->x[0];
	uint64_t x1 = in->x[1], x2 = in->x[2], x3 = in->x[3];
	uint64_t pc = gh_sim_reg_read(v, UC_ARM64_REG_PC);

	switch (fid) {
	case SMCCC_VERSION:
		return result(out, fid, 0x10002); /* SMCCC 1.2 */
	case PSCI_VERSION:
		return result(out, fid, 0x10001); /* PSCI 1.1 */
	case PSCI_FEATURES:
		return result(out, fid,
		              psci_supported((uint32_t)x1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | PSCI_SMC64:
		if (!(fid & PSCI_SMC64)) {
			x1 = (uint32_t)x1;
			x2 = (uint32_t)x2;
			x3 = (uint32_t)x3;
		}
		return result(out, fid, psci_cpu_on(v, x1, x2, x3));
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | PSCI_SMC64:
		return result(out, fid, psci_affinity_info(v, x1, x2));
	case PSCI_CPU_OFF:
		pthread_mutex_lock(&v->vm->lock);
		v->psci.power = POWER_OFF;
		pthread_mutex_unlock(&v->vm->lock);
		gh_sim_kick_set(v, KICK_STOP);
		gh_sim_stop(v);
		return 0;
	case PSCI_MIGRATE_INFO_TYPE:
		return result(out, fid, 2); /* no migration needed */
	case PSCI_SYSTEM_OFF:
		gh_sim_vm_end(v->vm, GH_VM_EXIT_TYPE_PSCI_POWER_OFF, false, 0, pc,
		              "PSCI SYSTEM_OFF");
		gh_sim_stop(v);
		return 0;
	case PSCI_SYSTEM_RESET:
		gh_sim_vm_end(v->vm, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET, false, 0, pc,
		              "PSCI SYSTEM_RESET");
		gh_sim_stop(v);
		return 0;
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2 | PSCI_SMC64:
		gh_sim_vm_end(v->vm, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2, false, 0, pc,
		              "PSCI SYSTEM_RESET2 type 0x%" PRIx64, x1);
		gh_sim_stop(v);
		return 0;
	default:
		return result(out, fid | PSCI_SMC64, PSCI_NOT_SUPPORTED);
	}
}
