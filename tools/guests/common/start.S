/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Optional shared entry for C test guests: every CPU enters at _start with
 * MMU off; it takes a stack by its MPIDR Aff0 (64 KiB each, at most 8 CPUs),
 * clears .bss on CPU 0 only, and calls guest_main(cpu, x0 at entry).
 * guest_main must not return; if it does the CPU parks in WFI.
 */
	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0
	mrs	x20, mpidr_el1
	and	x20, x20, #0xff
	adrp	x1, __stacks_bottom
	add	x1, x1, :lo12:__stacks_bottom
	add	x2, x20, #1
	lsl	x2, x2, #16
	add	sp, x1, x2
	cbnz	x20, 2f
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x20
	mov	x1, x19
	bl	guest_main
3:	wfi
	b	3b
