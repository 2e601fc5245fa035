// SPDX-License-Identifier: BSD-3-Clause
/*
 * MMIO exits per second through the whole stack (guest -> simulator ->
 * hypercall ABI -> vcpu/vm_mgr cores -> in-process UAPI -> a null device in
 * this VMM loop), beside the raw Unicorn MMIO callback rate of the same guest
 * (sim/tests/guests/mmio_loop: a tight loop of 32-bit stores to one MMIO
 * address) measured in the same run.
 *
 *   bazel run -c opt //sim/bench:mmio_bench -- [exits] [rounds]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <gunyah/backend.h>
#include <gunyah/hypercall.h>
#include <gunyah/sim.h>
#include <unicorn/unicorn.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (2ULL << 20)
#define NULL_DEV 0x09000000ULL

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t load_guest(uint8_t *ram)
{
	FILE *f = fopen("sim/tests/guests/mmio_loop.bin", "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "mmio_bench: run me with bazel run (guest image not found)\n");
		exit(2);
	}
	n = fread(ram, 1, RAM_SIZE, f);
	fclose(f);
	return n;
}

/* --- raw Unicorn -------------------------------------------------------------- */

static uint64_t raw_count;

static uint64_t raw_read(uc_engine *uc, uint64_t off, unsigned int size, void *u)
{
	(void)uc;
	(void)off;
	(void)size;
	(void)u;
	return 0;
}

static void raw_write(uc_engine *uc, uint64_t off, unsigned int size, uint64_t v, void *u)
{
	(void)uc;
	(void)off;
	(void)size;
	(void)v;
	(void)u;
	raw_count++;
}

static void raw_intr(uc_engine *uc, uint32_t intno, void *u)
{
	(void)intno;
	(void)u;
	uc_emu_stop(uc); /* the guest's SYSTEM_OFF */
}

static __attribute__((noinline)) double run_raw(uint64_t exits)
{
	uint8_t *ram =
		mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uc_engine *uc;
	uc_hook h;
	double t0, t1;

	load_guest(ram);
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) ||
	    uc_mem_map_ptr(uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL, ram) ||
	    uc_mmio_map(uc, NULL_DEV, 0x1000, raw_read, NULL, raw_write, NULL) ||
	    uc_mmio_map(uc, 0x0a000000, 0x1000, raw_read, NULL, raw_write, NULL) ||
	    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)raw_intr, NULL, 1, 0)) {
		fprintf(stderr, "mmio_bench: unicorn setup failed\n");
		exit(1);
	}
	{
		uc_arm64_cp_reg scr = {
			.crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0, .val = 0x531
		};
		uc_arm64_cp_reg hcr = {
			.crn = 1, .crm = 1, .op0 = 3, .op1 = 4, .op2 = 0, .val = 1ULL << 31
		};
		uint64_t pstate = 0x3c5;

		uc_reg_write(uc, UC_ARM64_REG_CP_REG, &scr);
		uc_reg_write(uc, UC_ARM64_REG_CP_REG, &hcr);
		uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate);
		uc_reg_write(uc, UC_ARM64_REG_X1, &exits);
	}
	raw_count = 0;
	t0 = now();
	uc_emu_start(uc, RAM_BASE, ~0ULL, 0, 0);
	t1 = now();
	/* the loop's stores, and the final 8-byte report in two halves */
	if (raw_count != exits + 2)
		fprintf(stderr, "mmio_bench: raw: %llu callbacks, expected %llu\n",
		        (unsigned long long)raw_count, (unsigned long long)exits + 2);
	uc_close(uc);
	munmap(ram, RAM_SIZE);
	return (double)raw_count / (t1 - t0);
}

/* --- the simulator alone, through the hypercall ABI ------------------------------ */

static __attribute__((noinline)) double run_hypercall(uint64_t exits)
{
	uint8_t *ram =
		mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct gh_hypercall_vcpu_run_resp resp;
	uint64_t resume[3] = { 0, 0, 0 }, capid, count = 0;
	struct gh_sim_vm *vm;
	struct gh_sim *sim;
	double t0, t1;

	load_guest(ram);
	if (gh_sim_create(NULL, &sim) || gh_sim_register(sim) || gh_sim_vm_create(sim, &vm) ||
	    gh_sim_vm_add_region(vm, 0, RAM_BASE, RAM_SIZE, ram, 7) ||
	    gh_sim_vm_set_boot_reg(vm, GH_SIM_REG_SET_X, 1, exits) ||
	    gh_sim_vm_add_vcpu(vm, 0, &capid, NULL) || gh_sim_vm_start(vm)) {
		fprintf(stderr, "mmio_bench: simulator setup failed\n");
		exit(1);
	}
	t0 = now();
	while (gh_hypercall_vcpu_run(capid, resume, &resp) == GH_ERROR_OK &&
	       (resp.state == GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE ||
	        resp.state == GH_VCPU_STATE_ADDRSPACE_VMMIO_READ ||
	        resp.state == GH_VCPU_STATE_READY))
		count += resp.state != GH_VCPU_STATE_READY;
	t1 = now();
	gh_sim_destroy(sim);
	munmap(ram, RAM_SIZE);
	return (double)count / (t1 - t0);
}

/* --- the whole stack ----------------------------------------------------------- */

static __attribute__((noinline)) double run_stack(uint64_t exits)
{
	uint8_t *ram =
		mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct gh_userspace_memory_region r = { 0, GH_MEM_ALLOW_RWX, RAM_BASE, RAM_SIZE,
		                                (uint64_t)(uintptr_t)ram };
	struct gh_vm_boot_context bc = { GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 1), 0,
		                         exits };
	struct gh_backend *be;
	struct gh_backend_vm *vm;
	struct gh_backend_vcpu *vcpu;
	struct gh_vm_function fn;
	struct gh_vcpu_run *run;
	uint64_t count = 0;
	double t0, t1;
	int ret;

	load_guest(ram);
	memset(&fn, 0, sizeof(fn));
	strcpy(fn.name, "vcpu");
	if (gh_backend_open_sim(NULL, &be) || gh_backend_create_vm(be, &vm) ||
	    gh_backend_vm_set_user_mem_region(vm, &r) || gh_backend_vm_set_boot_context(vm, &bc) ||
	    gh_backend_vm_add_function(vm, &fn, &vcpu) || gh_backend_vm_start(vm)) {
		fprintf(stderr, "mmio_bench: VM setup failed\n");
		exit(1);
	}
	run = gh_backend_vcpu_run_page(vcpu);
	t0 = now();
	for (;;) {
		ret = gh_backend_vcpu_run(vcpu);
		if (ret) {
			fprintf(stderr, "mmio_bench: RUN: %d\n", ret);
			exit(1);
		}
		if (run->exit_reason != GH_VM_EXIT_MMIO)
			break;
		/* the null device: every access handled, reads as 0 */
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		count++;
	}
	t1 = now();
	if (run->exit_reason != GH_VM_EXIT_STATUS || count != exits + 1)
		fprintf(stderr, "mmio_bench: stack: %llu exits, expected %llu\n",
		        (unsigned long long)count, (unsigned long long)exits + 1);
	gh_backend_vcpu_release(vcpu);
	gh_backend_vm_release(vm);
	gh_backend_close(be);
	munmap(ram, RAM_SIZE);
	return (double)count / (t1 - t0);
}

int main(int argc, char **argv)
{
	uint64_t exits = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	double best_raw = 0, best_stack = 0, best_hc = 0;

	if (!exits || rounds < 1)
		return 2;
	for (int i = 0; i < rounds; i++) {
		double raw = run_raw(exits), hc = run_hypercall(exits), stack = run_stack(exits);

		printf("round %d: raw Unicorn %.2f M callbacks/s | simulator via hypercall %.2f M exits/s"
		       " | whole stack %.2f M exits/s (%.0f%% of raw)\n",
		       i + 1, raw / 1e6, hc / 1e6, stack / 1e6, 100.0 * stack / raw);
		if (hc > best_hc)
			best_hc = hc;
		if (raw > best_raw)
			best_raw = raw;
		if (stack > best_stack)
			best_stack = stack;
	}
	printf("best: raw Unicorn %.2f M/s, simulator via hypercall %.2f M/s (%.0f%%), "
	       "whole stack %.2f M/s, ratio %.0f%% (target >= 50%%)\n",
	       best_raw / 1e6, best_hc / 1e6, 100.0 * best_hc / best_raw, best_stack / 1e6,
	       100.0 * best_stack / best_raw);
	return 0;
}
