/* SPDX-License-Identifier: BSD-3-Clause */
/* The benchmark's guest: x1 (boot) MMIO writes to ECHO_BASE, then a report
 * and SYSTEM_OFF. */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x9, ECHO_BASE
1:	str	w1, [x9]
	subs	x1, x1, #1
	b.ne	1b
	report	x1
	system_off
	b	.
