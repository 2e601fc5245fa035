/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WFI + the virtual timer: programs CNTV for 1 ms three times, sleeping in
 * WFI in between; the IRQ handler acknowledges INTID 27 through ICC_IAR1,
 * counts, re-arms and EOIs. Reports the count, then SYSTEM_OFF.
 */
#include "common.h"

#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_IGRPEN1_EL1	S3_0_C12_C12_7

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x3, 0x40180000
	mov	sp, x3
	install_vectors	vectors
	movl	x1, 0x08000000		/* GICD_CTLR: EnableGrp1 */
	mov	w2, #2
	str	w2, [x1]
	movl	x1, 0x080a0000		/* GICR_WAKER: awake */
	str	wzr, [x1, #0x14]
	movl	x1, 0x080b0000		/* SGI_base */
	mov	w2, #(1 << 27)
	str	w2, [x1, #0x100]	/* ISENABLER0 */
	mov	w2, #0x80
	strb	w2, [x1, #(0x400 + 27)]	/* IPRIORITYR */
	mov	x2, #0xff
	msr	ICC_PMR_EL1, x2
	mov	x2, #1
	msr	ICC_IGRPEN1_EL1, x2
	isb
	mov	x19, #0
	bl	arm
	msr	daifclr, #2
loop:	wfi
	cmp	x19, #3
	b.lo	loop
	msr	daifset, #2
	report	x19
	mrs	x0, cntfrq_el0
	report	x0
	system_off
	b	.

arm:	mrs	x2, cntvct_el0
	movl	x3, 62500		/* 1 ms at 62.5 MHz */
	add	x2, x2, x3
	msr	cntv_cval_el0, x2
	mov	x2, #1
	msr	cntv_ctl_el0, x2
	ret

irq:	stp	x29, x30, [sp, #-16]!
	mrs	x2, ICC_IAR1_EL1
	cmp	x2, #27
	b.ne	1f
	add	x19, x19, #1
	msr	cntv_ctl_el0, xzr
	cmp	x19, #3
	b.hs	1f
	str	x2, [sp, #-16]!
	bl	arm
	ldr	x2, [sp], #16
1:	msr	ICC_EOIR1_EL1, x2
	ldp	x29, x30, [sp], #16
	eret

	.balign	2048
vectors:
	.rept	5
	b	.
	.balign	0x80
	.endr
	b	irq			/* +0x280: IRQ, current EL, SPx */
	.balign	0x80
	.rept	10
	b	.
	.balign	0x80
	.endr
