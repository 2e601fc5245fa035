// SPDX-License-Identifier: BSD-3-Clause
/*
 * The arm64 `hvc #0` transport, SMCCC 1.2: x0..x17 in, x0..x17 out.
 * Compiled in only with GH_HYPERCALL_HVC on aarch64; hypercall/tests checks
 * that it builds for aarch64 even though it cannot run on the CI machine.
 */
#include "transport.h"

#if defined(GH_HYPERCALL_HVC) && defined(__aarch64__)

bool gh_hypercall_native(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	register uint64_t x0 __asm__("x0") = in->x[0];
	register uint64_t x1 __asm__("x1") = in->x[1];
	register uint64_t x2 __asm__("x2") = in->x[2];
	register uint64_t x3 __asm__("x3") = in->x[3];
	register uint64_t x4 __asm__("x4") = in->x[4];
	register uint64_t x5 __asm__("x5") = in->x[5];
	register uint64_t x6 __asm__("x6") = in->x[6];
	register uint64_t x7 __asm__("x7") = in->x[7];
	register uint64_t x8 __asm__("x8") = in->x[8];
	register uint64_t x9 __asm__("x9") = in->x[9];
	register uint64_t x10 __asm__("x10") = in->x[10];
	register uint64_t x11 __asm__("x11") = in->x[11];
	register uint64_t x12 __asm__("x12") = in->x[12];
	register uint64_t x13 __asm__("x13") = in->x[13];
	register uint64_t x14 __asm__("x14") = in->x[14];
	register uint64_t x15 __asm__("x15") = in->x[15];
	register uint64_t x16 __asm__("x16") = in->x[16];
	register uint64_t x17 __asm__("x17") = in->x[17];

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
			   "+r"(x6), "+r"(x7), "+r"(x8), "+r"(x9), "+r"(x10), "+r"(x11),
			   "+r"(x12), "+r"(x13), "+r"(x14), "+r"(x15), "+r"(x16), "+r"(x17)
			 :
			 : "memory");

	out->x[0] = x0;
	out->x[1] = x1;
	out->x[2] = x2;
	out->x[3] = x3;
	out->x[4] = x4;
	out->x[5] = x5;
	out->x[6] = x6;
	out->x[7] = x7;
	out->x[8] = x8;
	out->x[9] = x9;
	out->x[10] = x10;
	out->x[11] = x11;
	out->x[12] = x12;
	out->x[13] = x13;
	out->x[14] = x14;
	out->x[15] = x15;
	out->x[16] = x16;
	out->x[17] = x17;
	return true;
}

#else

bool gh_hypercall_native(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	(void)in;
	(void)out;
	return false;
}

#endif
