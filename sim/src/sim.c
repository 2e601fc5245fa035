// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulator's core: objects, the hypercall server, the per-vCPU engines
 * and their fibers, MMIO, PSCI, WFI, the timer and interrupt injection.
 *
 * How a vcpu_run works: the host thread takes the VM's execution lock and
 * switches to the vCPU's fiber. The fiber runs uc_emu_start() and stays in it
 * across exits: a VMMIO access suspends the fiber inside the Unicorn MMIO
 * callback (switching back to the host, which returns from vcpu_run); the
 * next vcpu_run switches back into the callback, which completes the access
 * with the host's value. A time slice ends the same way from the block hook
 * (READY). uc_emu_start() returns only for WFI, PSCI power changes, interrupt
 * injection, synchronous exceptions to the guest (deliver_sync) and errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/gunyah.h>

#include "decode.h"
#include "sim_internal.h"

#define FIBER_STACK_SIZE	(8u << 20)

#define PSTATE_EL1H_MASKED	0x3c5ULL
#define PSTATE_I		(1ULL << 7)

#define INSN_WFI		0xd503207fU
#define INSN_WFE		0xd503205fU

/* PSCI 1.1 */
#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_SUSPEND	0x84000001U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON		0x84000003U
#define PSCI_AFFINITY_INFO	0x84000004U
#define PSCI_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U
#define PSCI_FEATURES		0x8400000aU
#define PSCI_SYSTEM_RESET2	0x84000012U
#define PSCI_SMC64		0x40000000U
#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)

/* Unicorn exception numbers (QEMU's EXCP_*) seen by UC_HOOK_INTR */
#define EXCP_UDEF		1
#define EXCP_SWI		2
#define EXCP_PREFETCH_ABORT	3
#define EXCP_DATA_ABORT		4
#define EXCP_BKPT		7
#define EXCP_HVC		11
#define EXCP_SMC		13

/* system registers the simulator models */
#define SYS_CNTFRQ		GH_SIM_SYSREG(3, 3, 14, 0, 0)
#define SYS_CNTPCT		GH_SIM_SYSREG(3, 3, 14, 0, 1)
#define SYS_CNTVCT		GH_SIM_SYSREG(3, 3, 14, 0, 2)
#define SYS_CNTP_TVAL		GH_SIM_SYSREG(3, 3, 14, 2, 0)
#define SYS_CNTP_CTL		GH_SIM_SYSREG(3, 3, 14, 2, 1)
#define SYS_CNTP_CVAL		GH_SIM_SYSREG(3, 3, 14, 2, 2)
#define SYS_CNTV_TVAL		GH_SIM_SYSREG(3, 3, 14, 3, 0)
#define SYS_CNTV_CTL		GH_SIM_SYSREG(3, 3, 14, 3, 1)
#define SYS_CNTV_CVAL		GH_SIM_SYSREG(3, 3, 14, 3, 2)
#define SYS_MPIDR		GH_SIM_SYSREG(3, 0, 0, 0, 5)
#define SYS_SCTLR		GH_SIM_SYSREG(3, 0, 1, 0, 0)

uint64_t gh_sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The guest's counter: 62.5 MHz = one tick per 16 ns since the VM started. */
uint64_t gh_sim_counter(const struct gh_sim_vm *vm)
{
	return (gh_sim_now_ns() - vm->start_ns) / 16;
}

static void set_kick(struct gh_sim_vcpu *v, unsigned int bits)
{
	__atomic_fetch_or(&v->kick, bits, __ATOMIC_ACQ_REL);
}

static void clear_kick(struct gh_sim_vcpu *v, unsigned int bits)
{
	__atomic_fetch_and(&v->kick, ~bits, __ATOMIC_ACQ_REL);
}

static void fire_wakeup(struct gh_sim_vcpu *v)
{
	const struct gh_sim_host_ops *h = &v->vm->sim->host;

	if (h->wakeup_irq)
		h->wakeup_irq(h->ctx, v->irq);
}

void gh_sim_vcpu_notify(struct gh_sim_vcpu *v)
{
	if (gh_sim_gic_pending_irq(v) == 1023)
		return;
	set_kick(v, KICK_IRQ);
	if (v->sleeping && v->power == POWER_ON) {
		v->sleeping = false;
		fire_wakeup(v);
	}
}

/* --- crash and exit ------------------------------------------------------------ */

/* Ends the VM (once): every vCPU stops and reports POWERED_OFF + EXITED. */
static void vm_exit(struct gh_sim_vm *vm, uint16_t type, bool crashed,
		    uint32_t code, uint64_t pc, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void vm_exit(struct gh_sim_vm *vm, uint16_t type, bool crashed,
		    uint32_t code, uint64_t pc, const char *fmt, ...)
{
	unsigned int i;
	va_list ap;

	pthread_mutex_lock(&vm->lock);
	if (vm->exited) {
		pthread_mutex_unlock(&vm->lock);
		return;
	}
	vm->exit_type = type;
	vm->crashed = crashed;
	memset(vm->exit_reason, 0, sizeof(vm->exit_reason));
	if (crashed) {
		for (i = 0; i < 4; i++) {
			vm->exit_reason[i] = (uint8_t)(code >> (8 * i));
			vm->exit_reason[4 + i] = (uint8_t)(pc >> (8 * i));
		}
	}
	va_start(ap, fmt);
	vsnprintf(vm->reason_text, sizeof(vm->reason_text), fmt, ap);
	va_end(ap);
	__atomic_store_n(&vm->exited, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->exit_notify, 1, __ATOMIC_RELEASE);
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		set_kick(v, KICK_STOP);
		if (v->sleeping) {
			v->sleeping = false;
			fire_wakeup(v);
		}
	}
	pthread_mutex_unlock(&vm->lock);
}

static bool vm_exited(struct gh_sim_vm *vm)
{
	return __atomic_load_n(&vm->exited, __ATOMIC_ACQUIRE) != 0;
}

/* --- fiber <-> host ----------------------------------------------------------------- */

static void post(struct gh_sim_vcpu *v, uint64_t state, uint64_t d0, uint64_t d1, uint64_t d2)
{
	v->exit_state = state;
	v->exit_data[0] = d0;
	v->exit_data[1] = d1;
	v->exit_data[2] = d2;
}

/* Fiber side: hand @state to the host and wait for the next vcpu_run. */
static void yield_to_host(struct gh_sim_vcpu *v)
{
	gh_sim_fiber_yield(&v->fiber);
}

/* A crashed vCPU parks here until the VM is destroyed. */
static void park(struct gh_sim_vcpu *v)
{
	v->faulted = false;
	post(v, GH_VCPU_STATE_FAULT, 0, 0, 0);
	for (;;) {
		yield_to_host(v);
		if (v->terminate) {
			uc_emu_stop(v->uc);
			return;
		}
		post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
	}
}

static void crash(struct gh_sim_vcpu *v, uint32_t code, uint64_t pc, const char *what)
{
	if (!vm_exited(v->vm))
		v->faulted = true;
	vm_exit(v->vm, GH_VM_EXIT_TYPE_HYP_ERROR, true, code, pc,
		"vCPU %u at pc 0x%" PRIx64 ": %s", v->id, pc, what);
}

/* --- registers -------------------------------------------------------------------------- */

static uint64_t reg_read(struct gh_sim_vcpu *v, int reg)
{
	uint64_t val = 0;

	uc_reg_read(v->uc, reg, &val);
	return val;
}

static void reg_write(struct gh_sim_vcpu *v, int reg, uint64_t val)
{
	uc_reg_write(v->uc, reg, &val);
}

static uint64_t xreg(void *ctx, unsigned int n)
{
	struct gh_sim_vcpu *v = ctx;

	if (n == 31)
		return reg_read(v, UC_ARM64_REG_SP);
	return reg_read(v, UC_ARM64_REG_X0 + (int)n);
}

static int cp_write(struct gh_sim_vcpu *v, uint32_t op0, uint32_t op1, uint32_t crn,
		    uint32_t crm, uint32_t op2, uint64_t val)
{
	uc_arm64_cp_reg r = { .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2,
			      .val = val };

	return uc_reg_write(v->uc, UC_ARM64_REG_CP_REG, &r) == UC_ERR_OK ? 0 : -EIO;
}

static uint64_t cp_read(struct gh_sim_vcpu *v, uint32_t op0, uint32_t op1, uint32_t crn,
			uint32_t crm, uint32_t op2)
{
	uc_arm64_cp_reg r = { .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2 };

	uc_reg_read(v->uc, UC_ARM64_REG_CP_REG, &r);
	return r.val;
}

static bool phys_read(struct gh_sim_vcpu *v, uint64_t pa, void *buf, unsigned int len)
{
	struct gh_sim_vm *vm = v->vm;
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];

		if (pa >= r->gpa && pa - r->gpa <= r->size - len) {
			memcpy(buf, r->host + (pa - r->gpa), len);
			return true;
		}
	}
	return false;
}

/*
 * Stage-1 translation of the EL1&0 regime (AArch64 long descriptors, 4K, 16K
 * and 64K granules, TTBR0/TTBR1, TBI), as the hardware walks it: used to
 * find the instruction of an MMIO access when the guest's MMU is on, and to
 * classify the MMU faults Unicorn reports without a syndrome.
 */
enum walk_result {
	WALK_OK = 0,		/* a final descriptor with AF set (w->pa valid) */
	WALK_TRANSLATION,	/* translation fault at w->level */
	WALK_ACCESS_FLAG,	/* final descriptor with AF = 0 (w->pa valid) */
	WALK_UNKNOWN,		/* a table outside RAM: the outcome is not known */
};

struct walk {
	uint64_t pa;
	unsigned int level;	/* of the fault, or of the final descriptor */
	unsigned int ap;	/* AP[2:1], with the tables' APTable applied */
	bool uxn, pxn;		/* with the tables' UXNTable/PXNTable */
	uint64_t table_pa;	/* WALK_UNKNOWN: the descriptor address not in RAM */
};

static int walk(struct gh_sim_vcpu *v, uint64_t va, struct walk *w)
{
	uint64_t tcr = cp_read(v, 3, 0, 2, 0, 2);
	bool upper = (va >> 55) & 1;
	unsigned int tsz, g, stride, level, start, bits;
	uint64_t table, tg;
	bool tbi;
	unsigned int aptable = 0;
	bool uxntable = false, pxntable = false;

	memset(w, 0, sizeof(*w));
	if (upper) {
		tsz = (tcr >> 16) & 63;
		tg = (tcr >> 30) & 3;
		g = tg == 1 ? 14 : tg == 3 ? 16 : 12;
		tbi = (tcr >> 38) & 1;
		table = reg_read(v, UC_ARM64_REG_TTBR1_EL1);
	} else {
		tsz = tcr & 63;
		tg = (tcr >> 14) & 3;
		g = tg == 2 ? 14 : tg == 1 ? 16 : 12;
		tbi = (tcr >> 37) & 1;
		table = reg_read(v, UC_ARM64_REG_TTBR0_EL1);
	}
	if (tbi)			/* the top byte is ignored: bit 55 extends */
		va = upper ? va | (0xffULL << 56) : va & ~(0xffULL << 56);
	w->level = 0;
	if (tcr & (upper ? 1ULL << 23 : 1ULL << 7))	/* EPD1 / EPD0 */
		return WALK_TRANSLATION;
	if (tsz < 16)
		tsz = 16;
	if (tsz > 39)
		tsz = 39;
	bits = 64 - tsz;			/* input address size */
	if ((va >> bits) != (upper ? ~0ULL >> bits : 0))
		return WALK_TRANSLATION;
	stride = g - 3;
	start = 4 - (bits - g + stride - 1) / stride;
	table &= 0x0000fffffffffffeULL;		/* BADDR; CnP cleared */
	for (level = start; level <= 3; level++) {
		unsigned int shift = g + stride * (3 - level);
		unsigned int width = level == start ? bits - shift : stride;
		uint64_t idx = (va >> shift) & ((1ULL << width) - 1);
		uint64_t desc, out;
		bool block;

		w->level = level;
		if (!phys_read(v, table + idx * 8, &desc, 8)) {
			w->table_pa = table + idx * 8;
			return WALK_UNKNOWN;
		}
		if (!(desc & 1))
			return WALK_TRANSLATION;
		out = desc & 0x0000ffffffffffffULL & ~((1ULL << g) - 1);
		block = level == 3 || !(desc & 2);
		if (level == 3 && !(desc & 2))
			return WALK_TRANSLATION;	/* reserved */
		if (block && level < 3 && !(g == 12 ? level >= 1 : level == 2))
			return WALK_TRANSLATION;	/* no blocks at this level */
		if (!block) {
			aptable |= (unsigned int)(desc >> 61) & 3;
			uxntable |= (desc >> 60) & 1;
			pxntable |= (desc >> 59) & 1;
			table = out;
			continue;
		}
		w->pa = (out & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
		w->ap = (unsigned int)(desc >> 6) & 3;
		if (aptable & 1)		/* APTable[0]: no EL0 access */
			w->ap &= ~1U;
		if (aptable & 2)		/* APTable[1]: read-only */
			w->ap |= 2;
		w->uxn = ((desc >> 54) & 1) || uxntable;
		w->pxn = ((desc >> 53) & 1) || pxntable;
		return (desc & (1ULL << 10)) ? WALK_OK : WALK_ACCESS_FLAG;
	}
	return WALK_TRANSLATION;
}

enum access_type { ACC_READ, ACC_WRITE, ACC_EXEC };

/* Does the final descriptor of @w allow @type at EL0 (@el0) or EL1?
 * VMSAv8-64 stage 1, EL1&0 regime, no PAN (the CPU is ARMv8.0): memory
 * writable at EL0 is never executable at EL1; SCTLR_EL1.WXN makes writable
 * memory execute-never. */
static bool walk_permits(const struct walk *w, bool el0, enum access_type type, bool wxn)
{
	bool el0_r = w->ap & 1, el0_w = w->ap == 1;
	bool r = el0 ? el0_r : true;
	bool wr = el0 ? el0_w : !(w->ap & 2);

	switch (type) {
	case ACC_READ:
		return r;
	case ACC_WRITE:
		return wr;
	default:
		if (wxn && wr)
			return false;
		return el0 ? !w->uxn : !(w->pxn || el0_w);
	}
}

/* The physical address of @va for finding instructions (no permission
 * checks: Unicorn has already executed the instruction). */
static bool translate(struct gh_sim_vcpu *v, uint64_t va, uint64_t *pa)
{
	struct walk w;
	int r = walk(v, va, &w);

	if (r != WALK_OK && r != WALK_ACCESS_FLAG)
		return false;
	*pa = w.pa;
	return true;
}

/* The guest instruction at virtual address @va, read from RAM. */
static bool fetch_insn(struct gh_sim_vcpu *v, uint64_t va, uint32_t *insn)
{
	uint64_t pa = va;

	if (v->mmu_on && !translate(v, va, &pa))
		return false;
	return phys_read(v, pa, insn, 4);
}

/* --- interrupts into the guest --------------------------------------------------------- */

/*
 * The vector offset of an exception taken to EL1 from the current PSTATE:
 * current EL with SP_EL0 (EL1t) 0x000, current EL with SP_ELx (EL1h) 0x200,
 * lower EL AArch64 (EL0) 0x400; plus 0x80 for an IRQ.
 */
static uint64_t vector_offset(uint64_t pstate)
{
	switch (pstate & 0xf) {
	case 0x5:		/* EL1h */
		return 0x200;
	case 0x4:		/* EL1t */
		return 0x000;
	default:		/* EL0 */
		return 0x400;
	}
}

/* Takes an exception to EL1 (from EL1h, EL1t or EL0 AArch64) at vector
 * offset @offset (see vector_offset()), returning to @elr. */
static void take_exception(struct gh_sim_vcpu *v, uint64_t pstate, uint64_t elr,
			   uint64_t offset)
{
	uint64_t vbar = reg_read(v, UC_ARM64_REG_VBAR_EL1);

	reg_write(v, UC_ARM64_REG_ELR_EL1, elr);
	if ((pstate & 0xf) != 0x5) {
		/* the live SP is SP_EL0: bank it, switch to SP_EL1 */
		reg_write(v, UC_ARM64_REG_SP_EL0, reg_read(v, UC_ARM64_REG_SP));
		reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
		reg_write(v, UC_ARM64_REG_SP, reg_read(v, UC_ARM64_REG_SP_EL1));
	} else {
		reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	}
	/* SPSR_EL1 through CP_REG, after PSTATE: measured on 2.1.1, a PSTATE
	 * write alone does not rebuild the cached mode flags (from EL0 the
	 * handler's first MRS of an EL1 register is then UNDEFINED); a CP_REG
	 * write does. */
	cp_write(v, 3, 0, 4, 0, 0, pstate);
	reg_write(v, UC_ARM64_REG_PC, vbar + offset);
}

/* Takes an IRQ exception to EL1 (from EL1h, EL1t or EL0 AArch64). */
static void inject_irq(struct gh_sim_vcpu *v)
{
	uint64_t pstate = reg_read(v, UC_ARM64_REG_PSTATE);

	take_exception(v, pstate, reg_read(v, UC_ARM64_REG_PC), vector_offset(pstate) + 0x80);
	v->stats.irqs_injected++;
}

/* ESR_ELx fields */
#define ESR_EC_SHIFT		26
#define ESR_IL			(1ULL << 25)
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_SVC64		0x15
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ISS_DABT_ISV		(1ULL << 24)
#define ISS_DABT_SAS_SHIFT	22
#define ISS_DABT_SSE		(1ULL << 21)
#define ISS_DABT_SRT_SHIFT	16
#define ISS_DABT_SF		(1ULL << 15)
#define ISS_DABT_AR		(1ULL << 14)
#define ISS_DABT_WNR		(1ULL << 6)
#define ISS_DFSC_SEA		0x10		/* synchronous external abort */
#define ISS_DABT_CM		(1ULL << 8)	/* cache maintenance */
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_BRK64		0x3c
#define FSC_TRANSLATION		0x04		/* + level */
#define FSC_ACCESS_FLAG		0x08		/* + level */
#define FSC_PERMISSION		0x0c		/* + level */
#define FSC_ALIGNMENT		0x21
#define ESR_DABT		(1ULL << 63)	/* internal: EC chosen at delivery */
#define ESR_IABT		(1ULL << 62)	/* internal: EC chosen at delivery */

/*
 * Requests a synchronous exception from inside a hook: the engine stops
 * (uc_emu_stop) and vcpu_main delivers it when uc_emu_start returns. See
 * deliver_sync().
 */
static void request_sync(struct gh_sim_vcpu *v, uint64_t esr, uint64_t elr, uint32_t crash_code,
			 const char *what)
{
	v->exc_pending = true;
	v->exc_esr = esr;
	v->exc_elr = elr;
	v->exc_far_valid = false;
	v->exc_rt = -1;
	v->exc_crash = crash_code;
	snprintf(v->exc_what, sizeof(v->exc_what), "%s", what);
	uc_emu_stop(v->uc);
	v->stop_requested = true;
}

/*
 * Takes the exception request_sync() recorded, now that uc_emu_start has
 * returned. Measured on Unicorn 2.1.1: after uc_emu_stop inside an MMIO
 * callback the instruction completes (a load writes the callback's value to
 * its register; an 8-byte access still makes its second 4-byte callback),
 * no further guest instruction or block hook runs, and uc_emu_start returns
 * UC_ERR_OK with the PC at the start of the translation block. Inside the
 * interrupt hook nothing further runs either. So everything the exception
 * needs was captured in the hook (ELR from the decode, the old value of a
 * load's register), the registers the instruction changed are put back,
 * and the PC is set to the vector: the faulting instruction is neither
 * repeated nor continued past.
 *
 * false when the guest has no vector table in memory at VBAR_EL1 (it would
 * fault on the vector fetch forever): the VM ends instead, as before.
 */
static bool deliver_sync(struct gh_sim_vcpu *v)
{
	uint64_t pstate = reg_read(v, UC_ARM64_REG_PSTATE);
	uint64_t offset = vector_offset(pstate);
	uint64_t vbar = reg_read(v, UC_ARM64_REG_VBAR_EL1);
	uint64_t esr = v->exc_esr;
	uint32_t insn;
	char what[160];

	v->exc_pending = false;
	if (v->exc_rt >= 0)
		reg_write(v, UC_ARM64_REG_X0 + v->exc_rt, v->exc_rt_val);
	if (!fetch_insn(v, vbar + offset, &insn)) {
		snprintf(what, sizeof(what), "%s (no vector table at VBAR_EL1 0x%" PRIx64 ")",
			 v->exc_what, vbar);
		crash(v, v->exc_crash, v->exc_elr, what);
		return false;
	}
	if (esr & ESR_DABT)
		esr = (esr & ~ESR_DABT) |
		      ((uint64_t)(offset == 0x400 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR)
		       << ESR_EC_SHIFT);
	if (esr & ESR_IABT)
		esr = (esr & ~ESR_IABT) |
		      ((uint64_t)(offset == 0x400 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR)
		       << ESR_EC_SHIFT);
	reg_write(v, UC_ARM64_REG_ESR_EL1, esr);
	if (v->exc_far_valid)
		reg_write(v, UC_ARM64_REG_FAR_EL1, v->exc_far);
	take_exception(v, pstate, v->exc_elr, offset);
	v->stats.sync_exceptions++;
	return true;
}

/* The VMM answered an MMIO access with FAULT: a synchronous external abort
 * on the instruction found by the decode (false when there is none). Called
 * inside the MMIO callback, before the instruction completes. */
static bool request_data_abort(struct gh_sim_vcpu *v)
{
	const struct gh_sim_ldst *d = &v->acc_d;
	uint64_t iss, va;
	unsigned int sas = d->size == 8 ? 3 : d->size == 4 ? 2 : d->size == 2 ? 1 : 0;
	bool sf = d->is_store ? d->size == 8 : d->dest64;
	char what[64];

	if (!v->acc_decoded || d->kind != GH_SIM_LDST_VALID ||
	    !gh_sim_ldst_address(d, v->acc_pc, xreg, v, &va))
		return false;
	iss = ISS_DABT_ISV | ((uint64_t)sas << ISS_DABT_SAS_SHIFT) |
	      (d->sign_extend ? ISS_DABT_SSE : 0) | ((uint64_t)d->rt << ISS_DABT_SRT_SHIFT) |
	      (sf ? ISS_DABT_SF : 0) | (d->acqrel ? ISS_DABT_AR : 0) |
	      (d->is_store ? ISS_DABT_WNR : 0) | ISS_DFSC_SEA;
	snprintf(what, sizeof(what), "the VMM asked for an abort on MMIO 0x%" PRIx64, va);
	request_sync(v, ESR_DABT | ESR_IL | iss, v->acc_pc, GH_SIM_CRASH_VMMIO_FAULT, what);
	v->exc_far = va;
	v->exc_far_valid = true;
	if (!d->is_store && d->rt != 31) {
		v->exc_rt = d->rt;
		v->exc_rt_val = xreg(v, d->rt);
	}
	return true;
}

/* --- guest MMU faults ---------------------------------------------------------------------- */

/*
 * Unicorn reports a guest MMU fault (a prefetch or data abort of its own
 * stage-1 walk or alignment check) to the interrupt hook with the PC at the
 * faulting instruction and neither syndrome nor address. The hardware's
 * answer is recomputed here: the instruction's own fetch is walked first
 * (an instruction abort); otherwise the load/store at the PC is decoded,
 * its address(es) computed from the registers and walked with the access's
 * permissions. Where no fault can be found, or the instruction is not one
 * this knows, the VM ends with the reason instead of a guess.
 */
struct fault_access {
	uint64_t va;
	unsigned int len;		/* bytes from va */
	unsigned int align;		/* required alignment (1: none) */
	bool write;			/* needs write permission; WnR */
	bool unpriv;			/* LDTR/STTR: checked as EL0 */
	bool cm;			/* cache maintenance (ESR.CM) */
};

/* The bytes an AdvSIMD structure load/store (LD1..LD4, ST1..ST4, LDnR)
 * touches: 0 when @insn is not one. */
static unsigned int simd_struct_len(uint32_t insn)
{
	unsigned int q = (insn >> 30) & 1, opcode = (insn >> 12) & 15, size = (insn >> 10) & 3;
	unsigned int nregs, selem, esize;

	if ((insn & 0xbfbf0000) == 0x0c000000 || (insn & 0xbfa00000) == 0x0c800000) {
		switch (opcode) {	/* multiple structures */
		case 0: case 2: nregs = 4; break;
		case 4: case 6: nregs = 3; break;
		case 7: nregs = 1; break;
		case 8: case 10: nregs = 2; break;
		default: return 0;
		}
		return nregs * (q ? 16 : 8);
	}
	if ((insn & 0xbf9f0000) == 0x0d000000 || (insn & 0xbf800000) == 0x0d800000) {
		selem = ((((opcode >> 1) & 1) << 1) | ((insn >> 21) & 1)) + 1;
		switch (opcode >> 2) {	/* single structure */
		case 0: esize = 1; break;
		case 1: esize = 2; break;
		case 2: esize = (size & 1) ? 8 : 4; break;
		default: esize = 1U << size; break;	/* LDnR */
		}
		return selem * esize;
	}
	return 0;
}

/* The data access(es) of @insn at @pc: false (with @why) when it is not a
 * load/store this can place. */
static bool fault_decode(struct gh_sim_vcpu *v, uint32_t insn, uint64_t pc,
			 struct fault_access *a, const char **why)
{
	struct gh_sim_ldst d;
	unsigned int len;

	memset(a, 0, sizeof(*a));
	a->align = 1;
	if ((insn & 0xffffffe0) == 0xd50b7420) {		/* DC ZVA, Xt */
		unsigned int bs = 4U << (cp_read(v, 3, 3, 0, 0, 7) & 15);

		a->va = xreg(v, insn & 31);
		if ((insn & 31) == 31)
			a->va = 0;
		a->va &= ~((uint64_t)bs - 1);
		a->len = bs;
		a->write = true;
		return true;
	}
	gh_sim_decode_ldst(insn, &d);
	if (d.kind == GH_SIM_LDST_NONE) {
		*why = "not a load or store";
		return false;
	}
	a->write = d.is_store;
	a->len = d.len;
	if (d.mode == GH_SIM_ADDR_UNKNOWN) {
		len = simd_struct_len(insn);
		if (!len) {
			*why = d.reason;
			return false;
		}
		a->va = xreg(v, d.rn);
		a->len = len;
		a->write = !((insn >> 22) & 1);
		return true;
	}
	if (!gh_sim_ldst_address(&d, pc, xreg, v, &a->va)) {
		*why = d.reason;
		return false;
	}
	if ((insn & 0x3f000000) == 0x08000000) {
		/* exclusives and load-acquire/store-release: aligned to the
		 * whole access (ARMv8.0); CAS is an LSE form */
		bool o2 = (insn >> 23) & 1, o1 = (insn >> 21) & 1;

		if (o2 && o1) {
			*why = "compare-and-swap";
			return false;
		}
		a->align = d.len;
	}
	/* LDTR/STTR and their sign-extending forms */
	a->unpriv = (insn & 0x3b200c00) == 0x38000800;
	if (d.kind == GH_SIM_LDST_NO_SYNDROME && d.reason &&
	    !strcmp(d.reason, "atomic memory operation")) {
		*why = d.reason;
		return false;
	}
	if (cp_read(v, 3, 0, 1, 0, 0) & 2)	/* SCTLR_EL1.A */
		if (a->align < d.size)
			a->align = d.size;
	return true;
}

struct mmu_fault {
	uint64_t far;
	unsigned int fsc;
};

/* The fault hardware takes for an access of @type at EL0/EL1 to
 * [@va, @va + @len): false when there is none (or *@unknown when a table is
 * outside RAM). */
static bool find_fault(struct gh_sim_vcpu *v, uint64_t va, unsigned int len, bool el0,
		       enum access_type type, struct mmu_fault *f, bool *unknown)
{
	bool mmu = cp_read(v, 3, 0, 1, 0, 0) & 1;
	bool wxn = (cp_read(v, 3, 0, 1, 0, 0) >> 19) & 1;
	uint64_t page = va;
	unsigned int i;

	*unknown = false;
	if (!mmu || !len)
		return false;
	/* every 4 KiB step covers every page of any granule */
	for (i = 0; i < 2 + len / 4096; i++) {
		uint64_t at = i == 0 ? va : (va & ~0xfffULL) + 4096ULL * i;
		struct walk w;
		int r;

		if (i > 0 && at > va + len - 1)
			break;
		page = at;
		r = walk(v, at, &w);
		f->far = page;
		switch (r) {
		case WALK_UNKNOWN:
			*unknown = true;
			return false;
		case WALK_TRANSLATION:
			f->fsc = FSC_TRANSLATION + w.level;
			return true;
		case WALK_ACCESS_FLAG:
			f->fsc = FSC_ACCESS_FLAG + w.level;
			return true;
		default:
			if (!walk_permits(&w, el0, type, wxn)) {
				f->fsc = FSC_PERMISSION + w.level;
				return true;
			}
		}
	}
	return false;
}

/* Unicorn reported an MMU fault at @pc (intno 3 or 4): request the abort the
 * hardware would take, or end the VM when it cannot be determined. */
static void mmu_fault(struct gh_sim_vcpu *v, uint32_t intno, uint64_t pc)
{
	uint64_t pstate = reg_read(v, UC_ARM64_REG_PSTATE);
	bool el0 = ((pstate >> 2) & 3) == 0;
	struct fault_access a;
	struct mmu_fault f;
	const char *why = NULL;
	char what[160];
	bool unknown;
	uint32_t insn = 0;
	uint64_t pa;

	if (find_fault(v, pc, 4, el0, ACC_EXEC, &f, &unknown)) {
		snprintf(what, sizeof(what), "instruction abort at 0x%" PRIx64 " (FSC 0x%x)", pc,
			 f.fsc);
		request_sync(v, ESR_IABT | ESR_IL | f.fsc, pc, GH_SIM_CRASH_EXCEPTION, what);
		v->exc_far = pc;
		v->exc_far_valid = true;
		return;
	}
	if (unknown) {
		why = "the walk of the PC reads a table outside RAM";
		goto undetermined;
	}
	pa = pc;
	if ((cp_read(v, 3, 0, 1, 0, 0) & 1) && !translate(v, pc, &pa)) {
		why = "the PC does not translate";
		goto undetermined;
	}
	if (!phys_read(v, pa, &insn, 4)) {
		why = "the instruction is not in RAM";
		goto undetermined;
	}
	if (!fault_decode(v, insn, pc, &a, &why))
		goto undetermined;
	if (a.align > 1 && (a.va & (a.align - 1))) {
		f.far = a.va;
		f.fsc = FSC_ALIGNMENT;
	} else if (!find_fault(v, a.va, a.len, el0 || a.unpriv, a.write ? ACC_WRITE : ACC_READ,
			       &f, &unknown)) {
		why = unknown ? "the walk reads a table outside RAM"
			      : "no fault found for its access";
		goto undetermined;
	}
	snprintf(what, sizeof(what), "data abort at 0x%" PRIx64 " (FSC 0x%x)", f.far, f.fsc);
	request_sync(v, ESR_DABT | ESR_IL | (a.write ? ISS_DABT_WNR : 0) | (a.cm ? ISS_DABT_CM : 0) |
		     f.fsc, pc, GH_SIM_CRASH_EXCEPTION, what);
	v->exc_far = f.far;
	v->exc_far_valid = true;
	return;

undetermined:
	snprintf(what, sizeof(what),
		 "MMU fault (exception %u) not delivered: instruction 0x%08x: %s", intno,
		 insn, why ? why : "unknown");
	crash(v, GH_SIM_CRASH_EXCEPTION, pc, what);
	uc_emu_stop(v->uc);
	v->stop_requested = true;
}

/* Before (re)entering the engine: deliver a pending interrupt if the guest
 * accepts one now; keep KICK_IRQ set while one waits for PSTATE.I. */
static void maybe_inject(struct gh_sim_vcpu *v)
{
	uint32_t intid;

	pthread_mutex_lock(&v->vm->lock);
	clear_kick(v, KICK_IRQ);
	intid = gh_sim_gic_pending_irq(v);
	if (intid != 1023)
		set_kick(v, KICK_IRQ);
	pthread_mutex_unlock(&v->vm->lock);
	if (intid == 1023)
		return;
	if (reg_read(v, UC_ARM64_REG_PSTATE) & PSTATE_I)
		return;
	inject_irq(v);
}

/* --- the timer ----------------------------------------------------------------------------- */

static bool timer_line(const struct gh_sim_timer *t, uint64_t now)
{
	return (t->ctl & 1) && !(t->ctl & 2) && now >= t->cval;
}

/* Reprogrammed (vm->lock held): recompute the line, re-arm the notification. */
static void timer_update(struct gh_sim_vcpu *v, struct gh_sim_timer *t, uint32_t ppi)
{
	bool line = timer_line(t, gh_sim_counter(v->vm));

	t->fired = line;
	gh_sim_gic_set_line(v->vm, v, ppi, line);
}

/* The ticker recomputes its deadline. Under sim->lock, so that a ticker about
 * to sleep cannot miss it (it holds sim->lock until its wait releases it). */
static void wake_ticker(struct gh_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	pthread_cond_signal(&sim->tick_cv);
	pthread_mutex_unlock(&sim->lock);
}

static bool timer_sysreg(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val)
{
	struct gh_sim_vm *vm = v->vm;
	struct gh_sim_timer *t;
	uint32_t ppi;
	uint64_t now;

	switch (key) {
	case SYS_CNTFRQ:
		if (!is_read)
			return false;
		*val = GH_SIM_CNTFRQ;
		return true;
	case SYS_CNTPCT:
	case SYS_CNTVCT:
		if (!is_read)
			return false;
		*val = gh_sim_counter(vm);
		return true;
	case SYS_CNTV_TVAL:
	case SYS_CNTV_CTL:
	case SYS_CNTV_CVAL:
		t = &v->vtimer;
		ppi = GH_SIM_PPI_VTIMER;
		break;
	case SYS_CNTP_TVAL:
	case SYS_CNTP_CTL:
	case SYS_CNTP_CVAL:
		t = &v->ptimer;
		ppi = GH_SIM_PPI_PTIMER;
		break;
	default:
		return false;
	}
	pthread_mutex_lock(&vm->lock);
	now = gh_sim_counter(vm);
	switch (key & 7) {
	case 0:		/* TVAL: signed 32-bit down-counter view of CVAL */
		if (is_read)
			*val = (uint32_t)(t->cval - now);
		else
			t->cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)*val;
		break;
	case 1:
		if (is_read)
			*val = (t->ctl & 3) | ((t->ctl & 1) && now >= t->cval ? 4 : 0);
		else
			t->ctl = *val & 3;
		break;
	default:
		if (is_read)
			*val = t->cval;
		else
			t->cval = *val;
		break;
	}
	if (!is_read)
		timer_update(v, t, ppi);
	pthread_mutex_unlock(&vm->lock);
	if (!is_read)
		wake_ticker(vm->sim);
	return true;
}

/* Modelled system registers (timer, GIC CPU interface, MPIDR): false when
 * @key is none of them. */
static bool sysreg_access(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val)
{
	bool ok;

	if (key == SYS_MPIDR) {
		if (!is_read)
			return false;
		*val = 0x80000000ULL | v->id;
		return true;
	}
	if (timer_sysreg(v, key, is_read, val))
		return true;
	pthread_mutex_lock(&v->vm->lock);
	ok = gh_sim_icc_access(v, key, is_read, val);
	pthread_mutex_unlock(&v->vm->lock);
	return ok;
}

/* UC_HOOK_INSN for MRS and MSR: returns 1 to skip the instruction. @reg is
 * the transfer register; an MSR's value is in cp->val. */
static uint32_t hook_sysreg(struct gh_sim_vcpu *v, uc_arm64_reg reg,
			    const uc_arm64_cp_reg *cp, bool is_read)
{
	uint32_t key = GH_SIM_SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
	uint64_t val = cp->val;

	if (key == SYS_SCTLR && !is_read) {
		v->mmu_on = cp->val & 1;
		return 0;
	}
	/* Only registers Unicorn implements: a hook on one it does not
	 * (ICC_*) re-executes the instruction forever; those trap as UNDEF. */
	if (key == SYS_MPIDR && is_read)
		val = 0x80000000ULL | v->id;
	else if (!timer_sysreg(v, key, is_read, &val))
		return 0;
	if (is_read && reg != UC_ARM64_REG_XZR)
		reg_write(v, reg, val);
	return 1;
}

static uint32_t hook_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	(void)uc;
	return hook_sysreg(user, reg, cp, true);
}

static uint32_t hook_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
	(void)uc;
	return hook_sysreg(user, reg, cp, false);
}

/* --- PSCI and SMCCC --------------------------------------------------------------------------- */

static void smccc_ret(struct gh_sim_vcpu *v, uint32_t fid, int64_t ret)
{
	uint64_t x0 = (uint64_t)ret;

	if (!(fid & PSCI_SMC64))
		x0 = (uint32_t)x0;
	reg_write(v, UC_ARM64_REG_X0, x0);
}

static struct gh_sim_vcpu *vcpu_by_mpidr(struct gh_sim_vm *vm, uint64_t mpidr)
{
	if (mpidr & ~0xffULL & 0xff00ffffffULL)
		return NULL;		/* Aff1..Aff3 must be 0 */
	if ((mpidr & 0xff) >= GH_SIM_MAX_VCPUS)
		return NULL;
	return vm->vcpus[mpidr & 0xff];
}

static int64_t psci_cpu_on(struct gh_sim_vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct gh_sim_vm *vm = v->vm;
	struct gh_sim_vcpu *t = vcpu_by_mpidr(vm, mpidr);
	int64_t ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMS;
	pthread_mutex_lock(&vm->lock);
	if (t->power == POWER_ON) {
		ret = PSCI_ALREADY_ON;
	} else if (t->power == POWER_ON_PENDING) {
		ret = PSCI_ON_PENDING;
	} else {
		t->power = POWER_ON_PENDING;
		t->on_entry = entry;
		t->on_ctx = ctx;
		if (t->sleeping) {
			t->sleeping = false;
			fire_wakeup(t);
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static int64_t psci_affinity_info(struct gh_sim_vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct gh_sim_vcpu *t = vcpu_by_mpidr(v->vm, mpidr);
	int64_t ret;

	if (!t || level != 0)
		return PSCI_INVALID_PARAMS;
	pthread_mutex_lock(&v->vm->lock);
	ret = t->power == POWER_ON ? 0 : t->power == POWER_OFF ? 1 : 2;
	pthread_mutex_unlock(&v->vm->lock);
	return ret;
}

static bool psci_supported(uint32_t fid)
{
	switch (fid & ~PSCI_SMC64) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return (fid & PSCI_SMC64) == 0 || (fid & ~PSCI_SMC64) == PSCI_CPU_ON ||
		       (fid & ~PSCI_SMC64) == PSCI_AFFINITY_INFO;
	case PSCI_SYSTEM_RESET2:
		return true;
	default:
		return fid == SMCCC_VERSION;
	}
}

static void smccc_call(struct gh_sim_vcpu *v)
{
	uint64_t x0 = reg_read(v, UC_ARM64_REG_X0);
	uint64_t x1 = reg_read(v, UC_ARM64_REG_X1);
	uint64_t x2 = reg_read(v, UC_ARM64_REG_X2);
	uint64_t x3 = reg_read(v, UC_ARM64_REG_X3);
	uint32_t fid = (uint32_t)x0;
	uint64_t pc = reg_read(v, UC_ARM64_REG_PC);

	switch (fid) {
	case SMCCC_VERSION:
		smccc_ret(v, fid, 0x10002);		/* SMCCC 1.2 */
		return;
	case PSCI_VERSION:
		smccc_ret(v, fid, 0x10001);		/* PSCI 1.1 */
		return;
	case PSCI_FEATURES:
		smccc_ret(v, fid, psci_supported((uint32_t)x1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
		return;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | PSCI_SMC64:
		if (!(fid & PSCI_SMC64)) {
			x1 = (uint32_t)x1;
			x2 = (uint32_t)x2;
			x3 = (uint32_t)x3;
		}
		smccc_ret(v, fid, psci_cpu_on(v, x1, x2, x3));
		return;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | PSCI_SMC64:
		smccc_ret(v, fid, psci_affinity_info(v, x1, x2));
		return;
	case PSCI_CPU_OFF:
		pthread_mutex_lock(&v->vm->lock);
		v->power = POWER_OFF;
		pthread_mutex_unlock(&v->vm->lock);
		set_kick(v, KICK_STOP);
		uc_emu_stop(v->uc);
		v->stop_requested = true;
		return;
	case PSCI_MIGRATE_INFO_TYPE:
		smccc_ret(v, fid, 2);			/* no migration needed */
		return;
	case PSCI_SYSTEM_OFF:
		vm_exit(v->vm, GH_VM_EXIT_TYPE_PSCI_POWER_OFF, false, 0, pc, "PSCI SYSTEM_OFF");
		uc_emu_stop(v->uc);
		v->stop_requested = true;
		return;
	case PSCI_SYSTEM_RESET:
		vm_exit(v->vm, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET, false, 0, pc,
			"PSCI SYSTEM_RESET");
		uc_emu_stop(v->uc);
		v->stop_requested = true;
		return;
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2 | PSCI_SMC64:
		vm_exit(v->vm, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2, false, 0, pc,
			"PSCI SYSTEM_RESET2 type 0x%" PRIx64, x1);
		uc_emu_stop(v->uc);
		v->stop_requested = true;
		return;
	case GH_SMCCC_VENDOR_HYP_CALL_UID:
		reg_write(v, UC_ARM64_REG_X0, GH_UID0);
		reg_write(v, UC_ARM64_REG_X1, GH_UID1);
		reg_write(v, UC_ARM64_REG_X2, GH_UID2);
		reg_write(v, UC_ARM64_REG_X3, GH_UID3);
		return;
	case GH_HYPERCALL_HYP_IDENTIFY:
		reg_write(v, UC_ARM64_REG_X0, GH_API_V1 | GH_API_INFO_IS_64BIT);
		reg_write(v, UC_ARM64_REG_X1, 1ULL << GH_FEATURE_VCPU);
		reg_write(v, UC_ARM64_REG_X2, 0);
		reg_write(v, UC_ARM64_REG_X3, 0);
		return;
	default:
		smccc_ret(v, fid | PSCI_SMC64, PSCI_NOT_SUPPORTED);
		return;
	}
}

/* --- Unicorn hooks ------------------------------------------------------------------------------- */

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t pc = reg_read(v, UC_ARM64_REG_PC);
	struct gh_sim_sysreg_insn s;
	uint32_t insn = 0;
	char what[64];

	switch (intno) {
	case EXCP_HVC:
	case EXCP_SMC:
		smccc_call(v);
		return;
	case EXCP_UDEF:
		/* ICC_* are not implemented by Unicorn: they trap here, PC at
		 * the instruction. */
		if (fetch_insn(v, pc, &insn) && gh_sim_decode_sysreg(insn, &s)) {
			uint64_t val = 0;

			if (!s.is_read)
				val = s.rt == 31 ? 0 : xreg(v, s.rt);
			if (sysreg_access(v, gh_sim_sysreg_key(&s), s.is_read, &val)) {
				if (s.is_read && s.rt != 31)
					reg_write(v, UC_ARM64_REG_X0 + s.rt, val);
				reg_write(v, UC_ARM64_REG_PC, pc + 4);
				return;
			}
		}
		/* to the guest's vectors: EC 0 (unknown reason), ELR at the
		 * instruction */
		snprintf(what, sizeof(what), "undefined instruction 0x%08x", insn);
		request_sync(v, ESR_IL | ((uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT), pc,
			     GH_SIM_CRASH_UNDEFINED, what);
		return;
	case EXCP_SWI:
		/* SVC: the PC is already after the instruction (the preferred
		 * return address); ISS = its imm16 */
		if (!fetch_insn(v, pc - 4, &insn))
			insn = 0;
		request_sync(v, ESR_IL | ((uint64_t)ESR_EC_SVC64 << ESR_EC_SHIFT) |
			     ((insn >> 5) & 0xffff), pc, GH_SIM_CRASH_EXCEPTION,
			     "unhandled exception 2 (SVC)");
		return;
	case EXCP_PREFETCH_ABORT:
	case EXCP_DATA_ABORT:
		mmu_fault(v, intno, pc);
		return;
	case EXCP_BKPT:
		/* BRK: PC at the instruction, ISS = its imm16 */
		if (!fetch_insn(v, pc, &insn))
			insn = 0;
		request_sync(v, ESR_IL | ((uint64_t)ESR_EC_BRK64 << ESR_EC_SHIFT) |
			     ((insn >> 5) & 0xffff), pc, GH_SIM_CRASH_EXCEPTION,
			     "unhandled exception 7 (BRK)");
		return;
	default:
		snprintf(what, sizeof(what), "unhandled exception %u (%s)", intno,
			 intno == EXCP_SWI ? "SVC" : "no vector delivery");
		crash(v, GH_SIM_CRASH_EXCEPTION, pc, what);
		break;
	}
	uc_emu_stop(uc);
	v->stop_requested = true;
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
	struct gh_sim_vcpu *v = user;
	unsigned int k;

	(void)size;
	v->tb_start = addr;
	v->scan_pc = addr;
	/*
	 * Guest code of a VM runs on one host thread at a time. When another
	 * vCPU waits for its turn, end this slice early: a spin-wait (WFE is a
	 * no-op in Unicorn) would otherwise hold up the vCPU it waits for for a
	 * whole tick.
	 */
	if (__builtin_expect(__atomic_load_n(&v->vm->exec_waiters, __ATOMIC_RELAXED) != 0, 0) &&
	    ++v->contended_tbs >= GH_SIM_CONTENDED_TBS) {
		v->contended_tbs = 0;
		v->stats.ready_exits++;
		post(v, GH_VCPU_STATE_READY, 0, 0, 0);
		yield_to_host(v);
		if (v->terminate) {
			uc_emu_stop(uc);
			v->stop_requested = true;
			return;
		}
	}
	k = __atomic_load_n(&v->kick, __ATOMIC_ACQUIRE);
	if (__builtin_expect(!k, 1))
		return;
	if (k & KICK_STOP) {
		uc_emu_stop(uc);
		v->stop_requested = true;
		return;
	}
	if ((k & KICK_IRQ) && !(reg_read(v, UC_ARM64_REG_PSTATE) & PSTATE_I)) {
		uc_emu_stop(uc);
		v->stop_requested = true;
		return;
	}
	if (k & KICK_READY) {
		clear_kick(v, KICK_READY);
		v->stats.ready_exits++;
		post(v, GH_VCPU_STATE_READY, 0, 0, 0);
		yield_to_host(v);
		if (v->terminate) {
			uc_emu_stop(uc);
			v->stop_requested = true;
		}
	}
}

/* The host address of the instruction word at guest VA @va with the MMU
 * off (NULL when it is not in RAM). */
static const uint32_t *insn_host(struct gh_sim_vcpu *v, uint64_t va)
{
	struct gh_sim_vm *vm = v->vm;
	unsigned int i;

	for (i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];

		if (va >= r->gpa && va - r->gpa <= r->size - 4)
			return (const uint32_t *)(const void *)(r->host + (va - r->gpa));
	}
	return NULL;
}

/* Does instruction @d at @pc make the access at @gpa? */
static bool ldst_covers(struct gh_sim_vcpu *v, const struct gh_sim_ldst *d, uint64_t pc,
			uint64_t gpa, bool is_write)
{
	uint64_t addr;

	return d->kind != GH_SIM_LDST_NONE &&
	       (d->kind == GH_SIM_LDST_NO_SYNDROME || d->is_store == is_write) &&
	       gh_sim_ldst_address(d, pc, xreg, v, &addr) &&
	       (!v->mmu_on || translate(v, addr, &addr)) &&
	       gpa - addr < (uint64_t)d->len;
}

static struct gh_sim_dcache_entry *dcache_slot(struct gh_sim_vcpu *v, uint64_t key)
{
	return &v->dcache[(key >> 2) & (GH_SIM_DCACHE_SIZE - 1)];
}

/* The decode cache: the scan's answer when the entry still holds (see
 * struct gh_sim_dcache_entry), else false. */
static bool dcache_lookup(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write,
			  struct gh_sim_ldst *out, uint64_t *insn_pc)
{
	const struct gh_sim_dcache_entry *e = dcache_slot(v, v->scan_pc);
	uint64_t pc;
	unsigned int i;

	if (!e->valid || e->key != v->scan_pc || e->mmu_on != v->mmu_on)
		return false;
	for (i = 0; i < e->n; i++) {
		uint32_t insn;

		if (e->host)	/* guest RAM may change under us: read it once */
			insn = __atomic_load_n(&e->host[i], __ATOMIC_RELAXED);
		else if (!fetch_insn(v, e->key + 4 * i, &insn))
			return false;
		if (insn != e->words[i])
			return false;
	}
	pc = e->key + 4 * (e->n - 1U);
	if (!ldst_covers(v, &e->d, pc, gpa, is_write))
		return false;
	*out = e->d;
	*insn_pc = pc;
	v->scan_pc = pc + 4;
	v->stats.decode_hits++;
	return true;
}

/* Finds the instruction behind an MMIO access at @gpa: scans the current
 * translation block from the last matched instruction (through the decode
 * cache when it can). */
static bool locate_access(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write,
			  struct gh_sim_ldst *out, uint64_t *insn_pc)
{
	uint32_t words[GH_SIM_DCACHE_SPAN];
	uint64_t start = v->scan_pc, pc = start;
	bool cacheable = true;
	unsigned int i;

	if (dcache_lookup(v, gpa, is_write, out, insn_pc))
		return true;
	v->stats.decode_scans++;
	for (i = 0; i < 512; i++, pc += 4) {
		struct gh_sim_ldst d;
		uint32_t insn;

		if (!fetch_insn(v, pc, &insn))
			return false;
		gh_sim_decode_ldst(insn, &d);
		if (i < GH_SIM_DCACHE_SPAN)
			words[i] = insn;
		if (ldst_covers(v, &d, pc, gpa, is_write)) {
			*out = d;
			*insn_pc = pc;
			v->scan_pc = pc + 4;
			if (cacheable && i < GH_SIM_DCACHE_SPAN) {
				struct gh_sim_dcache_entry *e = dcache_slot(v, start);

				e->key = start;
				e->mmu_on = v->mmu_on;
				e->n = (uint8_t)(i + 1);
				e->host = v->mmu_on ? NULL : insn_host(v, start);
				if (e->host && insn_host(v, pc) != e->host + i)
					e->host = NULL;	/* crosses a region: fetch */
				memcpy(e->words, words, (i + 1) * sizeof(words[0]));
				e->d = d;
				e->valid = true;
			}
			return true;
		}
		if (d.kind == GH_SIM_LDST_NO_SYNDROME && d.mode == GH_SIM_ADDR_UNKNOWN) {
			*out = d;		/* can't compute: assume it is this one */
			*insn_pc = pc;
			return true;
		}
		/* a skipped load/store could be the access another time */
		if (d.kind != GH_SIM_LDST_NONE)
			cacheable = false;
		if (gh_sim_insn_ends_block(insn))
			return false;
	}
	return false;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* A VMMIO exit: returns the read's value (or 0 for a write). */
static uint64_t vmmio_exit(struct gh_sim_vcpu *v, uint64_t gpa, unsigned int size,
			   bool is_write, uint64_t value)
{
	for (;;) {
		if (is_write)
			post(v, GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, gpa, size, value & size_mask(size));
		else
			post(v, GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, gpa, size, 0);
		v->mmio_pending = true;
		v->stats.mmio_exits++;
		yield_to_host(v);
		if (v->terminate) {
			uc_emu_stop(v->uc);
			v->stop_requested = true;
			return 0;
		}
		switch (v->resume[1]) {
		case GH_VMMIO_ACTION_EMULATE:
			return is_write ? 0 : v->resume[0] & size_mask(size);
		case GH_VMMIO_ACTION_RETRY:
			continue;
		default:
			/* FAULT: the value returned is discarded (deliver_sync
			 * restores a load's register) */
			if (request_data_abort(v))
				return 0;
			crash(v, GH_SIM_CRASH_VMMIO_FAULT, v->tb_start,
			      "the VMM asked for an abort on an MMIO access whose instruction "
			      "was not found");
			park(v);
			return 0;
		}
	}
}

/* Every guest access outside RAM and the GIC: classify it like a hardware
 * data abort would and turn it into a VMMIO exit, or end the VM. */
static uint64_t mmio_access(struct gh_sim_vcpu *v, uint64_t gpa, unsigned int cb_size,
			    bool is_write, uint64_t value)
{
	struct gh_sim_ldst d;
	uint64_t pc = v->tb_start, val;
	unsigned int size = cb_size;
	char what[96];

	if (v->split_active) {
		v->split_active = false;
		if (gpa == v->split_addr && is_write == v->split_write && cb_size == 4) {
			if (!is_write)
				return v->split_value;
			return vmmio_exit(v, v->split_base, 8, true,
					  (v->split_value & 0xffffffffULL) | (value << 32));
		}
	}
	v->acc_decoded = false;
	if (locate_access(v, gpa, is_write, &d, &pc)) {
		if (d.kind == GH_SIM_LDST_NO_SYNDROME) {
			snprintf(what, sizeof(what),
				 "%s to MMIO address 0x%" PRIx64 " has no valid syndrome",
				 d.reason, gpa);
			crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
			park(v);
			return 0;
		}
		size = d.size;
		v->acc_decoded = true;
		v->acc_pc = pc;
		v->acc_d = d;
	} else {
		v->undecoded++;
	}
	if (size > cb_size) {
		/* Unicorn splits an 8-byte MMIO access into two 4-byte calls */
		if (size != 8 || cb_size != 4 || (gpa & 7)) {
			snprintf(what, sizeof(what),
				 "unaligned %u-byte MMIO access at 0x%" PRIx64, size, gpa);
			crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
			park(v);
			return 0;
		}
		v->split_active = true;
		v->split_write = is_write;
		v->split_addr = gpa + 4;
		v->split_base = gpa;
		if (is_write) {
			v->split_value = value;
			return 0;
		}
		val = vmmio_exit(v, gpa, 8, false, 0);
		v->split_value = val >> 32;
		return val & 0xffffffffULL;
	}
	return vmmio_exit(v, gpa, size, is_write, value);
}

static uint64_t hole_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_hole *h = user;

	(void)uc;
	return mmio_access(h->vcpu, h->base + offset, size, false, 0);
}

static void hole_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
		       void *user)
{
	struct gh_sim_hole *h = user;

	(void)uc;
	mmio_access(h->vcpu, h->base + offset, size, true, value);
}

static uint64_t gicd_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t val;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	val = gh_sim_gicd_read(v->vm, offset, size);
	pthread_mutex_unlock(&v->vm->lock);
	return val;
}

static void gicd_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
		       void *user)
{
	struct gh_sim_vcpu *v = user;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	gh_sim_gicd_write(v->vm, offset, size, value);
	pthread_mutex_unlock(&v->vm->lock);
}

static uint64_t gicr_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_vcpu *v = user;
	uint64_t val;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	val = gh_sim_gicr_read(v->vm, offset, size);
	pthread_mutex_unlock(&v->vm->lock);
	return val;
}

static void gicr_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
		       void *user)
{
	struct gh_sim_vcpu *v = user;

	(void)uc;
	pthread_mutex_lock(&v->vm->lock);
	gh_sim_gicr_write(v->vm, offset, size, value);
	pthread_mutex_unlock(&v->vm->lock);
}

/* A write to a read-only region: a VMMIO write, then the instruction is
 * skipped. */
static bool hook_write_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			    int64_t value, void *user)
{
	struct gh_sim_vcpu *v = user;
	struct gh_sim_ldst d;
	uint64_t pc;
	char what[96];

	(void)type;
	if (!locate_access(v, addr, true, &d, &pc)) {
		snprintf(what, sizeof(what),
			 "write to read-only 0x%" PRIx64 " by an instruction not found", addr);
		crash(v, GH_SIM_CRASH_BAD_MEMORY, v->tb_start, what);
		park(v);
		return false;
	}
	if (d.kind != GH_SIM_LDST_VALID) {
		snprintf(what, sizeof(what),
			 "%s to read-only address 0x%" PRIx64 " has no valid syndrome",
			 d.reason, addr);
		crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
		park(v);
		return false;
	}
	v->acc_decoded = true;
	v->acc_pc = pc;
	v->acc_d = d;
	vmmio_exit(v, addr, d.size, true, (uint64_t)value);
	(void)uc;
	(void)size;
	if (v->exc_pending)
		return false;	/* a data abort, taken by vcpu_main */
	/* Refusing the write ends uc_emu_start (a hook's "handled" would let
	 * the store reach the read-only memory); the fiber loop resumes after
	 * the store. */
	v->resume_pc = pc + 4;
	v->resume_pc_valid = !v->terminate;
	return false;
}

static bool hook_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			 int64_t value, void *user)
{
	struct gh_sim_vcpu *v = user;
	char what[96];

	(void)uc;
	(void)size;
	(void)value;
	snprintf(what, sizeof(what), "%s at 0x%" PRIx64 " not permitted",
		 type == UC_MEM_FETCH_PROT || type == UC_MEM_FETCH_UNMAPPED ? "instruction fetch" :
		 type == UC_MEM_READ_PROT ? "read" : "access", addr);
	crash(v, GH_SIM_CRASH_BAD_MEMORY, v->tb_start, what);
	return false;
}

/* --- engine setup ------------------------------------------------------------------------------------ */

struct span {
	uint64_t base, size;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static int map_holes(struct gh_sim_vcpu *v, const struct span *used, unsigned int n)
{
	uint64_t cur = 0;
	unsigned int i;

	for (i = 0; i <= n; i++) {
		uint64_t end = i < n ? used[i].base : GH_SIM_PA_LIMIT;

		if (end > cur) {
			struct gh_sim_hole *h;

			if (v->nholes >= GH_SIM_MAX_HOLES)
				return -ENOSPC;
			h = &v->holes[v->nholes++];
			h->vcpu = v;
			h->base = cur;
			if (uc_mmio_map(v->uc, cur, end - cur, hole_read, h, hole_write, h))
				return -EIO;
		}
		if (i < n && used[i].base + used[i].size > cur)
			cur = used[i].base + used[i].size;
	}
	return 0;
}

static int engine_create(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;
	struct span used[GH_SIM_MAX_REGIONS + 2];
	unsigned int i, n = 0, nframes = 0;
	uc_hook h;
	int ret;

	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &v->uc))
		return -EIO;
	for (i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];
		uint32_t prot = 0;

		if (r->flags & GH_SIM_MEM_READ)
			prot |= UC_PROT_READ;
		if (r->flags & GH_SIM_MEM_WRITE)
			prot |= UC_PROT_WRITE;
		if (r->flags & GH_SIM_MEM_EXEC)
			prot |= UC_PROT_EXEC;
		if (uc_mem_map_ptr(v->uc, r->gpa, r->size, prot, r->host))
			return -EIO;
		used[n++] = (struct span){ r->gpa, r->size };
	}
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			nframes = i + 1;
	if (uc_mmio_map(v->uc, GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE, gicd_read, v, gicd_write, v) ||
	    uc_mmio_map(v->uc, GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * nframes, gicr_read, v,
			gicr_write, v))
		return -EIO;
	used[n++] = (struct span){ GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE };
	used[n++] = (struct span){ GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * nframes };
	qsort(used, n, sizeof(used[0]), span_cmp);
	ret = map_holes(v, used, n);
	if (ret)
		return ret;

	if (uc_hook_add(v->uc, &h, UC_HOOK_BLOCK, (void *)hook_block, v, 1, 0) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INTR, (void *)hook_intr, v, 1, 0) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_mrs, v, 1, 0,
			UC_ARM64_INS_MRS) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_msr, v, 1, 0,
			UC_ARM64_INS_MSR) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_MEM_WRITE_PROT, (void *)hook_write_prot, v, 1, 0) ||
	    uc_hook_add(v->uc, &h, UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_FETCH_PROT |
			UC_HOOK_MEM_UNMAPPED, (void *)hook_bad_mem, v, 1, 0))
		return -EIO;

	/* Non-secure EL1 with AArch64 below: SCR_EL3 = NS|RW|HCE|..., HCR_EL2.RW;
	 * EL1 may use the physical timer and counter (CNTHCTL_EL2). */
	if (cp_write(v, 3, 6, 1, 1, 0, 0x531) ||
	    cp_write(v, 3, 4, 1, 1, 0, 1ULL << 31) ||
	    cp_write(v, 3, 4, 14, 1, 0, 3))
		return -EIO;
	cp_write(v, 3, 4, 0, 0, 5, 0x80000000ULL | v->id);	/* VMPIDR_EL2 */
	reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	return 0;
}

/* The CPU as PSCI CPU_ON leaves it: EL1h, DAIF masked, MMU off, x0 = ctx. */
static void cpu_reset(struct gh_sim_vcpu *v, uint64_t entry, uint64_t ctx)
{
	uint64_t sctlr = cp_read(v, 3, 0, 1, 0, 0);

	cp_write(v, 3, 0, 1, 0, 0, sctlr & ~0x1005ULL);	/* M, C, I off */
	v->mmu_on = false;
	reg_write(v, UC_ARM64_REG_PSTATE, PSTATE_EL1H_MASKED);
	reg_write(v, UC_ARM64_REG_X0, ctx);
	reg_write(v, UC_ARM64_REG_PC, entry);
}

static void boot_cpu0(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;
	uint64_t pc = vm->boot_pc_set ? vm->boot_pc : vm->regions[0].gpa;
	unsigned int i;

	cpu_reset(v, pc, vm->dtb_set ? vm->dtb_gpa : 0);
	for (i = 0; i < 31; i++)
		if (vm->boot_x_set & (1U << i))
			reg_write(v, UC_ARM64_REG_X0 + (int)i, vm->boot_x[i]);
	if (vm->boot_sp_set[0])
		reg_write(v, UC_ARM64_REG_SP_EL0, vm->boot_sp[0]);
	if (vm->boot_sp_set[1])
		reg_write(v, UC_ARM64_REG_SP, vm->boot_sp[1]);
}

/* --- the vCPU fiber -------------------------------------------------------------------------------- */

static void vcpu_main(void *arg)
{
	struct gh_sim_vcpu *v = arg;
	struct gh_sim_vm *vm = v->vm;

	for (;;) {
		uint64_t pc;
		uint32_t insn;
		uc_err err;

		if (v->terminate)
			return;
		if (vm_exited(vm)) {
			if (v->faulted)		/* this vCPU ended the VM */
				post(v, GH_VCPU_STATE_FAULT, 0, 0, 0);
			else
				post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
			v->faulted = false;
			yield_to_host(v);
			continue;
		}
		pthread_mutex_lock(&vm->lock);
		clear_kick(v, KICK_STOP);
		if (v->power == POWER_OFF) {
			v->sleeping = true;
			pthread_mutex_unlock(&vm->lock);
			post(v, GH_VCPU_STATE_POWERED_OFF, 0, 0, 0);
			yield_to_host(v);
			continue;
		}
		if (v->power == POWER_ON_PENDING) {
			v->power = POWER_ON;
			pthread_mutex_unlock(&vm->lock);
			cpu_reset(v, v->on_entry, v->on_ctx);
		} else {
			pthread_mutex_unlock(&vm->lock);
		}

		maybe_inject(v);
		v->stop_requested = false;
		v->split_active = false;
		pc = reg_read(v, UC_ARM64_REG_PC);
		v->stats.engine_starts++;
		err = uc_emu_start(v->uc, pc, ~0ULL, 0, 0);
		if (v->terminate)
			return;
		if (v->exc_pending) {
			/* a synchronous exception requested by a hook (the
			 * refused store of a data abort returns WRITE_PROT);
			 * a failed delivery ends the VM */
			if (!vm_exited(vm))
				deliver_sync(v);
			v->exc_pending = false;
			continue;
		}
		if (err == UC_ERR_WRITE_PROT && v->resume_pc_valid && !vm_exited(vm)) {
			v->resume_pc_valid = false;
			reg_write(v, UC_ARM64_REG_PC, v->resume_pc);
			continue;
		}
		if (err != UC_ERR_OK) {
			char what[96];

			if (vm_exited(vm))
				continue;	/* a hook already ended the VM */
			snprintf(what, sizeof(what), "emulator error: %s", uc_strerror(err));
			crash(v, GH_SIM_CRASH_EMULATOR, reg_read(v, UC_ARM64_REG_PC), what);
			park(v);
			return;
		}
		if (v->stop_requested || vm_exited(vm))
			continue;
		/* Unicorn returned by itself: WFI (PC after it) or WFE. */
		pc = reg_read(v, UC_ARM64_REG_PC);
		if (!fetch_insn(v, pc - 4, &insn))
			continue;
		if (insn == INSN_WFE) {
			/* A spin-wait: end the slice so that the vCPU it waits
			 * for gets the VM's execution lock (a hypervisor traps
			 * WFE to yield for the same reason). */
			v->stats.ready_exits++;
			post(v, GH_VCPU_STATE_READY, 0, 0, 0);
			yield_to_host(v);
			continue;
		}
		if (insn != INSN_WFI)
			continue;
		pthread_mutex_lock(&vm->lock);
		if (gh_sim_gic_pending_irq(v) != 1023) {
			pthread_mutex_unlock(&vm->lock);
			continue;
		}
		v->sleeping = true;
		pthread_mutex_unlock(&vm->lock);
		v->stats.wfi_exits++;
		post(v, GH_VCPU_STATE_EXPECTS_WAKEUP, 0, 0, 0);
		yield_to_host(v);
	}
}

/* --- capabilities ------------------------------------------------------------------------------------ */

static int cap_alloc(struct gh_sim *sim, int type, void *obj, struct gh_sim_vm *vm,
		     uint64_t *capid)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_MAX_CAPS; i++) {
		if (sim->caps[i].type)
			continue;
		__atomic_store_n(&sim->caps[i].obj, obj, __ATOMIC_RELAXED);
		sim->caps[i].vm = vm;
		__atomic_store_n(&sim->caps[i].type, type, __ATOMIC_RELEASE);
		*capid = GH_SIM_CAP_BASE + i;
		return 0;
	}
	return -ENOSPC;
}

/*
 * Lock-free (the hot path of every vcpu_run): entries are published with a
 * release store of their type after the object pointer, and cleared only when
 * their VM is destroyed, when no call on them may be in flight.
 */
static void *cap_lookup(struct gh_sim *sim, uint64_t capid, int type)
{
	uint64_t i = capid - GH_SIM_CAP_BASE;

	if (capid < GH_SIM_CAP_BASE || i >= GH_SIM_MAX_CAPS)
		return NULL;
	if (__atomic_load_n(&sim->caps[i].type, __ATOMIC_ACQUIRE) != type)
		return NULL;
	return __atomic_load_n(&sim->caps[i].obj, __ATOMIC_RELAXED);
}

/* --- the execution lock ------------------------------------------------------------------------------ */

/*
 * A FIFO ticket lock: uncontended, one atomic add and one load, no syscall;
 * waiters sleep on the condition of their ticket's slot, and an unlock wakes
 * that of the next ticket only (a broadcast to every waiter made each exit of
 * an 8-vCPU VM wake 7 threads, 6 of them for nothing). The waiter count and
 * the serving counter are a Dekker pair (sequentially consistent): an unlock
 * either sees the waiter and signals, or the waiter sees its turn before
 * sleeping.
 */
_Static_assert(GH_SIM_MAX_VCPUS < GH_SIM_EXEC_SLOTS, "a ticket slot per possible waiter");

static void exec_lock(struct gh_sim_vm *vm)
{
	uint64_t ticket = __atomic_fetch_add(&vm->exec_next, 1, __ATOMIC_SEQ_CST);

	if (__atomic_load_n(&vm->exec_serving, __ATOMIC_SEQ_CST) == ticket)
		return;
	pthread_mutex_lock(&vm->exec_mu);
	__atomic_fetch_add(&vm->exec_waiters, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&vm->exec_serving, __ATOMIC_SEQ_CST) != ticket)
		pthread_cond_wait(&vm->exec_cv[ticket % GH_SIM_EXEC_SLOTS], &vm->exec_mu);
	__atomic_fetch_sub(&vm->exec_waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->exec_mu);
}

static void exec_unlock(struct gh_sim_vm *vm)
{
	uint64_t next = __atomic_add_fetch(&vm->exec_serving, 1, __ATOMIC_SEQ_CST);

	if (!__atomic_load_n(&vm->exec_waiters, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&vm->exec_mu);
	pthread_cond_broadcast(&vm->exec_cv[next % GH_SIM_EXEC_SLOTS]);
	pthread_mutex_unlock(&vm->exec_mu);
}

/* Host side: one entry into the vCPU's fiber. */
static void run_fiber(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;

	exec_lock(vm);
	/* a new entry: the service thread restarts its slice count (only the
	 * exec-lock holder writes run_gen: no read-modify-write needed) */
	__atomic_store_n(&v->run_gen, __atomic_load_n(&v->run_gen, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
	v->contended_tbs = 0;
	/* A KICK_READY left from before this entry is kept: a kick racing
	 * with the caller's last look at immediate_exit must not be lost (a
	 * stale one costs one early READY). */
	__atomic_store_n(&v->running, 1, __ATOMIC_SEQ_CST);
	/* An idle ticker keeps no time slices: wake it to count this one. */
	if (__atomic_load_n(&vm->sim->ticker_idle, __ATOMIC_SEQ_CST))
		wake_ticker(vm->sim);
	gh_sim_fiber_enter(&v->fiber);
	__atomic_store_n(&v->running, 0, __ATOMIC_RELEASE);
	exec_unlock(vm);
}

static void notify_exit(struct gh_sim_vm *vm)
{
	const struct gh_sim_host_ops *h = &vm->sim->host;

	if (!__atomic_load_n(&vm->exit_notify, __ATOMIC_ACQUIRE) ||
	    !__atomic_exchange_n(&vm->exit_notify, 0, __ATOMIC_ACQ_REL))
		return;
	if (h->vm_exited)
		h->vm_exited(h->ctx, vm->vmid, vm->exit_type, vm->crashed, vm->exit_reason,
			     vm->crashed ? 8 : 0, vm->reason_text);
}

/* vcpu_run: x1 = @capid, x2..x4 = @resume, x5 = @x5; on GH_ERROR_OK, @res
 * receives x1..x4. */
static enum gh_error vcpu_run(struct gh_sim *sim, uint64_t capid, const uint64_t resume[3],
			      uint64_t x5, uint64_t res[4])
{
	struct gh_sim_vcpu *v = cap_lookup(sim, capid, 1);
	bool timing = __atomic_load_n(&sim->timing, __ATOMIC_RELAXED);
	uint64_t t0 = 0, in_fiber = 0;
	struct gh_sim_vm *vm;

	if (!v)
		return GH_ERROR_CSPACE_CAP_NULL;
	if (x5)
		return GH_ERROR_ARG_INVAL;
	if (__atomic_exchange_n(&v->in_run, 1, __ATOMIC_ACQ_REL))
		return GH_ERROR_BUSY;
	if (timing)
		t0 = gh_sim_now_ns();
	vm = v->vm;
	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE)) {
		post(v, GH_VCPU_STATE_POWERED_OFF, 0, 0, 0);
	} else if (vm_exited(vm)) {
		post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
	} else {
		if (v->mmio_pending) {
			if (resume[1] > GH_VMMIO_ACTION_FAULT) {
				__atomic_store_n(&v->in_run, 0, __ATOMIC_RELEASE);
				return GH_ERROR_ARG_INVAL;
			}
			v->mmio_pending = false;
		}
		v->resume[0] = resume[0];
		v->resume[1] = resume[1];
		v->resume[2] = resume[2];
		if (timing) {
			uint64_t f0 = gh_sim_now_ns();

			run_fiber(v);
			in_fiber = gh_sim_now_ns() - f0;
			v->stats.ns_guest += in_fiber;
		} else {
			run_fiber(v);
		}
	}
	res[0] = v->exit_state;
	res[1] = v->exit_data[0];
	res[2] = v->exit_data[1];
	res[3] = v->exit_data[2];
	if (timing)
		v->stats.ns_hypervisor += gh_sim_now_ns() - t0 - in_fiber;
	__atomic_store_n(&v->in_run, 0, __ATOMIC_RELEASE);
	notify_exit(vm);
	return GH_ERROR_OK;
}

static enum gh_error vcpu_run_check(struct gh_sim *sim, const struct gh_hypercall_regs *in,
				    struct gh_hypercall_regs *out)
{
	struct gh_sim_vcpu *v = cap_lookup(sim, in->x[1], 1);
	struct gh_sim_vm *vm;

	if (!v)
		return GH_ERROR_CSPACE_CAP_NULL;
	vm = v->vm;
	memset(&out->x[1], 0, 4 * sizeof(out->x[0]));
	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE)) {
		out->x[1] = GH_VCPU_STATE_POWERED_OFF;
	} else if (vm_exited(vm)) {
		out->x[1] = GH_VCPU_STATE_POWERED_OFF;
		out->x[2] = GH_VCPU_POWEROFF_EXITED;
	} else {
		pthread_mutex_lock(&vm->lock);
		if (v->power == POWER_OFF)
			out->x[1] = GH_VCPU_STATE_POWERED_OFF;
		else if (v->sleeping)
			out->x[1] = GH_VCPU_STATE_EXPECTS_WAKEUP;
		else
			out->x[1] = GH_VCPU_STATE_READY;
		pthread_mutex_unlock(&vm->lock);
	}
	return GH_ERROR_OK;
}

static enum gh_error bell_send(struct gh_sim *sim, const struct gh_hypercall_regs *in,
			       struct gh_hypercall_regs *out)
{
	struct gh_sim_doorbell *db;
	struct gh_sim_vm *vm;
	uint64_t old;

	pthread_mutex_lock(&sim->lock);
	if (in->x[1] < GH_SIM_CAP_BASE || in->x[1] - GH_SIM_CAP_BASE >= GH_SIM_MAX_CAPS ||
	    sim->caps[in->x[1] - GH_SIM_CAP_BASE].type != 2) {
		pthread_mutex_unlock(&sim->lock);
		return GH_ERROR_CSPACE_CAP_NULL;
	}
	db = sim->caps[in->x[1] - GH_SIM_CAP_BASE].obj;
	vm = sim->caps[in->x[1] - GH_SIM_CAP_BASE].vm;
	pthread_mutex_unlock(&sim->lock);

	pthread_mutex_lock(&vm->lock);
	old = db->flags;
	db->flags |= in->x[2];
	if (in->x[2] && vm->started && !vm->exited) {
		if (db->level)
			gh_sim_gic_set_line(vm, NULL, db->spi, true);
		else
			gh_sim_gic_pulse(vm, db->spi);
	}
	/* The guest consumes the doorbell by handling the interrupt. */
	db->flags = 0;
	pthread_mutex_unlock(&vm->lock);
	out->x[1] = old;
	return GH_ERROR_OK;
}

void gh_sim_hypercall(struct gh_sim *sim, const struct gh_hypercall_regs *in,
		      struct gh_hypercall_regs *out)
{
	enum gh_error err = GH_ERROR_OK;

	memset(out, 0, sizeof(*out));
	switch ((uint32_t)in->x[0]) {
	case GH_HYPERCALL_HYP_IDENTIFY:
		out->x[0] = GH_API_V1 | GH_API_INFO_IS_64BIT;
		out->x[1] = (1ULL << GH_FEATURE_VCPU) | (1ULL << GH_FEATURE_DOORBELL);
		return;
	case GH_SMCCC_VENDOR_HYP_CALL_UID:
		out->x[0] = GH_UID0;
		out->x[1] = GH_UID1;
		out->x[2] = GH_UID2;
		out->x[3] = GH_UID3;
		return;
	case GH_HYPERCALL_VCPU_RUN:
		err = vcpu_run(sim, in->x[1], &in->x[2], in->x[5], &out->x[1]);
		break;
	case GH_HYPERCALL_VCPU_RUN_CHECK:
		err = vcpu_run_check(sim, in, out);
		break;
	case GH_HYPERCALL_BELL_SEND:
		err = bell_send(sim, in, out);
		break;
	case GH_HYPERCALL_BELL_SET_MASK:
		err = cap_lookup(sim, in->x[1], 2) ? GH_ERROR_OK : GH_ERROR_CSPACE_CAP_NULL;
		break;
	default:
		err = GH_ERROR_UNIMPLEMENTED;
		break;
	}
	out->x[0] = (uint64_t)(int64_t)err;
}

static void backend_call(void *ctx, const struct gh_hypercall_regs *in,
			 struct gh_hypercall_regs *out)
{
	gh_sim_hypercall(ctx, in, out);
}

/* The same vcpu_run as through backend_call, minus the register copies. */
static enum gh_error backend_vcpu_run(void *ctx, uint64_t capid, const uint64_t resume[3],
				      struct gh_hypercall_vcpu_run_resp *resp)
{
	uint64_t res[4];
	enum gh_error err = vcpu_run(ctx, capid, resume, 0, res);

	if (err == GH_ERROR_OK) {
		resp->state = res[0];
		resp->state_data[0] = res[1];
		resp->state_data[1] = res[2];
		resp->state_data[2] = res[3];
	}
	return err;
}

/* --- the service thread: time slices and timers ------------------------------------------------- */

static void tick_vm(struct gh_sim_vm *vm, uint64_t now_ns, uint64_t *next_ns, bool *running)
{
	unsigned int i;

	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE) || vm_exited(vm))
		return;
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];
		struct gh_sim_timer *t[2];
		unsigned int j;

		if (!v)
			continue;
		/* the same entry seen on GH_SIM_SLICE_TICKS ticks: slice over */
		if (__atomic_load_n(&v->running, __ATOMIC_SEQ_CST)) {
			uint64_t gen = __atomic_load_n(&v->run_gen, __ATOMIC_RELAXED);

			*running = true;
			if (gen != v->tick_gen) {
				v->tick_gen = gen;
				v->tick_count = 0;
			} else if (++v->tick_count >= GH_SIM_SLICE_TICKS) {
				set_kick(v, KICK_READY);
			}
		}
		t[0] = &v->vtimer;
		t[1] = &v->ptimer;
		for (j = 0; j < 2; j++) {
			uint64_t due;

			if (!(t[j]->ctl & 1) || (t[j]->ctl & 2) || t[j]->fired)
				continue;
			due = vm->start_ns + t[j]->cval * 16;
			if (t[j]->cval > (~0ULL - vm->start_ns) / 16)
				continue;		/* never, in practice */
			if (now_ns >= due) {
				t[j]->fired = true;
				gh_sim_gic_set_line(vm, v, j ? GH_SIM_PPI_PTIMER : GH_SIM_PPI_VTIMER,
						    true);
			} else if (due < *next_ns) {
				*next_ns = due;
			}
		}
	}
	pthread_mutex_unlock(&vm->lock);
}

/*
 * Time slices need a periodic tick only while some vCPU executes guest code;
 * timers need a wake-up only at their deadline. So an idle simulator (every
 * vCPU in WFI, or in the host) sleeps until the next timer, or until woken:
 * ticker_idle is set (seq_cst) before the vCPUs' running flags are read, and
 * an entry sets running (seq_cst) before reading ticker_idle — one of the two
 * sees the other. A wake-up takes sim->lock, which the ticker holds until its
 * wait releases it, so none is lost.
 */
static void *ticker_main(void *arg)
{
	struct gh_sim *sim = arg;

	pthread_mutex_lock(&sim->lock);
	while (!sim->stopping) {
		uint64_t now = gh_sim_now_ns(), next = UINT64_MAX;
		bool running = false;
		struct timespec ts;
		unsigned int i;

		__atomic_store_n(&sim->ticker_idle, 1, __ATOMIC_SEQ_CST);
		for (i = 0; i < GH_SIM_MAX_VMS; i++)
			if (sim->vms[i])
				tick_vm(sim->vms[i], now, &next, &running);
		if (running) {
			__atomic_store_n(&sim->ticker_idle, 0, __ATOMIC_SEQ_CST);
			if (next > now + GH_SIM_TICK_NS)
				next = now + GH_SIM_TICK_NS;
		}
		if (next == UINT64_MAX) {
			pthread_cond_wait(&sim->tick_cv, &sim->lock);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000000000ULL);
		ts.tv_nsec = (long)(next % 1000000000ULL);
		pthread_cond_timedwait(&sim->tick_cv, &sim->lock, &ts);
	}
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

/* --- public API ----------------------------------------------------------------------------------- */

int gh_sim_create(const struct gh_sim_host_ops *host, struct gh_sim **out)
{
	pthread_condattr_t ca;
	struct gh_sim *sim;

	if (!out)
		return -EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	if (host)
		sim->host = *host;
	sim->be.name = "gunyah-sim";
	sim->be.call = backend_call;
	sim->be.vcpu_run = backend_vcpu_run;
	sim->be.ctx = sim;
	sim->next_vmid = 1;
	sim->next_irq = GH_SIM_IRQ_BASE;
	pthread_mutex_init(&sim->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sim->tick_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&sim->ticker, NULL, ticker_main, sim)) {
		pthread_cond_destroy(&sim->tick_cv);
		pthread_mutex_destroy(&sim->lock);
		free(sim);
		return -ENOMEM;
	}
	*out = sim;
	return 0;
}

void gh_sim_destroy(struct gh_sim *sim)
{
	unsigned int i;

	if (!sim)
		return;
	gh_sim_unregister(sim);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i])
			gh_sim_vm_destroy(sim->vms[i]);
	pthread_mutex_lock(&sim->lock);
	sim->stopping = true;
	pthread_cond_broadcast(&sim->tick_cv);
	pthread_mutex_unlock(&sim->lock);
	pthread_join(sim->ticker, NULL);
	pthread_cond_destroy(&sim->tick_cv);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
}

const struct gh_hypercall_backend *gh_sim_backend(struct gh_sim *sim)
{
	return &sim->be;
}

int gh_sim_register(struct gh_sim *sim)
{
	int ret = gh_hypercall_register_backend(&sim->be);

	if (!ret)
		sim->registered = true;
	return ret;
}

void gh_sim_unregister(struct gh_sim *sim)
{
	if (sim->registered)
		gh_hypercall_unregister_backend(&sim->be);
	sim->registered = false;
}

int gh_sim_vm_create(struct gh_sim *sim, struct gh_sim_vm **out)
{
	struct gh_sim_vm *vm;
	unsigned int i;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->sim = sim;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->exec_mu, NULL);
	for (unsigned int c = 0; c < GH_SIM_EXEC_SLOTS; c++)
		pthread_cond_init(&vm->exec_cv[c], NULL);
	gh_sim_gic_init(vm);
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (!sim->vms[i])
			break;
	if (i == GH_SIM_MAX_VMS) {
		pthread_mutex_unlock(&sim->lock);
		for (unsigned int c = 0; c < GH_SIM_EXEC_SLOTS; c++)
			pthread_cond_destroy(&vm->exec_cv[c]);
		pthread_mutex_destroy(&vm->exec_mu);
		pthread_mutex_destroy(&vm->lock);
		free(vm);
		return -ENOSPC;
	}
	vm->vmid = sim->next_vmid++;
	if (!sim->next_vmid)
		sim->next_vmid = 1;
	sim->vms[i] = vm;
	pthread_mutex_unlock(&sim->lock);
	*out = vm;
	return 0;
}

struct gh_sim_vm *gh_sim_vm_lookup(struct gh_sim *sim, uint16_t vmid)
{
	struct gh_sim_vm *vm = NULL;
	unsigned int i;

	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i] && sim->vms[i]->vmid == vmid)
			vm = sim->vms[i];
	pthread_mutex_unlock(&sim->lock);
	return vm;
}

uint16_t gh_sim_vm_id(const struct gh_sim_vm *vm)
{
	return vm->vmid;
}

void gh_sim_vm_destroy(struct gh_sim_vm *vm)
{
	struct gh_sim *sim = vm->sim;
	unsigned int i;

	if (vm->started)
		gh_sim_vm_stop(vm);
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_CAPS; i++) {
		if (sim->caps[i].vm != vm)
			continue;
		__atomic_store_n(&sim->caps[i].type, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&sim->caps[i].obj, NULL, __ATOMIC_RELAXED);
		sim->caps[i].vm = NULL;
	}
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i] == vm)
			sim->vms[i] = NULL;
	pthread_mutex_unlock(&sim->lock);

	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		/* Let a fiber that is suspended inside Unicorn unwind. */
		if (v->fiber.stack && v->fiber.sp && !v->fiber.finished && v->fiber.host_sp) {
			v->terminate = true;
			set_kick(v, KICK_STOP);
			run_fiber(v);
		}
		gh_sim_fiber_destroy(&v->fiber);
		if (v->uc)
			uc_close(v->uc);
		free(v);
	}
	for (unsigned int c = 0; c < GH_SIM_EXEC_SLOTS; c++)
		pthread_cond_destroy(&vm->exec_cv[c]);
	pthread_mutex_destroy(&vm->exec_mu);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

int gh_sim_vm_add_region(struct gh_sim_vm *vm, uint32_t label, uint64_t gpa,
			 uint64_t size, void *host, uint32_t flags)
{
	unsigned int i;
	int ret = 0;

	if (!size || (gpa | size | (uintptr_t)host) & 4095 || !host ||
	    gpa + size < gpa || gpa + size > GH_SIM_PA_LIMIT ||
	    (flags & ~(GH_SIM_MEM_READ | GH_SIM_MEM_WRITE | GH_SIM_MEM_EXEC)))
		return -EINVAL;
	if (overlaps(gpa, size, GH_SIM_GICD_BASE, GH_SIM_GICD_SIZE) ||
	    overlaps(gpa, size, GH_SIM_GICR_BASE, GH_SIM_GICR_STRIDE * GH_SIM_MAX_VCPUS))
		return -EEXIST;
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
		goto out;
	}
	for (i = 0; i < vm->nregions; i++) {
		if (vm->regions[i].label == label ||
		    overlaps(gpa, size, vm->regions[i].gpa, vm->regions[i].size)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (vm->nregions == GH_SIM_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	/* kept sorted by address: regions[0] is the lowest */
	for (i = vm->nregions; i > 0 && vm->regions[i - 1].gpa > gpa; i--)
		vm->regions[i] = vm->regions[i - 1];
	vm->regions[i] = (struct gh_sim_region){ label, flags, gpa, size, host };
	vm->nregions++;
out:
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_set_dtb(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size)
{
	int ret = 0;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else {
		vm->dtb_gpa = gpa;
		vm->dtb_size = size;
		vm->dtb_set = true;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_set_boot_reg(struct gh_sim_vm *vm, uint32_t set, uint32_t index, uint64_t value)
{
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else if (set == GH_SIM_REG_SET_X && index < 31) {
		vm->boot_x[index] = value;
		vm->boot_x_set |= 1U << index;
	} else if (set == GH_SIM_REG_SET_PC && index == 0) {
		vm->boot_pc = value;
		vm->boot_pc_set = true;
	} else if (set == GH_SIM_REG_SET_SP && index < 2) {
		vm->boot_sp[index] = value;
		vm->boot_sp_set[index] = true;
	} else {
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int gh_sim_vm_add_vcpu(struct gh_sim_vm *vm, uint32_t vcpu_id, uint64_t *capid, uint32_t *irq)
{
	struct gh_sim *sim = vm->sim;
	struct gh_sim_vcpu *v;
	int ret;

	if (vcpu_id >= GH_SIM_MAX_VCPUS)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = vcpu_id;
	gh_sim_gic_cpu_init(v);
	ret = gh_sim_fiber_init(&v->fiber, FIBER_STACK_SIZE, vcpu_main, v);
	if (ret) {
		free(v);
		return ret;
	}
	pthread_mutex_lock(&sim->lock);
	pthread_mutex_lock(&vm->lock);
	if (vm->started) {
		ret = -EBUSY;
	} else if (vm->vcpus[vcpu_id]) {
		ret = -EEXIST;
	} else {
		ret = cap_alloc(sim, 1, v, vm, &v->capid);
		if (!ret) {
			v->irq = sim->next_irq++;
			vm->vcpus[vcpu_id] = v;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	pthread_mutex_unlock(&sim->lock);
	if (ret) {
		gh_sim_fiber_destroy(&v->fiber);
		free(v);
		return ret;
	}
	if (capid)
		*capid = v->capid;
	if (irq)
		*irq = v->irq;
	return 0;
}

int gh_sim_vm_add_doorbell(struct gh_sim_vm *vm, uint32_t label, uint32_t spi, bool level,
			   uint64_t *capid)
{
	struct gh_sim *sim = vm->sim;
	struct gh_sim_doorbell *db;
	unsigned int i;
	int ret = 0;

	if (spi < 32 || spi >= GH_SIM_NR_IRQS)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->ndoorbells; i++)
		if (vm->doorbells[i].label == label)
			ret = -EEXIST;
	if (!ret && vm->ndoorbells == GH_SIM_MAX_DOORBELLS)
		ret = -ENOSPC;
	if (!ret) {
		db = &vm->doorbells[vm->ndoorbells];
		ret = cap_alloc(sim, 2, db, vm, &db->capid);
		if (!ret) {
			db->label = label;
			db->spi = spi;
			db->level = level;
			vm->gic.irq[spi].level = level;
			vm->ndoorbells++;
			if (capid)
				*capid = db->capid;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	pthread_mutex_unlock(&sim->lock);
	return ret;
}

int gh_sim_vm_start(struct gh_sim_vm *vm)
{
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->started)
		ret = -EBUSY;
	else if (!vm->nregions || !vm->vcpus[0])
		ret = -EINVAL;
	pthread_mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	for (i = 0; i < GH_SIM_MAX_VCPUS && !ret; i++)
		if (vm->vcpus[i])
			ret = engine_create(vm->vcpus[i]);
	if (ret)
		return ret;
	boot_cpu0(vm->vcpus[0]);
	pthread_mutex_lock(&vm->lock);
	vm->start_ns = gh_sim_now_ns();
	vm->vcpus[0]->power = POWER_ON;
	__atomic_store_n(&vm->started, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

int gh_sim_vm_stop(struct gh_sim_vm *vm)
{
	if (!vm->started)
		return -EINVAL;
	vm_exit(vm, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED, false, 0, 0, "stopped by the host");
	/* the host asked for it: no vm_exited callback */
	__atomic_store_n(&vm->exit_notify, 0, __ATOMIC_RELEASE);
	return 0;
}

bool gh_sim_vm_exited(struct gh_sim_vm *vm)
{
	return vm_exited(vm);
}

void gh_sim_vm_exit_status(struct gh_sim_vm *vm, uint16_t *type, bool *crashed,
			   char *reason, size_t reason_len)
{
	pthread_mutex_lock(&vm->lock);
	if (type)
		*type = vm->exit_type;
	if (crashed)
		*crashed = vm->crashed;
	if (reason && reason_len)
		snprintf(reason, reason_len, "%s", vm->exited ? vm->reason_text : "");
	pthread_mutex_unlock(&vm->lock);
}

int gh_sim_vm_set_spi(struct gh_sim_vm *vm, uint32_t intid, bool level)
{
	if (intid < 32 || intid >= GH_SIM_NR_IRQS)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	gh_sim_gic_set_line(vm, NULL, intid, level);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

void *gh_sim_vm_host_ptr(struct gh_sim_vm *vm, uint64_t gpa, uint64_t size)
{
	void *p = NULL;
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nregions; i++) {
		const struct gh_sim_region *r = &vm->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size && size <= r->size - (gpa - r->gpa))
			p = r->host + (gpa - r->gpa);
	}
	pthread_mutex_unlock(&vm->lock);
	return p;
}

uint64_t gh_sim_vm_vcpu_capid(struct gh_sim_vm *vm, uint32_t vcpu_id)
{
	uint64_t capid = 0;

	pthread_mutex_lock(&vm->lock);
	if (vcpu_id < GH_SIM_MAX_VCPUS && vm->vcpus[vcpu_id])
		capid = vm->vcpus[vcpu_id]->capid;
	pthread_mutex_unlock(&vm->lock);
	return capid;
}

int gh_sim_vcpu_kick(struct gh_sim *sim, uint64_t capid)
{
	struct gh_sim_vcpu *v = cap_lookup(sim, capid, 1);

	if (!v)
		return -ENOENT;
	set_kick(v, KICK_READY);
	return 0;
}

void gh_sim_set_timing(struct gh_sim *sim, bool on)
{
	__atomic_store_n(&sim->timing, on, __ATOMIC_RELAXED);
}

int gh_sim_vcpu_stats(struct gh_sim *sim, uint64_t capid, struct gh_sim_vcpu_stats *out)
{
	struct gh_sim_vcpu *v = cap_lookup(sim, capid, 1);

	if (!v)
		return -ENOENT;
	*out = v->stats;
	return 0;
}
