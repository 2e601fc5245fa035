// SPDX-License-Identifier: BSD-3-Clause
// The PAGE_FAULT state (7) against a scripted hypervisor: the later ABIs'
// exit (exit_reason 3, the page_fault member at v17's offsets) for a vCPU
// added by descriptor, every resume action, a bad one, repeated faults, and
// the core's own answer for a vCPU added by name.
#include <cstring>

#include "vcpu/tests/fake_hyp.h"

namespace {

// v17's struct gunyah_vcpu_run (uapi/v17/include/linux/gunyah.h), as bytes:
// the seed's header has no page_fault member. run_page_v17_test checks the
// same numbers against v17's header.
constexpr size_t kExitReason = 8, kPfPhysAddr = 16, kPfAttempt = 24, kPfResumeAction = 28;
constexpr uint32_t kExitPageFault = 3; // GUNYAH_VCPU_EXIT_PAGE_FAULT

class PageFaultRun : public VcpuFixture {
protected:
	// vCPU 0 again, added through @abi.
	void Readd(gh_vm_fn_abi abi)
	{
		ReleaseVcpu();
		ASSERT_EQ(RemoveVcpu(0), 0);
		vcpu_ = AddVcpu(0, nullptr, abi);
		ASSERT_NE(vcpu_, nullptr);
		run_ = Page(vcpu_);
	}
	uint8_t *Bytes() { return reinterpret_cast<uint8_t *>(run_); }
	uint32_t ExitReason()
	{
		uint32_t v;
		memcpy(&v, Bytes() + kExitReason, 4);
		return v;
	}
	uint64_t PfAddr()
	{
		uint64_t v;
		memcpy(&v, Bytes() + kPfPhysAddr, 8);
		return v;
	}
	int32_t PfAttempt()
	{
		int32_t v;
		memcpy(&v, Bytes() + kPfAttempt, 4);
		return v;
	}
	uint8_t &PfResumeAction() { return Bytes()[kPfResumeAction]; }
};

TEST_F(PageFaultRun, DescriptorVcpuGetsTheV17Exit)
{
	Readd(GH_VM_FN_ABI_DESC);
	memset(Bytes() + 16, 0xee, 16); // stale bytes of an earlier exit
	hyp_.Push(PageFault(0x80001000, true));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(ExitReason(), kExitPageFault);
	EXPECT_EQ(PfAddr(), 0x80001000u);
	EXPECT_EQ(PfAttempt(), 0) << "the kernel tried nothing itself";
	EXPECT_EQ(PfResumeAction(), GH_VM_RESUME_FAULT) << "v17's default";
	for (size_t i = 29; i < 32; i++)
		EXPECT_EQ(Bytes()[i], 0u) << "page_fault.padding[" << i - 29 << "]";
	EXPECT_EQ(hyp_.NumCalls(), 1u);

	// Untouched, the default goes to the hypervisor: the guest aborts.
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 2u);
	EXPECT_EQ(calls[1].resume[0], 0u);
	EXPECT_EQ(calls[1].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(calls[1].resume[2], 0u);
}

TEST_F(PageFaultRun, EveryResumeActionReachesTheHypervisor)
{
	struct Case {
		uint8_t action;
		uint64_t want;
	} cases[] = {
		{ GH_VM_RESUME_HANDLED, GH_VMMIO_ACTION_EMULATE },
		{ GH_VM_RESUME_FAULT, GH_VMMIO_ACTION_FAULT },
		{ GH_VM_RESUME_RETRY, GH_VMMIO_ACTION_RETRY },
	};
	Readd(GH_VM_FN_ABI_DESC);
	for (auto &c : cases) {
		SCOPED_TRACE(c.action);
		hyp_.Push(PageFault(0x80002000));
		ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
		ASSERT_EQ(ExitReason(), kExitPageFault);
		memset(Bytes() + kPfAttempt, 0xaa, 4); // attempt is out only
		PfResumeAction() = c.action;
		run_->mmio.resume_action = 0x7f; // MMIO's byte (37) is not read
		hyp_.Push(ErrStep(GH_ERROR_DENIED));
		ASSERT_EQ(gh_vcpu_run(vcpu_), -EACCES);
		auto calls = hyp_.Calls();
		EXPECT_EQ(calls.back().resume[0], 0u) << "no read value for a page fault";
		EXPECT_EQ(calls.back().resume[1], c.want);
		EXPECT_EQ(calls.back().resume[2], 0u);
	}
}

TEST_F(PageFaultRun, UnknownResumeActionIsEinvalAndStaysPending)
{
	Readd(GH_VM_FN_ABI_DESC);
	hyp_.Push(PageFault(0x80003000));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	for (int bad : { 3, 0x80, 0xff }) {
		SCOPED_TRACE(bad);
		PfResumeAction() = (uint8_t)bad;
		EXPECT_EQ(gh_vcpu_run(vcpu_), -EINVAL);
		EXPECT_EQ(hyp_.NumCalls(), 1u) << "nothing reached the hypervisor";
	}
	// Still pending across -EINTR too; answered once.
	PfResumeAction() = GH_VM_RESUME_RETRY;
	run_->immediate_exit = 1;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	EXPECT_EQ(hyp_.NumCalls(), 1u);
	run_->immediate_exit = 0;
	hyp_.Push({ Step(GH_VCPU_STATE_READY), ErrStep(GH_ERROR_DENIED) });
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 3u);
	EXPECT_EQ(calls[1].resume[1], (uint64_t)GH_VMMIO_ACTION_RETRY);
	EXPECT_EQ(calls[2].resume[1], 0u) << "taken by the hypervisor once";
}

// The hypervisor reports the same fault again after each retry: each is an
// exit of its own, until userspace answers FAULT; then an MMIO exit is the
// seed's exit as before.
TEST_F(PageFaultRun, RepeatedFaultsAreEachAnExit)
{
	Readd(GH_VM_FN_ABI_DESC);
	const uint8_t answers[] = { GH_VM_RESUME_RETRY, GH_VM_RESUME_HANDLED, GH_VM_RESUME_FAULT };
	for (size_t i = 0; i < 3; i++) {
		SCOPED_TRACE(i);
		hyp_.Push(PageFault(0x80004000 + i, false));
		ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
		EXPECT_EQ(ExitReason(), kExitPageFault);
		EXPECT_EQ(PfAddr(), 0x80004000u + i);
		EXPECT_EQ(PfResumeAction(), GH_VM_RESUME_FAULT) << "reset at each exit";
		PfResumeAction() = answers[i];
	}
	hyp_.Push(MmioRead(0x9000000, 4));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_MMIO);
	EXPECT_EQ(run_->mmio.phys_addr, 0x9000000u);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 4u);
	EXPECT_EQ(calls[1].resume[1], (uint64_t)GH_VMMIO_ACTION_RETRY);
	EXPECT_EQ(calls[2].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	EXPECT_EQ(calls[3].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	// an MMIO answer after it is MMIO's again
	run_->mmio.resume_action = GH_VM_RESUME_HANDLED;
	run_->mmio.data[0] = 0x42;
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	EXPECT_EQ(hyp_.Calls().back().resume[0], 0x42u);
}

// A vCPU added by name has the seed's page: no exit 3 ever; the core answers
// FAULT itself (the guest takes an abort) and warns, and RUN goes on.
TEST_F(PageFaultRun, NamedVcpuAnswersFaultItself)
{
	unsigned long warns = gh_os_posix_warn_count();
	hyp_.Push({ PageFault(0x80005000, false), PageFault(0x80005000, true),
	            MmioWrite(0x9000010, 4, 7) });
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_MMIO);
	EXPECT_EQ(run_->mmio.phys_addr, 0x9000010u);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 3u);
	EXPECT_EQ(calls[1].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(calls[2].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(calls[1].resume[0], 0u);
	EXPECT_EQ(calls[1].resume[2], 0u);
	EXPECT_EQ(gh_os_posix_warn_count() - warns, 2u);
}

// The core's answer survives -EINTR like userspace's: sent exactly once.
TEST_F(PageFaultRun, NamedVcpuAnswerSurvivesEintr)
{
	hyp_.Push(PageFault(0x80006000));
	HypStep s = PageFault(0x80006000);
	s.action = [this] { run_->immediate_exit = 1; };
	hyp_.Push(s);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	EXPECT_EQ(hyp_.NumCalls(), 2u);
	EXPECT_NE(run_->exit_reason, kExitPageFault);
	run_->immediate_exit = 0;
	hyp_.Push({ Step(GH_VCPU_STATE_READY), ErrStep(GH_ERROR_DENIED) });
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto calls = hyp_.Calls();
	ASSERT_EQ(calls.size(), 4u);
	EXPECT_EQ(calls[1].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(calls[2].resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
	EXPECT_EQ(calls[3].resume[1], 0u);
}

// A removed resource drops the pending fault: nothing is answered later.
TEST_F(PageFaultRun, UnpopulateDropsThePendingFault)
{
	Readd(GH_VM_FN_ABI_DESC);
	hyp_.Push(PageFault(0x80007000));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	PfResumeAction() = 9; // would be -EINVAL if still pending
	ASSERT_EQ(RemoveVcpu(0), 0);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -ENODEV);
	EXPECT_EQ(hyp_.NumCalls(), 1u);
}

} // namespace
