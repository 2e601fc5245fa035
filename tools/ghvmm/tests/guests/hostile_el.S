/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostile.c's exception levels and odd accesses:
 *  - hostile_vectors: every synchronous exception (from EL1 or EL0) goes to
 *    hostile_sync(esr, elr, far, from_el0), which returns the address to
 *    resume at, or 0 to leave EL0 and return from hostile_enter_el0();
 *    IRQs, FIQs and SErrors return with that exception masked in SPSR
 *    (hostile_async counts them).
 *  - hostile_enter_el0(fn, arg, sp): runs fn(arg) at EL0t on sp; the
 *    function's return (an SVC at hostile_el0_return) comes back here.
 *  - hostile_forms: the loads and stores no hypervisor can emulate from a
 *    syndrome, 16 bytes each (x0 = the address, x1/x2 = values), and a few
 *    that it can, unaligned: the end of a run (hostile.c).
 */
	.arch	armv8-a+simd

	.macro	ventry, handler
	.balign	0x80
	b	\handler
	.endm

	.section .text
	.balign	0x800
	.global	hostile_vectors
hostile_vectors:
	ventry	sync_el1	/* current EL, SP0 */
	ventry	irq_entry
	ventry	fiq_entry
	ventry	serror_entry
	ventry	sync_el1	/* current EL, SPx */
	ventry	irq_entry
	ventry	fiq_entry
	ventry	serror_entry
	ventry	sync_el0	/* lower EL, AArch64 */
	ventry	irq_entry
	ventry	fiq_entry
	ventry	serror_entry
	ventry	sync_el0	/* lower EL, AArch32: never entered */
	ventry	irq_entry
	ventry	fiq_entry
	ventry	serror_entry

	/* x0..x30 in a 256-byte frame */
	.macro	save
	sub	sp, sp, #256
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	.endm

	.macro	restore
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #256
	.endm

sync_el1:
	save
	mov	x3, #0
	b	1f
sync_el0:
	save
	mov	x3, #1
1:	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	bl	hostile_sync
	cbz	x0, leave_el0
	msr	elr_el1, x0
	restore
	eret

	/* back on hostile_enter_el0's frame, as if fn had returned there */
leave_el0:
	adrp	x9, el1_sp
	ldr	x9, [x9, :lo12:el1_sp]
	mov	sp, x9
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	/* an asynchronous exception: counted, then masked where it came from */
	.macro	async, kind, bit
	save
	mov	x0, #\kind
	bl	hostile_async
	mrs	x9, spsr_el1
	orr	x9, x9, #\bit
	msr	spsr_el1, x9
	restore
	eret
	.endm
irq_entry:
	async	0, 0x80
fiq_entry:
	async	1, 0x40
serror_entry:
	async	2, 0x100

	/* hostile_enter_el0(fn, arg, sp) */
	.global	hostile_enter_el0
hostile_enter_el0:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x9, sp
	adrp	x10, el1_sp
	str	x9, [x10, :lo12:el1_sp]
	msr	sp_el0, x2
	msr	elr_el1, x0
	mov	x9, #0x3c0		/* EL0t, DAIF masked */
	msr	spsr_el1, x9
	mov	x0, x1
	adr	x30, hostile_el0_return
	mov	x29, #0
	eret
	.global	hostile_el0_return
hostile_el0_return:
	svc	#0
	b	hostile_el0_return

	/* One 16-byte slot per form: x0 the address, x1 and x2 values. */
	.macro	form
	.balign	16
	.endm
	.balign	16
	.global	hostile_forms
hostile_forms:
	form
	ldp	w1, w2, [x0]
	ret
	form
	ldp	x1, x2, [x0]
	ret
	form
	stp	w1, w2, [x0]
	ret
	form
	stp	x1, x2, [x0]
	ret
	form
	ldp	x1, x2, [x0, #16]!	/* pre-index writeback */
	ret
	form
	stp	x1, x2, [x0], #-16	/* post-index writeback */
	ret
	form
	ldpsw	x1, x2, [x0]
	ret
	form
	ldxr	x1, [x0]
	ret
	form
	ldxrb	w1, [x0]
	ret
	form
	ldaxr	w1, [x0]
	ret
	form
	stxr	w3, x1, [x0]
	ret
	form
	stlxrh	w3, w1, [x0]
	ret
	form
	ldxp	x1, x2, [x0]
	ret
	form
	ldr	q0, [x0]
	ret
	form
	str	q0, [x0]
	ret
	form
	ldr	d0, [x0]
	ret
	form
	str	s0, [x0]
	ret
	form
	ldr	h0, [x0]
	ret
	form
	str	b0, [x0]
	ret
	form
	ld1	{ v0.16b }, [x0]
	ret
	form
	st1	{ v0.2d, v1.2d }, [x0]
	ret
	form
	ld1	{ v0.s }[1], [x0]
	ret
	form
	ld1r	{ v0.8h }, [x0]
	ret
	form
	ldr	x1, [x0], #8		/* single register, post-index */
	ret
	form
	str	w1, [x0, #-4]!		/* single register, pre-index */
	ret
	form
	ldr	q0, [x0, #32]!
	ret
	form
	dc	zva, x0
	ret
	form
	ldar	x1, [x0]		/* emulated */
	ret
	form
	stlr	w1, [x0]		/* emulated */
	ret
	form
	ldtr	x1, [x0]		/* emulated */
	ret
	.global	hostile_forms_end
hostile_forms_end:

	.section .bss
	.balign	8
el1_sp:
	.skip	8
