// SPDX-License-Identifier: BSD-3-Clause
/*
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
 * Every function here runs with vm->lock held.
 */
#include <string.h>

#include "decode.h"
#include "sim_internal.h"

#define PRIO_MASK	0xf8
#define SPURIOUS	1023

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR	0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IROUTER	0x6000
#define GIC_PIDR2	0xffe8

#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_SGI_BASE	0x10000

#define CTLR_ENABLE_G1	(1U << 1)
#define CTLR_ARE	(1U << 4)
#define CTLR_DS		(1U << 6)

void gh_sim_gic_init(struct gh_sim_vm *vm)
{
	unsigned int i;

	memset(&vm->gic, 0, sizeof(vm->gic));
	for (i = 32; i < GH_SIM_NR_IRQS; i++)
		vm->gic.irq[i].level = true;
}

void gh_sim_gic_cpu_init(struct gh_sim_vcpu *v)
{
	unsigned int i;

	memset(&v->gic, 0, sizeof(v->gic));
	for (i = 0; i < 32; i++) {
		v->gic.irq[i].level = i >= 16;		/* SGIs are edge */
		v->gic.irq[i].enabled = i < 16;		/* SGIs: enabled at reset */
	}
	v->gic.waker = 0x6;				/* ProcessorSleep, ChildrenAsleep */
}

static struct gh_sim_vcpu *spi_target(struct gh_sim_vm *vm, uint32_t intid)
{
	uint64_t r = vm->gic.irouter[intid];
	unsigned int i;

	if (r & (1ULL << 31)) {
		for (i = 0; i < GH_SIM_MAX_VCPUS; i++)
			if (vm->vcpus[i])
				return vm->vcpus[i];
		return NULL;
	}
	if ((r & 0xff) >= GH_SIM_MAX_VCPUS || (r & 0xffff00ULL))
		return NULL;
	return vm->vcpus[r & 0xff];
}

static struct gh_sim_irq *irq_of(struct gh_sim_vm *vm, struct gh_sim_vcpu *v, uint32_t intid)
{
	if (intid < 32)
		return v ? &v->gic.irq[intid] : NULL;
	if (intid < GH_SIM_NR_IRQS)
		return &vm->gic.irq[intid];
	return NULL;
}

static bool irq_pending(const struct gh_sim_irq *q)
{
	return q->pending || (q->level && q->line);
}

static unsigned int running_prio(const struct gh_sim_vcpu *v)
{
	unsigned int i, p = 0x100;
	const struct gh_sim_vm *vm = v->vm;

	for (i = 0; i < v->gic.nactive; i++) {
		uint32_t id = v->gic.active[i];
		unsigned int q = id < 32 ? v->gic.irq[id].prio : vm->gic.irq[id].prio;

		if (q < p)
			p = q;
	}
	return p;
}

static void notify_all(struct gh_sim_vm *vm)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			gh_sim_vcpu_notify(vm->vcpus[i]);
}

/* Highest-priority pending interrupt of @v; with @preempt, only one that
 * would be signalled (PMR, running priority, group enables). */
static uint32_t best_pending(struct gh_sim_vcpu *v, bool preempt, unsigned int *prio)
{
	struct gh_sim_vm *vm = v->vm;
	unsigned int best_prio = 0x100, limit = 0x100, i;
	uint32_t best = SPURIOUS;

	if (preempt) {
		if (!(vm->gic.ctlr & CTLR_ENABLE_G1) || !(v->gic.igrpen1 & 1))
			return SPURIOUS;
		limit = running_prio(v);
		if ((v->gic.pmr & 0xff) < limit)
			limit = v->gic.pmr & 0xff;
	}
	for (i = 0; i < GH_SIM_NR_IRQS; i++) {
		const struct gh_sim_irq *q;

		if (i < 32) {
			q = &v->gic.irq[i];
		} else {
			q = &vm->gic.irq[i];
			if (spi_target(vm, i) != v)
				continue;
		}
		if (!q->enabled || q->active || !irq_pending(q))
			continue;
		if (q->prio >= limit || q->prio >= best_prio)
			continue;
		best = i;
		best_prio = q->prio;
	}
	if (prio)
		*prio = best_prio;
	return best;
}

uint32_t gh_sim_gic_pending_irq(struct gh_sim_vcpu *v)
{
	return best_pending(v, true, NULL);
}

void gh_sim_gic_set_line(struct gh_sim_vm *vm, struct gh_sim_vcpu *v, uint32_t intid, bool level)
{
	struct gh_sim_irq *q = irq_of(vm, v, intid);
	struct gh_sim_vcpu *target;

	if (!q)
		return;
	if (level && !q->line && !q->level)
		q->pending = true;		/* edge-triggered: latch the rising edge */
	q->line = level;
	if (!level)
		return;
	target = intid < 32 ? v : spi_target(vm, intid);
	if (target)
		gh_sim_vcpu_notify(target);
}

void gh_sim_gic_pulse(struct gh_sim_vm *vm, uint32_t intid)
{
	struct gh_sim_vcpu *target;

	if (intid < 32 || intid >= GH_SIM_NR_IRQS)
		return;
	vm->gic.irq[intid].pending = true;
	target = spi_target(vm, intid);
	if (target)
		gh_sim_vcpu_notify(target);
}

/* --- bit-array registers shared by GICD (SPIs) and GICR (SGIs/PPIs) --------- */

static uint32_t read_bits(struct gh_sim_irq *irqs, uint32_t first, uint32_t n, uint64_t reg)
{
	uint32_t v = 0, i;

	for (i = 0; i < 32; i++) {
		struct gh_sim_irq *q;

		if (first + i >= n)
			break;
		q = &irqs[first + i];
		switch (reg) {
		case GICD_IGROUPR:
			v |= (uint32_t)q->group1 << i;
			break;
		case GICD_ISENABLER:
		case GICD_ICENABLER:
			v |= (uint32_t)q->enabled << i;
			break;
		case GICD_ISPENDR:
		case GICD_ICPENDR:
			v |= (uint32_t)irq_pending(q) << i;
			break;
		default:
			v |= (uint32_t)q->active << i;
			break;
		}
	}
	return v;
}

static void write_bits(struct gh_sim_irq *irqs, uint32_t first, uint32_t n, uint64_t reg,
		       uint32_t val)
{
	uint32_t i;

	for (i = 0; i < 32; i++) {
		struct gh_sim_irq *q;
		bool bit = (val >> i) & 1;

		if (first + i >= n)
			break;
		q = &irqs[first + i];
		switch (reg) {
		case GICD_IGROUPR:
			q->group1 = bit;
			break;
		case GICD_ISENABLER:
			q->enabled |= bit;
			break;
		case GICD_ICENABLER:
			q->enabled &= !bit;
			break;
		case GICD_ISPENDR:
			q->pending |= bit;
			break;
		case GICD_ICPENDR:
			q->pending &= !bit;
			break;
		case GICD_ISACTIVER:
			q->active |= bit;
			break;
		default:
			q->active &= !bit;
			break;
		}
	}
}

/* The registers of one bank (SPIs in the distributor, SGIs/PPIs in an
 * SGI_base frame): @off relative to the bank, @first the bank's first INTID
 * accessible there (the distributor's SGI/PPI words are RAZ/WI). */
static bool bank_read(struct gh_sim_irq *irqs, uint32_t lo, uint32_t n, uint64_t off,
		      unsigned int size, uint64_t *val)
{
	uint32_t first;

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		uint64_t reg = off & ~0x7fULL;

		first = (uint32_t)((off & 0x7f) / 4) * 32;
		*val = first < lo ? 0 : read_bits(irqs, first, n, reg);
		return true;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020) {
		uint32_t i;

		first = (uint32_t)(off - GICD_IPRIORITYR);
		*val = 0;
		for (i = 0; i < size && i < 4; i++)
			if (first + i >= lo && first + i < n)
				*val |= (uint64_t)irqs[first + i].prio << (8 * i);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		uint32_t i;

		first = (uint32_t)((off - GICD_ICFGR) / 4) * 16;
		*val = 0;
		for (i = 0; i < 16; i++)
			if (first + i < n && !irqs[first + i].level)
				*val |= 2ULL << (2 * i);
		return true;
	}
	return false;
}

static bool bank_write(struct gh_sim_irq *irqs, uint32_t lo, uint32_t n, uint64_t off,
		       unsigned int size, uint64_t val)
{
	uint32_t first;

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		first = (uint32_t)((off & 0x7f) / 4) * 32;
		if (first >= lo)
			write_bits(irqs, first, n, off & ~0x7fULL, (uint32_t)val);
		return true;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020) {
		uint32_t i;

		first = (uint32_t)(off - GICD_IPRIORITYR);
		for (i = 0; i < size && i < 4; i++)
			if (first + i >= lo && first + i < n)
				irqs[first + i].prio = (uint8_t)(val >> (8 * i)) & PRIO_MASK;
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		uint32_t i;

		first = (uint32_t)((off - GICD_ICFGR) / 4) * 16;
		for (i = 0; i < 16; i++)
			if (first + i >= lo && first + i >= 16 && first + i < n)
				irqs[first + i].level = !((val >> (2 * i + 1)) & 1);
		return true;
	}
	return false;
}

/* --- distributor --------------------------------------------------------------- */

uint64_t gh_sim_gicd_read(struct gh_sim_vm *vm, uint64_t off, unsigned int size)
{
	uint64_t val = 0;

	switch (off) {
	case GICD_CTLR:
		return (vm->gic.ctlr & 3) | CTLR_ARE | CTLR_DS;
	case GICD_TYPER:
		/* ITLinesNumber, IDbits = 9 (10 bits of INTID) */
		return (uint64_t)(GH_SIM_NR_IRQS / 32 - 1) | (9ULL << 19);
	case GICD_IIDR:
		return 0x0300043b;
	case GIC_PIDR2:
		return 0x3b;
	}
	if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + GH_SIM_NR_IRQS * 8) {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);

		val = vm->gic.irouter[intid];
		return (off & 4) ? val >> 32 : (uint32_t)val;
	}
	if (bank_read(vm->gic.irq, 32, GH_SIM_NR_IRQS, off, size, &val))
		return val;
	return 0;
}

void gh_sim_gicd_write(struct gh_sim_vm *vm, uint64_t off, unsigned int size, uint64_t val)
{
	if (off == GICD_CTLR) {
		vm->gic.ctlr = (uint32_t)val & 3;
	} else if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + GH_SIM_NR_IRQS * 8) {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);
		uint64_t *r = &vm->gic.irouter[intid];

		if (size == 8)
			*r = val;
		else if (off & 4)
			*r = (uint32_t)*r | (val << 32);
		else
			*r = (*r & ~0xffffffffULL) | (uint32_t)val;
	} else {
		bank_write(vm->gic.irq, 32, GH_SIM_NR_IRQS, off, size, val);
	}
	notify_all(vm);
}

/* --- redistributors --------------------------------------------------------------- */

static uint32_t frames(const struct gh_sim_vm *vm)
{
	unsigned int i, n = 0;

	for (i = 0; i < GH_SIM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			n = i + 1;
	return n;
}

uint64_t gh_sim_gicr_read(struct gh_sim_vm *vm, uint64_t off, unsigned int size)
{
	uint32_t cpu = (uint32_t)(off / GH_SIM_GICR_STRIDE);
	struct gh_sim_vcpu *v;
	uint64_t val = 0, typer;

	off %= GH_SIM_GICR_STRIDE;
	if (cpu >= GH_SIM_MAX_VCPUS)
		return 0;
	v = vm->vcpus[cpu];
	switch (off) {
	case GICR_CTLR:
		return 0;
	case GICR_IIDR:
		return 0x0300043b;
	case GICR_TYPER:
	case GICR_TYPER + 4:
		typer = ((uint64_t)cpu << 32) | ((uint64_t)cpu << 8) |
			(cpu + 1 == frames(vm) ? (1ULL << 4) : 0);
		if (size == 8)
			return typer;
		return off & 4 ? typer >> 32 : (uint32_t)typer;
	case GICR_WAKER:
		return v ? v->gic.waker : 0;
	case GIC_PIDR2:
		return 0x3b;
	}
	if (v && off >= GICR_SGI_BASE &&
	    bank_read(v->gic.irq, 0, 32, off - GICR_SGI_BASE, size, &val))
		return val;
	return 0;
}

void gh_sim_gicr_write(struct gh_sim_vm *vm, uint64_t off, unsigned int size, uint64_t val)
{
	uint32_t cpu = (uint32_t)(off / GH_SIM_GICR_STRIDE);
	struct gh_sim_vcpu *v;

	off %= GH_SIM_GICR_STRIDE;
	if (cpu >= GH_SIM_MAX_VCPUS || !(v = vm->vcpus[cpu]))
		return;
	if (off == GICR_WAKER) {
		/* ChildrenAsleep follows ProcessorSleep at once */
		v->gic.waker = (val & 2) ? 0x6 : 0;
	} else if (off >= GICR_SGI_BASE) {
		bank_write(v->gic.irq, 0, 32, off - GICR_SGI_BASE, size, val);
	}
	gh_sim_vcpu_notify(v);
}

/* --- CPU interface ------------------------------------------------------------------- */

#define ICC_PMR		GH_SIM_SYSREG(3, 0, 4, 6, 0)
#define ICC_IAR0	GH_SIM_SYSREG(3, 0, 12, 8, 0)
#define ICC_EOIR0	GH_SIM_SYSREG(3, 0, 12, 8, 1)
#define ICC_HPPIR0	GH_SIM_SYSREG(3, 0, 12, 8, 2)
#define ICC_BPR0	GH_SIM_SYSREG(3, 0, 12, 8, 3)
#define ICC_DIR		GH_SIM_SYSREG(3, 0, 12, 11, 1)
#define ICC_RPR		GH_SIM_SYSREG(3, 0, 12, 11, 3)
#define ICC_SGI1R	GH_SIM_SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R	GH_SIM_SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R	GH_SIM_SYSREG(3, 0, 12, 11, 7)
#define ICC_IAR1	GH_SIM_SYSREG(3, 0, 12, 12, 0)
#define ICC_EOIR1	GH_SIM_SYSREG(3, 0, 12, 12, 1)
#define ICC_HPPIR1	GH_SIM_SYSREG(3, 0, 12, 12, 2)
#define ICC_BPR1	GH_SIM_SYSREG(3, 0, 12, 12, 3)
#define ICC_CTLR	GH_SIM_SYSREG(3, 0, 12, 12, 4)
#define ICC_SRE		GH_SIM_SYSREG(3, 0, 12, 12, 5)
#define ICC_IGRPEN0	GH_SIM_SYSREG(3, 0, 12, 12, 6)
#define ICC_IGRPEN1	GH_SIM_SYSREG(3, 0, 12, 12, 7)

static void deactivate(struct gh_sim_vcpu *v, uint32_t intid)
{
	struct gh_sim_irq *q = irq_of(v->vm, v, intid);

	if (q)
		q->active = false;
}

static void drop_priority(struct gh_sim_vcpu *v, uint32_t intid)
{
	unsigned int i;

	for (i = v->gic.nactive; i-- > 0;) {
		if (v->gic.active[i] != intid)
			continue;
		memmove(&v->gic.active[i], &v->gic.active[i + 1],
			(v->gic.nactive - i - 1) * sizeof(v->gic.active[0]));
		v->gic.nactive--;
		return;
	}
}

static uint32_t acknowledge(struct gh_sim_vcpu *v)
{
	uint32_t intid = best_pending(v, true, NULL);
	struct gh_sim_irq *q;

	if (intid == SPURIOUS || v->gic.nactive >= GH_SIM_ACTIVE_DEPTH)
		return SPURIOUS;
	q = irq_of(v->vm, v, intid);
	q->active = true;
	q->pending = false;
	v->gic.active[v->gic.nactive++] = intid;
	return intid;
}

static void send_sgi(struct gh_sim_vcpu *v, uint64_t val)
{
	struct gh_sim_vm *vm = v->vm;
	uint32_t intid = (val >> 24) & 0xf;
	unsigned int i;

	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *t = vm->vcpus[i];

		if (!t)
			continue;
		if (val & (1ULL << 40)) {		/* IRM: all but self */
			if (t == v)
				continue;
		} else if (((val >> 16) & 0xff) != 0 || i >= 16 || !((val >> i) & 1)) {
			continue;			/* Aff1 != 0 or not in TargetList */
		}
		t->gic.irq[intid].pending = true;
		gh_sim_vcpu_notify(t);
	}
}

bool gh_sim_icc_access(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val)
{
	uint32_t id;

	switch (key) {
	case ICC_PMR:
		if (is_read)
			*val = v->gic.pmr;
		else
			v->gic.pmr = *val & PRIO_MASK;
		break;
	case ICC_IAR1:
		if (is_read)
			*val = acknowledge(v);
		break;
	case ICC_EOIR1:
		if (!is_read) {
			id = (uint32_t)*val & 0xffffff;
			drop_priority(v, id);
			if (!(v->gic.ctlr & 2))
				deactivate(v, id);
		}
		break;
	case ICC_DIR:
		if (!is_read)
			deactivate(v, (uint32_t)*val & 0xffffff);
		break;
	case ICC_HPPIR1:
		if (is_read)
			*val = best_pending(v, false, NULL);
		break;
	case ICC_RPR:
		if (is_read) {
			unsigned int p = running_prio(v);

			*val = p > 0xff ? 0xff : p;
		}
		break;
	case ICC_BPR1:
		if (is_read)
			*val = v->gic.bpr1;
		else
			v->gic.bpr1 = *val & 7;
		break;
	case ICC_CTLR:
		if (is_read)
			*val = (v->gic.ctlr & 3) | (4ULL << 8);	/* PRIbits: 5 bits */
		else
			v->gic.ctlr = *val & 3;
		break;
	case ICC_SRE:
		if (is_read)
			*val = 7;				/* SRE, DFB, DIB */
		break;
	case ICC_IGRPEN1:
		if (is_read)
			*val = v->gic.igrpen1;
		else
			v->gic.igrpen1 = *val & 1;
		break;
	case ICC_SGI1R:
	case ICC_ASGI1R:
	case ICC_SGI0R:
		if (!is_read)
			send_sgi(v, *val);
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
		if ((key & ~7U) == (GH_SIM_SYSREG(3, 0, 12, 9, 0) & ~7U) ||
		    (key & ~3U) == GH_SIM_SYSREG(3, 0, 12, 8, 4)) {
			if (is_read)
				*val = 0;
			break;
		}
		return false;
	}
	if (!is_read)
		gh_sim_vcpu_notify(v);
	return true;
}
