// SPDX-License-Identifier: GPL-2.0-only
/*
 * The native hypercall transport for arm64 kernels: the kernel's own SMCCC 1.2
 * `hvc` (x0..x17 in and out). It stands in for hypercall/src/transport_hvc.c,
 * whose inline asm has 36 operands: clang accepts that, GCC (the compiler
 * Debian's kernels and their modules are built with) stops at 30. Kbuild
 * compiles this file instead of that one on arm64; it implements the same
 * private hook, gh_hypercall_native(), so hypercall.c is unchanged.
 */
#include <linux/arm-smccc.h>
#include <linux/build_bug.h>
#include <linux/string.h>

#include "core/hypercall/transport.h"

bool gh_hypercall_native(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	struct arm_smccc_1_2_regs args, res;

	BUILD_BUG_ON(sizeof(args) != sizeof(in->x));
	memcpy(&args, in->x, sizeof(args));
	arm_smccc_1_2_hvc(&args, &res);
	memcpy(out->x, &res, sizeof(res));
	return true;
}
