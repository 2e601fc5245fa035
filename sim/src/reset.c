// SPDX-License-Identifier: BSD-3-Clause
/*
 * A vCPU's engine: its memory map (RAM, GIC, MMIO holes), hooks, EL2/EL3 setup, CPU reset.
 */
#include <stdlib.h>

#include "handle_exit.h"
#include "reset.h"
#include "sim_internal.h"
#include "vgic.h"

struct span {
	uint64_t base, size;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Everything below GH_SIM_PA_LIMIT that is not in @used becomes MMIO. */
static int map_holes(struct gh_sim_vcpu *v, const struct span *used, unsigned int n)
{
	uint64_t cur = 0;
	unsigned int i;

	for (i = 0; i <= n; i++) {
		uint64_t end = i < n ? used[i].base : GH_SIM_PA_LIMIT;

		if (end > cur) {
			struct gh_sim_hole *h;

			if (v->mmio.nholes >= GH_SIM_MAX_HOLES)
				return -ENOSPC;
			h = &v->mmio.holes[v->mmio.nholes++];
			h->vcpu = v;
			h->base = cur;
			if (uc_mmio_map(v->uc, cur, end - cur, gh_sim_hole_read, h,
			                gh_sim_hole_write, h))
				return -EIO;
		}
		if (i < n && used[i].base + used[i].size > cur)
			cur = used[i].base + used[i].size;
	}
	return 0;
}

int gh_sim_engine_create(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;
	struct span used[GH_SIM_MAX_REGIONS + 2];
	unsigned int i, n = 0, nframes = 0;
	uc_hook h;
	int ret;

	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &v->uc))
		return -EIO;
	for (i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];
		uint32_t prot = 0;

		if (r->flags & GH_SIM_MEM_READ)
			prot |= UC_PROT_READ;
		if (r->flags & GH_SIM_MEM_WRITE)
			prot |= UC_PROT_WRITE;
		if (r->flags & GH_SIM_MEM_EXEC)
			prot |= UC_PROT_EXEC;
		if (uc_mem_map_ptr(v->uc, r->gpa, r->size, prot, r->host))
			return -EIO;
		used[n++] = (struct span){ r->gpa, r->size };
	}
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			nframes = i + 1;
	ret = gh_sim_vgic_map(v, nframes);
	if (ret)
		return ret;
	used[n++] = (struct span){ GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE };
	used[n++] = (struct span){ GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * nframes };
	qsort(used, n, sizeof(used[0]), span_cmp);
	ret = map_holes(v, used, n);
	if (ret)
		return ret;

	if ((!gh_sim_stop_at_block &&
	     uc_hook_add(v->uc, &h, UC_HOOK_BLOCK, (void *)gh_sim_hook_block, v, 1, 0)) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INTR, (void *)gh_sim_hook_intr, v, 1, 0) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)gh_sim_hook_mrs, v, 1, 0,
	                UC_ARM64_INS_MRS) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)gh_sim_hook_msr, v, 1, 0,
	                UC_ARM64_INS_MSR) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)gh_sim_hook_sys, v, 1, 0,
	                UC_ARM64_INS_SYS) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_MEM_WRITE_PROT, (void *)gh_sim_hook_write_prot, v, 1,
	                0) ||
	    uc_hook_add(v->uc, &h,
	                UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_FETCH_PROT | UC_HOOK_MEM_UNMAPPED,
	                (void *)gh_sim_hook_bad_mem, v, 1, 0))
		return -EIO;

	/* Non-secure EL1 with AArch64 below: SCR_EL3 = NS|RW|HCE|..., HCR_EL2.RW;
	 * EL1 may use the physical timer and counter (CNTHCTL_EL2). */
	if (gh_sim_cp_write(v, 3, 6, 1, 1, 0, 0x531) ||
	    gh_sim_cp_write(v, 3, 4, 1, 1, 0, 1ULL << 31) || gh_sim_cp_write(v, 3, 4, 14, 1, 0, 3))
		return -EIO;
	gh_sim_cp_write(v, 3, 4, 0, 0, 5, gh_sim_mpidr(v)); /* VMPIDR_EL2 */
	gh_sim_reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	return 0;
}

void gh_sim_cpu_reset(struct gh_sim_vcpu *v, uint64_t entry, uint64_t ctx)
{
	uint64_t sctlr = gh_sim_cp_read(v, 3, 0, 1, 0, 0);

	gh_sim_cp_write(v, 3, 0, 1, 0, 0, sctlr & ~0x1005ULL); /* M, C, I off */
	v->sysreg.mmu_on = false;
	gh_sim_reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	gh_sim_reg_write(v, UC_ARM64_REG_X0, ctx);
	gh_sim_reg_write(v, UC_ARM64_REG_PC, entry);
}

void gh_sim_boot_cpu0(struct gh_sim_vcpu *v)
{
	const struct gh_sim_boot *b = &v->vm->boot;
	uint64_t pc = b->pc_set ? b->pc : v->vm->regions[0].gpa;
	unsigned int i;

	gh_sim_cpu_reset(v, pc, b->dtb_set ? b->dtb_gpa : 0);
	for (i = 0; i < 31; i++)
		if (b->x_set & (1U << i))
			gh_sim_reg_write(v, gh_sim_xreg_id(i), b->x[i]);
	if (b->sp_set[0])
		gh_sim_reg_write(v, UC_ARM64_REG_SP_EL0, b->sp[0]);
	if (b->sp_set[1])
		gh_sim_reg_write(v, UC_ARM64_REG_SP, b->sp[1]);
}
