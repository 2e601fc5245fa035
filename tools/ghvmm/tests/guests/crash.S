/* SPDX-License-Identifier: BSD-3-Clause */
/* crash: a store pair to the UART, which MMIO cannot emulate (no syndrome):
 * the VM must end as CRASHED with the faulting PC. */
	.section .text.boot, "ax"
	.global _start
_start:
	movz	x1, #0x0900, lsl #16
	stp	x2, x3, [x1]
1:	wfi
	b	1b
