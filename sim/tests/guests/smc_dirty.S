/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Code rewritten on a page the guest has stored to before. The engine checks
 * a store for translated code only while the page's TLB entry is marked for
 * it: a store marks it clear (nothing translated there is in the written
 * bytes), and each block translated on the page must mark it again. So: a
 * store to a data word of this page, then a call to a function on it
 * (translated after that store), a rewrite of the function's first
 * instruction and a second call, which must run the new one: reports 1,
 * then 2. The same vCPU does it all without an exit between the rewrite and
 * the call, so the engine's own check is what is tested.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	adr	x10, 3f
	adr	x11, 2f
	ldr	w12, 4f
	str	wzr, [x10]		/* a store to this page */
	b	1f			/* blocks translated after it */
1:	bl	2f
	report	x0			/* 1 */
	str	w12, [x11]		/* mov x0, #1 -> mov x0, #2 */
	dc	cvau, x11
	dsb	ish
	ic	ivau, x11
	dsb	ish
	isb
	bl	2f
	report	x0			/* 2 */
	system_off
	b	.

2:	mov	x0, #1
	ret

	.balign	4
3:	.word	0
4:	mov	x0, #2			/* the replacement, as data */
