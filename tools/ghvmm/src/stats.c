// SPDX-License-Identifier: BSD-3-Clause
/* --stats: exits, devices and time, printed at the end like perf kvm stat. */
#include <inttypes.h>

#include <gunyah/rm.h>

#include "vmm_internal.h"

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* The RM RPC calls that set the VM up and tore it down, by message id (the
 * in-process backend; the kernel's RM client keeps its own). */
static void print_rm_calls(struct ghvmm *m)
{
	struct gh_rm_call_stat st[GH_RM_MAX_CALL_STATS];
	int n = gh_backend_rm_call_stats(m->backend, st, GH_RM_MAX_CALL_STATS);

	if (n <= 0)
		return;
	fprintf(m->msg, "%-22s %10s %8s %10s %10s\r\n", "RM call", "msg id", "calls", "failed",
	        "time (ms)");
	for (int i = 0; i < n; i++) {
		const char *name = gh_rm_msg_name(st[i].msg_id);

		fprintf(m->msg, "%-22s 0x%08" PRIx32 " %8" PRIu64 " %10" PRIu64 " %10.3f\r\n",
		        name ? name : "?", st[i].msg_id, st[i].calls, st[i].failed,
		        ms(st[i].total_ns));
	}
}

/*
 * Like perf kvm stat: exits by reason, by vCPU and by device, and where the
 * time went. Time in RUN splits into guest, hypervisor and run loop when the
 * backend can tell (the simulator); devices are timed inside the bus.
 */
void ghvmm_print_stats(struct ghvmm *m, uint64_t wall_ns)
{
	uint64_t mr = 0, mw = 0, st = 0, in = 0, un = 0, run = 0, ex = 0, dev_ns = 0;
	uint64_t guest = 0, hyp = 0;
	bool split = true;

	fprintf(m->msg, "\r\n== ghvmm statistics (%s backend, %.3f s)\r\n",
	        gh_backend_name(m->backend), (double)wall_ns / 1e9);
	fprintf(m->msg, "%-5s %11s %11s %6s %6s %9s %10s %10s %10s %10s %9s\r\n", "vCPU",
	        "MMIO reads", "MMIO writes", "status", "EINTR", "unhandled", "RUN (ms)", "guest",
	        "hypervisor", "run loop", "VMM (ms)");
	for (unsigned int i = 0; i < m->nvcpus; i++) {
		struct ghvmm_vcpu *v = &m->vcpus[i];
		struct gh_backend_vcpu_times t = { 0, 0 };
		char g[16] = "-", h[16] = "-", l[16] = "-";

		if (!gh_backend_vcpu_times(v->bv, &t)) {
			snprintf(g, sizeof(g), "%.1f", ms(t.ns_guest));
			snprintf(h, sizeof(h), "%.1f", ms(t.ns_hypervisor));
			snprintf(l, sizeof(l), "%.1f",
			         ms(v->ns_run > t.ns_guest + t.ns_hypervisor ?
			                    v->ns_run - t.ns_guest - t.ns_hypervisor :
			                    0));
			guest += t.ns_guest;
			hyp += t.ns_hypervisor;
		} else {
			split = false;
		}
		fprintf(m->msg,
		        "%-5u %11" PRIu64 " %11" PRIu64 " %6" PRIu64 " %6" PRIu64 " %9" PRIu64
		        " %10.1f %10s %10s %10s %9.1f\r\n",
		        v->id, v->exits_mmio_read, v->exits_mmio_write, v->exits_status,
		        v->exits_intr, v->unhandled, ms(v->ns_run), g, h, l, ms(v->ns_exit));
		mr += v->exits_mmio_read;
		mw += v->exits_mmio_write;
		st += v->exits_status;
		in += v->exits_intr;
		un += v->unhandled;
		run += v->ns_run;
		ex += v->ns_exit;
	}
	fprintf(m->msg,
	        "%-5s %11" PRIu64 " %11" PRIu64 " %6" PRIu64 " %6" PRIu64 " %9" PRIu64
	        " %10.1f\r\n",
	        "all", mr, mw, st, in, un, ms(run));
	fprintf(m->msg, "%-16s %12s %12s %14s\r\n", "device", "reads", "writes", "time (ms)");
	for (unsigned int i = 0; i < m->ndevs; i++) {
		struct ghvmm_dev *d = &m->devs[i];

		fprintf(m->msg, "%-16s %12" PRIu64 " %12" PRIu64 " %14.3f\r\n", d->desc->name,
		        d->reads, d->writes, ms(d->ns));
		dev_ns += d->ns;
	}
	if (split && m->nvcpus)
		fprintf(m->msg,
		        "time: guest %.1f ms, hypervisor %.1f ms, run loop (cores, backend, "
		        "waits for wake-ups) %.1f ms, devices %.1f ms, rest of the VMM's "
		        "exit handling %.1f ms\r\n",
		        ms(guest), ms(hyp), ms(run > guest + hyp ? run - guest - hyp : 0),
		        ms(dev_ns), ms(ex > dev_ns ? ex - dev_ns : 0));
	else
		fprintf(m->msg,
		        "time: in RUN (guest, hypervisor, run loop) %.1f ms, devices %.1f ms, "
		        "rest of the VMM's exit handling %.1f ms\r\n",
		        ms(run), ms(dev_ns), ms(ex > dev_ns ? ex - dev_ns : 0));
	print_rm_calls(m);
	if (mr + mw)
		fprintf(m->msg, "exits/s: %.0f MMIO exits per second of wall time\r\n",
		        (double)(mr + mw) / ((double)wall_ns / 1e9));
	fflush(m->msg);
}
