/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to sim/: the simulator's objects and their locks.
 *
 * Locks, in the order they nest:
 *   sim->lock      the VM list and the capability table
 *   vm->exec       the VM's execution lock (a FIFO ticket lock): held by the
 *                  host thread that runs one of the VM's vCPU fibers, so guest
 *                  code of one VM never runs on two host threads at once
 *                  (Unicorn's atomics are not atomic across engines)
 *   vm->lock       the VM's state: power states, GIC, timers, exit status
 * The fiber side (hooks) takes only vm->lock, never across a yield.
 */
#ifndef GH_SIM_INTERNAL_H
#define GH_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <gunyah/sim.h>
#include <unicorn/unicorn.h>

#include "decode.h"
#include "fiber.h"

#define GH_SIM_MAX_VMS		32
#define GH_SIM_MAX_CAPS		512
#define GH_SIM_CAP_BASE		0x1000ULL
#define GH_SIM_IRQ_BASE		64
#define GH_SIM_NR_IRQS		(32 + GH_SIM_NR_SPIS)
#define GH_SIM_MAX_HOLES	(2 * GH_SIM_MAX_REGIONS + 8)
#define GH_SIM_ACTIVE_DEPTH	16
#define GH_SIM_TICK_NS		1000000ULL	/* service thread period */
#define GH_SIM_SLICE_TICKS	2		/* slice: 1..2 ticks */
/* While another vCPU of the VM waits for the execution lock, the running one
 * yields after this many translation blocks (tens of microseconds). */
#define GH_SIM_CONTENDED_TBS	4096
#define GH_SIM_DCACHE_SIZE	64		/* decode cache entries (power of 2) */
#define GH_SIM_DCACHE_SPAN	4		/* instructions from scan start to access */

/* vcpu->kick bits: requests to the running fiber, checked at each block */
#define KICK_READY	(1U << 0)	/* return READY to the host */
#define KICK_IRQ	(1U << 1)	/* an interrupt may be deliverable */
#define KICK_STOP	(1U << 2)	/* leave uc_emu_start (power/exit change) */

enum vcpu_power {
	POWER_OFF = 0,
	POWER_ON_PENDING,	/* CPU_ON accepted; the fiber resets the CPU */
	POWER_ON,
};

/* Reason codes in exit_info.reason[0..3] of a crashed VM (little-endian),
 * with reason[4..7] the low 32 bits of the PC. */
enum gh_sim_crash {
	GH_SIM_CRASH_MMIO_NO_SYNDROME	= 1,
	GH_SIM_CRASH_UNDEFINED		= 2,
	GH_SIM_CRASH_EXCEPTION		= 3,
	GH_SIM_CRASH_EMULATOR		= 4,
	GH_SIM_CRASH_VMMIO_FAULT	= 5,
	GH_SIM_CRASH_BAD_MEMORY		= 6,
};

struct gh_sim_irq {
	uint8_t prio;
	bool group1;
	bool enabled;
	bool pending;		/* latched (edge, or software-set) */
	bool active;
	bool level;		/* level-sensitive (ICFGR 0) */
	bool line;		/* input line asserted (level) */
};

struct gh_sim_gic_cpu {
	struct gh_sim_irq irq[32];	/* SGIs and PPIs */
	uint32_t waker;
	uint64_t pmr;
	uint64_t bpr1;
	uint64_t igrpen1;
	uint64_t ctlr;			/* ICC_CTLR_EL1: EOImode (bit 1) */
	uint32_t active[GH_SIM_ACTIVE_DEPTH];	/* acknowledged, priority not dropped */
	unsigned int nactive;
};

struct gh_sim_gic_dist {
	uint32_t ctlr;
	struct gh_sim_irq irq[GH_SIM_NR_IRQS];	/* [32..] used */
	uint64_t irouter[GH_SIM_NR_IRQS];
};

struct gh_sim_timer {
	uint64_t ctl;
	uint64_t cval;
	bool fired;		/* notified since the last reprogramming */
};

struct gh_sim_hole {
	struct gh_sim_vcpu *vcpu;
	uint64_t base;
};

struct gh_sim_region {
	uint32_t label;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

/*
 * A decode cache entry: "an MMIO access found while scanning from @key was
 * made by the load/store @n - 1 instructions later, and the instructions in
 * between access no memory". It is only a hint: a hit re-reads the @n
 * instruction words (through the stage-1 walk when the MMU is on) and must
 * find exactly @words, and the access address must again be computed from
 * the registers and cover the access, so the result is always the one the
 * full scan would give (self-modifying code, code written by the VMM or
 * another vCPU, remapping: the words differ and the scan runs).
 */
struct gh_sim_dcache_entry {
	uint64_t key;			/* VA the scan started at */
	bool valid;
	bool mmu_on;
	uint8_t n;			/* 1..GH_SIM_DCACHE_SPAN */
	const uint32_t *host;		/* MMU off: host address of words[0] */
	uint32_t words[GH_SIM_DCACHE_SPAN];
	struct gh_sim_ldst d;		/* the decode of words[n - 1] */
};

struct gh_sim_vcpu {
	struct gh_sim_vm *vm;
	uint32_t id;
	uint64_t capid;
	uint32_t irq;
	uc_engine *uc;
	struct gh_sim_fiber fiber;
	struct gh_sim_hole holes[GH_SIM_MAX_HOLES];
	unsigned int nholes;

	int in_run;			/* atomic: a vcpu_run is in flight */
	unsigned int kick;		/* atomic: KICK_* */
	int running;			/* atomic: inside the fiber */
	uint64_t run_gen;		/* atomic: counts entries into the fiber */
	uint64_t tick_gen;		/* service thread: run_gen last seen */
	unsigned int tick_count;	/* service thread: ticks run_gen unchanged */
	unsigned int contended_tbs;	/* blocks run this entry while others wait */
	bool terminate;			/* set by destroy before the last entry */

	/* fiber <-> host hand-over (only touched by the exec-lock holder) */
	uint64_t exit_state;
	uint64_t exit_data[3];
	uint64_t resume[3];
	bool mmio_pending;
	bool stop_requested;		/* we called uc_emu_stop */
	bool faulted;
	bool resume_pc_valid;		/* resume at resume_pc after a refused store */
	uint64_t resume_pc;			/* this vCPU crashed the VM: report FAULT */

	/* an 8-byte MMIO access Unicorn split into two 4-byte callbacks */
	bool split_active;
	bool split_write;
	uint64_t split_addr;		/* address of the second half */
	uint64_t split_base;		/* address of the whole access */
	uint64_t split_value;

	/* the instruction of the current MMIO access, when it was found */
	bool acc_decoded;
	uint64_t acc_pc;
	struct gh_sim_ldst acc_d;

	/*
	 * A synchronous exception requested from inside Unicorn (a hook), to be
	 * taken once uc_emu_start has returned: ESR/FAR/ELR as delivered; a
	 * faulted load's transfer register is restored (Unicorn completes the
	 * instruction with the callback's value before it stops).
	 */
	bool exc_pending;
	uint32_t exc_crash;		/* enum gh_sim_crash if it can't be delivered */
	uint64_t exc_esr;
	uint64_t exc_far;
	bool exc_far_valid;
	uint64_t exc_elr;
	int exc_rt;			/* -1: none to restore */
	uint64_t exc_rt_val;
	char exc_what[64];		/* for the crash reason */

	/* locating the instruction of an MMIO access */
	uint64_t tb_start;
	uint64_t scan_pc;
	bool mmu_on;			/* SCTLR_EL1.M as last written */
	struct gh_sim_dcache_entry dcache[GH_SIM_DCACHE_SIZE];

	/* under vm->lock */
	enum vcpu_power power;
	uint64_t on_entry;
	uint64_t on_ctx;
	bool sleeping;			/* told the host EXPECTS_WAKEUP/POWERED_OFF */
	struct gh_sim_timer vtimer;
	struct gh_sim_timer ptimer;
	struct gh_sim_gic_cpu gic;

	struct gh_sim_vcpu_stats stats;
	uint64_t undecoded;		/* MMIO accesses matched to no instruction */
};

struct gh_sim_doorbell {
	uint32_t label;
	uint32_t spi;
	bool level;
	uint64_t capid;
	uint64_t flags;
};

struct gh_sim_vm {
	struct gh_sim *sim;
	uint16_t vmid;
	pthread_mutex_t lock;

	pthread_mutex_t exec_mu;
	/* One condition per ticket slot: an unlock wakes the next ticket's
	 * waiter only (at most GH_SIM_MAX_VCPUS tickets are ever outstanding). */
#define GH_SIM_EXEC_SLOTS	16
	pthread_cond_t exec_cv[GH_SIM_EXEC_SLOTS];
	uint64_t exec_next;		/* atomic */
	uint64_t exec_serving;		/* atomic */
	unsigned int exec_waiters;	/* atomic */

	struct gh_sim_region regions[GH_SIM_MAX_REGIONS];
	unsigned int nregions;
	uint64_t dtb_gpa, dtb_size;
	bool dtb_set;
	uint64_t boot_x[31];
	uint32_t boot_x_set;
	uint64_t boot_pc, boot_sp[2];
	bool boot_pc_set, boot_sp_set[2];

	struct gh_sim_vcpu *vcpus[GH_SIM_MAX_VCPUS];
	struct gh_sim_doorbell doorbells[GH_SIM_MAX_DOORBELLS];
	unsigned int ndoorbells;

	bool started;
	int exited;			/* atomic */
	int exit_notify;		/* atomic: vm_exited callback still owed */
	uint16_t exit_type;
	bool crashed;
	uint8_t exit_reason[8];
	char reason_text[160];

	uint64_t start_ns;
	struct gh_sim_gic_dist gic;
};

struct gh_sim {
	pthread_mutex_t lock;
	pthread_cond_t tick_cv;
	pthread_t ticker;
	/* The ticker sleeps with no period: an entry into guest code must wake
	 * it (see ticker_main). Accessed with seq_cst atomics. */
	int ticker_idle;
	bool timing;			/* atomic: gh_sim_set_timing() */
	bool stopping;
	bool registered;
	struct gh_hypercall_backend be;
	struct gh_sim_host_ops host;
	struct gh_sim_vm *vms[GH_SIM_MAX_VMS];
	uint16_t next_vmid;
	struct {
		int type;		/* 0 free, 1 vCPU, 2 doorbell */
		void *obj;
		struct gh_sim_vm *vm;
	} caps[GH_SIM_MAX_CAPS];
	uint32_t next_irq;
};

/* sim.c */
uint64_t gh_sim_now_ns(void);
uint64_t gh_sim_counter(const struct gh_sim_vm *vm);
/* An interrupt may have become deliverable on @v (vm->lock held): kicks a
 * running vCPU and wakes a sleeping one. */
void gh_sim_vcpu_notify(struct gh_sim_vcpu *v);

/* gic.c, all under vm->lock */
void gh_sim_gic_init(struct gh_sim_vm *vm);
void gh_sim_gic_cpu_init(struct gh_sim_vcpu *v);
uint64_t gh_sim_gicd_read(struct gh_sim_vm *vm, uint64_t off, unsigned int size);
void gh_sim_gicd_write(struct gh_sim_vm *vm, uint64_t off, unsigned int size, uint64_t val);
uint64_t gh_sim_gicr_read(struct gh_sim_vm *vm, uint64_t off, unsigned int size);
void gh_sim_gicr_write(struct gh_sim_vm *vm, uint64_t off, unsigned int size, uint64_t val);
/* ICC_* system registers (key from gh_sim_sysreg_key()): false when @key is
 * not one of them. */
bool gh_sim_icc_access(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val);
/* The INTID that would be signalled to @v now (1023 if none): enabled,
 * pending, not active, group enabled, priority above PMR and running
 * priority. PSTATE.I is not considered (WFI wakes regardless). */
uint32_t gh_sim_gic_pending_irq(struct gh_sim_vcpu *v);
/* Sets or clears the line of SPI/PPI @intid; PPIs of vCPU @v. */
void gh_sim_gic_set_line(struct gh_sim_vm *vm, struct gh_sim_vcpu *v, uint32_t intid, bool level);
/* Latches SPI @intid pending (an edge). */
void gh_sim_gic_pulse(struct gh_sim_vm *vm, uint32_t intid);

#endif /* GH_SIM_INTERNAL_H */
