/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guest linked with lld's default layout (`-Ttext=0x40000000`, no linker
 * script): lld puts the ELF and program headers in a read-only PT_LOAD at
 * 0x200000, inside virt's flash window, below the text in RAM. The guest
 * prints its message, then the three letters of the ELF magic it reads back
 * from that segment ("ELF" when it was loaded there), and powers off.
 */
	.text
	.global _start
_start:
	ldr	x1, =0x09000000		/* PL011 */
	mov	w4, #0x301		/* CR: RXE | TXE | UARTEN */
	str	w4, [x1, #0x30]
	adrp	x2, message
	add	x2, x2, :lo12:message
	bl	puts
	ldr	x2, =0x200001		/* e_ident[1..3] of the ELF header */
	mov	x5, #3
1:	ldrb	w3, [x2], #1
	str	w3, [x1]		/* DR */
	subs	x5, x5, #1
	b.ne	1b
	mov	w3, #'\n'
	str	w3, [x1]
	ldr	x0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc	#0
2:	wfi
	b	2b

/* Writes the NUL-terminated string at x2 to the PL011 at x1. */
puts:
	ldrb	w3, [x2], #1
	cbz	w3, 1f
	str	w3, [x1]
	b	puts
1:	ret

	.section .rodata, "a"
message:
	.asciz	"lld layout: the flash at 0x200000 holds "
