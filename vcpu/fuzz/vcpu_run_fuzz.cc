// SPDX-License-Identifier: BSD-3-Clause
// Fuzzes the run loop: random hypervisor responses (errors, states, data) and
// random run-page contents and host events between RUNs, for a vCPU added by
// name (the seed's page) or by descriptor (the later ABIs' PAGE_FAULT exit):
// the first byte chooses. Invariants: no
// crash or out-of-bounds access (sanitizers), RUN returns 0 or an errno from
// the documented set, an exit is well-formed, what reaches the hypervisor is
// well-formed, every RUN terminates.
#include <gunyah/os_posix.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vm_mgr/tests/fake_rm.h"

namespace {

struct Input {
	const uint8_t *p;
	size_t n;
	uint8_t u8() { return n ? (n--, *p++) : 0; }
	uint64_t u64()
	{
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v |= (uint64_t)u8() << (8 * i);
		return v;
	}
	bool empty() const { return n == 0; }
};

constexpr uint64_t kCapid = 0x77;
constexpr uint32_t kIrq = 0x1234;
constexpr int kMaxCallsPerRun = 32;

struct Fuzz {
	Input in;
	gh_vm *vm = nullptr;
	gh_os_task *self = nullptr;
	int calls_this_run = 0;
	// What the last RUN handed to userspace, to check the next resume.
	bool last_read = false;
	uint32_t last_len = 0;
	bool pf_answer_due = false; // the last state was PAGE_FAULT
	uint64_t pf_addr = 0;       // its address
};

// v17's page_fault member (uapi/v17/include/linux/gunyah.h), as bytes.
constexpr uint32_t kExitPageFault = 3;
constexpr size_t kPfPhysAddr = 16, kPfAttempt = 24, kPfResumeAction = 28;

Fuzz *g;

void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "invariant violated: %s\n", what);
		abort();
	}
}

void backend(void *, const gh_hypercall_regs *rin, gh_hypercall_regs *out)
{
	memset(out, 0, sizeof(*out));
	if (rin->x[0] != GH_HYPERCALL_VCPU_RUN)
		return;
	check(rin->x[1] == kCapid, "capid");
	check(rin->x[5] == 0, "x5 must be zero");
	check(rin->x[3] <= GH_VMMIO_ACTION_FAULT, "vmmio action");
	if (g->last_read && rin->x[3] == GH_VMMIO_ACTION_EMULATE && g->last_len < 8)
		check(rin->x[2] >> (8 * g->last_len) == 0, "read value wider than the access");
	g->last_read = false;
	if (g->pf_answer_due)
		check(rin->x[2] == 0 && rin->x[4] == 0, "page fault resume data 0 and 2 are zero");
	g->pf_answer_due = false;

	if (++g->calls_this_run > kMaxCallsPerRun || g->in.empty()) {
		out->x[0] = (uint64_t)(int64_t)GH_ERROR_DENIED; // ends the RUN
		return;
	}
	uint8_t sel = g->in.u8();
	static const int64_t errs[] = { GH_ERROR_RETRY, GH_ERROR_ARG_INVAL, GH_ERROR_BUSY,
		                        GH_ERROR_UNIMPLEMENTED, 999 };
	if (sel >= 0xf0) {
		out->x[0] = (uint64_t)errs[sel % 5];
		return;
	}
	uint64_t state = sel % 9; // includes 7 (PAGE_FAULT), 8: unknown
	if (sel >= 0xe0)
		state = g->in.u64();
	out->x[1] = state;
	out->x[2] = g->in.u64();
	out->x[3] = g->in.u8() % 12; // lengths around the valid range
	if (g->in.u8() & 1)
		out->x[3] = g->in.u64();
	out->x[4] = g->in.u64();
	g->pf_answer_due = state == GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT;
	g->pf_addr = out->x[2];

	// Host events while the vCPU is "in the guest": keep waits from blocking.
	uint8_t ev = g->in.u8();
	if (ev & 1)
		gh_os_posix_irq_raise(kIrq);
	if (ev & 2)
		gh_os_posix_kick(g->self);
	if (ev & 4)
		gh_vm_mgr_notify_status(
			g->vm, (ev & 8) ? GH_VM_MGR_STATUS_CRASHED : GH_VM_MGR_STATUS_EXITED,
			nullptr);
	if (state == GH_VCPU_STATE_EXPECTS_WAKEUP || state == GH_VCPU_STATE_POWERED_OFF ||
	    state == GH_VCPU_STATE_FAULT) {
		// A wait follows: make sure something ends it.
		gh_os_posix_irq_raise(kIrq);
		if (state != GH_VCPU_STATE_EXPECTS_WAKEUP)
			gh_os_posix_kick(g->self);
	}
}

gh_hypercall_backend be = { "fuzz", backend, nullptr };

bool known_errno(int r)
{
	switch (r) {
	case -EINTR:
	case -EBUSY:
	case -ENODEV:
	case -EINVAL:
	case -EIO:
	case -EACCES:
	case -EOPNOTSUPP:
	case -EAGAIN:
	case -EFAULT:
	case -ENOMEM:
		return true;
	default:
		return false;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	if (!init) {
		gh_os_posix_warn_quiet(true);
		gh_vcpu_register_function();
		gh_hypercall_register_backend(&be);
		init = true;
	}
	Fuzz f;
	f.in = { data, size };
	const bool desc = f.in.u8() & 1;
	g = &f;
	long allocs = gh_os_posix_live_allocs();
	{
		FakeRm rm;
		rm.AddVcpuResource(0, kCapid, kIrq);
		if (gh_vm_mgr_create(&rm.ops, &rm, &f.vm))
			abort();
		gh_vm_function fn;
		memset(&fn, 0, sizeof(fn));
		strcpy(fn.name, "vcpu");
		gh_vm_function_handle *h = nullptr;
		check(gh_vm_mgr_add_function_abi(
			      f.vm, &fn, desc ? GH_VM_FN_ABI_DESC : GH_VM_FN_ABI_SEED, &h) == 0,
		      "add vcpu");
		gh_vcpu *vcpu = gh_vcpu_from_handle(h);
		auto *run = static_cast<struct gh_vcpu_run *>(gh_vcpu_map_page(vcpu, 0));
		f.self = gh_os_posix_task_self();

		for (int i = 0; i < 64 && !f.in.empty(); i++) {
			// Userspace scribbles on the page between RUNs.
			uint8_t nwrites = f.in.u8() % 4;
			for (uint8_t w = 0; w < nwrites; w++) {
				size_t off = f.in.u8() % 48;
				reinterpret_cast<uint8_t *>(run)[off] = f.in.u8();
			}
			if (f.in.u8() % 4)
				run->immediate_exit = 0;
			f.calls_this_run = 0;
			int r = (int)gh_vcpu_ioctl(vcpu, GH_VCPU_RUN, 0);
			gh_os_posix_clear_kick();
			if (r == 0) {
				uint32_t reason = run->exit_reason;
				check(reason == GH_VM_EXIT_MMIO || reason == GH_VM_EXIT_STATUS ||
				              (desc && reason == kExitPageFault),
				      "exit reason (PAGE_FAULT only for a descriptor's vCPU)");
				if (reason == kExitPageFault) {
					const uint8_t *b = reinterpret_cast<const uint8_t *>(run);
					int32_t attempt;
					uint64_t addr;
					memcpy(&attempt, b + kPfAttempt, 4);
					memcpy(&addr, b + kPfPhysAddr, 8);
					check(addr == f.pf_addr, "page fault address");
					check(attempt == 0, "page fault attempt");
					check(b[kPfResumeAction] == GH_VM_RESUME_FAULT,
					      "page fault default resume action");
				} else if (reason == GH_VM_EXIT_MMIO) {
					check(run->mmio.len >= 1 && run->mmio.len <= 8, "mmio len");
					f.last_read = !run->mmio.is_write;
					f.last_len = run->mmio.len;
				} else {
					check(run->status.status >= GH_VM_STATUS_LOAD_FAILED &&
					              run->status.status <= GH_VM_STATUS_CRASHED,
					      "status");
					check(run->status.exit_info.reason_size <= 8,
					      "reason size");
				}
			} else {
				check(known_errno(r), "errno outside the documented set");
			}
		}
		gh_os_posix_task_put(f.self);
		gh_vcpu_handle_release(vcpu);
		gh_vm_put(f.vm);
	}
	check(gh_os_posix_live_allocs() == allocs, "leak");
	g = nullptr;
	return 0;
}
