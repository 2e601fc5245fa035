/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A broadcast TLB invalidation reaches the other vCPU (2 vCPUs). A 4K page
 * at VA 0x8000_0000 maps PAGE_A; both CPUs read it (CPU 1's TLB now holds
 * the translation), CPU 0 remaps it to PAGE_B and runs TLBI VAE1IS, DSB ISH,
 * then lets CPU 1 read it again. Reports: CPU 0's two reads, then CPU 1's
 * (0xaaaa, 0xaaaa, 0xbbbb, then 0xbbbb unless CPU 1 kept the old entry).
 */
#include "common.h"

#define TABLE	(RESULTS + 0x10000)	/* L1; TABLE + 0x1000 an L2, + 0x2000 an L3 */
#define PAGE_A	(RESULTS + 0x20000)
#define PAGE_B	(RESULTS + 0x21000)
#define VA_TEST	0x80000000
#define FLAG_READ	0	/* offsets in RESULTS: CPU 1 read the page once */
#define FLAG_REMAPPED	8	/* CPU 0 remapped it */
#define FLAG_DONE	16	/* CPU 1 read it again */

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x9, RESULTS
	str	xzr, [x9, #FLAG_READ]
	str	xzr, [x9, #FLAG_REMAPPED]
	str	xzr, [x9, #FLAG_DONE]
	movl	x1, PAGE_A
	mov	x2, #0xaaaa
	str	x2, [x1]
	movl	x1, PAGE_B
	mov	x2, #0xbbbb
	str	x2, [x1]

	movl	x1, TABLE
	movl	x2, 0x00000401		/* L1[0]: 1 GiB block, device (MMIO, GIC) */
	str	x2, [x1]
	movl	x2, 0x40000705		/* L1[1]: 1 GiB block, normal: RAM */
	str	x2, [x1, #8]
	movl	x2, (TABLE + 0x1003)	/* L1[2] -> the L2 table */
	str	x2, [x1, #16]
	movl	x1, (TABLE + 0x1000)
	movl	x2, (TABLE + 0x2003)	/* L2[0] -> the L3 table */
	str	x2, [x1]
	movl	x1, (TABLE + 0x2000)
	movl	x2, (PAGE_A + 0x707)	/* L3[0]: page, normal, SH, AF */
	str	x2, [x1]
	dsb	sy
	bl	mmu_on

	movl	x1, VA_TEST
	ldr	x5, [x1]
	report	x5

	movl	x0, PSCI_CPU_ON
	mov	x1, #1
	adr	x2, secondary
	mov	x3, #0
	hvc	#0
	cbnz	x0, fail

	wait_flag x9, FLAG_READ
	movl	x3, (TABLE + 0x2000)
	movl	x2, (PAGE_B + 0x707)
	str	x2, [x3]
	dsb	ishst
	movl	x1, VA_TEST
	lsr	x2, x1, #12
	tlbi	vae1is, x2
	dsb	ish
	isb
	ldr	x5, [x1]
	report	x5
	set_flag x9, FLAG_REMAPPED
	sev

	wait_flag x9, FLAG_DONE
	system_off
fail:	report	x0
	udf	#1

secondary:
	bl	mmu_on
	movl	x9, RESULTS
	movl	x1, VA_TEST
	ldr	x5, [x1]
	set_flag x9, FLAG_READ
	wait_flag x9, FLAG_REMAPPED
	ldr	x6, [x1]
	report	x5
	report	x6
	set_flag x9, FLAG_DONE
	movl	x0, PSCI_CPU_OFF
	hvc	#0
	udf	#2

/* The tables at TABLE (clobbers x2) */
mmu_on:
	mmu_on_4k TABLE
	ret
