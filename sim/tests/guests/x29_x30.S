/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x29 and x30 as MMIO base and data registers, and as the register of a
 * trapped MSR/MRS: Unicorn numbers them apart from x0..x28 (as FP and LR),
 * so the simulator must not reach them as "X0 + n". RESULTS[0]: a load into
 * x30 through x29; RESULTS[1]: ICC_PMR_EL1 written from x29, read into x30.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x20, RESULTS
	movl	x29, ECHO_BASE
	movl	x30, 0x1234abcd
	str	x30, [x29, #0x10]	/* write: base x29, data x30 */
	ldr	x30, [x29, #8]		/* read: base x29, into x30 */
	str	x30, [x20, #0]
	mov	x29, #0xf0
	msr	S3_0_C4_C6_0, x29	/* ICC_PMR_EL1 <- x29 */
	mov	x30, xzr
	mrs	x30, S3_0_C4_C6_0	/* x30 <- ICC_PMR_EL1 */
	str	x30, [x20, #8]
	system_off
