// SPDX-License-Identifier: BSD-3-Clause
/*
 * The GICv3 model: routing, the highest-pending pick, input lines and the CPU interface.
 *
 * A GICv3 as the guest sees it under Gunyah: affinity routing always on,
 * security disabled (GICD_CTLR.DS = 1), no LPIs/ITS, one redistributor frame
 * per vCPU, the CPU interface through ICC_* system registers.
 *
 * Simplifications (documented in README.md): every interrupt is treated as
 * Group 1 whatever IGROUPR says; priorities have 5 bits; the running priority
 * is the highest priority among acknowledged, not yet priority-dropped
 * interrupts (binary point ignored); SPIs with IROUTER.IRM = 1 go to the
 * lowest-numbered vCPU.
 *
 * The model includes nothing of the simulator: it is driven through gic.h
 * (its owner serialises the calls) and calls out only through its ops. The
 * distributor and redistributor registers are in gic_mmio.c.
 */
#include <errno.h>
#include <string.h>

#include "gic.h"
#include "gic_internal.h"

#define SPURIOUS GH_SIM_GIC_SPURIOUS
#define NO_CPU   (~0U)

void gh_sim_gic_init(struct gh_sim_gic *gic, const struct gh_sim_gic_ops *ops, void *ctx)
{
	unsigned int i;

	memset(gic, 0, sizeof(*gic));
	for (i = 32; i < NR_IRQS; i++)
		gic->irq[i].level = true;
	gic->ops = ops;
	gic->ctx = ctx;
}

void gh_sim_gic_cpu_init(struct gh_sim_gic_cpu *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 32; i++) {
		c->irq[i].level = i >= 16;  /* SGIs are edge */
		c->irq[i].enabled = i < 16; /* SGIs: enabled at reset */
	}
	c->waker = 0x6; /* ProcessorSleep, ChildrenAsleep */
}

int gh_sim_gic_attach_cpu(struct gh_sim_gic *gic, unsigned int cpu, struct gh_sim_gic_cpu *c)
{
	if (cpu >= GH_SIM_GIC_MAX_CPUS || !c)
		return -EINVAL;
	if (gic->cpu[cpu])
		return -EEXIST;
	gic->cpu[cpu] = c;
	return 0;
}

void gh_sim_gic_set_trigger(struct gh_sim_gic *gic, uint32_t intid, bool level)
{
	if (intid >= 32 && intid < NR_IRQS)
		gic->irq[intid].level = level;
}

/* The CPU SPI @intid is routed to, or NO_CPU. */
static unsigned int spi_target(const struct gh_sim_gic *gic, uint32_t intid)
{
	uint64_t r = gic->irouter[intid];
	unsigned int i;

	if (r & (1ULL << 31)) {
		for (i = 0; i < GH_SIM_GIC_MAX_CPUS; i++)
			if (gic->cpu[i])
				return i;
		return NO_CPU;
	}
	if ((r & 0xff) >= GH_SIM_GIC_MAX_CPUS || (r & 0xffff00ULL) || !gic->cpu[r & 0xff])
		return NO_CPU;
	return (unsigned int)(r & 0xff);
}

static struct gh_sim_gic_cpu *cpu_of(struct gh_sim_gic *gic, unsigned int cpu)
{
	return cpu < GH_SIM_GIC_MAX_CPUS ? gic->cpu[cpu] : NULL;
}

static struct gh_sim_irq *irq_of(struct gh_sim_gic *gic, unsigned int cpu, uint32_t intid)
{
	struct gh_sim_gic_cpu *c;

	if (intid < 32) {
		c = cpu_of(gic, cpu);
		return c ? &c->irq[intid] : NULL;
	}
	if (intid < NR_IRQS)
		return &gic->irq[intid];
	return NULL;
}

static unsigned int running_prio(const struct gh_sim_gic *gic, const struct gh_sim_gic_cpu *c)
{
	unsigned int i, p = 0x100;

	for (i = 0; i < c->nactive; i++) {
		uint32_t id = c->active[i];
		unsigned int q = id < 32 ? c->irq[id].prio : gic->irq[id].prio;

		if (q < p)
			p = q;
	}
	return p;
}

/* Highest-priority pending interrupt of @cpu; with @preempt, only one that
 * would be signalled (PMR, running priority, group enables). */
static uint32_t best_pending(struct gh_sim_gic *gic, unsigned int cpu, bool preempt)
{
	const struct gh_sim_gic_cpu *c = cpu_of(gic, cpu);
	unsigned int best_prio = 0x100, limit = 0x100, i;
	uint32_t best = SPURIOUS;

	if (!c)
		return SPURIOUS;
	if (preempt) {
		if (!(gic->ctlr & CTLR_ENABLE_G1) || !(c->igrpen1 & 1))
			return SPURIOUS;
		limit = running_prio(gic, c);
		if ((c->pmr & 0xff) < limit)
			limit = c->pmr & 0xff;
	}
	for (i = 0; i < NR_IRQS; i++) {
		const struct gh_sim_irq *q;

		if (i < 32) {
			q = &c->irq[i];
		} else {
			q = &gic->irq[i];
			if (spi_target(gic, i) != cpu)
				continue;
		}
		if (!q->enabled || q->active || !gh_sim_gic_irq_pending(q))
			continue;
		if (q->prio >= limit || q->prio >= best_prio)
			continue;
		best = i;
		best_prio = q->prio;
	}
	return best;
}

void gh_sim_gic_notify(struct gh_sim_gic *gic, unsigned int cpu)
{
	if (cpu >= GH_SIM_GIC_MAX_CPUS || !gic->cpu[cpu] || !gic->ops || !gic->ops->notify)
		return;
	if (best_pending(gic, cpu, true) == SPURIOUS)
		return;
	gic->ops->notify(gic->ctx, cpu);
}

void gh_sim_gic_notify_all(struct gh_sim_gic *gic)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_GIC_MAX_CPUS; i++)
		gh_sim_gic_notify(gic, i);
}

uint32_t gh_sim_gic_pending_irq(struct gh_sim_gic *gic, unsigned int cpu)
{
	return best_pending(gic, cpu, true);
}

void gh_sim_gic_set_line(struct gh_sim_gic *gic, unsigned int cpu, uint32_t intid, bool level)
{
	struct gh_sim_irq *q = irq_of(gic, cpu, intid);

	if (!q)
		return;
	if (level && !q->line && !q->level)
		q->pending = true; /* edge-triggered: latch the rising edge */
	q->line = level;
	if (!level)
		return;
	gh_sim_gic_notify(gic, intid < 32 ? cpu : spi_target(gic, intid));
}

void gh_sim_gic_pulse(struct gh_sim_gic *gic, uint32_t intid)
{
	if (intid < 32 || intid >= NR_IRQS)
		return;
	gic->irq[intid].pending = true;
	gh_sim_gic_notify(gic, spi_target(gic, intid));
}

/* --- CPU interface ------------------------------------------------------------------- */

/* A local key for the ICC_* registers (all op0 = 3, op1 = 0). */
#define ICC(crn, crm, op2) (((uint32_t)(crn) << 8) | ((uint32_t)(crm) << 4) | (uint32_t)(op2))

#define ICC_PMR     ICC(4, 6, 0)
#define ICC_IAR0    ICC(12, 8, 0)
#define ICC_EOIR0   ICC(12, 8, 1)
#define ICC_HPPIR0  ICC(12, 8, 2)
#define ICC_BPR0    ICC(12, 8, 3)
#define ICC_DIR     ICC(12, 11, 1)
#define ICC_RPR     ICC(12, 11, 3)
#define ICC_SGI1R   ICC(12, 11, 5)
#define ICC_ASGI1R  ICC(12, 11, 6)
#define ICC_SGI0R   ICC(12, 11, 7)
#define ICC_IAR1    ICC(12, 12, 0)
#define ICC_EOIR1   ICC(12, 12, 1)
#define ICC_HPPIR1  ICC(12, 12, 2)
#define ICC_BPR1    ICC(12, 12, 3)
#define ICC_CTLR    ICC(12, 12, 4)
#define ICC_SRE     ICC(12, 12, 5)
#define ICC_IGRPEN0 ICC(12, 12, 6)
#define ICC_IGRPEN1 ICC(12, 12, 7)

static void deactivate(struct gh_sim_gic *gic, unsigned int cpu, uint32_t intid)
{
	struct gh_sim_irq *q = irq_of(gic, cpu, intid);

	if (q)
		q->active = false;
}

static void drop_priority(struct gh_sim_gic_cpu *c, uint32_t intid)
{
	unsigned int i;

	for (i = c->nactive; i-- > 0;) {
		if (c->active[i] != intid)
			continue;
		memmove(&c->active[i], &c->active[i + 1],
		        (c->nactive - i - 1) * sizeof(c->active[0]));
		c->nactive--;
		return;
	}
}

static uint32_t acknowledge(struct gh_sim_gic *gic, unsigned int cpu)
{
	struct gh_sim_gic_cpu *c = gic->cpu[cpu];
	uint32_t intid = best_pending(gic, cpu, true);
	struct gh_sim_irq *q;

	if (intid == SPURIOUS || c->nactive >= GH_SIM_GIC_ACTIVE_DEPTH)
		return SPURIOUS;
	q = irq_of(gic, cpu, intid);
	q->active = true;
	q->pending = false;
	c->active[c->nactive++] = intid;
	return intid;
}

static void send_sgi(struct gh_sim_gic *gic, unsigned int self, uint64_t val)
{
	uint32_t intid = (val >> 24) & 0xf;
	unsigned int i;

	for (i = 0; i < GH_SIM_GIC_MAX_CPUS; i++) {
		struct gh_sim_gic_cpu *t = gic->cpu[i];

		if (!t)
			continue;
		if (val & (1ULL << 40)) { /* IRM: all but self */
			if (i == self)
				continue;
		} else if (((val >> 16) & 0xff) != 0 || i >= 16 || !((val >> i) & 1)) {
			continue; /* Aff1 != 0 or not in TargetList */
		}
		t->irq[intid].pending = true;
		gh_sim_gic_notify(gic, i);
	}
}

bool gh_sim_gic_icc_access(struct gh_sim_gic *gic, unsigned int cpu,
                           const struct gh_sim_gic_sysreg *reg, bool is_read, uint64_t *val)
{
	struct gh_sim_gic_cpu *c = cpu_of(gic, cpu);
	uint32_t id, key;

	if (!c || reg->op0 != 3 || reg->op1 != 0 || reg->crn > 15 || reg->crm > 15 || reg->op2 > 7)
		return false;
	key = ICC(reg->crn, reg->crm, reg->op2);
	switch (key) {
	case ICC_PMR:
		if (is_read)
			*val = c->pmr;
		else
			c->pmr = *val & PRIO_MASK;
		break;
	case ICC_IAR1:
		if (is_read)
			*val = acknowledge(gic, cpu);
		break;
	case ICC_EOIR1:
		if (!is_read) {
			id = (uint32_t)*val & 0xffffff;
			drop_priority(c, id);
			if (!(c->ctlr & 2))
				deactivate(gic, cpu, id);
		}
		break;
	case ICC_DIR:
		if (!is_read)
			deactivate(gic, cpu, (uint32_t)*val & 0xffffff);
		break;
	case ICC_HPPIR1:
		if (is_read)
			*val = best_pending(gic, cpu, false);
		break;
	case ICC_RPR:
		if (is_read) {
			unsigned int p = running_prio(gic, c);

			*val = p > 0xff ? 0xff : p;
		}
		break;
	case ICC_BPR1:
		if (is_read)
			*val = c->bpr1;
		else
			c->bpr1 = *val & 7;
		break;
	case ICC_CTLR:
		if (is_read)
			*val = (c->ctlr & 3) | (4ULL << 8); /* PRIbits: 5 bits */
		else
			c->ctlr = *val & 3;
		break;
	case ICC_SRE:
		if (is_read)
			*val = 7; /* SRE, DFB, DIB */
		break;
	case ICC_IGRPEN1:
		if (is_read)
			*val = c->igrpen1;
		else
			c->igrpen1 = *val & 1;
		break;
	case ICC_SGI1R:
	case ICC_ASGI1R:
	case ICC_SGI0R:
		if (!is_read)
			send_sgi(gic, cpu, *val);
		break;
	case ICC_IAR0:
	case ICC_HPPIR0:
		if (is_read)
			*val = SPURIOUS;
		break;
	case ICC_EOIR0:
	case ICC_BPR0:
	case ICC_IGRPEN0:
		if (is_read)
			*val = 0;
		break;
	default:
		/* ICC_AP0Rn/AP1Rn: RAZ/WI */
		if ((key & ~7U) == (ICC(12, 9, 0) & ~7U) || (key & ~3U) == ICC(12, 8, 4)) {
			if (is_read)
				*val = 0;
			break;
		}
		return false;
	}
	if (!is_read)
		gh_sim_gic_notify(gic, cpu);
	return true;
}
