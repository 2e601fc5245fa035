/* SPDX-License-Identifier: BSD-3-Clause */
/* Spins forever with interrupts masked: only a time slice gets it out. */
	.section .text.boot, "ax"
	.global _start
_start:
	add	x1, x1, #1
	b	_start
