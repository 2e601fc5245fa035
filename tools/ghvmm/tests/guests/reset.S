/* SPDX-License-Identifier: BSD-3-Clause */
/* reset: asks for PSCI SYSTEM_RESET. */
	.section .text.boot, "ax"
	.global _start
_start:
	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0009
	hvc	#0
1:	wfi
	b	1b
