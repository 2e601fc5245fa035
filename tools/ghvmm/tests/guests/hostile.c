// SPDX-License-Identifier: BSD-3-Clause
/*
 * hostile: a guest that attacks the VMM with what a guest can do, seeded and
 * deterministic (the seed: "hostile.seed=N" in the DTB's bootargs). In turn:
 *  - every width of load and store to every device window, the GIC, holes
 *    and the flash window, with random values;
 *  - every virtio device programmed with hostile rings in a scratch arena:
 *    descriptor loops, buffers in unmapped or device memory, in the DTB,
 *    huge lengths, random flags and indices, random register writes (so
 *    any sector of a read-write disk may be written);
 *  - PSCI with bad arguments: CPU_ON of itself, of absent CPUs, racing
 *    CPU_ON of CPU 1 while it turns itself off, AFFINITY_INFO, FEATURES;
 *  - HVC and SMC with random function ids and arguments (never the calls
 *    that end the VM on purpose);
 *  - random writes to the timers' and the GIC CPU interface's registers;
 *  - at EL0 (ERET to EL0t, its own stack): 2000 operations in random
 *    order: snippets generated in the arena (SVC, HVC, SMC, UDF, BRK with
 *    random imm16, words of the unallocated space, MRS/MSR of random EL1
 *    registers, a list of the GIC's CPU interface, EL1 and EL2 registers),
 *    MMIO of every width, loads and stores through a misaligned SP. The EL1
 *    vectors (hostile_el.S) count each exception by EC and resume after the
 *    instruction; a snippet that did not trap is an escape (el0-escapes,
 *    must stay 0), an SVC whose ESR does not carry its imm16 svc-bad-imm.
 * Then it prints its summary and ends as the seed says: seed % 4 of 0 or 3,
 * PSCI SYSTEM_OFF; 1 (from EL1) or 2 (from EL0), one random access: a load
 * or store pair (offset, pre- or post-index), an exclusive (LDXR, LDAXR,
 * STXR, STLXR, LDXP, of several widths), a SIMD&FP load or store (Q, D, S,
 * H, B, LD1/ST1 of one or two registers, a lane, LD1R), a single register
 * with writeback, DC ZVA, LDAR/STLR/LDTR, an unaligned access of any width,
 * one across the end of a window, of RAM or into RAM, or one above the
 * simulator's 1 TiB of physical addresses; to a random place in a device
 * window or hole. The VM either crashes with a reason (ghvmm exit 5) or the
 * guest survives it (emulated, or its fault delivered and handled) and
 * powers off. IRQs stay masked (the vectors mask any that arrive); RAM is
 * only written in the arena and the DTB.
 */
#include "guest.h"

#define ARENA_BASE    0x48000000UL /* 64 MiB of scratch, needs --mem 256M */
#define ARENA_SIZE    0x04000000UL
#define VIRTIO_BASE   0x0a000000UL
#define VIRTIO_SLOTS  32
#define VIRTIO_STRIDE 0x200UL

static uint64_t rng;
static uint64_t dtb_addr;
static volatile uint32_t secondary_runs;

static uint64_t next(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The number after "hostile.seed=" anywhere in the DTB, or 1. */
static uint64_t find_seed(uint64_t dtb)
{
	static const char key[] = "hostile.seed=";
	const volatile uint8_t *p = (const volatile uint8_t *)dtb;
	uint32_t size;
	uint64_t seed = 0;

	if (!dtb || be32(p) != 0xd00dfeed)
		return 1;
	size = be32(p + 4);
	if (size > (1U << 20))
		size = 1U << 20;
	for (uint32_t i = 0; i + sizeof(key) < size; i++) {
		uint32_t k = 0;

		while (key[k] && p[i + k] == (uint8_t)key[k])
			k++;
		if (key[k])
			continue;
		for (i += k; i < size && p[i] >= '0' && p[i] <= '9'; i++)
			seed = seed * 10 + (p[i] - '0');
		return seed;
	}
	return 1;
}

/* --- loads and stores of every width ------------------------------------------ */

static void access(uint64_t addr, unsigned int width, bool write, uint64_t v)
{
	switch (width) {
	case 1:
		if (write)
			__asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
		else
			__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 2:
		if (write)
			__asm__ volatile("strh %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
		else
			__asm__ volatile("ldrsh %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
		break;
	case 4:
		if (write)
			__asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
		else
			__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
		break;
	default:
		if (write)
			__asm__ volatile("str %0, [%1]" ::"r"(v), "r"(addr) : "memory");
		else
			__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
		break;
	}
}

struct window {
	uint64_t base, size;
	bool writes; /* random writes allowed (not where they would steer DMA) */
};

static const struct window windows[] = {
	{ 0x09000000UL, 0x1000, true },                      /* PL011 */
	{ 0x09010000UL, 0x1000, true },                      /* PL031 */
	{ VIRTIO_BASE, VIRTIO_SLOTS *VIRTIO_STRIDE, false }, /* virtio: reads only */
	{ 0x08000000UL, 0x10000, true },                     /* GIC distributor */
	{ 0x080a0000UL, 0x40000, true },                     /* GIC redistributors of 2 CPUs */
	{ 0x080e0000UL, 0x20000, true },                     /* a redistributor that is not there */
	{ 0x00000000UL, 0x08000000UL, true },                /* the flash window, empty here */
	{ 0x0c000000UL, 0x34000000UL, true },                /* the hole below RAM */
	{ 0x8000000000UL, 0x100000, true },                  /* far above RAM */
};

static unsigned int mmio_storm(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct window *w = &windows[below(sizeof(windows) / sizeof(windows[0]))];
		unsigned int width = 1U << below(4);
		uint64_t off = below(w->size) & ~(uint64_t)(width - 1);
		bool write = w->writes && (next() & 1);

		access(w->base + off, width, write, next());
	}
	return n;
}

/* --- virtio with hostile rings -------------------------------------------------- */

#define VIRTIO_MAGIC               0x000
#define VIRTIO_DEVICE_ID           0x008
#define VIRTIO_DEVICE_FEATURES     0x010
#define VIRTIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_DRIVER_FEATURES     0x020
#define VIRTIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_QUEUE_SEL           0x030
#define VIRTIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_QUEUE_NUM           0x038
#define VIRTIO_QUEUE_READY         0x044
#define VIRTIO_QUEUE_NOTIFY        0x050
#define VIRTIO_INTERRUPT_ACK       0x064
#define VIRTIO_STATUS              0x070
#define VIRTIO_QUEUE_DESC          0x080
#define VIRTIO_QUEUE_AVAIL         0x090
#define VIRTIO_QUEUE_USED          0x0a0
#define VIRTIO_CONFIG              0x100

static void vw(uint64_t slot, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(slot + reg) = v;
}

static uint32_t vr(uint64_t slot, uint32_t reg)
{
	return *(volatile uint32_t *)(slot + reg);
}

static void vw64(uint64_t slot, uint32_t reg, uint64_t v)
{
	vw(slot, reg, (uint32_t)v);
	vw(slot, reg + 4, (uint32_t)(v >> 32));
}

/* An address a buffer or ring may name: in the arena, the DTB, device
 * memory, a hole, past RAM's end, or one that wraps. */
static uint64_t hostile_addr(void)
{
	switch (below(8)) {
	case 0:
	case 1:
	case 2:
		return ARENA_BASE + below(ARENA_SIZE);
	case 3:
		return dtb_addr + below(0x1000);
	case 4:
		return 0x09000000UL + below(0x2000); /* the UART and RTC */
	case 5:
		return 0x0c000000UL + below(0x1000000);
	case 6:
		return 0x50000000UL - below(0x100); /* straddles RAM's end */
	default:
		return ~(uint64_t)0 - below(0x1000);
	}
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static bool in_arena(uint64_t addr, uint64_t len)
{
	return addr >= ARENA_BASE && len <= ARENA_SIZE && addr - ARENA_BASE <= ARENA_SIZE - len;
}

/* Queue @num of the selected queue: the registers always, whatever @num; the
 * rings themselves only when they lie in the arena. */
static void hostile_ring(uint64_t slot, uint32_t num)
{
	/* Rings in the arena, at random (sometimes unaligned) places. */
	uint64_t desc = ARENA_BASE + (below(ARENA_SIZE / 2) & ~(uint64_t)(next() & 1 ? 15 : 0));
	uint64_t avail = desc + 16 * (uint64_t)num + below(64);
	uint64_t used = avail + 6 + 2 * (uint64_t)num + below(64);
	volatile struct desc *d = (volatile struct desc *)desc;
	volatile uint16_t *a = (volatile uint16_t *)avail;

	if (below(8) == 0) {
		/* now and then rings anywhere */
		desc = hostile_addr();
		avail = hostile_addr();
		used = hostile_addr();
	}
	vw(slot, VIRTIO_QUEUE_NUM, num);
	vw64(slot, VIRTIO_QUEUE_DESC, desc);
	vw64(slot, VIRTIO_QUEUE_AVAIL, avail);
	vw64(slot, VIRTIO_QUEUE_USED, used);
	vw(slot, VIRTIO_QUEUE_READY, 1);
	if (!in_arena(desc, 16 * (uint64_t)num) || !in_arena(avail, 6 + 2 * (uint64_t)num) ||
	    !in_arena(used, 6 + 8 * (uint64_t)num))
		goto notify;
	for (uint32_t i = 0; i < num && i < 64; i++) {
		d[i].addr = hostile_addr();
		d[i].len = below(4) == 0 ? 0xffffffffU : (uint32_t)below(0x2000);
		d[i].flags = (uint16_t)below(8);                   /* NEXT, WRITE, INDIRECT */
		d[i].next = (uint16_t)(below(4) ? below(num) : i); /* loops to itself too */
		a[2 + i] = (uint16_t)(below(8) ? below(num) : next());
	}
	a[0] = (uint16_t)below(2);                             /* flags */
	a[1] = (uint16_t)(below(8) ? below(num + 1) : next()); /* idx, sometimes far ahead */
notify:
	for (unsigned int k = 0; k < 3; k++)
		vw(slot, VIRTIO_QUEUE_NOTIFY, (uint32_t)below(4));
	vw(slot, VIRTIO_INTERRUPT_ACK, (uint32_t)next());
}

static unsigned int virtio_attack(unsigned int rounds)
{
	unsigned int devices = 0;

	for (uint64_t s = 0; s < VIRTIO_SLOTS; s++) {
		uint64_t slot = VIRTIO_BASE + s * VIRTIO_STRIDE;

		if (vr(slot, VIRTIO_MAGIC) != 0x74726976 || !vr(slot, VIRTIO_DEVICE_ID))
			continue;
		devices++;
		for (unsigned int r = 0; r < rounds; r++) {
			uint32_t max;

			vw(slot, VIRTIO_STATUS, 0);
			vw(slot, VIRTIO_STATUS, 1 | 2); /* ACKNOWLEDGE, DRIVER */
			for (uint32_t sel = 0; sel < 3; sel++) {
				vw(slot, VIRTIO_DEVICE_FEATURES_SEL, sel);
				(void)vr(slot, VIRTIO_DEVICE_FEATURES);
				vw(slot, VIRTIO_DRIVER_FEATURES_SEL, sel);
				vw(slot, VIRTIO_DRIVER_FEATURES, (uint32_t)next());
			}
			vw(slot, VIRTIO_STATUS, (uint32_t)(below(4) ? 1 | 2 | 8 : next()));
			vw(slot, VIRTIO_QUEUE_SEL, (uint32_t)(below(4) ? below(2) : next()));
			max = vr(slot, VIRTIO_QUEUE_NUM_MAX);
			hostile_ring(slot, below(4) ? 1 + (uint32_t)below(max ? max : 1) :
			                              (uint32_t)next());
			vw(slot, VIRTIO_STATUS, 1 | 2 | 4 | 8); /* DRIVER_OK */
			hostile_ring(slot, 1 + (uint32_t)below(max ? max : 1));
			for (unsigned int k = 0; k < 8; k++) {
				uint32_t reg = (uint32_t)below(0x200) & ~3U;

				/* any register but the ring addresses, which steer DMA */
				if (reg < VIRTIO_QUEUE_DESC || reg >= VIRTIO_QUEUE_USED + 8)
					access(slot + reg, 4, true, next());
			}
			(void)vr(slot, VIRTIO_CONFIG + ((uint32_t)below(0x100) & ~3U));
		}
		vw(slot, VIRTIO_STATUS, 0);
	}
	return devices;
}

/* --- PSCI, HVC and SMC ------------------------------------------------------------ */

static int64_t smc_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t r0 __asm__("x0") = x0;
	register uint64_t r1 __asm__("x1") = x1;
	register uint64_t r2 __asm__("x2") = x2;
	register uint64_t r3 __asm__("x3") = x3;

	__asm__ volatile("smc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	return (int64_t)r0;
}

static int64_t hvc_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t r0 __asm__("x0") = x0;
	register uint64_t r1 __asm__("x1") = x1;
	register uint64_t r2 __asm__("x2") = x2;
	register uint64_t r3 __asm__("x3") = x3;

	__asm__ volatile("hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	return (int64_t)r0;
}

extern char _start[];

#define PSCI_AFFINITY_INFO 0xc4000004U
#define PSCI_MIGRATE       0xc4000005U
#define PSCI_FEATURES      0x8400000aU
#define PSCI_AFFINITY_OFF  1

static unsigned int psci_calls;

static int64_t psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	psci_calls++;
	return psci_call(fn, a1, a2, a3);
}

static unsigned int psci_attack(void)
{
	psci(PSCI_VERSION, 0, 0, 0);
	psci(PSCI_CPU_ON, 0, (uint64_t)_start, 0); /* itself: ALREADY_ON */
	for (unsigned int i = 0; i < 16; i++) {
		/* absent CPUs, odd affinities, entries nowhere */
		psci(PSCI_CPU_ON, (2 + below(254)) | (below(2) << 8), next(), next());
		psci(PSCI_MIGRATE, next(), 0, 0);
		psci(PSCI_AFFINITY_INFO, next(), next(), 0);
		psci(PSCI_FEATURES, (uint32_t)next(), 0, 0);
	}
	/* CPU 1 turns itself off as soon as it is on: turn it on, race more
	 * CPU_ONs and AFFINITY_INFOs against its CPU_OFF, wait until it is off
	 * (WFE hands it the CPU), again. */
	for (unsigned int round = 0; round < 20; round++) {
		psci(PSCI_CPU_ON, 1, (uint64_t)_start, round);
		for (unsigned int i = 0; i < 100000; i++) {
			if (below(2))
				psci(PSCI_CPU_ON, 1, (uint64_t)_start, round);
			if (psci(PSCI_AFFINITY_INFO, 1, 0, 0) == PSCI_AFFINITY_OFF)
				break;
			__asm__ volatile("wfe");
		}
	}
	return psci_calls;
}

/* The calls that end or stop the VM, or this CPU, on purpose. */
static bool ends_something(uint32_t fid)
{
	switch (fid & ~0x40000000U) { /* SMC32 and SMC64 alike */
	case 0x84000001:              /* CPU_SUSPEND */
	case 0x84000002:              /* CPU_OFF */
	case 0x84000008:              /* SYSTEM_OFF */
	case 0x84000009:              /* SYSTEM_RESET */
	case 0x8400000b:              /* CPU_FREEZE */
	case 0x8400000c:              /* CPU_DEFAULT_SUSPEND */
	case 0x8400000e:              /* SYSTEM_SUSPEND */
	case 0x84000012:              /* SYSTEM_RESET2 */
		return true;
	default:
		return false;
	}
}

static unsigned int random_calls(unsigned int n)
{
	static const uint32_t classes[] = { 0x00000000, 0x80000000, 0xc0000000, 0xc6000000,
		                            0x84000000, 0x86000000, 0xbf000000 };
	unsigned int made = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t cls = classes[below(sizeof(classes) / sizeof(classes[0]))];
		uint32_t fid = cls ? cls | (uint32_t)below(0x10000) : (uint32_t)next();

		if (ends_something(fid))
			continue;
		if (next() & 1)
			hvc_call(fid, next(), next(), next());
		else
			smc_call(fid, next(), next(), next());
		made++;
	}
	return made;
}

/* --- timers and the GIC CPU interface -------------------------------------------- */

static unsigned int sysreg_attack(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t v = next();

		switch (below(10)) {
		case 0:
			__asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(v & 7));
			break;
		case 1:
			__asm__ volatile("msr cntv_cval_el0, %0" ::"r"(v));
			break;
		case 2:
			__asm__ volatile("msr cntv_tval_el0, %0" ::"r"(v));
			break;
		case 3:
			__asm__ volatile("msr cntp_ctl_el0, %0" ::"r"(v & 7));
			break;
		case 4:
			__asm__ volatile("msr cntp_cval_el0, %0" ::"r"(v));
			break;
		case 5:
			__asm__ volatile("msr S3_0_C4_C6_0, %0" ::"r"(v & 0xff)); /* ICC_PMR_EL1 */
			break;
		case 6:
			__asm__ volatile("msr S3_0_C12_C11_5, %0" ::"r"(v)); /* ICC_SGI1R_EL1 */
			break;
		case 7:
			__asm__ volatile("msr S3_0_C12_C12_1, %0" ::"r"(v)); /* ICC_EOIR1_EL1 */
			break;
		case 8:
			__asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(v)); /* ICC_IAR1_EL1 */
			break;
		default:
			__asm__ volatile("msr S3_0_C12_C11_1, %0" ::"r"(v)); /* ICC_DIR_EL1 */
			break;
		}
	}
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tmsr cntp_ctl_el0, xzr\n\tisb");
	return n;
}

/* --- exceptions, and EL0 ------------------------------------------------------------- */

extern char hostile_vectors[], hostile_el0_return[], hostile_forms[], hostile_forms_end[];
void hostile_enter_el0(void (*fn)(uint64_t), uint64_t arg, uint64_t sp);

#define EL0_CODE  (ARENA_BASE + ARENA_SIZE - 0x10000) /* 8-byte snippets */
#define EL0_STACK (ARENA_BASE + ARENA_SIZE - 0x20000)
#define EL0_SLOTS 512

enum snippet {
	SN_SVC,
	SN_HVC,
	SN_SMC,
	SN_UDF,
	SN_BRK,
	SN_UNALLOC,
	SN_MRS_EL1,
	SN_MSR_EL1,
	SN_LISTED,
	SN_KINDS
};

static const char *const snippet_names[] = { "svc",         "hvc",     "smc",     "udf",   "brk",
	                                     "unallocated", "mrs-el1", "msr-el1", "listed" };

/* System registers EL0 may not touch (MRS/MSR x9): the GIC's CPU interface,
 * the EL1 state, the EL1 timer control. */
static const uint32_t el0_listed[] = {
	0xd538cc09, /* mrs x9, icc_iar1_el1 */
	0xd518cba9, /* msr icc_sgi1r_el1, x9 */
	0xd518cc29, /* msr icc_eoir1_el1, x9 */
	0xd518c6a9, /* msr icc_pmr_el1 ... (S3_0_C4_C6_0), x9 */
	0xd5381009, /* mrs x9, sctlr_el1 */
	0xd518c009, /* msr vbar_el1, x9 */
	0xd538e109, /* mrs x9, cntkctl_el1 */
	0xd5384029, /* mrs x9, elr_el1 */
	0xd5380009, /* mrs x9, midr_el1 */
	0xd51c4009, /* msr spsr_el2, x9 */
	0xd53800a9, /* mrs x9, mpidr_el1 */
};

static uint32_t slot_insn[EL0_SLOTS];
static uint8_t slot_kind[EL0_SLOTS];
static volatile int32_t expect_svc = -1;
static volatile uint32_t trapped, el0_syncs, el1_syncs, async_exc, svc_bad_imm, escapes;
static uint32_t by_kind[SN_KINDS], ec_seen[64];
static uint32_t first_escape;

static void bad_end(const char *why, uint64_t v)
{
	uart_init();
	uart_puts("hostile: ");
	uart_puts(why);
	uart_put_uint(v);
	uart_puts("\n");
	psci_system_off();
}

/* Every synchronous exception: counted; resume after the instruction (an
 * SVC's ELR is past it already), or 0: back from EL0 to EL1. */
uint64_t hostile_sync(uint64_t esr, uint64_t elr, uint64_t far, uint64_t from_el0)
{
	uint32_t ec = (uint32_t)(esr >> 26) & 0x3f;

	(void)far;
	ec_seen[ec]++;
	if (++*(from_el0 ? &el0_syncs : &el1_syncs) > 100000)
		bad_end("exception storm, ESR ", esr);
	if (from_el0 && ec == 0x15 && elr == (uint64_t)hostile_el0_return + 4)
		return 0;
	trapped++;
	switch (ec) {
	case 0x15: /* SVC */
		if (expect_svc < 0 || (esr & 0xffff) != (uint32_t)expect_svc)
			svc_bad_imm++;
		return elr;
	case 0x20: /* instruction aborts, PC alignment: nowhere to go on */
	case 0x21:
	case 0x22:
		if (from_el0)
			return 0;
		bad_end("instruction abort at EL1, ESR ", esr);
		return 0;
	default:
		return elr + 4;
	}
}

void hostile_async(uint64_t kind)
{
	(void)kind;
	async_exc++;
}

static uint32_t snippet(enum snippet k)
{
	uint32_t imm = (uint32_t)below(0x10000);

	switch (k) {
	case SN_SVC:
		return 0xd4000001U | imm << 5;
	case SN_HVC:
		return 0xd4000002U | imm << 5;
	case SN_SMC:
		return 0xd4000003U | imm << 5;
	case SN_UDF:
		return imm;
	case SN_BRK:
		return 0xd4200000U | imm << 5;
	case SN_UNALLOC:
		/* op0 0b00xx: reserved, unallocated or SVE (absent) */
		return (uint32_t)next() & ~(3U << 27);
	case SN_MRS_EL1:
	case SN_MSR_EL1:
		/* op0 2 or 3, op1 0 (EL1), any CRn, CRm, op2; Rt x9 */
		return (k == SN_MRS_EL1 ? 0xd5300000U : 0xd5100000U) | (uint32_t)below(2) << 19 |
		       (uint32_t)below(0x800) << 5 | 9;
	default:
		return el0_listed[below(sizeof(el0_listed) / sizeof(el0_listed[0]))];
	}
}

/* The snippets, each its instruction then RET, for EL0 to call. */
static void make_snippets(void)
{
	volatile uint32_t *code = (volatile uint32_t *)EL0_CODE;

	for (unsigned int i = 0; i < EL0_SLOTS; i++) {
		slot_kind[i] = (uint8_t)below(SN_KINDS);
		slot_insn[i] = snippet((enum snippet)slot_kind[i]);
		code[2 * i] = slot_insn[i];
		code[2 * i + 1] = 0xd65f03c0; /* ret */
	}
	__asm__ volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

/* At EL0: the snippets, MMIO, a misaligned SP, in a random order. */
static void el0_main(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t slot = below(EL0_SLOTS), k = below(8);

		if (k < 5) {
			uint32_t before = trapped;

			expect_svc = slot_kind[slot] == SN_SVC ?
			                     (int32_t)(slot_insn[slot] >> 5 & 0xffff) :
			                     -1;
			((void (*)(void))(EL0_CODE + 8 * slot))();
			expect_svc = -1;
			by_kind[slot_kind[slot]]++;
			/* all but the unallocated space must trap (SVE and the
			 * rest of it too: this CPU has neither) */
			if (trapped == before && escapes++ == 0)
				first_escape = slot_insn[slot];
		} else if (k < 7) {
			const struct window *w =
				&windows[below(sizeof(windows) / sizeof(windows[0]))];
			unsigned int width = 1U << below(4);

			access(w->base + (below(w->size) & ~(uint64_t)(width - 1)), width,
			       w->writes && (next() & 1), next());
		} else {
			uint64_t skew = 1 + below(15);

			__asm__ volatile("mov x9, sp\n\t"
			                 "sub x10, x9, %0\n\t"
			                 "mov sp, x10\n\t"
			                 "ldr x11, [sp]\n\t"
			                 "str x11, [sp]\n\t"
			                 "mov sp, x9" ::"r"(skew)
			                 : "x9", "x10", "x11", "memory");
		}
	}
}

static unsigned int el0_attack(unsigned int n)
{
	make_snippets();
	hostile_enter_el0(el0_main, n, EL0_STACK);
	return n;
}

/* --- the end: one access no hypervisor can emulate, or one that it may -------------- */

static const char *const form_names[] = {
	"ldp w",           "ldp x",    "stp w",  "stp x",          "ldp pre-index",
	"stp post-index",  "ldpsw",    "ldxr x", "ldxrb",          "ldaxr w",
	"stxr x",          "stlxrh",   "ldxp",   "ldr q",          "str q",
	"ldr d",           "str s",    "ldr h",  "str b",          "ld1 16b",
	"st1 2x2d",        "ld1 lane", "ld1r",   "ldr post-index", "str pre-index",
	"ldr q pre-index", "dc zva",   "ldar",   "stlr",           "ldtr",
};

struct ending {
	const char *what;
	unsigned int form; /* a hostile_forms slot, or ~0U: access() */
	uint64_t addr;
	unsigned int width;
	bool write, el0;
};

static struct ending the_end;

static void end_access(uint64_t unused)
{
	(void)unused;
	if (the_end.form != ~0U)
		((void (*)(uint64_t, uint64_t, uint64_t))(hostile_forms + 16 * the_end.form))(
			the_end.addr, next(), next());
	else
		access(the_end.addr, the_end.width, the_end.write, next());
}

static void choose_end(uint64_t seed)
{
	unsigned int forms = (unsigned int)(hostile_forms_end - hostile_forms) / 16;
	const struct window *w = &windows[below(sizeof(windows) / sizeof(windows[0]))];
	uint64_t off = below(w->size);
	static const uint64_t far[] = { 0x10000000000UL, 0x100000000000UL, 0x1000000000000UL,
		                        0xfffffffffffff000UL };

	if (below(2))
		off &= ~15UL;
	the_end.addr = w->base + off;
	the_end.form = ~0U;
	the_end.width = 1U << below(4);
	the_end.write = next() & 1;
	the_end.el0 = seed % 4 == 2;
	switch (seed % 4 == 0 || seed % 4 == 3 ? 99 : below(8)) {
	case 99:
		the_end.what = 0;
		break;
	case 0:
		/* unaligned, every width */
		the_end.what = "an unaligned access";
		the_end.addr = w->base + (below(w->size) | 1);
		break;
	case 1:
		/* across the end of a window, of RAM, into RAM */
		the_end.what = "an access across a boundary";
		the_end.width = 2U << below(3);
		the_end.addr = (below(3) == 0 ? 0x40000000UL :
		                below(2)      ? 0x50000000UL :
		                                w->base + w->size) -
		               1 - below(the_end.width - 1);
		break;
	case 2:
		/* above the simulator's 1 TiB of physical addresses */
		the_end.what = "an access far above RAM";
		the_end.addr = far[below(4)] + below(0x1000);
		break;
	default:
		the_end.form = (unsigned int)below(forms);
		the_end.what = form_names[the_end.form];
		break;
	}
}

/* --- the run ---------------------------------------------------------------------------- */

static void say(const char *what, uint64_t n)
{
	uart_puts(what);
	uart_put_uint(n);
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t seed;
	unsigned int mmio, devices, psci, calls, sysregs, el0;

	if (cpu != 0) {
		/* CPU 1, turned on by psci_attack(): a few reads, then off. */
		__atomic_add_fetch(&secondary_runs, 1, __ATOMIC_RELAXED);
		for (unsigned int i = 0; i < 16; i++)
			(void)*(volatile uint32_t *)(0x09000000UL + 0x18); /* UART FR */
		psci_call(PSCI_CPU_OFF, 0, 0, 0);
		for (;;)
			wfi();
	}
	dtb_addr = x0;
	seed = find_seed(x0);
	rng = seed;
	uart_init();
	__asm__ volatile("msr vbar_el1, %0\n\t"
	                 "msr cpacr_el1, %1\n\t" /* FP and SIMD */
	                 "isb" ::"r"(hostile_vectors),
	                 "r"(3UL << 20));
	uart_puts("hostile: seed ");
	uart_put_uint(seed);
	uart_puts("\n");

	mmio = mmio_storm(4000);
	devices = virtio_attack(8);
	psci = psci_attack();
	calls = random_calls(2000);
	sysregs = sysreg_attack(500);
	mmio += mmio_storm(1000);
	el0 = el0_attack(2000);

	uart_init(); /* whatever the storm left in CR and LCR_H */
	say("hostile: done: mmio ", mmio);
	say(" virtio-devices ", devices);
	say(" psci ", psci);
	say(" cpu1-runs ", secondary_runs);
	say(" calls ", calls);
	say(" sysregs ", sysregs);
	say(" el0-ops ", el0);
	say(" el0-exceptions ", el0_syncs);
	say(" el1-exceptions ", el1_syncs);
	say(" async ", async_exc);
	say(" svc-bad-imm ", svc_bad_imm);
	say(" el0-escapes ", escapes);
	say(" first-escape ", first_escape);
	uart_puts("\nhostile: by kind");
	for (unsigned int k = 0; k < SN_KINDS; k++) {
		uart_puts(" ");
		uart_puts(snippet_names[k]);
		say(" ", by_kind[k]);
	}
	uart_puts("\nhostile: by EC");
	for (unsigned int ec = 0; ec < 64; ec++)
		if (ec_seen[ec]) {
			say(" ", ec);
			say(":", ec_seen[ec]);
		}
	uart_puts("\n");
	choose_end(seed);
	if (!the_end.what) {
		uart_puts("hostile: ending with SYSTEM_OFF\n");
		psci_system_off();
	}
	uart_puts("hostile: ending with ");
	uart_puts(the_end.what);
	say(" at ", the_end.addr);
	say(" width ", the_end.width);
	uart_puts(the_end.write ? " write" : " read");
	uart_puts(the_end.el0 ? " from EL0\n" : " from EL1\n");
	if (the_end.el0)
		hostile_enter_el0(end_access, 0, EL0_STACK);
	else
		end_access(0);
	uart_init();
	uart_puts("hostile: survived the end\n");
	psci_system_off();
}
