/* SPDX-License-Identifier: BSD-3-Clause */
/* MMIO accesses that have no valid syndrome; x0 at boot selects one. */
#include "common.h"

	.section .text.boot, "ax"
	.global _start
_start:
	movl	x1, ECHO_BASE
	adr	x9, table
	ldr	x10, [x9, x0, lsl #3]
	br	x10
table:
	.quad	pair, post, pre, excl, stpair, atomic, undef
pair:	ldp	x2, x3, [x1]
	b	done
post:	str	x2, [x1], #8
	b	done
pre:	ldr	x2, [x1, #8]!
	b	done
excl:	ldxr	x2, [x1]
	b	done
stpair:	stp	w2, w3, [x1, #16]
	b	done
atomic:	.inst	0xf8200022		/* ldadd x0, x2, [x1] */
	b	done
undef:	udf	#0
	b	done
done:	system_off
	b	.
