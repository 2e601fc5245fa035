/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System registers the simulator models or watches (MRS/MSR hooks and trapped ICC_*).
 */
#ifndef GH_SIM_SYS_REGS_H
#define GH_SIM_SYS_REGS_H

#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "decode.h"

struct gh_sim_vcpu;

#define SYS_MPIDR GH_SIM_SYSREG(3, 0, 0, 0, 5)
#define SYS_SCTLR GH_SIM_SYSREG(3, 0, 1, 0, 0)

struct gh_sim_sysreg_cpu {
	bool mmu_on; /* SCTLR_EL1.M as last written */
};

/* The MPIDR_EL1 of @v. */
uint64_t gh_sim_mpidr(const struct gh_sim_vcpu *v);
/* A trapped MRS/MSR (an UNDEF of a register Unicorn lacks: ICC_*):
 * false when it is none the simulator models. */
bool gh_sim_sysreg_access(struct gh_sim_vcpu *v, const struct gh_sim_sysreg_insn *s, uint64_t *val);
/* UC_HOOK_INSN for MRS and MSR. */
uint32_t gh_sim_hook_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user);
uint32_t gh_sim_hook_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user);

#endif /* GH_SIM_SYS_REGS_H */
