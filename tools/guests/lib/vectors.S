/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EL1 vector table: IRQs from the current EL (SPx) are acknowledged at the
 * GIC and handed to irq_handler(intid); anything else is reported and the
 * guest powers off, so a test sees it instead of a hang.
 */
	.macro	entry, handler
	.balign	0x80
	b	\handler
	.endm

	.section .text
	.balign	0x800
	.global	guest_vectors
guest_vectors:
	entry	unexpected	/* current EL, SP0: sync */
	entry	unexpected
	entry	unexpected
	entry	unexpected
	entry	unexpected	/* current EL, SPx: sync */
	entry	irq_entry	/* current EL, SPx: IRQ */
	entry	unexpected
	entry	unexpected
	entry	unexpected	/* lower EL, AArch64 */
	entry	unexpected
	entry	unexpected
	entry	unexpected
	entry	unexpected	/* lower EL, AArch32 */
	entry	unexpected
	entry	unexpected
	entry	unexpected

/* Frame: x0..x18, x30 (160 bytes), the INTID at 160, 16-byte aligned. */
irq_entry:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	bl	gic_ack
	cmp	w0, #1020
	b.hs	1f		/* spurious */
	str	x0, [sp, #160]
	bl	irq_handler
	ldr	x0, [sp, #160]
	bl	gic_eoi
1:	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #176
	eret

unexpected:
	adrp	x0, msg_unexpected
	add	x0, x0, :lo12:msg_unexpected
	bl	uart_puts
	mrs	x0, esr_el1
	bl	uart_put_uint
	adrp	x0, msg_nl
	add	x0, x0, :lo12:msg_nl
	bl	uart_puts
	b	psci_system_off

	.global	vectors_install
vectors_install:
	adrp	x0, guest_vectors
	add	x0, x0, :lo12:guest_vectors
	msr	vbar_el1, x0
	isb
	ret

	.section .rodata
msg_unexpected:
	.asciz	"guest: unexpected exception, ESR "
msg_nl:
	.asciz	"\n"
