/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest MMU faults taken on the guest's own vectors. 4K granule, 39-bit VA,
 * identity map: VA 0..1G a device block (the echo device and the reports),
 * RAM 0x4000_0000..0x401f_ffff in 4K pages through an L3 table, nothing
 * else. Each case reports the address of its faulting instruction, then
 * faults; the handler reports ESR_EL1, FAR_EL1 and ELR_EL1, calls the
 * case's fix-up (x21: it repairs the mapping, or moves ELR on) and returns
 * to retry. After a case the retried access's result is reported.
 *   1 LDR from an unmapped page (translation, level 3), mapped, retried
 *   2 STR to a read-only page (permission, level 3, WnR), made writable
 *   3 BLR to a PXN page (instruction abort, permission), made executable
 *   4 LDR from a page with AF = 0 (access flag, level 3), AF set
 *   5 LDR beyond the L2 table's only entry (translation, level 2), skipped
 *   6 BLR to VA 0x8000_0000 (instruction abort, translation level 1),
 *     returns through x30
 *   7 STP to an unmapped page (translation, level 3, WnR), mapped
 *   8 LDTR from an EL1-only page (permission at EL0), opened to EL0
 *   9 DC ZVA on a read-only page (permission, WnR), made writable
 *  10 LDXR at an odd address (alignment), skipped
 * then at EL0 (its code page is EL0 read/write, so never EL1-executable):
 *  11 LDR from an EL1-only page (data abort from EL0, permission), skipped
 *  12 BLR to a UXN page (instruction abort from EL0), returns through x30
 * and SVC back to EL1. Then the count of handler entries.
 */
#include "common.h"

#define TBL	0x40180000		/* L1; L2 at +0x1000, L3 at +0x2000 */
#define L3	(TBL + 0x2000)
#define PG_UNMAPPED	0x401c0000
#define PG_RO		0x401c1000
#define PG_XN		0x401c2000
#define PG_NOAF		0x401c3000
#define PG_PAIR		0x401c5000
#define PG_EL1ONLY	0x401c6000
#define PG_ZVA		0x401c7000
#define PG_PRIV		0x401c8000
#define PG_UXN		0x401c9000
#define FAR_L2		0x40200000
#define FAR_L1		0x80000000

#define PAGE_ATTR	0x707		/* page, AttrIndx 1, inner shareable, AF */
#define PXN		(1 << 53)
#define UXN		(1 << 54)
#define AP_EL0		0x40		/* AP[1]: EL0 access */

/* x0 = the L3 entry's address for page \va (clobbers x0) */
.macro l3e va
	movl	x0, (L3 + ((((\va) - 0x40000000) >> 12) * 8))
.endm

/* the same into x11 */
.macro l3e11 va
	movl	x11, (L3 + ((((\va) - 0x40000000) >> 12) * 8))
.endm

.macro tlb_sync
	dsb	ishst
	tlbi	vmalle1
	dsb	ish
	isb
.endm

	.section .text.boot, "ax"
	.global _start
_start:
	adr	x0, vectors
	msr	vbar_el1, x0
	mov	x20, #0
	/* L3: identity pages for 0x4000_0000..0x401f_ffff */
	movl	x1, L3
	movl	x2, (0x40000000 + PAGE_ATTR)
	mov	x3, #512
1:	str	x2, [x1], #8
	add	x2, x2, #4096
	subs	x3, x3, #1
	b.ne	1b
	/* the test pages */
	l3e	PG_UNMAPPED
	str	xzr, [x0]
	l3e	PG_PAIR
	str	xzr, [x0]
	l3e	PG_RO
	ldr	x1, [x0]
	orr	x1, x1, #0x80		/* AP[2]: read-only */
	str	x1, [x0]
	l3e	PG_ZVA
	ldr	x1, [x0]
	orr	x1, x1, #0x80
	str	x1, [x0]
	l3e	PG_XN
	ldr	x1, [x0]
	orr	x1, x1, #PXN
	str	x1, [x0]
	l3e	PG_NOAF
	ldr	x1, [x0]
	bic	x1, x1, #0x400
	str	x1, [x0]
	/* code on the PXN page: mov x0, #0x42; ret */
	movl	x1, PG_XN
	movl	x2, 0xd2800840
	str	w2, [x1]
	movl	x2, 0xd65f03c0
	str	w2, [x1, #4]
	l3e	PG_UXN
	ldr	x1, [x0]
	orr	x1, x1, #UXN
	orr	x1, x1, #AP_EL0
	str	x1, [x0]
	adr	x1, el0_code		/* its page: EL0 read/write */
	movl	x2, 0x40000000
	sub	x1, x1, x2
	lsr	x1, x1, #12
	movl	x0, L3
	add	x0, x0, x1, lsl #3
	ldr	x1, [x0]
	orr	x1, x1, #AP_EL0
	str	x1, [x0]
	movl	x1, PG_NOAF
	movl	x2, 0x11223344
	str	x2, [x1]
	/* L2[0] -> L3; L1[0] device block, L1[1] -> L2 */
	movl	x1, (TBL + 0x1000)
	movl	x2, L3
	orr	x2, x2, #3
	str	x2, [x1]
	movl	x1, TBL
	movl	x2, 0x00000401
	str	x2, [x1]
	movl	x2, (TBL + 0x1000)
	orr	x2, x2, #3
	str	x2, [x1, #8]
	dsb	sy
	mov	x2, #0xff00		/* MAIR: attr0 device-nGnRnE, attr1 WB */
	msr	mair_el1, x2
	movl	x2, 0x00803519		/* T0SZ 25, WB, inner shareable, EPD1 */
	movk	x2, #0x2, lsl #32	/* IPS 40 bits */
	msr	tcr_el1, x2
	msr	ttbr0_el1, x1
	isb
	mrs	x2, sctlr_el1
	orr	x2, x2, #1		/* M */
	msr	sctlr_el1, x2
	isb

	/* 1: unmapped page */
	adr	x21, fix_map_unmapped
	report_pc	c1
	movl	x1, PG_UNMAPPED
c1:	ldr	x2, [x1, #0x18]
	report	x2

	/* 2: read-only page */
	adr	x21, fix_ro
	report_pc	c2
	movl	x1, PG_RO
	movl	x3, 0x2222
c2:	str	w3, [x1, #0x24]
	ldr	w2, [x1, #0x24]
	report	x2

	/* 3: execute from a PXN page */
	adr	x21, fix_xn
	movl	x9, PG_XN
	report	x9
	mov	x0, #0
c3:	blr	x9
	report	x0

	/* 4: access flag */
	adr	x21, fix_af
	report_pc	c4
	movl	x1, PG_NOAF
c4:	ldr	x2, [x1]
	report	x2

	/* 5: translation fault at level 2 */
	adr	x21, fix_skip
	report_pc	c5
	movl	x1, FAR_L2
c5:	ldr	x2, [x1, #8]

	/* 6: instruction abort, translation level 1 */
	adr	x21, fix_ret
	movl	x9, FAR_L1
	report	x9
	blr	x9

	/* 7: store pair to an unmapped page */
	adr	x21, fix_map_pair
	report_pc	c7
	movl	x1, (PG_PAIR + 0x40)
	movl	x3, 0x77
	movl	x4, 0x78
c7:	stp	x3, x4, [x1, #-0x10]!
	ldr	x2, [x1, #8]
	report	x2
	report	x1

	/* 8: LDTR to an EL1-only page */
	adr	x21, fix_el0
	report_pc	c8
	movl	x1, PG_EL1ONLY
	movl	x2, 0x8888
	str	x2, [x1]
c8:	ldtr	x2, [x1]
	report	x2

	/* 9: DC ZVA on a read-only page */
	adr	x21, fix_zva
	report_pc	c9
	movl	x1, (PG_ZVA + 0x40)
c9:	dc	zva, x1
	report	x1

	/* 10: LDXR at an odd address */
	adr	x21, fix_skip
	report_pc	c10
	movl	x1, (PG_RO + 0x101)
c10:	ldxr	x2, [x1]

	/* 11, 12: from EL0 */
	adr	x21, fix_skip_report_x9
	report_pc	e11
	movl	x9, PG_UXN
	movl	x1, PG_PRIV
	adr	x10, el0_code
	msr	elr_el1, x10
	mov	x10, #0x3c0		/* EL0t, interrupts masked */
	msr	spsr_el1, x10
	eret
back_at_el1:
	report	x20
	system_off
	b	.

/* --- fix-ups, called from the handler: they use x11 and x12 only */
fix_map_unmapped:
	l3e11	PG_UNMAPPED
	movl	x12, (PG_UNMAPPED + PAGE_ATTR)
	str	x12, [x11]
	movl	x12, PG_UNMAPPED
	movl	x11, 0x1111
	str	x11, [x12, #0x18]
	tlb_sync
	ret
fix_map_pair:
	l3e11	PG_PAIR
	movl	x12, (PG_PAIR + PAGE_ATTR)
	str	x12, [x11]
	tlb_sync
	ret
fix_ro:
	l3e11	PG_RO
	b	make_rw
fix_zva:
	l3e11	PG_ZVA
make_rw:
	ldr	x12, [x11]
	bic	x12, x12, #0x80
	str	x12, [x11]
	tlb_sync
	ret
fix_xn:
	l3e11	PG_XN
	ldr	x12, [x11]
	bic	x12, x12, #PXN
	str	x12, [x11]
	tlb_sync
	ret
fix_af:
	l3e11	PG_NOAF
	ldr	x12, [x11]
	orr	x12, x12, #0x400
	str	x12, [x11]
	tlb_sync
	ret
fix_el0:
	/* AP = 01 (EL0 read/write) makes the page PXN for EL1: data only */
	l3e11	PG_EL1ONLY
	ldr	x12, [x11]
	orr	x12, x12, #0x40
	str	x12, [x11]
	tlb_sync
	ret
fix_skip_report_x9:			/* case 12's address, then skip */
	report	x9
fix_skip:
	mrs	x11, elr_el1
	add	x11, x11, #4
	msr	elr_el1, x11
	ret
fix_ret:
	msr	elr_el1, x22		/* the interrupted code's x30 */
	ret

/* --- EL0 code, on a page of its own ------------------------------------------ */

	.balign	4096
el0_code:
e11:	ldr	x2, [x1]
	adr	x21, fix_ret
	blr	x9
	svc	#0
	b	.
	.balign	4096

/* --- vectors ----------------------------------------------------------------- */

	.balign	2048
vectors:
	.skip	0x200
	b	sync_cur			/* +0x200: current EL, SP_EL1 */
	.skip	0x400 - 0x204
	b	sync_low			/* +0x400: lower EL, AArch64 */
	.skip	0x800 - 0x404

sync_low:
	mrs	x10, esr_el1
	lsr	x10, x10, #26
	cmp	x10, #0x15
	b.ne	sync_cur
	adr	x10, back_at_el1		/* SVC: back to EL1h */
	msr	elr_el1, x10
	mov	x10, #0x3c5
	msr	spsr_el1, x10
	eret

sync_cur:
	add	x20, x20, #1
	mov	x22, x30
	report_fault
	blr	x21
	mov	x30, x22
	eret
