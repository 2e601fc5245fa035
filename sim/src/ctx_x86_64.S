/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A user-space context switch for x86_64 SysV: no syscall, no signal mask.
 *
 * void gh_sim_ctx_switch(void **save_sp, void *load_sp)
 *   Pushes the callee-saved registers (rbx, rbp, r12-r15), the x87 control
 *   word and MXCSR on the current stack, stores the stack pointer in
 *   *save_sp, loads load_sp and pops the same frame from the other stack.
 *   Caller-saved registers need no saving: this is an ordinary call.
 *
 * A new context's stack is prepared by gh_sim_ctx_init() (fiber.c) so that
 * the first switch to it "returns" into gh_sim_ctx_trampoline with r12 =
 * entry function and r13 = its argument.
 */
	.text
	.globl	gh_sim_ctx_switch
	.type	gh_sim_ctx_switch, @function
	.p2align 4
gh_sim_ctx_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	gh_sim_ctx_switch, .-gh_sim_ctx_switch

	.globl	gh_sim_ctx_trampoline
	.type	gh_sim_ctx_trampoline, @function
	.p2align 4
gh_sim_ctx_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	xorl	%ebp, %ebp
	movq	%r13, %rdi
	callq	*%r12
	ud2		/* the entry function must never return */
	.cfi_endproc
	.size	gh_sim_ctx_trampoline, .-gh_sim_ctx_trampoline

	.section .note.GNU-stack, "", @progbits
