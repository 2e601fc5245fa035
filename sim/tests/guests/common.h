/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared constants of the simulator's test guests (assembly). */
#ifndef SIM_TEST_GUEST_COMMON_H
#define SIM_TEST_GUEST_COMMON_H

#define ECHO_BASE	0x09000000	/* the test's MMIO echo device */
#define REPORT_ADDR	0x0a000000	/* guest -> test: 8-byte reports */
#define RESULTS		0x40100000	/* results area in RAM */
#define RO_BASE		0x00000000	/* a read-only region ("flash") */

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0xc4000003
#define PSCI_AFFINITY_INFO	0xc4000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a

/* x0 = the constant; clobbers nothing else */
.macro movl reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
.endm

.macro report reg
	movl	x28, REPORT_ADDR
	str	\reg, [x28]
.endm

/* Reports the address of @label (clobbers x10). */
.macro report_pc label
	adr	x10, \label
	report	x10
.endm

/* Powers on CPUs 1 .. \count - 1 at \entry, each with its index as CPU_ON's
 * context id (its x0 there); an error goes to \fail with it in x0.
 * Clobbers x0-x3 and x22. */
.macro cpus_on count, entry, fail
	mov	x22, #1
.Lcpus_on\@:
	cmp	x22, \count
	b.hs	.Lcpus_on_done\@
	movl	x0, PSCI_CPU_ON
	mov	x1, x22
	adr	x2, \entry
	mov	x3, x22
	hvc	#0
	cbnz	x0, \fail
	add	x22, x22, #1
	b	.Lcpus_on\@
.Lcpus_on_done\@:
.endm
/* VBAR_EL1 = \label (clobbers x0) */
.macro install_vectors label
	adr	x0, \label
	msr	vbar_el1, x0
	isb
.endm
/* Reports ESR_EL1, FAR_EL1 and ELR_EL1 of the exception taken (clobbers x10). */
.macro report_fault
	mrs	x10, esr_el1
	report	x10
	mrs	x10, far_el1
	report	x10
	mrs	x10, elr_el1
	report	x10
.endm
/* The MMU on with the tables at \table: 4K granule, 39-bit VAs (T0SZ 25,
 * TTBR1 walks off), 40-bit PAs; MAIR attr0 device-nGnRnE, attr1 normal
 * write-back. Clobbers x2. */
.macro mmu_on_4k table
	mov	x2, #0xff00
	msr	mair_el1, x2
	movl	x2, 0x00800019
	movk	x2, #0x2, lsl #32
	msr	tcr_el1, x2
	movl	x2, \table
	msr	ttbr0_el1, x2
	isb
	mrs	x2, sctlr_el1
	orr	x2, x2, #1
	msr	sctlr_el1, x2
	isb
.endm
/* Waits, with YIELD, until the word at \base + \off is not 0 (clobbers x2). */
.macro wait_flag base, off
.Lwait_flag\@:
	ldr	x2, [\base, #\off]
	cbnz	x2, .Lwait_flag_done\@
	yield
	b	.Lwait_flag\@
.Lwait_flag_done\@:
.endm
/* Sets the word at \base + \off to 1 (clobbers x2). */
.macro set_flag base, off
	mov	x2, #1
	str	x2, [\base, #\off]
.endm
.macro system_off
	movl	x0, PSCI_SYSTEM_OFF
	hvc	#0
.endm

#endif
