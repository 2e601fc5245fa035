/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A VM's configuration as the resource manager sets it up: regions, boot context, doorbells.
 */
#ifndef GH_SIM_VM_H
#define GH_SIM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/sim.h>

struct gh_sim_region {
	uint32_t label;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

/* vCPU 0's boot context (GH_SIM_REG_SET_*). */
struct gh_sim_boot {
	uint64_t x[31];
	uint32_t x_set;
	uint64_t pc, sp[2];
	bool pc_set, sp_set[2];
	uint64_t dtb_gpa, dtb_size;
	bool dtb_set;
};

struct gh_sim_doorbell {
	uint32_t label;
	uint32_t spi;
	bool level;
	uint64_t capid;
	uint64_t flags;
};

struct gh_sim_vm;

/* The region that holds all of [gpa, gpa + len), or NULL (a @len of 0 is in
 * every region that holds @gpa or ends there). A started VM's regions are
 * fixed: no lock then. */
const struct gh_sim_region *gh_sim_vm_region(const struct gh_sim_vm *vm, uint64_t gpa,
                                             uint64_t len);

#endif /* GH_SIM_VM_H */
