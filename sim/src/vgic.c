// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulator's side of the GIC model (gic.c): MMIO frames, ICC_* traps, the notify op.
 *
 * The model is called with vm->lock held; its notify op kicks a running
 * vCPU and wakes a sleeping one.
 */
#include "sim_internal.h"
#include "vgic.h"

static void vgic_notify(void *ctx, unsigned int cpu)
{
	struct gh_sim_vm *vm = ctx;

	if (cpu < GH_SIM_MAX_VCPUS && vm->vcpus[cpu])
		gh_sim_vcpu_notify(vm->vcpus[cpu]);
}

static const struct gh_sim_gic_ops vgic_ops = {
	.notify = vgic_notify,
};

void gh_sim_vgic_init(struct gh_sim_vm *vm)
{
	gh_sim_gic_init(&vm->gic, &vgic_ops, vm);
}

uint32_t gh_sim_vgic_pending(struct gh_sim_vcpu *v)
{
	return gh_sim_gic_pending_irq(&v->vm->gic, v->id);
}

bool gh_sim_vgic_icc_access(struct gh_sim_vcpu *v, const struct gh_sim_sysreg_insn *s,
                            uint64_t *val)
{
	struct gh_sim_gic_sysreg r = { s->op0, s->op1, s->crn, s->crm, s->op2 };
	bool ok;

	pthread_mutex_lock(&v->vm->lock);
	ok = gh_sim_gic_icc_access(&v->vm->gic, v->id, &r, s->is_read, val);
	pthread_mutex_unlock(&v->vm->lock);
	return ok;
}

static uint64_t gicd_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t val;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	val = gh_sim_gicd_read(&v->vm->gic, offset, size);
	pthread_mutex_unlock(&v->vm->lock);
	return val;
}

static void gicd_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
                       void *user)
{
	struct gh_sim_vcpu *v = user;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	gh_sim_gicd_write(&v->vm->gic, offset, size, value);
	pthread_mutex_unlock(&v->vm->lock);
}

static uint64_t gicr_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t val;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	val = gh_sim_gicr_read(&v->vm->gic, offset, size);
	pthread_mutex_unlock(&v->vm->lock);
	return val;
}

static void gicr_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
                       void *user)
{
	struct gh_sim_vcpu *v = user;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	gh_sim_gicr_write(&v->vm->gic, offset, size, value);
	pthread_mutex_unlock(&v->vm->lock);
}

int gh_sim_vgic_map(struct gh_sim_vcpu *v, unsigned int nframes)
{
	if (uc_mmio_map(v->uc, GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE, gicd_read, v, gicd_write, v) ||
	    uc_mmio_map(v->uc, GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * nframes, gicr_read, v,
	                gicr_write, v))
		return -EIO;
	return 0;
}
