/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cache and TLB maintenance across a VM's engines (maintenance.c).
 */
#ifndef GH_SIM_MAINTENANCE_H
#define GH_SIM_MAINTENANCE_H

#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

struct gh_sim_vcpu;

/* Physical ranges whose translated code a vCPU drops at its next entry; more
 * are merged into one range covering them. */
#define GH_SIM_IC_RANGES 32

struct gh_sim_ic_range {
	uint64_t pa, len;
};

/* A vCPU's side: what others (or its own IC) asked of it since it last ran.
 * Written and read under the VM's execution lock (a VM of one vCPU: by its
 * own thread). */
struct gh_sim_maint_cpu {
	int tlb_stale;  /* atomic: flush the TLB */
	int ic_pending; /* atomic: drop the translations of the ranges below */
	unsigned int nranges;
	struct gh_sim_ic_range ranges[GH_SIM_IC_RANGES];
};

/* UC_HOOK_INSN for SYS: TLBI and IC; the instruction then runs as it would
 * without the hook. */
uint32_t gh_sim_hook_sys(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user);

/* Has the maintenance of any vCPU left work for the vCPU of @m? Inline: it is
 * asked at every entry, MMIO exits included, and is almost always no. */
static inline bool gh_sim_maint_pending(struct gh_sim_maint_cpu *m)
{
	return __atomic_load_n(&m->ic_pending, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&m->tlb_stale, __ATOMIC_RELAXED);
}

/* Does that work, on an entry into @v's fiber before guest code runs (the
 * execution lock held). */
void gh_sim_maint_sync(struct gh_sim_vcpu *v);

#endif /* GH_SIM_MAINTENANCE_H */
