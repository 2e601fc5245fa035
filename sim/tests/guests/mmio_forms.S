/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every load/store form with a valid syndrome, every width, against the
 * test's MMIO echo device. Loaded values go to RESULTS[i] in RAM; the
 * destination registers are pre-filled with garbage so that zero- and
 * sign-extension must be exact.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x1, ECHO_BASE
	movl	x20, RESULTS
	mov	x2, #0x18
	mov	x5, #-8
	movl	x6, 0x11223344
	movk	x6, #0x5566, lsl #32
	movk	x6, #0x7788, lsl #48
	mov	x7, #2
	mov	x8, #-2

	/* loads: the echo answers 0xf0e1d2c3b4a59687 masked to the size */
	.macro	junk r
	movn	\r, #0x2152
	.endm
	junk	x3
	ldrb	w3, [x1, #1]
	str	x3, [x20, #0]
	junk	x3
	ldrh	w3, [x1, #2]
	str	x3, [x20, #8]
	junk	x3
	ldr	w3, [x1, #4]
	str	x3, [x20, #16]
	junk	x3
	ldr	x3, [x1, #8]
	str	x3, [x20, #24]
	junk	x3
	ldrsb	w3, [x1, #1]
	str	x3, [x20, #32]
	junk	x3
	ldrsb	x3, [x1, #1]
	str	x3, [x20, #40]
	junk	x3
	ldrsh	w3, [x1, #2]
	str	x3, [x20, #48]
	junk	x3
	ldrsh	x3, [x1, #2]
	str	x3, [x20, #56]
	junk	x3
	ldrsw	x3, [x1, #4]
	str	x3, [x20, #64]
	junk	x3
	ldur	x3, [x1, #-8 + 0x20]
	str	x3, [x20, #72]
	junk	x3
	ldr	x3, [x1, x2]			/* register offset */
	str	x3, [x20, #80]
	junk	x3
	ldr	w3, [x1, w7, uxtw #2]		/* extended, scaled */
	str	x3, [x20, #88]
	junk	x3
	add	x9, x1, #0x40
	ldr	x3, [x9, w8, sxtw #3]		/* negative extended offset */
	str	x3, [x20, #96]
	junk	x3
	ldar	w3, [x1]
	str	x3, [x20, #104]
	junk	x3
	ldtr	x3, [x1, #0x28]
	str	x3, [x20, #112]
	junk	x3
	ldurh	w3, [x1, #0x32]
	str	x3, [x20, #120]
	junk	x3
	ldrsb	x3, [x1, x7]
	str	x3, [x20, #128]
	mov	x3, #0x77
	ldr	xzr, [x1, #0x38]		/* to XZR: discarded */
	str	x3, [x20, #136]

	/* stores */
	strb	w6, [x1, #0x101]
	strh	w6, [x1, #0x102]
	str	w6, [x1, #0x104]
	str	x6, [x1, #0x108]
	stur	x6, [x1, #0xf0]
	str	x6, [x1, x2]
	stlr	w6, [x1]
	sttr	w6, [x1, #0xe0]
	str	xzr, [x1, #0x128]
	str	w6, [x1, w7, uxtw #2]

	mov	x0, #0x600d
	report	x0
	system_off
	b	.
