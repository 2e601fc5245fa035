// SPDX-License-Identifier: BSD-3-Clause
/*
 * ns per MMIO exit round trip: GH_VCPU_RUN with a pending MMIO read
 * completion -> vcpu_run hypercall through the registered backend -> a null
 * hypervisor that answers VMMIO_READ at once -> the exit filled in the run
 * page -> back to the caller. Baseline, measured in the same run: the bare
 * gh_hypercall_vcpu_run() call through the same backend, so the ratio is the
 * run loop's own overhead. Also measured: MMIO write exits with nothing on the
 * VM's MMIO write bus (no ioeventfd), the bus's lock-free "empty" check.
 *
 * Usage: run_loop_bench [iterations] (default 5,000,000; best of 5 runs)
 */
#include <gunyah/hypercall.h>
#include <gunyah/os_posix.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAPID 0x10

static uint64_t exit_state = GH_VCPU_STATE_ADDRSPACE_VMMIO_READ;

static void null_hyp(void *ctx, const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	(void)ctx;
	(void)in;
	out->x[0] = GH_ERROR_OK;
	out->x[1] = exit_state;
	out->x[2] = 0x9000000;
	out->x[3] = 4;
	out->x[4] = 0;
}

static const struct gh_hypercall_backend backend = { .name = "null", .call = null_hyp };

static int get_resources(void *ctx, uint16_t vmid, struct gh_vm_resource *out, size_t max,
                         size_t *n)
{
	(void)ctx;
	(void)vmid;
	if (max < 1)
		return -ENOSPC;
	memset(out, 0, sizeof(*out));
	out->type = GH_RESOURCE_TYPE_VCPU;
	out->label = 0;
	out->capid = CAPID;
	*n = 1;
	return 0;
}

static const struct gh_vm_rm_ops rm_ops = { .get_resources = get_resources };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static volatile uint64_t sink;

static double bench_baseline(long iters)
{
	struct gh_hypercall_vcpu_run_resp resp;
	uint64_t resume[3] = { 0, 0, 0 };
	uint64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		resume[0] = (uint64_t)i;
		if (gh_hypercall_vcpu_run(CAPID, resume, &resp) != GH_ERROR_OK)
			abort();
		sink = resp.state_data[0];
	}
	return (double)(now_ns() - t0) / (double)iters;
}

static double bench_run(struct gh_vcpu *vcpu, struct gh_vcpu_run *run, long iters)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		run->mmio.data[0] = (uint8_t)i; /* userspace answers the read */
		if (gh_vcpu_run(vcpu))
			abort();
	}
	sink = run->mmio.phys_addr;
	return (double)(now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 5000000;
	struct gh_vm_function fn;
	struct gh_vcpu_run *run;
	struct gh_vcpu *vcpu;
	double base = 1e30, loop = 1e30, write = 1e30;
	struct gh_vm *vm;
	struct gh_vm_function_handle *h = NULL;

	if (iters <= 0)
		iters = 1;
	if (gh_hypercall_register_backend(&backend) || gh_vcpu_register_function() ||
	    gh_vm_mgr_create(&rm_ops, NULL, &vm)) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	memset(&fn, 0, sizeof(fn));
	strcpy(fn.name, "vcpu");
	if (gh_vm_mgr_add_function(vm, &fn, &h) || gh_vcpu_run(gh_vcpu_from_handle(h))) {
		fprintf(stderr, "vcpu setup failed\n");
		return 1;
	}
	vcpu = gh_vcpu_from_handle(h);
	run = gh_vcpu_map_page(vcpu, 0);

	for (int rep = 0; rep < 5; rep++) {
		double b = bench_baseline(iters);
		double l = bench_run(vcpu, run, iters);

		if (b < base)
			base = b;
		if (l < loop)
			loop = l;
	}
	exit_state = GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
	for (int rep = 0; rep < 5; rep++) {
		double w = bench_run(vcpu, run, iters);

		if (w < write)
			write = w;
	}
	printf("run_loop_bench: %ld MMIO exit round trips x 5, best run\n", iters);
	printf("  GH_VCPU_RUN round trip: %.1f ns/exit, %.2f M exits/s\n", loop, 1e3 / loop);
	printf("  baseline (bare backend vcpu_run call): %.1f ns/call\n", base);
	printf("  ratio run loop / baseline: %.2fx; run-loop overhead %.1f ns/exit\n", loop / base,
	       loop - base);
	printf("  target <= 100 ns/exit: %s\n", loop <= 100.0 ? "met" : "NOT met");
	printf("  MMIO write exits, empty write bus: %.1f ns/exit\n", write);

	gh_vcpu_handle_release(vcpu);
	gh_vm_put(vm);
	gh_hypercall_unregister_backend(&backend);
	return 0;
}
