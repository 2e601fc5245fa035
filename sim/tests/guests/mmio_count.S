/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The soak's guest: CPU 0 writes 1, 2, 3, ... as 8-byte MMIO stores to
 * ECHO_BASE, up to x1 (boot; 0: for ever), then reports the last value and
 * does SYSTEM_OFF. With x2 (boot) > 1 it first powers on CPUs 1..x2-1 with
 * PSCI CPU_ON; each of them writes its own 1, 2, 3, ... to ECHO_BASE + 8 *
 * its index, for ever.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x21, x1
	mov	x23, x2
	cpus_on	x23, secondary, fail

	movl	x9, ECHO_BASE
	mov	x10, #1
3:	str	x10, [x9]
	cmp	x10, x21
	b.eq	4f
	add	x10, x10, #1
	b	3b
4:	report	x10
	system_off
	b	.
fail:	report	x0
	udf	#1

/* x0 = the CPU's index (CPU_ON's context id) */
secondary:
	movl	x9, ECHO_BASE
	add	x9, x9, x0, lsl #3
	mov	x10, #1
5:	str	x10, [x9]
	add	x10, x10, #1
	b	5b
