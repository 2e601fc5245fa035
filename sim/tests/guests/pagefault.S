/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage-2 faults on guest RAM: the region at RO_BASE has no access rights.
 * Each faulting instruction is preceded by a report of its own address;
 * the test answers each PAGE_FAULT with RETRY, then EMULATE (both
 * re-execute it), then FAULT, and the handler reports ESR_EL1, FAR_EL1 and
 * ELR_EL1 and resumes after the instruction (after an instruction abort: at
 * x30, the BLR's return). After each, the register the instruction would
 * have written. The faults: an 8-byte load, a load whose base is its own
 * destination (a retry must see the original base), a branch into the
 * region, a load pair. Last, the count of handler entries.
 */
#include "common.h"

#define GUARDED	(RO_BASE + 0x100)

	.section .text.boot, "ax"
	.global _start
_start:
	install_vectors	vectors
	mov	x20, #0			/* handler entries */
	mov	x1, #GUARDED
	movl	x2, 0x5a5a0002
	mov	x4, x1
	movl	x5, 0x5a5a0005
	movl	x6, 0x5a5a0006

	report_pc	f_ldr
f_ldr:	ldr	x2, [x1]		/* GUARDED + 0 */
	report	x2
	report_pc	f_self
f_self:	ldr	x4, [x4, #8]		/* GUARDED + 8, base == destination */
	report	x4
	mov	x9, #(GUARDED + 0x100)
	report_pc	f_blr
f_blr:	blr	x9			/* fetch at GUARDED + 0x100 */
	report	x9
	report_pc	f_ldp
f_ldp:	ldp	x5, x6, [x1, #0x10]	/* GUARDED + 0x10 */
	report	x5
	report	x6
	report	x20
	system_off
	b	.

	.balign	0x800
vectors:
	.balign	0x80
	b	.			/* EL1t sync */
	.balign	0x80
	b	.
	.balign	0x80
	b	.
	.balign	0x80
	b	.
	.balign	0x80
	/* EL1h sync */
	report_fault
	add	x20, x20, #1
	mrs	x11, esr_el1
	lsr	x11, x11, #26
	cmp	x11, #0x21		/* instruction abort: back to the BLR's return */
	b.eq	1f
	add	x10, x10, #4
	msr	elr_el1, x10
	eret
1:	msr	elr_el1, x30
	eret
