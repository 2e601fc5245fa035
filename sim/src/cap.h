/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capability table: the ids the hypervisor hands out for vCPUs and doorbells.
 *
 * Entries are allocated and released under sim->lock; lookups of a kind are
 * lock-free (the hot path of every vcpu_run): an entry is published with a
 * release store of its kind after the object pointer, and cleared only when
 * its VM is destroyed, when no call on it may be in flight.
 */
#ifndef GH_SIM_CAP_H
#define GH_SIM_CAP_H

#include <stdint.h>

#define GH_SIM_MAX_CAPS 512
#define GH_SIM_CAP_BASE 0x1000ULL

struct gh_sim;
struct gh_sim_vm;

enum gh_sim_cap_kind {
	GH_SIM_CAP_FREE = 0,
	GH_SIM_CAP_VCPU,     /* obj: struct gh_sim_vcpu */
	GH_SIM_CAP_DOORBELL, /* obj: struct gh_sim_doorbell */
	GH_SIM_CAP_MSGQ,     /* obj: struct gh_sim_msgq (the RM's; no VM) */
};

struct gh_sim_cap {
	int kind; /* enum gh_sim_cap_kind; atomic */
	void *obj;
	struct gh_sim_vm *vm;
};

/* A free entry for @obj of @vm (sim->lock held): -ENOSPC. */
int gh_sim_cap_alloc(struct gh_sim *sim, enum gh_sim_cap_kind kind, void *obj, struct gh_sim_vm *vm,
                     uint64_t *capid);
/* The object of @capid when it is of @kind, else NULL. Lock-free. */
void *gh_sim_cap_lookup(struct gh_sim *sim, uint64_t capid, enum gh_sim_cap_kind kind);
/* The same with the entry's VM (sim->lock held). */
void *gh_sim_cap_get_locked(struct gh_sim *sim, uint64_t capid, enum gh_sim_cap_kind kind,
                            struct gh_sim_vm **vm);
/* Frees every entry of @vm (sim->lock held). */
void gh_sim_cap_release_vm(struct gh_sim *sim, struct gh_sim_vm *vm);

#endif /* GH_SIM_CAP_H */
