/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulator's side of the GIC model: its MMIO frames, ICC_* traps and notify op.
 */
#ifndef GH_SIM_VGIC_H
#define GH_SIM_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "decode.h"

struct gh_sim_vcpu;
struct gh_sim_vm;

/* The VM's GIC at reset, wired to its vCPUs. */
void gh_sim_vgic_init(struct gh_sim_vm *vm);
/* Maps the distributor and the redistributor frames into @v's engine. */
int gh_sim_vgic_map(struct gh_sim_vcpu *v, unsigned int nframes);
/* A trapped ICC_* access of @v (takes vm->lock): false when it is none. */
bool gh_sim_vgic_icc_access(struct gh_sim_vcpu *v, const struct gh_sim_sysreg_insn *s,
                            uint64_t *val);
/* The INTID that would be signalled to @v (vm->lock held), or
 * GH_SIM_GIC_SPURIOUS. */
uint32_t gh_sim_vgic_pending(struct gh_sim_vcpu *v);

#endif /* GH_SIM_VGIC_H */
