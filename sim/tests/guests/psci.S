/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PSCI, SMCCC and Gunyah queries over HVC and SMC, each answer reported; then x19
 * (x0 at boot) picks the end: 0 SYSTEM_OFF (HVC), 1 SYSTEM_RESET (HVC),
 * 2 SYSTEM_OFF (SMC).
 */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0
	movl	x0, PSCI_VERSION
	hvc	#0
	report	x0
	movl	x0, PSCI_VERSION
	smc	#0
	report	x0
	movl	x0, PSCI_FEATURES
	movl	x1, PSCI_CPU_ON
	hvc	#0
	report	x0
	movl	x0, PSCI_FEATURES
	movl	x1, 0x84000001		/* CPU_SUSPEND: not offered */
	hvc	#0
	report	x0
	movl	x0, PSCI_MIGRATE_INFO_TYPE
	hvc	#0
	report	x0
	movl	x0, 0x82000000		/* a SiP call nobody implements */
	hvc	#0
	report	x0
	movl	x0, 0x8600ff01		/* vendor hypervisor UID */
	hvc	#0
	report	x0
	report	x1
	movl	x0, 0xc6008000		/* hyp_identify: the host's answer */
	hvc	#0
	report	x0
	report	x1
	movl	x0, 0xc6008065		/* vcpu_run: the host's call only */
	hvc	#0
	report	x0
	mrs	x0, mpidr_el1
	report	x0
	cbz	x19, off
	cmp	x19, #1
	b.eq	reset
	movl	x0, PSCI_SYSTEM_OFF
	smc	#0
	b	.
off:	system_off
	b	.
reset:	movl	x0, PSCI_SYSTEM_RESET
	hvc	#0
	b	.
