/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PSCI CPU_ON for N vCPUs (x1 at boot), error cases first; every CPU adds
 * 1000 to a shared counter with LDAXR/STLXR and meets the others at a
 * shared-memory barrier; secondaries then CPU_OFF and CPU 0 waits for
 * AFFINITY_INFO to say OFF. Reports: the three CPU_ON errors, the counter,
 * the barrier count, then SYSTEM_OFF.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x21, x1
	movl	x9, RESULTS
	str	x21, [x9, #16]
	str	xzr, [x9]
	str	xzr, [x9, #8]
	dmb	ish

	movl	x0, PSCI_CPU_ON
	mov	x1, #0x100		/* Aff1 = 1: no such CPU */
	adr	x2, secondary
	mov	x3, #0
	hvc	#0
	report	x0
	movl	x0, PSCI_CPU_ON
	mov	x1, #0			/* myself */
	adr	x2, secondary
	hvc	#0
	report	x0
	movl	x0, PSCI_CPU_ON
	mov	x1, #9			/* beyond the VM's CPUs */
	adr	x2, secondary
	hvc	#0
	report	x0

	cpus_on	x21, secondary, fail
	mov	x0, #0
	bl	work

	mov	x22, #1			/* wait for every secondary to be OFF */
3:	cmp	x22, x21
	b.hs	4f
	movl	x0, PSCI_AFFINITY_INFO
	mov	x1, x22
	mov	x2, #0
	hvc	#0
	cmp	x0, #1
	b.ne	3b
	add	x22, x22, #1
	b	3b
4:	movl	x9, RESULTS
	ldr	x0, [x9]
	report	x0
	ldr	x0, [x9, #8]
	report	x0
	system_off
fail:	report	x0
	udf	#1

secondary:
	bl	work
	movl	x0, PSCI_CPU_OFF
	hvc	#0
	udf	#2			/* CPU_OFF returned */

/* x0 = cpu index */
work:	movl	x9, RESULTS
	mov	x10, #1000
5:	ldaxr	x11, [x9]
	add	x11, x11, #1
	stlxr	w12, x11, [x9]
	cbnz	w12, 5b
	subs	x10, x10, #1
	b.ne	5b
	add	x13, x9, #8
6:	ldaxr	x11, [x13]
	add	x11, x11, #1
	stlxr	w12, x11, [x13]
	cbnz	w12, 6b
7:	ldar	x11, [x13]
	ldr	x14, [x9, #16]
	cmp	x11, x14
	b.lo	7b
	ret
