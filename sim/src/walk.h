/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stage-1 walker of the guest's EL1&0 translation regime, and reads of guest memory.
 */
#ifndef GH_SIM_WALK_H
#define GH_SIM_WALK_H

#include <stdbool.h>
#include <stdint.h>

struct gh_sim_vcpu;

enum walk_result {
	WALK_OK = 0,      /* a final descriptor with AF set (w->pa valid) */
	WALK_TRANSLATION, /* translation fault at w->level */
	WALK_ACCESS_FLAG, /* final descriptor with AF = 0 (w->pa valid) */
	WALK_UNKNOWN,     /* a table outside RAM: the outcome is not known */
};

struct walk {
	uint64_t pa;
	unsigned int level; /* of the fault, or of the final descriptor */
	unsigned int ap;    /* AP[2:1], with the tables' APTable applied */
	bool uxn, pxn;      /* with the tables' UXNTable/PXNTable */
	uint64_t table_pa;  /* WALK_UNKNOWN: the descriptor address not in RAM */
};

enum access_type {
	ACC_READ,
	ACC_WRITE,
	ACC_EXEC
};

/* @len bytes of guest RAM at @pa (false when not inside one region). */
bool gh_sim_phys_read(struct gh_sim_vcpu *v, uint64_t pa, void *buf, unsigned int len);
/* Walks @va: an enum walk_result. */
int gh_sim_walk(struct gh_sim_vcpu *v, uint64_t va, struct walk *w);
/* Does the final descriptor of @w allow @type at EL0 (@el0) or EL1? */
bool gh_sim_walk_permits(const struct walk *w, bool el0, enum access_type type, bool wxn);
/* The physical address of @va, no permission checks. */
bool gh_sim_translate(struct gh_sim_vcpu *v, uint64_t va, uint64_t *pa);
/* The guest instruction at virtual address @va (through the walk when the
 * MMU is on). */
bool gh_sim_fetch_insn(struct gh_sim_vcpu *v, uint64_t va, uint32_t *insn);

#endif /* GH_SIM_WALK_H */
