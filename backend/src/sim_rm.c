// SPDX-License-Identifier: BSD-3-Clause
/* vm_mgr's resource-manager ops over the simulator (see sim_rm.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/os_posix.h>
#include <libfdt.h>

#include "sim_rm.h"

#define RM_MAX_VMS 32

struct rm_vm {
	bool used;
	uint16_t vmid;
	struct gh_sim_vm *svm;
	struct gh_vm *vm;
	uint64_t dtb_gpa, dtb_size;
	bool dtb_set;
	uint64_t vcpu_capid[GH_SIM_MAX_VCPUS];
	uint32_t vcpu_irq[GH_SIM_MAX_VCPUS];
	uint64_t bell_capid[GH_SIM_NR_SPIS];
	uint32_t nbells;
};

struct gh_sim_rm {
	struct gh_sim *sim;
	struct gh_sim_rm_config cfg;
	pthread_mutex_t lock;
	struct rm_vm vms[RM_MAX_VMS];
};

static struct rm_vm *find(struct gh_sim_rm *rm, uint16_t vmid)
{
	unsigned int i;

	for (i = 0; i < RM_MAX_VMS; i++)
		if (rm->vms[i].used && rm->vms[i].vmid == vmid)
			return &rm->vms[i];
	return NULL;
}

/* --- host side of the simulator ------------------------------------------------ */

static void host_wakeup_irq(void *ctx, uint32_t irq)
{
	(void)ctx;
	gh_os_posix_irq_raise(irq); /* -ENOENT: nobody waits on it yet */
}

static void host_vm_exited(void *ctx, uint16_t vmid, uint16_t type, bool crashed,
                           const uint8_t *reason, uint32_t reason_size, const char *description)
{
	struct gh_sim_rm *rm = ctx;
	struct gh_vm_exit_info info;
	struct gh_vm *vm = NULL;
	struct rm_vm *v;

	(void)description;
	memset(&info, 0, sizeof(info));
	info.type = type;
	info.reason_size = reason_size > GH_VM_LAST_EXIT_INFO_SIZE ? GH_VM_LAST_EXIT_INFO_SIZE :
	                                                             reason_size;
	memcpy(info.reason, reason, info.reason_size);
	pthread_mutex_lock(&rm->lock);
	v = find(rm, vmid);
	if (v)
		vm = v->vm;
	pthread_mutex_unlock(&rm->lock);
	if (vm)
		gh_vm_mgr_notify_status(
			vm, crashed ? GH_VM_MGR_STATUS_CRASHED : GH_VM_MGR_STATUS_EXITED, &info);
}

/* --- the ops ------------------------------------------------------------------------ */

static int rm_alloc_vmid(void *ctx, uint16_t *vmid)
{
	struct gh_sim_rm *rm = ctx;
	struct gh_sim_vm *svm;
	unsigned int i;
	int ret;

	pthread_mutex_lock(&rm->lock);
	for (i = 0; i < RM_MAX_VMS; i++)
		if (!rm->vms[i].used)
			break;
	if (i == RM_MAX_VMS) {
		pthread_mutex_unlock(&rm->lock);
		return -ENOSPC;
	}
	ret = gh_sim_vm_create(rm->sim, &svm);
	if (!ret) {
		memset(&rm->vms[i], 0, sizeof(rm->vms[i]));
		rm->vms[i].used = true;
		rm->vms[i].svm = svm;
		rm->vms[i].vmid = gh_sim_vm_id(svm);
		*vmid = rm->vms[i].vmid;
	}
	pthread_mutex_unlock(&rm->lock);
	return ret;
}

static void rm_dealloc_vmid(void *ctx, uint16_t vmid)
{
	struct gh_sim_rm *rm = ctx;
	struct gh_sim_vm *svm = NULL;
	struct rm_vm *v;

	pthread_mutex_lock(&rm->lock);
	v = find(rm, vmid);
	if (v) {
		svm = v->svm;
		memset(v, 0, sizeof(*v));
	}
	pthread_mutex_unlock(&rm->lock);
	if (svm)
		gh_sim_vm_destroy(svm);
}

static struct rm_vm *get(struct gh_sim_rm *rm, uint16_t vmid)
{
	struct rm_vm *v;

	pthread_mutex_lock(&rm->lock);
	v = find(rm, vmid);
	pthread_mutex_unlock(&rm->lock);
	return v;
}

static int rm_mem_share(void *ctx, uint16_t vmid, const struct gh_userspace_memory_region *r)
{
	struct rm_vm *v = get(ctx, vmid);

	if (!v)
		return -ENOENT;
	return gh_sim_vm_add_region(v->svm, r->label, r->guest_phys_addr, r->memory_size,
	                            (void *)(uintptr_t)r->userspace_addr,
	                            r->flags &
	                                    (GH_SIM_MEM_READ | GH_SIM_MEM_WRITE | GH_SIM_MEM_EXEC));
}

static int rm_set_dtb(void *ctx, uint16_t vmid, const struct gh_vm_dtb_config *dtb)
{
	struct rm_vm *v = get(ctx, vmid);
	int ret;

	if (!v)
		return -ENOENT;
	ret = gh_sim_vm_set_dtb(v->svm, dtb->guest_phys_addr, dtb->size);
	if (!ret) {
		v->dtb_gpa = dtb->guest_phys_addr;
		v->dtb_size = dtb->size;
		v->dtb_set = true;
	}
	return ret;
}

static int rm_set_boot_context(void *ctx, uint16_t vmid, const struct gh_vm_boot_context *bc)
{
	struct rm_vm *v = get(ctx, vmid);

	if (!v)
		return -ENOENT;
	return gh_sim_vm_set_boot_reg(v->svm, (bc->reg >> GH_VM_BOOT_CONTEXT_REG_SHIFT) & 0xff,
	                              bc->reg & 0xff, bc->value);
}

/* vCPU ids from the DTB's /cpus: -ENOENT when there is no usable DTB. */
static int cpus_from_dtb(struct rm_vm *v, uint32_t *mask)
{
	const void *fdt;
	int cpus, node;

	*mask = 0;
	if (!v->dtb_set)
		return -ENOENT;
	fdt = gh_sim_vm_host_ptr(v->svm, v->dtb_gpa, v->dtb_size);
	if (!fdt || v->dtb_size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > v->dtb_size)
		return -ENOENT;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return -ENOENT;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const fdt32_t *reg;
		const char *type;
		uint64_t mpidr;
		int len;

		/* The VMM's DTB: a string property need not be terminated. */
		type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len != sizeof("cpu") || memcmp(type, "cpu", sizeof("cpu")))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || (len != 4 && len != 8))
			return -EINVAL;
		mpidr = len == 4 ? fdt32_to_cpu(reg[0]) :
		                   ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
		if (mpidr >= GH_SIM_MAX_VCPUS)
			return -EINVAL; /* only Aff0 < 8 is simulated */
		*mask |= 1U << mpidr;
	}
	return *mask ? 0 : -ENOENT;
}

static int rm_vm_init(void *ctx, uint16_t vmid)
{
	struct gh_sim_rm *rm = ctx;
	struct rm_vm *v = get(rm, vmid);
	uint32_t mask, i;
	int ret;

	if (!v)
		return -ENOENT;
	ret = cpus_from_dtb(v, &mask);
	if (ret == -ENOENT) {
		mask = (1U << rm->cfg.default_vcpus) - 1;
		ret = 0;
	}
	if (ret)
		return ret;
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		if (!(mask & (1U << i)))
			continue;
		ret = gh_sim_vm_add_vcpu(v->svm, i, &v->vcpu_capid[i], &v->vcpu_irq[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < rm->cfg.doorbells; i++) {
		ret = gh_sim_vm_add_doorbell(v->svm, i, 32 + i, false, &v->bell_capid[i]);
		if (ret)
			return ret;
		v->nbells = i + 1;
	}
	return 0;
}

static int rm_get_resources(void *ctx, uint16_t vmid, struct gh_vm_resource *out, size_t max,
                            size_t *n)
{
	struct rm_vm *v = get(ctx, vmid);
	size_t k = 0;
	uint32_t i;

	if (!v)
		return -ENOENT;
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		if (!v->vcpu_capid[i])
			continue;
		if (k == max)
			return -ENOSPC;
		out[k++] = (struct gh_vm_resource){ .type = GH_RESOURCE_TYPE_VCPU,
			                            .label = i,
			                            .capid = v->vcpu_capid[i],
			                            .irq = v->vcpu_irq[i] };
	}
	for (i = 0; i < v->nbells; i++) {
		if (k == max)
			return -ENOSPC;
		out[k++] = (struct gh_vm_resource){ .type = GH_RESOURCE_TYPE_BELL_TX,
			                            .label = i,
			                            .capid = v->bell_capid[i] };
	}
	*n = k;
	return 0;
}

static int rm_vm_start(void *ctx, uint16_t vmid)
{
	struct rm_vm *v = get(ctx, vmid);

	return v ? gh_sim_vm_start(v->svm) : -ENOENT;
}

static int rm_vm_stop(void *ctx, uint16_t vmid)
{
	struct rm_vm *v = get(ctx, vmid);

	if (!v)
		return -ENOENT;
	gh_sim_vm_stop(v->svm);
	return 0;
}

static int rm_vm_reset(void *ctx, uint16_t vmid)
{
	return get(ctx, vmid) ? 0 : -ENOENT;
}

static const struct gh_vm_rm_ops sim_rm_ops = {
	.alloc_vmid = rm_alloc_vmid,
	.dealloc_vmid = rm_dealloc_vmid,
	.mem_share = rm_mem_share,
	.set_dtb = rm_set_dtb,
	.set_boot_context = rm_set_boot_context,
	.vm_init = rm_vm_init,
	.get_resources = rm_get_resources,
	.vm_start = rm_vm_start,
	.vm_stop = rm_vm_stop,
	.vm_reset = rm_vm_reset,
};

const struct gh_vm_rm_ops *gh_sim_rm_ops(void)
{
	return &sim_rm_ops;
}

int gh_sim_rm_create(const struct gh_sim_rm_config *cfg, struct gh_sim_rm **out)
{
	struct gh_sim_host_ops host = {
		.wakeup_irq = host_wakeup_irq,
		.vm_exited = host_vm_exited,
	};
	struct gh_sim_rm *rm;
	int ret;

	rm = calloc(1, sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	if (cfg)
		rm->cfg = *cfg;
	if (!rm->cfg.default_vcpus)
		rm->cfg.default_vcpus = 1;
	if (rm->cfg.default_vcpus > GH_SIM_MAX_VCPUS)
		rm->cfg.default_vcpus = GH_SIM_MAX_VCPUS;
	if (!rm->cfg.doorbells)
		rm->cfg.doorbells = 16;
	if (rm->cfg.doorbells > GH_SIM_NR_SPIS)
		rm->cfg.doorbells = GH_SIM_NR_SPIS;
	pthread_mutex_init(&rm->lock, NULL);
	host.ctx = rm;
	ret = gh_sim_create(&host, &rm->sim);
	if (ret)
		goto err;
	ret = gh_sim_register(rm->sim);
	if (ret)
		goto err_sim;
	*out = rm;
	return 0;
err_sim:
	gh_sim_destroy(rm->sim);
err:
	pthread_mutex_destroy(&rm->lock);
	free(rm);
	return ret;
}

void gh_sim_rm_destroy(struct gh_sim_rm *rm)
{
	if (!rm)
		return;
	gh_sim_destroy(rm->sim);
	pthread_mutex_destroy(&rm->lock);
	free(rm);
}

void gh_sim_rm_bind(struct gh_sim_rm *rm, struct gh_vm *vm)
{
	struct rm_vm *v;

	pthread_mutex_lock(&rm->lock);
	v = find(rm, gh_vm_mgr_vmid(vm));
	if (v)
		v->vm = vm;
	pthread_mutex_unlock(&rm->lock);
}

struct gh_sim *gh_sim_rm_sim(struct gh_sim_rm *rm)
{
	return rm->sim;
}

struct gh_sim_vm *gh_sim_rm_vm(struct gh_sim_rm *rm, uint16_t vmid)
{
	struct rm_vm *v = get(rm, vmid);

	return v ? v->svm : NULL;
}
