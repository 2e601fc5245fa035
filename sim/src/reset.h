/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vCPU's Unicorn engine: creation (memory map, hooks, EL2/EL3 setup) and CPU reset.
 */
#ifndef GH_SIM_RESET_H
#define GH_SIM_RESET_H

#include <stdint.h>

struct gh_sim_vcpu;

/* The engine of @v for its VM's memory map: 0, -EIO, -ENOSPC. */
int gh_sim_engine_create(struct gh_sim_vcpu *v);
/* The CPU as PSCI CPU_ON leaves it: EL1h, DAIF masked, MMU off, x0 = @ctx. */
void gh_sim_cpu_reset(struct gh_sim_vcpu *v, uint64_t entry, uint64_t ctx);
/* vCPU 0 at the VM's boot context. */
void gh_sim_boot_cpu0(struct gh_sim_vcpu *v);

#endif /* GH_SIM_RESET_H */
