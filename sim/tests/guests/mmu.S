/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMIO with the MMU on: a 4K-granule, 39-bit table with 1 GiB blocks maps
 * VA 0 -> PA 0 (device), VA 0x4000_0000 -> RAM and VA 0x8000_0000 -> RAM
 * again (an alias). From the alias: an 8-byte MMIO load (one exit of 8
 * bytes), a report, then x19 (x0 at boot) = 1 does an LDP to MMIO, which
 * must end the VM.
 */
#include "common.h"

#define TABLE	(RESULTS + 0x10000)

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0
	movl	x1, TABLE
	movl	x2, 0x00000401		/* block, AttrIndx 0 (device), AF */
	str	x2, [x1]
	movl	x2, 0x40000705		/* block, AttrIndx 1 (normal), SH, AF */
	str	x2, [x1, #8]
	str	x2, [x1, #16]		/* the alias at 0x8000_0000 */
	dsb	sy
	mmu_on_4k TABLE
	movl	x3, 0x40000000		/* continue at the alias */
	adr	x4, alias
	sub	x4, x4, x3
	movl	x3, 0x80000000
	add	x4, x4, x3
	br	x4
alias:
	movl	x1, ECHO_BASE
	ldr	x5, [x1, #8]
	report	x5
	cbz	x19, 1f
	ldp	x5, x6, [x1]
1:	system_off
	b	.
