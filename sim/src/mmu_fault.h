/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classifying the guest MMU faults Unicorn reports without syndrome or address.
 */
#ifndef GH_SIM_MMU_FAULT_H
#define GH_SIM_MMU_FAULT_H

#include <stdint.h>

struct gh_sim_vcpu;

/* Unicorn reported an MMU fault at @pc (exception @intno 3 or 4): requests
 * the abort the hardware would take, or ends the VM. */
void gh_sim_mmu_fault(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc);

#endif /* GH_SIM_MMU_FAULT_H */
