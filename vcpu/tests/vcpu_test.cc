// SPDX-License-Identifier: BSD-3-Clause
// The run loop against a scripted hypervisor: every state, error and resume path.
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vcpu/tests/fake_hyp.h"

namespace {

// --- the pure decoder ---

TEST(VcpuDecode, EveryState)
{
	struct Case {
		const char *what;
		uint64_t state, d0, d1, d2;
		gh_vcpu_exit_kind kind;
		uint64_t value;
	} cases[] = {
		{ "ready", GH_VCPU_STATE_READY, 0, 0, 0, GH_VCPU_EXIT_KIND_RESUME, 0 },
		{ "wfi", GH_VCPU_STATE_EXPECTS_WAKEUP, 0, 0, 0, GH_VCPU_EXIT_KIND_WAIT_WAKEUP, 0 },
		{ "off for now", GH_VCPU_STATE_POWERED_OFF, 0, 0, 0, GH_VCPU_EXIT_KIND_WAIT_WAKEUP,
		  0 },
		{ "off for good", GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0,
		  GH_VCPU_EXIT_KIND_VM_STOPPED, 0 },
		{ "blocked", GH_VCPU_STATE_BLOCKED, 0, 0, 0, GH_VCPU_EXIT_KIND_YIELD, 0 },
		{ "fault", GH_VCPU_STATE_FAULT, 0, 0, 0, GH_VCPU_EXIT_KIND_VM_STOPPED, 0 },
		{ "read 4", GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, 0x9000, 4, 0xdead,
		  GH_VCPU_EXIT_KIND_MMIO, 0 },
		{ "write 1 masks", GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, 0x9000, 1, 0x1234,
		  GH_VCPU_EXIT_KIND_MMIO, 0x34 },
		{ "write 8", GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, 0x9000, 8, ~0ULL,
		  GH_VCPU_EXIT_KIND_MMIO, ~0ULL },
		{ "len 0", GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, 0x9000, 0, 0,
		  GH_VCPU_EXIT_KIND_BAD_MMIO, 0 },
		{ "len 9", GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, 0x9000, 9, 0,
		  GH_VCPU_EXIT_KIND_BAD_MMIO, 0 },
		{ "len huge", GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, 0x9000, 1ULL << 40, 0,
		  GH_VCPU_EXIT_KIND_BAD_MMIO, 0 },
		{ "page fault read", GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, 0x80001000, 0, 0,
		  GH_VCPU_EXIT_KIND_PAGE_FAULT, 0 },
		{ "page fault write", GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, 0x80001008, 1, 0,
		  GH_VCPU_EXIT_KIND_PAGE_FAULT, 0 },
		{ "page fault write, any non-zero", GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, 0x8, 0x100,
		  0xff, GH_VCPU_EXIT_KIND_PAGE_FAULT, 0 },
		{ "unknown 8", 8, 0, 0, 0, GH_VCPU_EXIT_KIND_UNKNOWN, 0 },
		{ "unknown max", ~0ULL, 0, 0, 0, GH_VCPU_EXIT_KIND_UNKNOWN, 0 },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.what);
		gh_hypercall_vcpu_run_resp resp{ c.state, { c.d0, c.d1, c.d2 } };
		gh_vcpu_exit ex;
		gh_vcpu_decode_exit(&resp, &ex);
		EXPECT_EQ(ex.kind, c.kind);
		EXPECT_EQ(ex.raw_state, c.state);
		if (c.kind == GH_VCPU_EXIT_KIND_MMIO) {
			EXPECT_EQ(ex.addr, c.d0);
			EXPECT_EQ(ex.len, c.d1);
			EXPECT_EQ(ex.is_write, c.state == GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
			EXPECT_EQ(ex.value, c.value);
		}
		if (c.kind == GH_VCPU_EXIT_KIND_PAGE_FAULT) {
			EXPECT_EQ(ex.addr, c.d0);
			EXPECT_EQ(ex.is_write, c.d1 != 0);
			EXPECT_EQ(ex.len, 0u);
		}
	}
}

TEST(VcpuDecode, ResumeActions)
{
	uint64_t a = 99;
	EXPECT_EQ(gh_vcpu_resume_action(GH_VM_RESUME_HANDLED, &a), 0);
	EXPECT_EQ(a, (uint64_t)GH_VMMIO_ACTION_EMULATE);
	EXPECT_EQ(gh_vcpu_resume_action(GH_VM_RESUME_FAULT, &a), 0);
	EXPECT_EQ(a, (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(gh_vcpu_resume_action(GH_VM_RESUME_RETRY, &a), 0);
	EXPECT_EQ(a, (uint64_t)GH_VMMIO_ACTION_RETRY);
	for (int v = 3; v < 256; v++)
		EXPECT_EQ(gh_vcpu_resume_action((uint8_t)v, &a), -EINVAL) << v;
}

// --- the loop ---

using VcpuRun = VcpuFixture;

TEST_F(VcpuRun, IoctlBasics)
{
	EXPECT_EQ(gh_vcpu_ioctl(vcpu_, GH_VCPU_MMAP_SIZE, 0), (long)gh_os_page_size());
	EXPECT_EQ(gh_vcpu_mmap_size(), gh_os_page_size());
	EXPECT_EQ(gh_vcpu_ioctl(vcpu_, GH_VCPU_RUN, 1), -EINVAL);
	EXPECT_EQ(hyp_.NumCalls(), 0u);
	EXPECT_EQ(gh_vcpu_id(vcpu_), 0u);
	EXPECT_EQ(gh_vcpu_run(nullptr), -EINVAL);
	EXPECT_EQ(gh_vcpu_map_page(nullptr, 0), nullptr);
}

TEST_F(VcpuRun, FirstRunStartsTheVm)
{
	hyp_.Push(MmioRead(0x9000000, 4));
	ASSERT_EQ(gh_vm_mgr_status(vm_), GH_VM_MGR_STATUS_NO_STATE);
	EXPECT_EQ(gh_vcpu_ioctl(vcpu_, GH_VCPU_RUN, 0), 0);
	EXPECT_EQ(gh_vm_mgr_status(vm_), GH_VM_MGR_STATUS_RUNNING);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 1u);
	EXPECT_EQ(calls[0].capid, kCapid);
	EXPECT_EQ(calls[0].resume[0] | calls[0].resume[1] | calls[0].resume[2] | calls[0].x5, 0u);
}

// Table-driven sequences: a script, the RUN result, the number of hypercalls.
TEST_F(VcpuRun, ExitSequences)
{
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	struct Case {
		const char *what;
		std::vector<HypStep> script;
		int ret;
		uint32_t exit_reason;
	} cases[] = {
		{ "ready ready mmio",
		  { Step(GH_VCPU_STATE_READY), Step(GH_VCPU_STATE_READY), MmioRead(0x10, 4) },
		  0,
		  GH_VM_EXIT_MMIO },
		{ "blocked then mmio",
		  { Step(GH_VCPU_STATE_BLOCKED), MmioWrite(0x10, 2, 0xabcd) },
		  0,
		  GH_VM_EXIT_MMIO },
		{ "retry then mmio",
		  { ErrStep(GH_ERROR_RETRY), ErrStep(GH_ERROR_RETRY), MmioRead(0x10, 1) },
		  0,
		  GH_VM_EXIT_MMIO },
		{ "unknown once then mmio", { Step(42), MmioRead(0x10, 8) }, 0, GH_VM_EXIT_MMIO },
		{ "arg inval", { ErrStep(GH_ERROR_ARG_INVAL) }, -EINVAL, 0 },
		{ "denied", { ErrStep(GH_ERROR_DENIED) }, -EACCES, 0 },
		{ "cap revoked", { ErrStep(GH_ERROR_CSPACE_CAP_REVOKED) }, -EACCES, 0 },
		{ "busy", { ErrStep(GH_ERROR_BUSY) }, -EBUSY, 0 },
		{ "nomem", { ErrStep(GH_ERROR_NOMEM) }, -ENOMEM, 0 },
		{ "addr inval", { ErrStep(GH_ERROR_ADDR_INVAL) }, -EFAULT, 0 },
		{ "unimplemented", { ErrStep(GH_ERROR_UNIMPLEMENTED) }, -EOPNOTSUPP, 0 },
		{ "unknown error code", { ErrStep(12345) }, -EIO, 0 },
		{ "bad mmio len", { MmioRead(0x10, 0) }, -EIO, 0 },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.what);
		size_t before = hyp_.NumCalls();
		run_->exit_reason = 0;
		for (auto &s : c.script)
			hyp_.Push(s);
		EXPECT_EQ(gh_vcpu_run(vcpu_), c.ret);
		EXPECT_EQ(hyp_.NumCalls() - before, c.script.size());
		EXPECT_EQ(hyp_.Pending(), 0u);
		if (!c.ret)
			EXPECT_EQ(run_->exit_reason, c.exit_reason);
		if (c.ret == 0 || c.ret == -EIO) {
			// Complete the pending access so the next case starts clean.
			hyp_.Push(ErrStep(GH_ERROR_DENIED));
			EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
			hyp_.Push(Step(GH_VCPU_STATE_READY));
			hyp_.Push(ErrStep(GH_ERROR_DENIED));
			EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
		}
	}
}

TEST_F(VcpuRun, RetryResendsTheResumeData)
{
	hyp_.Push({ MmioRead(0x10, 2), ErrStep(GH_ERROR_RETRY), Step(GH_VCPU_STATE_READY),
	            ErrStep(GH_ERROR_DENIED) });
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	run_->mmio.data[0] = 0x34;
	run_->mmio.data[1] = 0x12;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto c = hyp_.Calls();
	ASSERT_EQ(c.size(), 4u);
	EXPECT_EQ(c[1].resume[0], 0x1234u);
	EXPECT_EQ(c[2].resume[0], 0x1234u) << "RETRY: the hypervisor did not take it";
	EXPECT_EQ(c[2].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	EXPECT_EQ(c[3].resume[0], 0u) << "taken: not sent again";
}

TEST_F(VcpuRun, MmioWriteExitFillsThePage)
{
	hyp_.Push(MmioWrite(0x9000000, 4, 0xffffffff11223344ULL));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_MMIO);
	EXPECT_EQ(run_->mmio.phys_addr, 0x9000000u);
	EXPECT_EQ(run_->mmio.len, 4u);
	EXPECT_EQ(run_->mmio.is_write, 1);
	EXPECT_EQ(run_->mmio.resume_action, GH_VM_RESUME_HANDLED);
	const uint8_t want[8] = { 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0 };
	EXPECT_EQ(memcmp(run_->mmio.data, want, 8), 0);
	// A write completes without data: resume EMULATE, value 0.
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	run_->mmio.data[0] = 0x77;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto c = hyp_.Calls();
	EXPECT_EQ(c[1].resume[0], 0u);
	EXPECT_EQ(c[1].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
}

TEST_F(VcpuRun, MmioResumeActions)
{
	struct Case {
		uint8_t action;
		uint64_t want;
	} cases[] = {
		{ GH_VM_RESUME_HANDLED, GH_VMMIO_ACTION_EMULATE },
		{ GH_VM_RESUME_FAULT, GH_VMMIO_ACTION_FAULT },
		{ GH_VM_RESUME_RETRY, GH_VMMIO_ACTION_RETRY },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.action);
		hyp_.Push(MmioRead(0x20, 4));
		ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
		run_->mmio.resume_action = c.action;
		memset(run_->mmio.data, 0xaa, 8);
		hyp_.Push(ErrStep(GH_ERROR_DENIED));
		ASSERT_EQ(gh_vcpu_run(vcpu_), -EACCES);
		auto calls = hyp_.Calls();
		EXPECT_EQ(calls.back().resume[1], c.want);
		EXPECT_EQ(calls.back().resume[0],
		          c.action == GH_VM_RESUME_HANDLED ? 0xaaaaaaaau : 0u);
		EXPECT_EQ(calls.back().resume[2], 0u);
	}
}

TEST_F(VcpuRun, UnknownResumeActionIsEinvalAndStaysPending)
{
	hyp_.Push(MmioRead(0x20, 1));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	run_->mmio.resume_action = 3;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINVAL);
	EXPECT_EQ(hyp_.NumCalls(), 1u);
	run_->mmio.resume_action = GH_VM_RESUME_HANDLED;
	run_->mmio.data[0] = 5;
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	EXPECT_EQ(hyp_.Calls().back().resume[0], 5u);
}

TEST_F(VcpuRun, ImmediateExitIsEintrBeforeTheGuest)
{
	run_->immediate_exit = 1;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	EXPECT_EQ(hyp_.NumCalls(), 0u);
	run_->immediate_exit = 0;
	hyp_.Push(MmioRead(0x30, 4));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	// A pending completion survives an immediate exit.
	run_->immediate_exit = 1;
	run_->mmio.data[0] = 9;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	run_->immediate_exit = 0;
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	EXPECT_EQ(hyp_.Calls().back().resume[0], 9u);
}

TEST_F(VcpuRun, WaitsForTheWakeupIrq)
{
	HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
	std::thread waker;
	wfi.action = [&] {
		waker = std::thread([] {
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
			EXPECT_EQ(gh_os_posix_irq_raise(kIrq), 0);
		});
	};
	// POWERED_OFF without EXITED: off for now, woken like WFI.
	HypStep off = Step(GH_VCPU_STATE_POWERED_OFF);
	off.action = [] { EXPECT_EQ(gh_os_posix_irq_raise(kIrq), 0); };
	hyp_.Push({ wfi, off, MmioRead(0x40, 4) });
	EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(hyp_.NumCalls(), 3u);
	waker.join();
}

TEST_F(VcpuRun, WakeupDuringTheHypercallIsNotLost)
{
	// The IRQ fires before vcpu_run returns EXPECTS_WAKEUP: the completion was
	// re-armed before the call, so the wait returns at once.
	HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
	wfi.action = [] { gh_os_posix_irq_raise(kIrq); };
	hyp_.Push({ wfi, MmioRead(0x40, 4) });
	EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(hyp_.NumCalls(), 2u);
}

TEST_F(VcpuRun, StaleWakeupIsNotCarriedIntoTheNextWait)
{
	// A wake-up that arrived while the vCPU was running (before the last
	// exit) does not satisfy a later WFI: the re-arm clears it.
	gh_vcpu_wakeup_irq(vcpu_);
	HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
	gh_os_task *self = gh_os_posix_task_self();
	wfi.action = [self] {
		std::thread([self] {
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
			gh_os_posix_kick(self);
		}).join();
	};
	hyp_.Push(wfi);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	gh_os_posix_clear_kick();
	gh_os_posix_task_put(self);
}

TEST_F(VcpuRun, PoweredOffForGoodIsAStatusExit)
{
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	HypStep off = Step(GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED);
	gh_vm *vm = vm_;
	// The RM's notification arrives after the vCPU saw the power-off.
	off.action = [vm] {
		std::thread([vm] {
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
			gh_vm_exit_info info{};
			info.type = GH_VM_EXIT_TYPE_PSCI_POWER_OFF;
			info.reason_size = 2;
			info.reason[0] = 1;
			info.reason[1] = 2;
			EXPECT_EQ(gh_vm_mgr_notify_status(vm, GH_VM_MGR_STATUS_EXITED, &info), 0);
		}).detach();
	};
	hyp_.Push(off);
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_STATUS);
	EXPECT_EQ(run_->status.status, (uint32_t)GH_VM_STATUS_EXITED);
	EXPECT_EQ(run_->status.exit_info.type, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	EXPECT_EQ(run_->status.exit_info.reason_size, 2u);
	EXPECT_EQ(run_->status.exit_info.reason[1], 2);
	// The VM is gone for good: every later RUN is the same STATUS exit,
	// without a hypercall.
	size_t n = hyp_.NumCalls();
	memset(run_, 0, sizeof(*run_));
	EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_STATUS);
	EXPECT_EQ(run_->status.status, (uint32_t)GH_VM_STATUS_EXITED);
	EXPECT_EQ(run_->status.exit_info.type, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	EXPECT_EQ(run_->status.exit_info.reason[1], 2);
	EXPECT_EQ(hyp_.NumCalls(), n);
}

TEST_F(VcpuRun, RunAfterACrashIsTheCrashStatus)
{
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	ASSERT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_CRASHED, nullptr), 0);
	for (int i = 0; i < 2; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
		EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_STATUS);
		EXPECT_EQ(run_->status.status, (uint32_t)GH_VM_STATUS_CRASHED);
	}
	EXPECT_EQ(hyp_.NumCalls(), 0u);
}

TEST_F(VcpuRun, FaultWhileRunningWaitsForTheCrashReport)
{
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	HypStep fault = Step(GH_VCPU_STATE_FAULT);
	gh_vm *vm = vm_;
	fault.action = [vm] {
		gh_vm_exit_info info{};
		info.type = GH_VM_EXIT_TYPE_HYP_ERROR;
		EXPECT_EQ(gh_vm_mgr_notify_status(vm, GH_VM_MGR_STATUS_CRASHED, &info), 0);
	};
	hyp_.Push(fault);
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_STATUS);
	EXPECT_EQ(run_->status.status, (uint32_t)GH_VM_STATUS_CRASHED);
	EXPECT_EQ(run_->status.exit_info.type, GH_VM_EXIT_TYPE_HYP_ERROR);
}

TEST_F(VcpuRun, StatusWaitIsInterruptible)
{
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	HypStep off = Step(GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED);
	gh_os_task *self = gh_os_posix_task_self();
	off.action = [self] {
		std::thread([self] {
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
			gh_os_posix_kick(self);
		}).join();
	};
	hyp_.Push(off);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	gh_os_posix_clear_kick();
	gh_os_posix_task_put(self);
}

TEST_F(VcpuRun, UnknownStatesAreBoundedAndLogged)
{
	unsigned long warns = gh_os_posix_warn_count();
	hyp_.SetFallback([] { return Step(0x99); });
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EIO);
	EXPECT_EQ(hyp_.NumCalls(), (size_t)GH_VCPU_UNKNOWN_STATE_LIMIT);
	EXPECT_EQ(gh_os_posix_warn_count() - warns, (unsigned long)GH_VCPU_UNKNOWN_STATE_LIMIT);
}

TEST_F(VcpuRun, IoeventfdWriteResumesInTheKernel)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(fd, 0);
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "ioeventfd");
	f.ioeventfd.fd = fd;
	f.ioeventfd.addr = 0xa000050;
	f.ioeventfd.len = 4;
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), 0);
	hyp_.Push({ MmioWrite(0xa000050, 4, 1), MmioWrite(0xa000054, 4, 2) });
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->mmio.phys_addr, 0xa000054u) << "only the unmatched write exits";
	auto c = hyp_.Calls();
	ASSERT_EQ(c.size(), 2u);
	EXPECT_EQ(c[1].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	uint64_t v = 0;
	EXPECT_EQ(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	EXPECT_EQ(v, 1u);

	// An interruption right after an in-kernel write keeps its completion,
	// which is EMULATE whatever the page says.
	HypStep w = MmioWrite(0xa000050, 4, 3);
	struct gh_vcpu_run *run = run_;
	w.action = [run] { run->immediate_exit = 1; };
	hyp_.Push(w);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	run_->immediate_exit = 0;
	run_->mmio.resume_action = GH_VM_RESUME_FAULT;
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	c = hyp_.Calls();
	EXPECT_EQ(c.back().resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	close(fd);
}

TEST_F(VcpuRun, RunBeforeTheResourceIsEnodev)
{
	int err = 0;
	gh_vcpu *v1 = AddVcpu(1, &err); // no resource for vCPU 1
	ASSERT_NE(v1, nullptr);
	EXPECT_EQ(gh_vcpu_run(v1), -ENODEV);
	EXPECT_EQ(hyp_.NumCalls(), 0u);
	// It arrives later: RUN works.
	gh_vm_resource r{ GH_RESOURCE_TYPE_VCPU, 1, 0x51, 0, 0 };
	ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r), 0);
	hyp_.Push(MmioRead(0, 1));
	EXPECT_EQ(gh_vcpu_run(v1), 0);
	EXPECT_EQ(hyp_.Calls().back().capid, 0x51u);
	gh_vcpu_handle_release(v1);
}

TEST_F(VcpuRun, DuplicateVcpuIdIsEexist)
{
	int err = 0;
	EXPECT_EQ(AddVcpu(0, &err), nullptr);
	EXPECT_EQ(err, -EEXIST);
	EXPECT_EQ(RemoveVcpu(5), -ENOENT);
}

TEST_F(VcpuRun, FailedStartIsReportedByRun)
{
	rm_.fail_op = "vm_init";
	rm_.fail_err = -EPERM;
	// A failed start is LOAD_FAILED, for this and every later RUN.
	for (int i = 0; i < 2; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
		EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_STATUS);
		EXPECT_EQ(run_->status.status, (uint32_t)GH_VM_STATUS_LOAD_FAILED);
	}
	EXPECT_EQ(hyp_.NumCalls(), 0u);
}

TEST_F(VcpuRun, SecondRunnerIsRefused)
{
	HypStep s = MmioRead(0, 4);
	gh_vcpu *v = vcpu_;
	int nested = 0;
	s.action = [v, &nested] { nested = gh_vcpu_run(v); };
	hyp_.Push(s);
	EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(nested, -EBUSY);
}

// The handle ADD_FUNCTION("vcpu") hands out is typed: its ops are the vCPU's
// entry points, so kmod's and the backends' generic wrappers reach them.
TEST_F(VcpuRun, HandleOpsAreTheVcpus)
{
	gh_vm_function_handle *h = gh_vcpu_handle(vcpu_);
	ASSERT_NE(h, nullptr);
	EXPECT_EQ(gh_vcpu_from_handle(h), vcpu_);
	EXPECT_EQ(gh_vcpu_handle(nullptr), nullptr);
	EXPECT_EQ(gh_vcpu_from_handle(nullptr), nullptr);
	gh_vm_function_handle other{};
	gh_vm_function_handle_ops other_ops{};
	other.ops = &other_ops;
	EXPECT_EQ(gh_vcpu_from_handle(&other), nullptr);

	EXPECT_STREQ(gh_vm_mgr_handle_name(h), "gunyah-vcpu");
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, GH_VCPU_MMAP_SIZE, 0), (long)gh_vcpu_mmap_size());
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, GH_VCPU_RUN, 1), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, 0x1234, 0), -ENOTTY);
	EXPECT_TRUE(gh_vm_mgr_handle_mappable(h));
	EXPECT_EQ(gh_vm_mgr_handle_map_page(h, 0), (void *)run_);
	EXPECT_EQ(gh_vm_mgr_handle_map_page(h, 1), nullptr);
	hyp_.Push(MmioRead(0x9000, 4));
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, GH_VCPU_RUN, 0), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_MMIO);

	// Releasing through the handle is the vCPU's handle release.
	gh_vcpu_handle_dup(vcpu_);
	gh_vm_mgr_handle_release(h);
	EXPECT_EQ(gh_vcpu_map_page(vcpu_, 0), (void *)run_) << "the other handle still holds it";
}

// "vcpu" has a handle: with nowhere to put it, ADD_FUNCTION refuses before
// anything is bound (the VM's vCPU 1 stays free).
TEST_F(VcpuRun, AddWithoutHandleIsEinval)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "vcpu");
	f.vcpu.vcpu_id = 1;
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f.vcpu.vcpu_id = 0;
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	EXPECT_EQ(RemoveVcpu(1), -ENOENT);
	gh_vcpu *v1 = AddVcpu(1);
	ASSERT_NE(v1, nullptr);
	gh_vcpu_handle_release(v1);
}

} // namespace
