/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Synchronous exceptions delivered to the guest's vectors. The test answers
 * the MMIO accesses at ECHO_BASE + 0x40..0x7f with FAULT. Each faulting
 * instruction is preceded by a report of its own address; the handlers
 * report ESR_EL1, FAR_EL1, ELR_EL1 and SPSR_EL1 and resume after the
 * instruction (after an SVC: at ELR). At EL1: an 8-byte load, a 4-byte
 * store, LDRSH, an 8-byte store, LDAR, a load that ends its translation
 * block (last word of a page), UDF, SVC; then at EL0: a load, then SVC
 * (which returns to EL1). Then the loads' registers, which must have kept
 * their values, and a count of handler entries.
 */
#include "common.h"

#define FAULT_BASE	(ECHO_BASE + 0x40)

	.section .text.boot, "ax"
	.global _start
_start:
	install_vectors	vectors
	mov	x20, #0			/* handler entries */
	movl	x1, FAULT_BASE
	movl	x2, 0x5a5a0002
	movl	x4, 0x5a5a0004
	movl	x6, 0x5a5a0006
	movl	x8, 0x5a5a0008
	movl	x3, 0x33333333
	movl	x5, 0x55555555

	report_pc	f_ldr
	mov	x9, #0x60000000		/* Z and C set: SPSR must keep them */
	msr	nzcv, x9
f_ldr:	ldr	x2, [x1]			/* +0x00, 8 bytes */
	report_pc	f_str
f_str:	str	w3, [x1, #8]			/* +0x08, 4 bytes */
	report_pc	f_ldrsh
f_ldrsh: ldrsh	x4, [x1, #0x12]			/* +0x12, 2 bytes, signed */
	report_pc	f_strx
f_strx:	str	x5, [x1, #0x18]			/* +0x18, 8 bytes */
	add	x7, x1, #0x20
	report_pc	f_ldar
f_ldar:	ldar	w6, [x7]			/* +0x20, acquire */
	report_pc	f_edge
	b	edge
f_undef_ret:
	report_pc	f_udf
f_udf:	udf	#0x12
	report_pc	f_svc
f_svc:	svc	#0x77
	/* to EL0 (EL0t, AArch64), interrupts masked */
	adr	x10, el0
	msr	elr_el1, x10
	mov	x10, #0x3c0
	msr	spsr_el1, x10
	eret

el0:	report_pc	f_el0_ldr
f_el0_ldr:
	ldr	w8, [x1, #0x30]			/* +0x30 from EL0 */
	report_pc	f_el0_svc
f_el0_svc:
	svc	#0x99				/* returns to back_at_el1 */
	b	.

back_at_el1:
	report	x2
	report	x4
	report	x6
	report	x8
	report	x20
	system_off
	b	.

	/* a load in the last word of a page: it ends its translation block */
	.balign	4096
	.skip	4096 - 8
edge:	nop
f_edge:	ldr	w2, [x1, #0x28]			/* +0x28 */
	b	f_undef_ret

/* --- vectors ----------------------------------------------------------------- */

	.balign	2048
vectors:
	.skip	0x200
	b	sync_cur			/* +0x200: current EL, SP_EL1 */
	.skip	0x400 - 0x204
	b	sync_low			/* +0x400: lower EL, AArch64 */
	.skip	0x800 - 0x404

sync_cur:
	add	x20, x20, #1
	bl	dump
	mrs	x10, esr_el1
	lsr	x10, x10, #26
	cmp	x10, #0x15
	b.eq	1f				/* SVC: ELR is already after it */
	mrs	x10, elr_el1
	add	x10, x10, #4
	msr	elr_el1, x10
1:	eret

sync_low:
	add	x20, x20, #1
	bl	dump
	mrs	x10, esr_el1
	lsr	x10, x10, #26
	cmp	x10, #0x15
	b.eq	2f
	mrs	x10, elr_el1			/* back to EL0, after the access */
	add	x10, x10, #4
	msr	elr_el1, x10
	eret
2:	adr	x10, back_at_el1		/* SVC from EL0: back to EL1h */
	msr	elr_el1, x10
	mov	x10, #0x3c5
	msr	spsr_el1, x10
	eret

dump:	report_fault
	mrs	x10, spsr_el1
	report	x10
	ret
