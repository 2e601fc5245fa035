// SPDX-License-Identifier: BSD-3-Clause
/* The vCPU threads: GH_VCPU_RUN in a loop, each exit's verdict applied. */
#include <inttypes.h>
#include <string.h>

#include "exit_verdict.h"
#include "vmm_internal.h"

static void serve_mmio(struct ghvmm_vcpu *v, const struct ghvmm_vcpu_exit *e)
{
	struct ghvmm *m = v->vmm;
	struct gh_vcpu_run *run = v->run;
	uint64_t val = e->mmio.value;
	int r;

	if (e->mmio.is_write) {
		v->exits_mmio_write++;
		r = gh_bus_write(m->bus, e->mmio.addr, e->mmio.len, val);
	} else {
		v->exits_mmio_read++;
		val = 0;
		r = gh_bus_read(m->bus, e->mmio.addr, e->mmio.len, &val);
	}
	if (r) {
		/* No device there (reads are 0, writes are dropped), or an access
		 * running past a device's end. Writes to the flash are how
		 * firmware probes it: expected, not worth a word. */
		v->unhandled++;
		if (!(m->boot.flash.size &&
		      e->mmio.addr < m->boot.flash.gpa + m->boot.flash.size) &&
		    !__atomic_exchange_n(&m->unhandled_warned, true, __ATOMIC_RELAXED))
			ghvmm_message(m,
			              "vCPU %u: %s of %u bytes at 0x%" PRIx64
			              " hits no device (ignored; --stats counts them)",
			              v->id, e->mmio.is_write ? "write" : "read", e->mmio.len,
			              e->mmio.addr);
	}
	ghvmm_exit_complete_mmio(run, e, GHVMM_ACTION_MMIO, val);
}

/* The backend's words for the VM's exit, as this vCPU's run page reports it. */
static void describe_exit(struct ghvmm_vcpu *v, char *buf, size_t len)
{
	if (gh_backend_vm_exit_description(v->vmm->vm, &v->run->status.exit_info, buf, len))
		snprintf(buf, len, "(no description)");
}

static void report(struct ghvmm_vcpu *v, const struct ghvmm_vcpu_exit *e, enum ghvmm_report what)
{
	struct ghvmm *m = v->vmm;
	char why[256];

	switch (what) {
	case GHVMM_REPORT_NONE:
		break;
	case GHVMM_REPORT_RESET:
		ghvmm_message(m, "the guest asked for a reset");
		break;
	case GHVMM_REPORT_STOPPED:
		describe_exit(v, why, sizeof(why));
		ghvmm_message(m, "the guest stopped: %s", why);
		break;
	case GHVMM_REPORT_CRASHED:
		describe_exit(v, why, sizeof(why));
		ghvmm_message(m, "the guest crashed: %s", why);
		break;
	case GHVMM_REPORT_LOAD_FAILED:
		ghvmm_message(m, "the hypervisor could not start the VM");
		break;
	case GHVMM_REPORT_BAD_STATUS:
		ghvmm_message(m, "unknown VM status %u", e->status.status);
		break;
	case GHVMM_REPORT_RUN_FAILED:
		ghvmm_message(m, "vCPU %u: GH_VCPU_RUN: %s", v->id, strerror(-e->error));
		break;
	case GHVMM_REPORT_BAD_EXIT:
		ghvmm_message(m, "vCPU %u: unknown exit reason %u", v->id, e->reason);
		break;
	}
}

void *ghvmm_vcpu_thread(void *arg)
{
	struct ghvmm_vcpu *v = arg;
	struct ghvmm *m = v->vmm;

	while (!ghvmm_stopping(m)) {
		uint64_t t0 = ghvmm_stats_clock(m), t1;
		struct ghvmm_vcpu_exit e;
		struct ghvmm_verdict verdict;
		int r = gh_backend_vcpu_run(v->bv);

		t1 = ghvmm_stats_clock(m);
		v->ns_run += t1 - t0;
		ghvmm_exit_decode(r, v->run, &e);
		verdict = ghvmm_exit_verdict(&e, ghvmm_stopping(m));
		if (e.kind == GHVMM_EXIT_KIND_INTERRUPTED) {
			v->exits_intr++;
			continue;
		}
		if (e.kind == GHVMM_EXIT_KIND_STATUS)
			v->exits_status++;
		switch (verdict.action) {
		case GHVMM_ACTION_RUN:
			break;
		case GHVMM_ACTION_MMIO:
			serve_mmio(v, &e);
			break;
		case GHVMM_ACTION_MMIO_FAULT:
			ghvmm_exit_complete_mmio(v->run, &e, GHVMM_ACTION_MMIO_FAULT, 0);
			break;
		case GHVMM_ACTION_STOP:
			report(v, &e, verdict.report);
			ghvmm_request_stop(m, verdict.code);
			break;
		}
		if (e.kind == GHVMM_EXIT_KIND_RUN_FAILED)
			break;
		v->ns_exit += ghvmm_stats_clock(m) - t1;
	}
	return NULL;
}
