/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one SMCCC dispatcher: the guest's HVC/SMC and the host's hypercalls.
 */
#ifndef GH_SIM_HYPERCALLS_H
#define GH_SIM_HYPERCALLS_H

struct gh_sim;
struct gh_sim_vcpu;

/* The guest's HVC or SMC on @v (from the interrupt hook). */
void gh_sim_smccc_guest(struct gh_sim_vcpu *v);

/* The host's calls: gh_sim_hypercall() (public, gunyah/sim.h), and the
 * hypercall backend of @sim that serves them. */
void gh_sim_hypercall_backend_init(struct gh_sim *sim);

#endif /* GH_SIM_HYPERCALLS_H */
