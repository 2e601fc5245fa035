/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-modifying code between two vCPUs (MMU off, then on with the text
 * mapped at a second address; x0 at boot = 1 for that). CPU 1 calls a
 * function in RAM (mov x0, #1; ret), CPU 0 rewrites it to return 2 and
 * makes the change visible as the architecture asks (DC CVAU, DSB ISH,
 * IC IVAU, DSB ISH), CPU 1 runs ISB and calls it again. Reports: CPU 1's
 * two results (1, then 2 unless CPU 1 ran its stale translation). First,
 * an IC IVAU of the last line of the address space, which changes nothing.
 */
#include "common.h"

#define FUNC	(RESULTS + 0x1000)
#define TABLE	(RESULTS + 0x10000)
#define ALIAS	0x80000000		/* VA of RAM's start with the MMU on */
#define FLAG_CALLED	0		/* offsets in RESULTS */
#define FLAG_CHANGED	8
#define FLAG_DONE	16

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0
	mov	x1, #-64		/* an IC of an address no memory has: ignored */
	ic	ivau, x1
	dsb	ish
	movl	x9, RESULTS
	str	xzr, [x9, #FLAG_CALLED]
	str	xzr, [x9, #FLAG_CHANGED]
	str	xzr, [x9, #FLAG_DONE]
	movl	x1, TABLE
	movl	x2, 0x00000401		/* L1[0]: 1 GiB block, device */
	str	x2, [x1]
	movl	x2, 0x40000705		/* L1[1]: RAM, normal */
	str	x2, [x1, #8]
	str	x2, [x1, #16]		/* L1[2]: RAM again at ALIAS */
	movl	x1, FUNC
	movl	w2, 0xd2800020		/* mov x0, #1 */
	str	w2, [x1]
	movl	w2, 0xd65f03c0		/* ret */
	str	w2, [x1, #4]
	bl	sync_icache
	cbz	x19, 1f
	bl	mmu_on
1:	movl	x0, PSCI_CPU_ON
	mov	x1, #1
	adr	x2, secondary
	mov	x3, x19
	hvc	#0
	cbnz	x0, fail

	wait_flag x9, FLAG_CALLED
	bl	func_addr
	movl	w2, 0xd2800040		/* mov x0, #2 */
	str	w2, [x1]
	bl	sync_icache
	set_flag x9, FLAG_CHANGED
	sev
	wait_flag x9, FLAG_DONE
	system_off
fail:	report	x0
	udf	#1

secondary:				/* x0 = CPU 0's x19 */
	mov	x19, x0
	cbz	x19, 6f
	bl	mmu_on
6:	movl	x9, RESULTS
	bl	func_addr
	blr	x1
	mov	x20, x0
	set_flag x9, FLAG_CALLED
	wait_flag x9, FLAG_CHANGED
	isb
	bl	func_addr
	blr	x1
	report	x20
	report	x0
	set_flag x9, FLAG_DONE
	movl	x0, PSCI_CPU_OFF
	hvc	#0
	udf	#2

/* x1 = FUNC where this CPU reaches it: at ALIAS with the MMU on (x19) */
func_addr:
	movl	x1, FUNC
	cbz	x19, 9f
	movl	x2, (ALIAS - 0x40000000)
	add	x1, x1, x2
9:	ret

/* The function at x1 made visible to instruction fetches everywhere. */
sync_icache:
	dc	cvau, x1
	dsb	ish
	ic	ivau, x1
	dsb	ish
	isb
	ret

/* The tables at TABLE (clobbers x2) */
mmu_on:
	mmu_on_4k TABLE
	ret
