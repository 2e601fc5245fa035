// SPDX-License-Identifier: BSD-3-Clause
/*
 * The GIC model's registers: the distributor's and each CPU's redistributor frame.
 */
#include "gic.h"
#include "gic_internal.h"

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_IROUTER    0x6000
#define GIC_PIDR2       0xffe8

#define GICR_CTLR     0x0000
#define GICR_IIDR     0x0004
#define GICR_TYPER    0x0008
#define GICR_WAKER    0x0014
#define GICR_SGI_BASE 0x10000

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
			v |= (uint32_t)gh_sim_gic_irq_pending(q) << i;
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

uint64_t gh_sim_gicd_read(struct gh_sim_gic *gic, uint64_t off, unsigned int size)
{
	uint64_t val = 0;

	switch (off) {
	case GICD_CTLR:
		return (gic->ctlr & 3) | CTLR_ARE | CTLR_DS;
	case GICD_TYPER:
		/* ITLinesNumber, IDbits = 9 (10 bits of INTID) */
		return (uint64_t)(NR_IRQS / 32 - 1) | (9ULL << 19);
	case GICD_IIDR:
		return 0x0300043b;
	case GIC_PIDR2:
		return 0x3b;
	}
	if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + NR_IRQS * 8) {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);

		val = gic->irouter[intid];
		return (off & 4) ? val >> 32 : (uint32_t)val;
	}
	if (bank_read(gic->irq, 32, NR_IRQS, off, size, &val))
		return val;
	return 0;
}

void gh_sim_gicd_write(struct gh_sim_gic *gic, uint64_t off, unsigned int size, uint64_t val)
{
	if (off == GICD_CTLR) {
		gic->ctlr = (uint32_t)val & 3;
	} else if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + NR_IRQS * 8) {
		uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);
		uint64_t *r = &gic->irouter[intid];

		if (size == 8)
			*r = val;
		else if (off & 4)
			*r = (uint32_t)*r | (val << 32);
		else
			*r = (*r & ~0xffffffffULL) | (uint32_t)val;
	} else {
		bank_write(gic->irq, 32, NR_IRQS, off, size, val);
	}
	gh_sim_gic_notify_all(gic);
}

/* --- redistributors --------------------------------------------------------------- */

static uint32_t frames(const struct gh_sim_gic *gic)
{
	unsigned int i, n = 0;

	for (i = 0; i < GH_SIM_GIC_MAX_CPUS; i++)
		if (gic->cpu[i])
			n = i + 1;
	return n;
}

uint64_t gh_sim_gicr_read(struct gh_sim_gic *gic, uint64_t off, unsigned int size)
{
	uint32_t cpu = (uint32_t)(off / GH_SIM_GICR_STRIDE);
	struct gh_sim_gic_cpu *c;
	uint64_t val = 0, typer;

	off %= GH_SIM_GICR_STRIDE;
	if (cpu >= GH_SIM_GIC_MAX_CPUS)
		return 0;
	c = gic->cpu[cpu];
	switch (off) {
	case GICR_CTLR:
		return 0;
	case GICR_IIDR:
		return 0x0300043b;
	case GICR_TYPER:
	case GICR_TYPER + 4:
		typer = ((uint64_t)cpu << 32) | ((uint64_t)cpu << 8) |
		        (cpu + 1 == frames(gic) ? (1ULL << 4) : 0);
		if (size == 8)
			return typer;
		return off & 4 ? typer >> 32 : (uint32_t)typer;
	case GICR_WAKER:
		return c ? c->waker : 0;
	case GIC_PIDR2:
		return 0x3b;
	}
	if (c && off >= GICR_SGI_BASE && bank_read(c->irq, 0, 32, off - GICR_SGI_BASE, size, &val))
		return val;
	return 0;
}

void gh_sim_gicr_write(struct gh_sim_gic *gic, uint64_t off, unsigned int size, uint64_t val)
{
	uint32_t cpu = (uint32_t)(off / GH_SIM_GICR_STRIDE);
	struct gh_sim_gic_cpu *c;

	off %= GH_SIM_GICR_STRIDE;
	if (cpu >= GH_SIM_GIC_MAX_CPUS || !(c = gic->cpu[cpu]))
		return;
	if (off == GICR_WAKER) {
		/* ChildrenAsleep follows ProcessorSleep at once */
		c->waker = (val & 2) ? 0x6 : 0;
	} else if (off >= GICR_SGI_BASE) {
		bank_write(c->irq, 0, 32, off - GICR_SGI_BASE, size, val);
	}
	gh_sim_gic_notify(gic, cpu);
}
