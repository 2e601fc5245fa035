/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The embedded Gunyah hypervisor simulator: guest AArch64 code runs on
 * Unicorn below the hypercall ABI. The simulator plays two roles:
 *
 *  - the hypervisor: it serves hypercalls (hyp_identify, the vendor UID,
 *    vcpu_run, vcpu_run_check, bell_send, bell_set_mask) through a
 *    struct gh_hypercall_backend that gh_sim_register() installs;
 *  - the resource manager, in two ways: an RM RPC server (a thread of the
 *    simulator) that the host reaches over two message queues, as it would
 *    a separate RM VM (gh_sim_rm_endpoint()); and, below it, the direct
 *    gh_sim_vm_* calls that create, configure, start and stop VMs and hand
 *    out capability ids for vCPUs and doorbells (backend/src/sim_rm.c
 *    maps vm_mgr's RM ops onto them).
 *
 * Inside, per VM: guest RAM shared zero-copy with the VMM, one Unicorn engine
 * per vCPU, PSCI 1.1, a GICv3 (distributor at GH_SIM_GICD_BASE,
 * redistributors at GH_SIM_GICR_BASE), the generic timer and WFI.
 * See sim/README.md for the threading model and limits.
 */
#ifndef GUNYAH_SIM_H
#define GUNYAH_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gunyah/hypercall.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_sim;
struct gh_sim_vm;

#define GH_SIM_MAX_VCPUS     8
#define GH_SIM_MAX_REGIONS   32
#define GH_SIM_MAX_DOORBELLS 32

/* The guest platform (DESIGN.md). */
#define GH_SIM_GICD_BASE   0x08000000ULL
#define GH_SIM_GICD_SIZE   0x10000ULL
#define GH_SIM_GICR_BASE   0x080a0000ULL
#define GH_SIM_GICR_STRIDE 0x20000ULL /* RD_base + SGI_base per CPU */
#define GH_SIM_NR_SPIS     64         /* INTIDs 32..95 */
#define GH_SIM_PPI_VTIMER  27
#define GH_SIM_PPI_PTIMER  30
#define GH_SIM_CNTFRQ      62500000ULL /* 62.5 MHz, as Unicorn/QEMU */

/* Guest physical addresses the simulator decodes up to (everything below
 * that is neither RAM nor the GIC becomes VMMIO exits). */
#define GH_SIM_PA_LIMIT (1ULL << 40)

/* A vCPU returns READY after running one time slice: 1 to 2 ms. */

/**
 * struct gh_sim_host_ops - how the simulator reaches the host
 * @wakeup_irq: the host interrupt @irq fired (a vCPU's wake-up IRQ). Called
 *              from any simulator thread, possibly with simulator locks held:
 *              it must not block nor call back into the simulator.
 * @vm_exited: the VM @vmid stopped; @exit_type is a GH_VM_EXIT_TYPE_*,
 *             @crashed tells EXITED from CRASHED, @reason/@reason_size the
 *             exit info's reason bytes, @description a NUL-terminated
 *             human-readable reason ("" when there is none), the text
 *             gh_sim_vm_exit_status() returns. Called once, from the thread
 *             of the vcpu_run that observed it or of gh_sim_vm_stop(), with
 *             no simulator lock held. The simulator prints nothing: this is
 *             how a crash is reported. For a VM the RM server created, the
 *             status also goes out as the RM's VM_EXITED notification
 *             (that is the one a host on the RM client should use).
 */
struct gh_sim_host_ops {
	void (*wakeup_irq)(void *ctx, uint32_t irq);
	void (*vm_exited)(void *ctx, uint16_t vmid, uint16_t exit_type, bool crashed,
	                  const uint8_t *reason, uint32_t reason_size, const char *description);
	void *ctx;
};

/* --- the simulator ----------------------------------------------------------- */

/* A simulator (its service thread starts here). -ENOMEM, -EINVAL. */
int gh_sim_create(const struct gh_sim_host_ops *host, struct gh_sim **out);
/* Destroys every VM still there, unregisters, stops the thread. */
void gh_sim_destroy(struct gh_sim *sim);

/* The hypercall backend this simulator serves. */
const struct gh_hypercall_backend *gh_sim_backend(struct gh_sim *sim);
/* gh_hypercall_register_backend(gh_sim_backend(sim)) / unregister. */
int gh_sim_register(struct gh_sim *sim);
void gh_sim_unregister(struct gh_sim *sim);
/* Serves one hypercall directly (what the registered backend calls). */
void gh_sim_hypercall(struct gh_sim *sim, const struct gh_hypercall_regs *in,
                      struct gh_hypercall_regs *out);

/* --- the resource manager's RPC server --------------------------------------------- */

/*
 * What a device tree's gunyah-resource-manager node would tell the host: the
 * capability ids of its two message queues (TX: host -> RM, RX: RM -> host;
 * msgq_send / msgq_recv hypercalls, 64 messages of at most 240 bytes each),
 * their host interrupts (TX "not full", RX "not empty", through
 * gh_sim_host_ops.wakeup_irq; below GH_SIM_RM_TX_IRQ + 2 <= 64, where the
 * vCPUs' wake-up IRQs start) and the host's own vmid (VM_GET_VMID's answer,
 * never a guest's). A VM's exit reaches the host as a VM_EXITED
 * notification on RX (the vm_exited host op is still called, for the
 * description text).
 */
#define GH_SIM_RM_TX_IRQ    32U
#define GH_SIM_RM_RX_IRQ    33U
#define GH_SIM_RM_HOST_VMID 3U

struct gh_sim_rm_endpoint {
	uint64_t tx_capid, rx_capid;
	uint32_t tx_irq, rx_irq;
	uint16_t host_vmid;
};
void gh_sim_rm_endpoint(struct gh_sim *sim, struct gh_sim_rm_endpoint *ep);
/* vCPUs of a VM whose DTB has no usable /cpus, and doorbells per VM (labels
 * 0..n-1 raising SPI 32 + label); 0 = the defaults 1 and 16. Before any VM
 * exists: -EBUSY after, -EINVAL past GH_SIM_MAX_VCPUS / GH_SIM_MAX_DOORBELLS. */
int gh_sim_rm_configure(struct gh_sim *sim, uint32_t default_vcpus, uint32_t doorbells);

/* --- VMs (the resource manager's view) ------------------------------------------ */

/* GH_SIM_MEM_* flags: GH_MEM_ALLOW_{READ,WRITE,EXEC} of the UAPI. */
#define GH_SIM_MEM_READ  (1U << 0)
#define GH_SIM_MEM_WRITE (1U << 1)
#define GH_SIM_MEM_EXEC  (1U << 2)

int gh_sim_vm_create(struct gh_sim *sim, struct gh_sim_vm **out);
/* Stops the VM if running and frees it. No vcpu_run may be in flight. */
void gh_sim_vm_destroy(struct gh_sim_vm *vm);
uint16_t gh_sim_vm_id(const struct gh_sim_vm *vm);
/* The VM with @vmid, or NULL. */
struct gh_sim_vm *gh_sim_vm_lookup(struct gh_sim *sim, uint16_t vmid);

/*
 * Before start only (-EBUSY after). @host must stay mapped until the VM is
 * destroyed; @gpa, @size, @host page aligned (-EINVAL); overlaps with another
 * region or with the GIC (-EEXIST); -ENOSPC past GH_SIM_MAX_REGIONS.
 * Regions without GH_SIM_MEM_WRITE are read-only: guest writes become
 * VMMIO_WRITE exits.
 */
int gh_sim_vm_add_region(struct gh_sim_vm *vm, uint32_t label, uint64_t gpa, uint64_t size,
                         void *host, uint32_t flags);
int gh_sim_vm_set_dtb(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size);

/* Boot registers of vCPU 0 (GH_VM_BOOT_CONTEXT_REG sets of the UAPI). The
 * default: PC = the lowest region's base, x0 = the DTB address, SP = 0. */
#define GH_SIM_REG_SET_X  0
#define GH_SIM_REG_SET_PC 1
#define GH_SIM_REG_SET_SP 2
int gh_sim_vm_set_boot_reg(struct gh_sim_vm *vm, uint32_t set, uint32_t index, uint64_t value);

/* Adds vCPU @vcpu_id (its MPIDR Aff0; < GH_SIM_MAX_VCPUS) before start:
 * *capid its capability id, *irq its host wake-up IRQ. -EEXIST, -EINVAL. */
int gh_sim_vm_add_vcpu(struct gh_sim_vm *vm, uint32_t vcpu_id, uint64_t *capid, uint32_t *irq);
/* A doorbell that raises SPI @spi (32..32+NR_SPIS-1) when rung; @level: the
 * SPI is level-sensitive and stays asserted until the guest EOIs it. */
int gh_sim_vm_add_doorbell(struct gh_sim_vm *vm, uint32_t label, uint32_t spi, bool level,
                           uint64_t *capid);

/* Starts vCPU 0 at the boot context. -EBUSY when already started, -EINVAL
 * when there is no region or no vCPU 0. */
int gh_sim_vm_start(struct gh_sim_vm *vm);
/* Force-stops a running VM (exit type VM_FORCE_STOPPED): every vCPU returns
 * POWERED_OFF with GH_VCPU_POWEROFF_EXITED. 0, or -EINVAL when not started. */
int gh_sim_vm_stop(struct gh_sim_vm *vm);
bool gh_sim_vm_exited(struct gh_sim_vm *vm);
/* Exit type, crashed and a human-readable reason ("" while running). */
void gh_sim_vm_exit_status(struct gh_sim_vm *vm, uint16_t *type, bool *crashed, char *reason,
                           size_t reason_len);

/* Asserts (@level true) or deasserts SPI @intid from a VMM device. */
int gh_sim_vm_set_spi(struct gh_sim_vm *vm, uint32_t intid, bool level);

/* The host address of guest range [@gpa, @gpa + @size) when it lies inside
 * one region, else NULL. */
void *gh_sim_vm_host_ptr(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size);
/* Capability id of vCPU @vcpu_id, or 0. */
uint64_t gh_sim_vm_vcpu_capid(struct gh_sim_vm *vm, uint32_t vcpu_id);

/* Makes vCPU @capid return READY at its next translation block (used for
 * immediate_exit). Harmless when it is not running. */
int gh_sim_vcpu_kick(struct gh_sim *sim, uint64_t capid);

/* Statistics of one vCPU, for tests and benchmarks. */
struct gh_sim_vcpu_stats {
	uint64_t mmio_exits;
	uint64_t ready_exits;
	uint64_t wfi_exits;
	uint64_t irqs_injected;
	uint64_t engine_starts;   /* uc_emu_start calls */
	uint64_t decode_hits;     /* MMIO accesses located through the decode cache */
	uint64_t decode_scans;    /* ... and by scanning (cache miss or stale entry) */
	uint64_t sync_exceptions; /* aborts, UNDEF, SVC delivered to the guest */
	uint64_t page_faults;     /* PAGE_FAULT states reported (stage-2 faults on RAM) */
	/* MMIO exits after which the vCPU kept its VM's execution lock for the
	 * rest of its slice, another vCPU waiting (sim/README.md); and of those,
	 * the times a waiting vCPU took it back because this one stayed out. */
	uint64_t lock_kept;
	uint64_t lock_taken_back; /* may be read while the vCPU runs */
	/* READY yields to a waiting vCPU because this one spun in a WFE or
	 * YIELD loop (the others: ready_exits, kicks and slice ends included) */
	uint64_t spin_yields;
	/* TLB invalidations to the shareable domain (TLBI ...IS) this vCPU
	 * ran, flushes of its engine's TLB that other vCPUs' caused, and
	 * drops of translated code that IC instructions (any vCPU's) caused
	 * (several while it waits make one; sim/src/maintenance.c) */
	uint64_t tlb_broadcasts;
	uint64_t tlb_flushes;
	uint64_t ic_syncs;
	/* With gh_sim_set_timing(sim, true): time inside the vCPU's engine
	 * (guest code, with the MMIO and trap handling done in its hooks), and
	 * in vcpu_run outside it (the hypervisor's own work). */
	uint64_t ns_guest;
	uint64_t ns_hypervisor;
};
int gh_sim_vcpu_stats(struct gh_sim *sim, uint64_t capid, struct gh_sim_vcpu_stats *out);
/* Times every vcpu_run (two clock reads per exit; off by default). */
void gh_sim_set_timing(struct gh_sim *sim, bool on);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_SIM_H */
