// SPDX-License-Identifier: BSD-3-Clause
#include "guest.h"

#define GICD_CTLR          0x0000
#define GICD_IGROUPR(n)    (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)  (0x0100 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x0400 + (n))
#define GICD_IROUTER(n)    (0x6000 + 8 * (n))
#define GICR_WAKER         0x0014
#define GICR_SGI           0x10000
#define GICR_IGROUPR0      (GICR_SGI + 0x0080)
#define GICR_ISENABLER0    (GICR_SGI + 0x0100)
#define GICR_IPRIORITYR(n) (GICR_SGI + 0x0400 + (n))

static inline volatile uint32_t *w32(uint64_t addr)
{
	return (volatile uint32_t *)addr;
}

void gic_init_distributor(void)
{
	/* Affinity routing, group 1 (and 0) enabled. */
	*w32(GICD_BASE + GICD_CTLR) = (1u << 4) | (1u << 1) | 1u;
}

void gic_init_cpu(uint64_t cpu)
{
	uint64_t rd = GICR_BASE + cpu * GICR_STRIDE;

	*w32(rd + GICR_WAKER) &= ~(1u << 1);      /* ProcessorSleep */
	while (*w32(rd + GICR_WAKER) & (1u << 2)) /* ChildrenAsleep */
		;
	__asm__ volatile("msr icc_sre_el1, %0" ::"r"(7UL));
	__asm__ volatile("isb");
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"(0xffUL));
	__asm__ volatile("msr icc_bpr1_el1, %0" ::"r"(0UL));
	__asm__ volatile("msr icc_igrpen1_el1, %0" ::"r"(1UL));
	__asm__ volatile("isb");
}

void gic_enable_spi(uint32_t intid, uint64_t target_cpu)
{
	*w32(GICD_BASE + GICD_IGROUPR(intid / 32)) |= 1u << (intid % 32);
	*(volatile uint64_t *)(GICD_BASE + GICD_IROUTER(intid)) = target_cpu;
	*(volatile uint8_t *)(GICD_BASE + GICD_IPRIORITYR(intid)) = 0x80;
	*w32(GICD_BASE + GICD_ISENABLER(intid / 32)) = 1u << (intid % 32);
}

void gic_enable_ppi(uint64_t cpu, uint32_t intid)
{
	uint64_t rd = GICR_BASE + cpu * GICR_STRIDE;

	*w32(rd + GICR_IGROUPR0) |= 1u << intid;
	*(volatile uint8_t *)(rd + GICR_IPRIORITYR(intid)) = 0x80;
	*w32(rd + GICR_ISENABLER0) = 1u << intid;
}

uint32_t gic_ack(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v));
	__asm__ volatile("dsb sy");
	return (uint32_t)v & 0xffffff;
}

void gic_eoi(uint32_t intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0" ::"r"((uint64_t)intid));
	__asm__ volatile("isb");
}
