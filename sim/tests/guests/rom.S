/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only memory: reads come from RAM, writes become MMIO writes and
 * leave the contents unchanged. Reports the word before and after.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x1, #(RO_BASE + 0x100)
	ldr	w2, [x1]
	report	x2
	mov	w3, #0x55
	str	w3, [x1]
	ldr	w2, [x1]
	report	x2
	mov	x4, #0x66
	str	x4, [x1, #8]
	ldr	x2, [x1, #8]
	report	x2
	system_off
	b	.
