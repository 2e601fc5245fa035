/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The GICv3 model's interface: state, register access and the one op it calls out through.
 *
 * The model knows nothing of the simulator: CPUs are numbers 0..GH_SIM_GIC_MAX_CPUS-1
 * whose CPU-interface state (struct gh_sim_gic_cpu) the owner embeds in its
 * vCPUs and attaches; when an interrupt may have become deliverable on a CPU,
 * the model calls ops->notify(ctx, cpu). Nothing here locks: the owner
 * serialises every call (the simulator: vm->lock), and notify is called with
 * that serialisation held, so it must not call back into the model.
 */
#ifndef GH_SIM_GIC_H
#define GH_SIM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GH_SIM_GIC_MAX_CPUS     GH_SIM_MAX_VCPUS
#define GH_SIM_GIC_NR_IRQS      (32 + GH_SIM_NR_SPIS)
#define GH_SIM_GIC_ACTIVE_DEPTH 16 /* acknowledged, not yet priority-dropped */
#define GH_SIM_GIC_SPURIOUS     1023

struct gh_sim_irq {
	uint8_t prio;
	bool group1;
	bool enabled;
	bool pending; /* latched (edge, or software-set) */
	bool active;
	bool level; /* level-sensitive (ICFGR 0) */
	bool line;  /* input line asserted (level) */
};

/* One CPU's redistributor and CPU interface. */
struct gh_sim_gic_cpu {
	struct gh_sim_irq irq[32]; /* SGIs and PPIs */
	uint32_t waker;
	uint64_t pmr;
	uint64_t bpr1;
	uint64_t igrpen1;
	uint64_t ctlr; /* ICC_CTLR_EL1: EOImode (bit 1) */
	uint32_t active[GH_SIM_GIC_ACTIVE_DEPTH];
	unsigned int nactive;
};

struct gh_sim_gic_ops {
	/* An interrupt may have become deliverable on @cpu. */
	void (*notify)(void *ctx, unsigned int cpu);
};

struct gh_sim_gic {
	uint32_t ctlr;
	struct gh_sim_irq irq[GH_SIM_GIC_NR_IRQS]; /* [32..] used */
	uint64_t irouter[GH_SIM_GIC_NR_IRQS];
	struct gh_sim_gic_cpu *cpu[GH_SIM_GIC_MAX_CPUS]; /* NULL: absent */
	const struct gh_sim_gic_ops *ops;
	void *ctx;
};

/* An ICC_* system register by its MRS/MSR fields. */
struct gh_sim_gic_sysreg {
	uint8_t op0, op1, crn, crm, op2;
};

/* Reset state: SPIs level-sensitive, disabled, priority 0, no CPU attached. */
void gh_sim_gic_init(struct gh_sim_gic *gic, const struct gh_sim_gic_ops *ops, void *ctx);
/* Reset state of one CPU (SGIs enabled and edge, PPIs level, asleep). */
void gh_sim_gic_cpu_init(struct gh_sim_gic_cpu *c);
/* CPU @cpu is @c from now on (its redistributor frame @cpu). -EINVAL, -EEXIST. */
int gh_sim_gic_attach_cpu(struct gh_sim_gic *gic, unsigned int cpu, struct gh_sim_gic_cpu *c);

/* Distributor (offsets within GICD) and redistributor (offsets from the
 * first frame, GH_SIM_GICR_STRIDE per CPU) registers, 1..8-byte accesses. */
uint64_t gh_sim_gicd_read(struct gh_sim_gic *gic, uint64_t off, unsigned int size);
void gh_sim_gicd_write(struct gh_sim_gic *gic, uint64_t off, unsigned int size, uint64_t val);
uint64_t gh_sim_gicr_read(struct gh_sim_gic *gic, uint64_t off, unsigned int size);
void gh_sim_gicr_write(struct gh_sim_gic *gic, uint64_t off, unsigned int size, uint64_t val);

/* ICC_* of @cpu: false when @reg is not one of them (or @cpu is absent). */
bool gh_sim_gic_icc_access(struct gh_sim_gic *gic, unsigned int cpu,
                           const struct gh_sim_gic_sysreg *reg, bool is_read, uint64_t *val);

/* The INTID that would be signalled to @cpu now (GH_SIM_GIC_SPURIOUS if
 * none): enabled, pending, not active, group enabled, priority above PMR and
 * the running priority. PSTATE.I is not considered (WFI wakes regardless). */
uint32_t gh_sim_gic_pending_irq(struct gh_sim_gic *gic, unsigned int cpu);
/* Sets or clears the input line of @intid: a PPI/SGI of @cpu, or an SPI
 * (@cpu ignored). Out-of-range ids are ignored. */
void gh_sim_gic_set_line(struct gh_sim_gic *gic, unsigned int cpu, uint32_t intid, bool level);
/* Latches SPI @intid pending (an edge). */
void gh_sim_gic_pulse(struct gh_sim_gic *gic, uint32_t intid);
/* Makes SPI @intid level-sensitive (@level) or edge-triggered, as its
 * wiring (a doorbell) requires. */
void gh_sim_gic_set_trigger(struct gh_sim_gic *gic, uint32_t intid, bool level);

#ifdef __cplusplus
}
#endif

#endif /* GH_SIM_GIC_H */
