/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPIs 40 and 41 (a doorbell / irqfd, a VMM device): reports 1 when ready,
 * then sleeps in WFI until two interrupts have been taken; the handler of
 * SPI 41 acknowledges the device (an MMIO write to ECHO_BASE + 0x800) before
 * its EOI. Reports both INTIDs, then SYSTEM_OFF.
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
	movl	x1, 0x08000000		/* distributor */
	mov	w2, #2
	str	w2, [x1]		/* GICD_CTLR: EnableGrp1 */
	mov	w2, #(3 << 8)
	str	w2, [x1, #0x104]	/* ISENABLER1: SPIs 40, 41 */
	mov	w2, #0x80
	strb	w2, [x1, #(0x400 + 40)]
	strb	w2, [x1, #(0x400 + 41)]
	movl	x1, 0x080a0000
	str	wzr, [x1, #0x14]	/* GICR_WAKER */
	mov	x2, #0xff
	msr	ICC_PMR_EL1, x2
	mov	x2, #1
	msr	ICC_IGRPEN1_EL1, x2
	isb
	mov	x19, #0
	msr	daifclr, #2
	mov	x0, #1
	report	x0
loop:	wfi
	cmp	x19, #2
	b.lo	loop
	msr	daifset, #2
	report	x20
	report	x21
	system_off
	b	.

irq:	mrs	x2, ICC_IAR1_EL1
	cmp	x2, #1023
	b.eq	2f
	cbnz	x19, 1f
	mov	x20, x2
1:	cmp	x19, #1
	b.ne	3f
	mov	x21, x2
3:	add	x19, x19, #1
	cmp	x2, #41
	b.ne	4f
	movl	x3, (ECHO_BASE + 0x800)
	str	w2, [x3]		/* acknowledge the device: it drops the line */
4:	msr	ICC_EOIR1_EL1, x2
2:	eret

	.balign	2048
vectors:
	.rept	5
	b	.
	.balign	0x80
	.endr
	b	irq
	.balign	0x80
	.rept	10
	b	.
	.balign	0x80
	.endr
