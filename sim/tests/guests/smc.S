/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Self-modifying code under an MMIO store: four passes of a store to
 * ECHO_BASE from the same instruction address. After the second pass (whose
 * block starts at the store, so the simulator caches its decode) the guest
 * rewrites the store from STR (4 bytes) into STRH (2 bytes); passes 3 and 4
 * must be 2-byte exits, whatever the simulator remembered.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x9, ECHO_BASE
	adr	x10, 1f
	ldr	w11, 3f
	movl	x1, 0x11223344
	mov	x12, #4
1:	str	w1, [x9]		/* becomes strh w1, [x9] */
	cmp	x12, #3
	b.ne	2f
	str	w11, [x10]
	dc	cvau, x10
	dsb	ish
	ic	ivau, x10
	dsb	ish
	isb
2:	subs	x12, x12, #1
	b.ne	1b
	mov	x2, #0x600d
	report	x2
	system_off
	b	.

	.balign	4
3:	strh	w1, [x9]		/* the replacement, as data */
