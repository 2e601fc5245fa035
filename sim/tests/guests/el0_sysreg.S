/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System registers that EL0 may not touch: from EL0, ICC_IAR1_EL1,
 * ICC_SGI1R_EL1, ICC_EOIR1_EL1, ICC_PMR_EL1 and MPIDR_EL1 must be UNDEFINED
 * (EC 0 at the instruction), not emulated. The EL0 handler reports ESR_EL1
 * and ELR_EL1 and resumes after the instruction; an SVC ends EL0. Then the
 * number of reports and x1, which no access may have written.
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	install_vectors	vectors
	mov	x20, #0			/* handler entries */
	adr	x10, el0
	msr	elr_el1, x10
	mov	x10, #0x3c0		/* EL0t, interrupts masked */
	msr	spsr_el1, x10
	movl	x1, 0x5a5a0001
	eret
el0:
i_iar:	mrs	x1, s3_0_c12_c12_0	/* ICC_IAR1_EL1 */
i_sgi:	msr	s3_0_c12_c11_5, x1	/* ICC_SGI1R_EL1 */
i_eoir:	msr	s3_0_c12_c12_1, x1	/* ICC_EOIR1_EL1 */
i_pmr:	msr	s3_0_c4_c6_0, x1	/* ICC_PMR_EL1 */
i_mpidr: mrs	x1, mpidr_el1
	svc	#1
	b	.

done:
	report	x20
	report	x1
	system_off
	b	.

	.balign	0x800
vectors:
	.skip	0x400
	/* lower EL, AArch64, synchronous */
	mrs	x10, esr_el1
	lsr	x11, x10, #26
	cmp	x11, #0x15
	b.eq	done
	add	x20, x20, #1
	report	x10
	mrs	x10, elr_el1
	report	x10
	add	x10, x10, #4
	msr	elr_el1, x10
	eret
