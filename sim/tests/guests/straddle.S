/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An 8-byte store whose first half is the last 4 bytes of RAM (2 MiB at
 * 0x40000000) and whose second half is MMIO: not one the VMM can be given.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x0, 0x401ffffc
	movl	x1, 0x55667788
	movk	x1, #0x3344, lsl #32
	movk	x1, #0x1122, lsl #48
	str	x1, [x0]
	report	x1
	system_off
