/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to backend/: the simulator as vm_mgr's resource manager, a struct
 * gh_vm_rm_ops over a simulator that this object creates and registers as
 * the hypercall backend. The glue between the cores and sim/, so that sim/
 * itself depends on nothing but hypercall/ and Unicorn.
 *
 * How VM configuration maps onto the simulator:
 *  - mem_share: a region (flags GH_MEM_ALLOW_*; without WRITE it is read-only,
 *    guest writes become MMIO writes);
 *  - set_dtb / set_boot_context: vCPU 0's x0 is the DTB address unless the
 *    boot context sets it; PC defaults to the lowest region;
 *  - vm_init: vCPUs are created from the DTB's /cpus (one per cpu node, its
 *    reg = MPIDR Aff0 < GH_SIM_MAX_VCPUS); without a DTB or /cpus node,
 *    config.default_vcpus of them (ids 0..n-1). Doorbells: labels
 *    0..config.doorbells-1, label L raising SPI 32 + L (edge);
 *  - get_resources: every vCPU (label = vcpu_id, irq = its wake-up IRQ) and
 *    every doorbell;
 *  - vm_start / vm_stop; dealloc_vmid destroys the simulated VM.
 * The VM's exit (PSCI SYSTEM_OFF/RESET, a crash) reaches vm_mgr through
 * gh_vm_mgr_notify_status(); wake-up IRQs through the POSIX OS glue's
 * gh_os_posix_irq_raise().
 */
#ifndef GH_BACKEND_SIM_RM_H
#define GH_BACKEND_SIM_RM_H

#include <gunyah/sim.h>
#include <gunyah/vm_mgr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_sim_rm;

struct gh_sim_rm_config {
	uint32_t default_vcpus; /* 0 means 1 */
	uint32_t doorbells;     /* 0 means 16; at most GH_SIM_NR_SPIS */
};

/* Creates the simulator and registers it as the hypercall backend (-EBUSY
 * when another backend is registered). @cfg may be NULL. */
int gh_sim_rm_create(const struct gh_sim_rm_config *cfg, struct gh_sim_rm **out);
void gh_sim_rm_destroy(struct gh_sim_rm *rm);

/* The ops for gh_vm_mgr_create(ops, rm, &vm). */
const struct gh_vm_rm_ops *gh_sim_rm_ops(void);
/* Tells the RM which gh_vm owns @vmid (after gh_vm_mgr_create), so that
 * exits are reported to it. */
void gh_sim_rm_bind(struct gh_sim_rm *rm, struct gh_vm *vm);

struct gh_sim *gh_sim_rm_sim(struct gh_sim_rm *rm);
/* The simulated VM behind @vmid, or NULL. */
struct gh_sim_vm *gh_sim_rm_vm(struct gh_sim_rm *rm, uint16_t vmid);

#ifdef __cplusplus
}
#endif

#endif /* GH_BACKEND_SIM_RM_H */
