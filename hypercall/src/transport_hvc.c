// SPDX-License-Identifier: BSD-3-Clause
/*
 * The arm64 `hvc #0` transport, SMCCC 1.2: x0..x17 in, x0..x17 out.
 * Compiled in only with GH_HYPERCALL_HVC on aarch64; hypercall/tests checks
 * that it builds for aarch64 even though it cannot run on the CI machine.
 */
#include "transport.h"

#if defined(GH_HYPERCALL_HVC) && defined(__aarch64__)

/*
 * The registers travel through memory: 18 register operands would exceed
 * GCC's limit of 30 asm operands once in and out are counted, and the kernel
 * module is built with GCC. SMCCC 1.2 preserves x18..x30, so the two
 * pointers (in registers the compiler picks outside x0..x17) survive the call.
 */
bool gh_hypercall_native(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	__asm__ volatile("ldp	x0, x1, [%[in], #0]\n\t"
	                 "ldp	x2, x3, [%[in], #16]\n\t"
	                 "ldp	x4, x5, [%[in], #32]\n\t"
	                 "ldp	x6, x7, [%[in], #48]\n\t"
	                 "ldp	x8, x9, [%[in], #64]\n\t"
	                 "ldp	x10, x11, [%[in], #80]\n\t"
	                 "ldp	x12, x13, [%[in], #96]\n\t"
	                 "ldp	x14, x15, [%[in], #112]\n\t"
	                 "ldp	x16, x17, [%[in], #128]\n\t"
	                 "hvc	#0\n\t"
	                 "stp	x0, x1, [%[out], #0]\n\t"
	                 "stp	x2, x3, [%[out], #16]\n\t"
	                 "stp	x4, x5, [%[out], #32]\n\t"
	                 "stp	x6, x7, [%[out], #48]\n\t"
	                 "stp	x8, x9, [%[out], #64]\n\t"
	                 "stp	x10, x11, [%[out], #80]\n\t"
	                 "stp	x12, x13, [%[out], #96]\n\t"
	                 "stp	x14, x15, [%[out], #112]\n\t"
	                 "stp	x16, x17, [%[out], #128]"
	                 :
	                 : [in] "r"(in), [out] "r"(out)
	                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
	                   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
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
