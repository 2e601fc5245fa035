/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spin-waits with hints: CPU 0 powers on CPU 1, counts x1 (boot) down, then
 * sets a flag and waits for CPU 1's answer in a YIELD loop; CPU 1 waits for
 * the flag in a WFE loop, then answers 2. CPU 0 reports the answer and does
 * SYSTEM_OFF.
 */
#include "common.h"

#define FLAG	RESULTS
#define ANSWER	(RESULTS + 8)

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x21, x1
	mov	x23, #2
	cpus_on	x23, secondary, fail

1:	subs	x21, x21, #1
	b.hi	1b
	movl	x9, FLAG
	mov	x10, #1
	stlr	x10, [x9]
	sev
	movl	x9, ANSWER
2:	ldar	x0, [x9]
	cbnz	x0, 3f
	yield
	b	2b
3:	report	x0
	system_off
	b	.
fail:	report	x0
	udf	#1

secondary:
	movl	x9, FLAG
4:	ldar	x0, [x9]
	cbnz	x0, 5f
	wfe
	b	4b
5:	movl	x9, ANSWER
	mov	x10, #2
	stlr	x10, [x9]
	movl	x0, PSCI_CPU_OFF
	hvc	#0
	udf	#2
