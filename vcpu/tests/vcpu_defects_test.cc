// SPDX-License-Identifier: BSD-3-Clause
// One regression test per defect of the seed patch's vCPU code. Each fails on
// the seed's logic.
#include <cstring>
#include <thread>

#include "vcpu/tests/fake_hyp.h"

namespace {

using SeedDefect = VcpuFixture;

// 1. The seed copied run->mmio.len bytes (user-writable) into its resume data.
//    The request is private: the page's len, phys_addr and is_write are ignored.
TEST_F(SeedDefect, D1_UserWritableMmioLenIsIgnored)
{
	hyp_.Push(MmioRead(0x9000000, 2));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	run_->mmio.len = 0xffffffffu;
	run_->mmio.is_write = 1;
	run_->mmio.phys_addr = 0xdeadbeef;
	memset(run_->mmio.data, 0xff, sizeof(run_->mmio.data));
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto c = hyp_.Calls();
	ASSERT_EQ(c.size(), 2u);
	EXPECT_EQ(c[1].resume[0], 0xffffu) << "exactly the 2 bytes the guest asked for";
	EXPECT_EQ(c[1].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	EXPECT_EQ(c[1].resume[2], 0u);
}

// 2. The seed copied the hypervisor's length unbounded into data[8].
TEST_F(SeedDefect, D2_HypervisorMmioLenIsBounded)
{
	for (uint64_t len : { 0ULL, 9ULL, 16ULL, 4096ULL, ~0ULL }) {
		SCOPED_TRACE(len);
		memset(run_, 0x5a, sizeof(*run_));
		run_->immediate_exit = 0;
		hyp_.Push(MmioWrite(0x9000000, len, ~0ULL));
		EXPECT_EQ(gh_vcpu_run(vcpu_), -EIO);
		// Nothing was copied into the page.
		EXPECT_EQ(run_->mmio.len, 0x5a5a5a5au);
		EXPECT_EQ(run_->mmio.data[7], 0x5a);
		// The guest's access completes with a fault on the next RUN.
		hyp_.Push(ErrStep(GH_ERROR_DENIED));
		EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
		EXPECT_EQ(hyp_.Calls().back().resume[1], (uint64_t)GH_VMMIO_ACTION_FAULT);
		EXPECT_EQ(hyp_.Calls().back().resume[0], 0u);
	}
}

// 3. A signal arriving after the MMIO exit was filled: the seed returned
//    -ERESTARTSYS, userspace never saw the exit, and the next RUN fed stale
//    data to the guest. The exit is returned; the completion is sent once.
TEST_F(SeedDefect, D3_SignalAfterMmioExitLosesNothing)
{
	gh_os_task *self = gh_os_posix_task_self();
	HypStep rd = MmioRead(0x9000000, 4);
	rd.action = [self] { gh_os_posix_kick(self); }; // signal during the exit
	hyp_.Push(rd);
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0) << "the filled exit wins over the signal";
	EXPECT_EQ(run_->exit_reason, (uint32_t)GH_VM_EXIT_MMIO);
	EXPECT_EQ(run_->mmio.phys_addr, 0x9000000u);

	// Signal still pending: -EINTR before the guest, completion kept.
	run_->mmio.data[0] = 0x11;
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	EXPECT_EQ(hyp_.NumCalls(), 1u);
	gh_os_posix_clear_kick();

	// Delivered exactly once, then the guest waits; a signal interrupts the wait.
	HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
	wfi.action = [self] { gh_os_posix_kick(self); };
	hyp_.Push(wfi);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EINTR);
	gh_os_posix_clear_kick();
	hyp_.Push(ErrStep(GH_ERROR_DENIED));
	EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
	auto c = hyp_.Calls();
	ASSERT_EQ(c.size(), 3u);
	EXPECT_EQ(c[1].resume[0], 0x11u);
	EXPECT_EQ(c[1].resume[1], (uint64_t)GH_VMMIO_ACTION_EMULATE);
	EXPECT_EQ(c[2].resume[0], 0u) << "not replayed";
	EXPECT_EQ(c[2].resume[1], 0u);
	gh_os_posix_task_put(self);
}

// 4. The seed's fault handler dereferenced NULL for any page offset but 0.
TEST_F(SeedDefect, D4_OnlyPageOffsetZeroMaps)
{
	EXPECT_NE(gh_vcpu_map_page(vcpu_, 0), nullptr);
	for (uint64_t off : { 1ULL, 2ULL, 0x1000ULL, ~0ULL })
		EXPECT_EQ(gh_vcpu_map_page(vcpu_, off), nullptr) << off;
	EXPECT_EQ(gh_vcpu_ioctl(vcpu_, GH_VCPU_MMAP_SIZE, 0), (long)gh_os_page_size());
}

// 5. The seed never freed the run page, never dropped the VM reference taken at
//    bind, and leaked on the error path after kref_get. (The fixture's
//    TearDown checks the glue's allocation count and the RM's vmids.)
TEST_F(SeedDefect, D5_HandleOutlivesFunctionAndVm)
{
	hyp_.Push(MmioRead(0, 4));
	ASSERT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(RemoveVcpu(0), 0);
	EXPECT_EQ(gh_vcpu_run(vcpu_), -ENODEV);
	ReleaseVm(); // the handle still pins the VM
	EXPECT_FALSE(rm_.live.empty());
	EXPECT_EQ(gh_vcpu_run(vcpu_), -ENODEV);
	EXPECT_EQ(gh_vcpu_map_page(vcpu_, 0), run_) << "the page lives as long as the handle";
	ReleaseVcpu();
	EXPECT_TRUE(rm_.live.empty());
	EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
}

TEST_F(SeedDefect, D5_VmReleasedWhileHandleOpenThenHandle)
{
	gh_vcpu_handle_dup(vcpu_);
	ReleaseVm();
	EXPECT_FALSE(rm_.live.empty());
	gh_vcpu_handle_release(vcpu_);
	EXPECT_FALSE(rm_.live.empty());
	ReleaseVcpu();
	EXPECT_TRUE(rm_.live.empty());
}

TEST_F(SeedDefect, D5_BindErrorPathLeaksNothing)
{
	long before = gh_os_posix_live_allocs();
	// vCPU 1's wake-up IRQ is taken: populate fails, bind unwinds.
	ASSERT_EQ(gh_os_irq_request(
			  99, [](void *) {}, nullptr),
	          0);
	gh_vm_resource r{ GH_RESOURCE_TYPE_VCPU, 1, 0x51, 99, 0 };
	ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r), 0);
	int err = 0;
	EXPECT_EQ(AddVcpu(1, &err), nullptr);
	EXPECT_EQ(err, -EBUSY);
	gh_os_irq_free(99, nullptr);
	EXPECT_EQ(gh_os_posix_live_allocs(), before);
	gh_vcpu *v = AddVcpu(1, &err);
	ASSERT_NE(v, nullptr) << err;
	gh_vcpu_handle_release(v);
}

// 6. The seed's unpopulate wrote immediate_exit into userspace's page and left
//    a thread blocked in the wake-up wait. The sleeper wakes with -ENODEV and
//    the page is untouched.
TEST_F(SeedDefect, D6_UnpopulateWakesTheSleeper)
{
	for (int how = 0; how < 2; how++) {
		SCOPED_TRACE(how);
		if (how == 1) {
			vcpu_ = AddVcpu(0);
			ASSERT_NE(vcpu_, nullptr);
			run_ = Page(vcpu_);
		}
		std::atomic<bool> in_wait{ false };
		HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
		wfi.action = [&] { in_wait = true; };
		hyp_.Push(wfi);
		int ret = 1;
		std::thread runner([&] { ret = gh_vcpu_run(vcpu_); });
		while (!in_wait.load())
			std::this_thread::yield();
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
		if (how == 0)
			EXPECT_EQ(gh_vm_mgr_remove_resource(vm_, GH_RESOURCE_TYPE_VCPU, 0), 0);
		else
			EXPECT_EQ(RemoveVcpu(0), 0);
		runner.join();
		EXPECT_EQ(ret, -ENODEV);
		EXPECT_EQ(run_->immediate_exit, 0) << "userspace's page is not written";
		EXPECT_EQ(gh_vcpu_run(vcpu_), -ENODEV);
		if (how == 0) {
			// The resource comes back: the vCPU runs again.
			gh_vm_resource r{ GH_RESOURCE_TYPE_VCPU, 0, kCapid, kIrq, 0 };
			ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r), 0);
			hyp_.Push(MmioRead(0, 4));
			EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
			EXPECT_EQ(RemoveVcpu(0), 0);
		}
		ReleaseVcpu();
	}
}

// 7. The seed returned -EINVAL for an unknown ioctl.
TEST_F(SeedDefect, D7_UnknownIoctlIsEnotty)
{
	for (unsigned int cmd :
	     { 0u, 0xdeadu, (unsigned int)GH_VM_START, (unsigned int)GH_VM_ADD_FUNCTION,
	       (unsigned int)GH_CREATE_VM, (unsigned int)_IO(GH_IOCTL_TYPE, 0x7f) })
		EXPECT_EQ(gh_vcpu_ioctl(vcpu_, cmd, 0), -ENOTTY) << cmd;
	EXPECT_EQ(hyp_.NumCalls(), 0u);
}

} // namespace
