// SPDX-License-Identifier: BSD-3-Clause
/*
 * System registers: MPIDR, SCTLR_EL1.M watched, the timer's and the GIC's ICC_* trapped.
 */
#include "sim_internal.h"
#include "vgic.h"

uint64_t gh_sim_mpidr(const struct gh_sim_vcpu *v)
{
	return 0x80000000ULL | v->id;
}

bool gh_sim_sysreg_access(struct gh_sim_vcpu *v, const struct gh_sim_sysreg_insn *s, uint64_t *val)
{
	uint32_t key = gh_sim_sysreg_key(s);

	if (key == SYS_MPIDR) {
		if (!s->is_read)
			return false;
		*val = gh_sim_mpidr(v);
		return true;
	}
	if (gh_sim_timer_sysreg(v, key, s->is_read, val))
		return true;
	return gh_sim_vgic_icc_access(v, s, val);
}

/* UC_HOOK_INSN for MRS and MSR: returns 1 to skip the instruction. @reg is
 * the transfer register; an MSR's value is in cp->val. */
static uint32_t hook_sysreg(struct gh_sim_vcpu *v, uc_arm64_reg reg, const uc_arm64_cp_reg *cp,
                            bool is_read)
{
	uint32_t key = GH_SIM_SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
	uint64_t val = cp->val;

	if (key == SYS_SCTLR && !is_read) {
		v->sysreg.mmu_on = cp->val & 1;
		return 0;
	}
	/* Only registers Unicorn implements: a hook on one it does not
	 * (ICC_*) re-executes the instruction forever; those trap as UNDEF. */
	if (key == SYS_MPIDR && is_read) {
		/* EL1's: from EL0 left to Unicorn, which makes it UNDEFINED */
		if ((gh_sim_reg_read(v, UC_ARM64_REG_PSTATE) & 0xc) == 0)
			return 0;
		val = gh_sim_mpidr(v);
	} else if (!gh_sim_timer_sysreg(v, key, is_read, &val))
		return 0;
	if (is_read && reg != UC_ARM64_REG_XZR)
		gh_sim_reg_write(v, reg, val);
	return 1;
}

uint32_t gh_sim_hook_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	(void)uc;
	return hook_sysreg(user, reg, cp, true);
}

uint32_t gh_sim_hook_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	(void)uc;
	return hook_sysreg(user, reg, cp, false);
}
