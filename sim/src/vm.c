// SPDX-License-Identifier: BSD-3-Clause
/*
 * A VM's configuration (regions, boot registers, vCPUs, doorbells), start, stop and SPIs.
 */
#include <stdlib.h>

#include "reset.h"
#include "sim_internal.h"

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

int gh_sim_vm_add_region(struct gh_sim_vm *vm, uint32_t label, uint64_t gpa, uint64_t size,
                         void *host, uint32_t flags)
{
	unsigned int i;
	int ret = 0;

	if (!size || (gpa | size | (uintptr_t)host) & 4095 || !host || gpa + size < gpa ||
	    gpa + size > GH_SIM_PA_LIMIT ||
	    (flags & ~(GH_SIM_MEM_READ | GH_SIM_MEM_WRITE | GH_SIM_MEM_EXEC)))
		return -EINVAL;
	if (overlaps(gpa, size, GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE) ||
	    overlaps(gpa, size, GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * GH_SIM_MAX_VCPUS))
		return -EEXIST;
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
		goto out;
	}
	for (i = 0; i < vm->nregions; i++) {
		if (vm->regions[i].label == label ||
		    overlaps(gpa, size, vm->regions[i].gpa, vm->regions[i].size)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (vm->nregions == GH_SIM_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	/* kept sorted by address: regions[0] is the lowest */
	for (i = vm->nregions; i > 0 && vm->regions[i - 1].gpa > gpa; i--)
		vm->regions[i] = vm->regions[i - 1];
	vm->regions[i] = (struct gh_sim_region){ label, flags, gpa, size, host };
	vm->nregions++;
out:
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_set_dtb(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size)
{
	int ret = 0;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else {
		vm->boot.dtb_gpa = gpa;
		vm->boot.dtb_size = size;
		vm->boot.dtb_set = true;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_set_boot_reg(struct gh_sim_vm *vm, uint32_t set, uint32_t index, uint64_t value)
{
	struct gh_sim_boot *b = &vm->boot;
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else if (set == GH_SIM_REG_SET_X && index < 31) {
		b->x[index] = value;
		b->x_set |= 1U << index;
	} else if (set == GH_SIM_REG_SET_PC && index == 0) {
		b->pc = value;
		b->pc_set = true;
	} else if (set == GH_SIM_REG_SET_SP && index < 2) {
		b->sp[index] = value;
		b->sp_set[index] = true;
	} else {
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_add_vcpu(struct gh_sim_vm *vm, uint32_t vcpu_id, uint64_t *capid, uint32_t *irq)
{
	struct gh_sim *sim = vm->sim;
	struct gh_sim_vcpu *v;
	int ret;

	if (vcpu_id >= GH_SIM_MAX_VCPUS)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = vcpu_id;
	gh_sim_gic_cpu_init(&v->gic);
	ret = gh_sim_fiber_init(&v->fiber, GH_SIM_FIBER_STACK_SIZE, gh_sim_vcpu_main, v);
	if (ret) {
		free(v);
		return ret;
	}
	pthread_mutex_lock(&sim->lock);
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else if (vm->vcpus[vcpu_id]) {
		ret = -EEXIST;
	} else {
		ret = gh_sim_cap_alloc(sim, GH_SIM_CAP_VCPU, v, vm, &v->capid);
		if (!ret) {
			v->irq = sim->next_irq++;
			vm->vcpus[vcpu_id] = v;
			gh_sim_gic_attach_cpu(&vm->gic, vcpu_id, &v->gic);
		}
	}
	pthread_mutex_unlock(&vm->lock);
	pthread_mutex_unlock(&sim->lock);
	if (ret) {
		gh_sim_fiber_destroy(&v->fiber);
		free(v);
		return ret;
	}
	if (capid)
		*capid = v->capid;
	if (irq)
		*irq = v->irq;
	return 0;
}

int gh_sim_vm_add_doorbell(struct gh_sim_vm *vm, uint32_t label, uint32_t spi, bool level,
                           uint64_t *capid)
{
	struct gh_sim *sim = vm->sim;
	struct gh_sim_doorbell *db;
	unsigned int i;
	int ret = 0;

	if (spi < 32 || spi >= GH_SIM_NR_IRQS)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->ndoorbells; i++)
		if (vm->doorbells[i].label == label)
			ret = -EEXIST;
	if (!ret && vm->ndoorbells == GH_SIM_MAX_DOORBELLS)
		ret = -ENOSPC;
	if (!ret) {
		db = &vm->doorbells[vm->ndoorbells];
		ret = gh_sim_cap_alloc(sim, GH_SIM_CAP_DOORBELL, db, vm, &db->capid);
		if (!ret) {
			db->label = label;
			db->spi = spi;
			db->level = level;
			gh_sim_gic_set_trigger(&vm->gic, spi, level);
			vm->ndoorbells++;
			if (capid)
				*capid = db->capid;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	pthread_mutex_unlock(&sim->lock);
	return ret;
}

int gh_sim_vm_start(struct gh_sim_vm *vm)
{
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->started)
		ret = -EBUSY;
	else if (!vm->nregions || !vm->vcpus[0])
		ret = -EINVAL;
	pthread_mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	for (i = 0; i < GH_SIM_MAX_VCPUS && !ret; i++)
		if (vm->vcpus[i])
			ret = gh_sim_engine_create(vm->vcpus[i]);
	if (ret)
		return ret;
	gh_sim_boot_cpu0(vm->vcpus[0]);
	pthread_mutex_lock(&vm->lock);
	vm->exec.solo = true;
	for (i = 1; i < GH_SIM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vm->exec.solo = false;
	vm->start_ns = gh_sim_now_ns();
	vm->vcpus[0]->psci.power = POWER_ON;
	__atomic_store_n(&vm->started, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

int gh_sim_vm_stop(struct gh_sim_vm *vm)
{
	if (!vm->started)
		return -EINVAL;
	gh_sim_vm_end(vm, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED, false, 0, 0, "stopped by the host");
	/* the host asked for it: no vm_exited callback */
	__atomic_store_n(&vm->exit.notify, 0, __ATOMIC_RELEASE);
	return 0;
}

int gh_sim_vm_set_spi(struct gh_sim_vm *vm, uint32_t intid, bool level)
{
	if (intid < 32 || intid >= GH_SIM_NR_IRQS)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	gh_sim_gic_set_line(&vm->gic, 0, intid, level);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

const struct gh_sim_region *gh_sim_vm_region(const struct gh_sim_vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

void *gh_sim_vm_host_ptr(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size)
{
	const struct gh_sim_region *r;

	pthread_mutex_lock(&vm->lock);
	r = gh_sim_vm_region(vm, gpa, size);
	pthread_mutex_unlock(&vm->lock);
	return r ? r->host + (gpa - r->gpa) : NULL;
}

uint64_t gh_sim_vm_vcpu_capid(struct gh_sim_vm *vm, uint32_t vcpu_id)
{
	uint64_t capid = 0;

	pthread_mutex_lock(&vm->lock);
	if (vcpu_id < GH_SIM_MAX_VCPUS && vm->vcpus[vcpu_id])
		capid = vm->vcpus[vcpu_id]->capid;
	pthread_mutex_unlock(&vm->lock);
	return capid;
}
