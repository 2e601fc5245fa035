// SPDX-License-Identifier: BSD-3-Clause
/*
 * The engine alone: runs a single-CPU benchmark guest ELF on one bare
 * Unicorn engine with no simulator, cores or VMM around it. RAM is one
 * uc_mem_map_ptr region; the PL011 is a uc_mmio_map region whose callbacks
 * keep the registers in an array (FR reads as TX empty, DR writes go to
 * stdout); HVC answers PSCI_VERSION and ends the run on SYSTEM_OFF. This is
 * the ceiling the whole stack is compared with, for the same guest and the
 * same access pattern.
 *
 *   raw_unicorn GUEST.elf [RAM_MIB]
 *
 * Experiments (sim/README.md, "Performance"), off by default:
 *   RAW_BLOCK_HOOK=1     add a UC_HOOK_BLOCK doing what the simulator's
 *                        block hook does on its fast path (two stores, two
 *                        loads): the cost of a per-block hook alone.
 *   RAW_ASYNC_STOP_US=N  a second thread calls uc_emu_stop() every N µs and
 *                        the run resumes from the PC uc_emu_start returned
 *                        with: whether an asynchronous stop is exact.
 *   RAW_STOP_AT_BLOCK=1  with RAW_ASYNC_STOP_US, stop with
 *                        uc_emu_stop_at_block() (third_party/unicorn's
 *                        patch; the run fails without it) instead.
 *   RAW_CHECK_MMIO_PC=1  in each PL011 callback, read the PC and count the
 *                        accesses where the instruction there is not a load
 *                        or store: whether the PC in an MMIO callback is
 *                        exact.
 *
 * stdout: the guest's console. stderr: one line
 *   raw_unicorn: mmio_accesses N seconds S
 * Exit status 0 when the guest powered off, 1 otherwise.
 */
#include <dlfcn.h>
#include <elf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <unicorn/unicorn.h>

#define RAM_BASE        0x40000000ULL
#define UART_BASE       0x09000000ULL
#define PSCI_VERSION    0x84000000ULL
#define PSCI_SYSTEM_OFF 0x84000008ULL

static uint32_t uart_regs[0x1000 / 4];
static uint64_t accesses;
static int powered_off;

/* RAW_CHECK_MMIO_PC: the guest's RAM and how many callbacks saw a wrong PC */
static struct {
	int on;
	uint8_t *ram;
	uint64_t ram_size, wrong;
} pc_check;

static int is_load_store(uint32_t insn)
{
	return (insn & 0x0a000000u) == 0x08000000u;
}

static void check_pc(uc_engine *uc)
{
	uint64_t pc;
	uint32_t insn;

	uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
	if (pc < RAM_BASE || pc - RAM_BASE > pc_check.ram_size - 4) {
		pc_check.wrong++;
		return;
	}
	memcpy(&insn, pc_check.ram + (pc - RAM_BASE), 4);
	if (!is_load_store(insn))
		pc_check.wrong++;
}

/* RAW_BLOCK_HOOK: the simulator's per-block work on its fast path */
static struct {
	uint64_t tb_start, scan_pc;
	unsigned int waiters, kick;
} blk;

static void block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *u)
{
	(void)uc;
	(void)size;
	(void)u;
	blk.tb_start = addr;
	blk.scan_pc = addr;
	if (__builtin_expect(__atomic_load_n(&blk.waiters, __ATOMIC_RELAXED) != 0, 0))
		blk.tb_start = 0;
	if (__builtin_expect(__atomic_load_n(&blk.kick, __ATOMIC_ACQUIRE) != 0, 0))
		blk.scan_pc = 0;
}

/* RAW_ASYNC_STOP_US: stops from another thread */
static struct {
	uc_engine *uc;
	unsigned long period_us;
	int done;
	uint64_t stops;
	uc_err (*stop)(uc_engine *uc);
} async_stop;

static void *stopper(void *arg)
{
	struct timespec ts;

	(void)arg;
	ts.tv_sec = (time_t)(async_stop.period_us / 1000000);
	ts.tv_nsec = (long)(async_stop.period_us % 1000000) * 1000;
	while (!__atomic_load_n(&async_stop.done, __ATOMIC_ACQUIRE)) {
		nanosleep(&ts, NULL);
		async_stop.stop(async_stop.uc);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t uart_read(uc_engine *uc, uint64_t off, unsigned int size, void *u)
{
	(void)uc;
	(void)size;
	(void)u;
	accesses++;
	if (pc_check.on)
		check_pc(uc);
	if (off == 0x18)
		return 0x90; /* FR: TXFE | RXFE */
	return off < sizeof(uart_regs) ? uart_regs[off / 4] : 0;
}

static void uart_write(uc_engine *uc, uint64_t off, unsigned int size, uint64_t v, void *u)
{
	(void)uc;
	(void)size;
	(void)u;
	accesses++;
	if (pc_check.on)
		check_pc(uc);
	if (off == 0)
		putchar((int)(v & 0xff));
	else if (off < sizeof(uart_regs))
		uart_regs[off / 4] = (uint32_t)v;
}

static void intr(uc_engine *uc, uint32_t intno, void *u)
{
	uint64_t x0;

	(void)u;
	if (intno != 11) { /* only HVC is expected */
		fprintf(stderr, "raw_unicorn: unexpected exception %u\n", intno);
		uc_emu_stop(uc);
		return;
	}
	uc_reg_read(uc, UC_ARM64_REG_X0, &x0);
	if (x0 == PSCI_SYSTEM_OFF) {
		powered_off = 1;
		uc_emu_stop(uc);
		return;
	}
	x0 = x0 == PSCI_VERSION ? 0x10001 : (uint64_t)-1;
	uc_reg_write(uc, UC_ARM64_REG_X0, &x0);
}

static int load_elf(const char *path, uint8_t *ram, uint64_t ram_size, uint64_t *entry)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	int ret = -1;

	if (!f)
		return -1;
	if (fread(&eh, sizeof(eh), 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_machine != EM_AARCH64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (fseek(f, (long)(eh.e_phoff + i * sizeof(ph)), SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, f) != 1)
			goto out;
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_paddr < RAM_BASE || ph.p_filesz > ph.p_memsz || ph.p_memsz > ram_size ||
		    ph.p_paddr - RAM_BASE > ram_size - ph.p_memsz)
			goto out;
		if (fseek(f, (long)ph.p_offset, SEEK_SET) ||
		    fread(ram + (ph.p_paddr - RAM_BASE), 1, ph.p_filesz, f) != ph.p_filesz)
			goto out;
	}
	*entry = eh.e_entry;
	ret = 0;
out:
	fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	uint64_t ram_size = (argc > 2 ? strtoull(argv[2], NULL, 0) : 256) << 20, entry, pstate;
	uc_arm64_cp_reg scr = { .crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0, .val = 0x531 };
	uc_arm64_cp_reg hcr = {
		.crn = 1, .crm = 1, .op0 = 3, .op1 = 4, .op2 = 0, .val = 1ULL << 31
	};
	uint8_t *ram;
	uc_engine *uc;
	uc_hook h;
	uc_err err;
	double t0, t1;

	if (argc < 2) {
		fprintf(stderr, "usage: raw_unicorn GUEST.elf [RAM_MIB]\n");
		return 2;
	}
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || load_elf(argv[1], ram, ram_size, &entry)) {
		fprintf(stderr, "raw_unicorn: cannot load %s\n", argv[1]);
		return 1;
	}
	pstate = 0x3c5;
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) ||
	    uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A57) ||
	    uc_mem_map_ptr(uc, RAM_BASE, ram_size, UC_PROT_ALL, ram) ||
	    uc_mmio_map(uc, UART_BASE, 0x1000, uart_read, NULL, uart_write, NULL) ||
	    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)intr, NULL, 1, 0) ||
	    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &scr) ||
	    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &hcr) ||
	    uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate)) {
		fprintf(stderr, "raw_unicorn: engine setup failed\n");
		return 1;
	}
	if (getenv("RAW_BLOCK_HOOK") &&
	    uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)block_hook, NULL, 1, 0)) {
		fprintf(stderr, "raw_unicorn: block hook failed\n");
		return 1;
	}
	pc_check.on = getenv("RAW_CHECK_MMIO_PC") != NULL;
	pc_check.ram = ram;
	pc_check.ram_size = ram_size;
	async_stop.uc = uc;
	async_stop.stop = uc_emu_stop;
	if (getenv("RAW_STOP_AT_BLOCK")) {
		async_stop.stop =
			(uc_err(*)(uc_engine *))dlsym(RTLD_DEFAULT, "uc_emu_stop_at_block");
		if (!async_stop.stop) {
			fprintf(stderr, "raw_unicorn: this Unicorn has no uc_emu_stop_at_block\n");
			return 1;
		}
	}
	async_stop.period_us =
		getenv("RAW_ASYNC_STOP_US") ? strtoul(getenv("RAW_ASYNC_STOP_US"), NULL, 0) : 0;
	t0 = now();
	if (async_stop.period_us) {
		pthread_t th;
		uint64_t pc = entry;

		if (pthread_create(&th, NULL, stopper, NULL))
			return 1;
		for (;;) {
			err = uc_emu_start(uc, pc, ~0ULL, 0, 0);
			if (err || powered_off)
				break;
			async_stop.stops++;
			uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
		}
		__atomic_store_n(&async_stop.done, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		fprintf(stderr, "raw_unicorn: asynchronous stops %llu\n",
		        (unsigned long long)async_stop.stops);
	} else {
		err = uc_emu_start(uc, entry, ~0ULL, 0, 0);
	}
	t1 = now();
	fflush(stdout);
	if (err)
		fprintf(stderr, "raw_unicorn: %s\n", uc_strerror(err));
	if (pc_check.on)
		fprintf(stderr, "raw_unicorn: mmio callbacks with a wrong PC %llu\n",
		        (unsigned long long)pc_check.wrong);
	fprintf(stderr, "raw_unicorn: mmio_accesses %llu seconds %.6f\n",
	        (unsigned long long)accesses, t1 - t0);
	uc_close(uc);
	munmap(ram, ram_size);
	return powered_off && !err ? 0 : 1;
}
