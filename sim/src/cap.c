// SPDX-License-Identifier: BSD-3-Clause
/*
 * The capability table: allocating, looking up and releasing capability ids (see cap.h).
 */
#include <errno.h>

#include "sim_internal.h"

int gh_sim_cap_alloc(struct gh_sim *sim, enum gh_sim_cap_kind kind, void *obj, struct gh_sim_vm *vm,
                     uint64_t *capid)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_MAX_CAPS; i++) {
		if (sim->caps[i].kind != GH_SIM_CAP_FREE)
			continue;
		__atomic_store_n(&sim->caps[i].obj, obj, __ATOMIC_RELAXED);
		sim->caps[i].vm = vm;
		__atomic_store_n(&sim->caps[i].kind, (int)kind, __ATOMIC_RELEASE);
		*capid = GH_SIM_CAP_BASE + i;
		return 0;
	}
	return -ENOSPC;
}

void *gh_sim_cap_lookup(struct gh_sim *sim, uint64_t capid, enum gh_sim_cap_kind kind)
{
	uint64_t i = capid - GH_SIM_CAP_BASE;

	if (capid < GH_SIM_CAP_BASE || i >= GH_SIM_MAX_CAPS)
		return NULL;
	if (__atomic_load_n(&sim->caps[i].kind, __ATOMIC_ACQUIRE) != (int)kind)
		return NULL;
	return __atomic_load_n(&sim->caps[i].obj, __ATOMIC_RELAXED);
}

void *gh_sim_cap_get_locked(struct gh_sim *sim, uint64_t capid, enum gh_sim_cap_kind kind,
                            struct gh_sim_vm **vm)
{
	uint64_t i = capid - GH_SIM_CAP_BASE;

	if (capid < GH_SIM_CAP_BASE || i >= GH_SIM_MAX_CAPS || sim->caps[i].kind != (int)kind)
		return NULL;
	*vm = sim->caps[i].vm;
	return sim->caps[i].obj;
}

void gh_sim_cap_release_vm(struct gh_sim *sim, struct gh_sim_vm *vm)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_MAX_CAPS; i++) {
		if (sim->caps[i].vm != vm)
			continue;
		__atomic_store_n(&sim->caps[i].kind, GH_SIM_CAP_FREE, __ATOMIC_RELEASE);
		__atomic_store_n(&sim->caps[i].obj, NULL, __ATOMIC_RELAXED);
		sim->caps[i].vm = NULL;
	}
}
