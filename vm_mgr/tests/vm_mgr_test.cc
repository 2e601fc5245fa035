// SPDX-License-Identifier: BSD-3-Clause
extern "C" {
#include <gunyah/hypercall.h>
}
#include <gunyah/os_posix.h>
#include <gunyah/vm_mgr.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <mutex>

#include "vm_mgr/tests/fake_rm.h"

namespace {

// Records doorbell hypercalls.
struct BellRecorder {
	std::mutex mu;
	std::vector<std::vector<uint64_t>> sends, masks;
	gh_hypercall_backend be{};

	BellRecorder()
	{
		be.name = "bell-recorder";
		be.ctx = this;
		be.call = [](void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out) {
			auto *r = static_cast<BellRecorder *>(ctx);
			std::lock_guard<std::mutex> g(r->mu);
			memset(out, 0, sizeof(*out));
			if (in->x[0] == GH_HYPERCALL_BELL_SEND)
				r->sends.push_back({ in->x[1], in->x[2] });
			else if (in->x[0] == GH_HYPERCALL_BELL_SET_MASK)
				r->masks.push_back({ in->x[1], in->x[2], in->x[3] });
			else
				out->x[0] = (uint64_t)(int64_t)GH_ERROR_UNIMPLEMENTED;
		};
		EXPECT_EQ(gh_hypercall_register_backend(&be), 0);
	}
	~BellRecorder() { gh_hypercall_unregister_backend(&be); }
	size_t Sends()
	{
		std::lock_guard<std::mutex> g(mu);
		return sends.size();
	}
};

class VmMgrTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		allocs_ = gh_os_posix_live_allocs();
		ASSERT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, &vm_), 0);
	}
	void TearDown() override
	{
		if (vm_)
			gh_vm_put(vm_);
		EXPECT_TRUE(rm_.live.empty()) << "vmid not deallocated";
		// Allow the glue's lazily created watcher objects.
		EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
	}

	gh_userspace_memory_region Region(uint32_t label, uint64_t gpa, uint64_t size,
	                                  uint32_t flags = GH_MEM_ALLOW_RWX)
	{
		gh_userspace_memory_region r{};
		r.label = label;
		r.flags = flags;
		r.guest_phys_addr = gpa;
		r.memory_size = size;
		r.userspace_addr = FakeGuestMemory(gpa);
		return r;
	}

	static gh_vm_function Fn(const char *name)
	{
		gh_vm_function f;
		memset(&f, 0, sizeof(f));
		strncpy(f.name, name, sizeof(f.name));
		return f;
	}

	FakeRm rm_;
	gh_vm *vm_ = nullptr;
	long allocs_ = 0;
};

const uint64_t kPage = 4096;

TEST_F(VmMgrTest, CreateAndReleaseBalanceTheRm)
{
	EXPECT_EQ(gh_vm_mgr_vmid(vm_), 1);
	EXPECT_EQ(gh_vm_mgr_status(vm_), GH_VM_MGR_STATUS_NO_STATE);
	gh_vm_put(vm_);
	vm_ = nullptr;
	EXPECT_EQ(rm_.Calls(), (std::vector<std::string>{ "alloc_vmid", "dealloc_vmid" }));
}

TEST_F(VmMgrTest, CreateRejectsBadArgsAndUnwindsAllocFailure)
{
	gh_vm *vm = nullptr;
	EXPECT_EQ(gh_vm_mgr_create(nullptr, nullptr, &vm), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, nullptr), -EINVAL);
	rm_.fail_op = "alloc_vmid";
	rm_.fail_err = -ENOSPC;
	EXPECT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, &vm), -ENOSPC);
	EXPECT_EQ(vm, nullptr);
}

TEST_F(VmMgrTest, MemoryRegionValidation)
{
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &(const gh_userspace_memory_region &)Region(
							     1, 0x40000000, 16 * kPage)),
	          0);
	struct Case {
		const char *what;
		gh_userspace_memory_region r;
		int err;
	} cases[] = {
		{ "unknown flag", Region(2, 0x50000000, kPage, 1U << 3), -EINVAL },
		{ "size 0", Region(2, 0x50000000, 0), -EINVAL },
		{ "size unaligned", Region(2, 0x50000000, kPage + 1), -EINVAL },
		{ "gpa unaligned", Region(2, 0x50000010, kPage), -EINVAL },
		{ "gpa wraps", Region(2, 0xfffffffffffff000ULL, 2 * kPage), -EINVAL },
		{ "label taken", Region(1, 0x50000000, kPage), -EEXIST },
		{ "overlap start", Region(2, 0x40000000 + 15 * kPage, 2 * kPage), -EEXIST },
		{ "overlap inside", Region(2, 0x40000000 + kPage, kPage), -EEXIST },
		{ "overlap around", Region(2, 0x40000000 - kPage, 32 * kPage), -EEXIST },
		{ "adjacent ok", Region(2, 0x40000000 + 16 * kPage, kPage), 0 },
		{ "below ok", Region(3, 0x40000000 - kPage, kPage), 0 },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.what);
		EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &c.r), c.err);
	}
	gh_userspace_memory_region u = Region(9, 0x90000000, kPage);
	u.userspace_addr |= 1;
	EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &u), -EINVAL);
	u = Region(9, 0x90000000, 2 * kPage);
	u.userspace_addr = 0xfffffffffffff000ULL;
	EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &u), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, nullptr), -EFAULT);
}

TEST_F(VmMgrTest, MemoryRegionCountLimit)
{
	for (uint32_t i = 0; i < GH_VM_MAX_MEM_REGIONS; i++) {
		auto r = Region(i, 0x40000000 + i * kPage, kPage);
		ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &r), 0) << i;
	}
	auto r = Region(1000, 0x80000000, kPage);
	EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &r), -ENOSPC);
}

TEST_F(VmMgrTest, DtbConfigIsCheckedAtStart)
{
	gh_vm_dtb_config d{ 0x40000000, kPage };
	EXPECT_EQ(gh_vm_mgr_set_dtb_config(vm_, &d), 0) << "before any memory, as v17 allows";
	gh_vm_dtb_config empty{ 0x40000000, 0 }, wraps{ 0xffffffffffffff00ULL, 0x200 };
	EXPECT_EQ(gh_vm_mgr_set_dtb_config(vm_, &empty), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_set_dtb_config(vm_, &wraps), -EINVAL);
	// Where it lies: one region must hold it when the VM starts.
	struct Case {
		uint64_t gpa, size;
		int err;
	} cases[] = {
		{ 0x40000000, kPage, 0 },
		{ 0x40000000 + 3 * kPage, 2 * kPage, -EINVAL }, // spans two regions
		{ 0x40000000 + 4 * kPage, 4 * kPage, 0 },
		{ 0x40000000 + 4 * kPage, 4 * kPage + 1, -EINVAL },
		{ 0x3fffffff, 2, -EINVAL },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.gpa);
		gh_vm *vm = nullptr;
		ASSERT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, &vm), 0);
		gh_vm_dtb_config dc{ c.gpa, c.size };
		EXPECT_EQ(gh_vm_mgr_set_dtb_config(vm, &dc), 0);
		auto r1 = Region(1, 0x40000000, 4 * kPage);
		auto r2 = Region(2, 0x40000000 + 4 * kPage, 4 * kPage);
		ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &r1), 0);
		ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &r2), 0);
		EXPECT_EQ(gh_vm_mgr_start(vm), c.err);
		gh_vm_put(vm);
	}
}

TEST_F(VmMgrTest, BootContextValidation)
{
	struct Case {
		uint32_t reg;
		uint32_t reserved;
		int err;
	} cases[] = {
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0), 0, 0 },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 31), 0, 0 },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 32), 0, -EINVAL },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0), 0, 0 },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 1), 0, -EINVAL },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_SP, 1), 0, 0 },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_SP, 2), 0, 0 },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_SP, 3), 0, -EINVAL },
		{ GH_VM_BOOT_CONTEXT_REG(3, 0), 0, -EINVAL },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0) | (1U << 16), 0,
		  -EINVAL },
		{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 1), 1, -EINVAL },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.reg);
		gh_vm_boot_context bc{ c.reg, c.reserved, 42 };
		EXPECT_EQ(gh_vm_mgr_set_boot_context(vm_, &bc), c.err);
	}
	// Same register again replaces, does not add.
	gh_vm_boot_context bc{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0), 0, 7 };
	EXPECT_EQ(gh_vm_mgr_set_boot_context(vm_, &bc), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	int boot_calls = 0;
	for (auto &c : rm_.Calls())
		boot_calls += c.rfind("set_boot_context", 0) == 0;
	EXPECT_EQ(boot_calls, 5);
}

TEST_F(VmMgrTest, StartSequenceAndFrozenConfig)
{
	auto r = Region(5, 0x40000000, 4 * kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &r), 0);
	gh_vm_dtb_config d{ 0x40000000, kPage };
	ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm_, &d), 0);
	gh_vm_boot_context bc{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0), 0,
		               0x40000000 };
	ASSERT_EQ(gh_vm_mgr_set_boot_context(vm_, &bc), 0);
	ASSERT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_START, nullptr, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_status(vm_), GH_VM_MGR_STATUS_RUNNING);
	EXPECT_EQ(rm_.Calls(), (std::vector<std::string>{
				       "alloc_vmid", "mem_share:5", "config_image", "vm_init",
				       "set_boot_context:256", "get_resources", "vm_start" }));
	// Started once; frozen.
	EXPECT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(rm_.starts.load(), 1);
	auto r2 = Region(6, 0x50000000, kPage);
	EXPECT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &r2), -EBUSY);
	EXPECT_EQ(gh_vm_mgr_set_dtb_config(vm_, &d), -EBUSY);
	EXPECT_EQ(gh_vm_mgr_set_boot_context(vm_, &bc), -EINVAL) << "v17's error, not EBUSY";
	gh_vm_put(vm_);
	vm_ = nullptr;
	auto calls = rm_.Calls();
	EXPECT_EQ(std::vector<std::string>(calls.end() - 4, calls.end()),
	          (std::vector<std::string>{ "vm_stop", "mem_reclaim:105", "vm_reset",
	                                     "dealloc_vmid" }));
}

TEST_F(VmMgrTest, ImageIsTheDtbRegionFirmwareTheLowestOther)
{
	auto fw = Region(7, 0, 16 * kPage, GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC);
	auto ram = Region(3, 0x40000000, 64 * kPage);
	auto hi = Region(9, 0x80000000, kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &hi), 0);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &ram), 0);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &fw), 0);
	gh_vm_dtb_config d{ 0x40000000 + 8 * kPage, 2 * kPage };
	ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm_, &d), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(rm_.layout.image_handle, 103u);
	EXPECT_EQ(rm_.layout.image_base, 0x40000000u);
	EXPECT_EQ(rm_.layout.image_size, 64 * kPage);
	EXPECT_EQ(rm_.layout.dtb_offset, 8 * kPage);
	EXPECT_EQ(rm_.layout.dtb_size, 2 * kPage);
	EXPECT_TRUE(rm_.layout.has_firmware);
	EXPECT_EQ(rm_.layout.fw_handle, 107u);
	EXPECT_EQ(rm_.layout.fw_base, 0u);
	EXPECT_EQ(rm_.layout.fw_size, 16 * kPage);
	gh_vm_put(vm_);
	vm_ = nullptr;
	auto calls = rm_.Calls();
	for (const char *c : { "mem_reclaim:109", "mem_reclaim:103", "mem_reclaim:107" })
		EXPECT_NE(std::find(calls.begin(), calls.end(), c), calls.end()) << c;
}

TEST_F(VmMgrTest, WithoutDtbTheLowestRegionIsTheImage)
{
	auto a = Region(1, 0x50000000, kPage);
	auto b = Region(2, 0x40000000, kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &a), 0);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &b), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(rm_.layout.image_handle, 102u);
	EXPECT_EQ(rm_.layout.dtb_size, 0u);
	EXPECT_TRUE(rm_.layout.has_firmware);
	EXPECT_EQ(rm_.layout.fw_base, 0x50000000u);
}

TEST_F(VmMgrTest, UnmappedRegionFailsStartAndSharedParcelsComeBack)
{
	auto ok = Region(1, 0x40000000, kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &ok), 0);
	// Page-aligned, below the null guard: nothing is mapped there.
	gh_userspace_memory_region bad = Region(2, 0x50000000, kPage);
	bad.userspace_addr = 0x1000;
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &bad), 0);
	EXPECT_EQ(gh_vm_mgr_start(vm_), -EFAULT);
	EXPECT_EQ(gh_vm_mgr_status(vm_), GH_VM_MGR_STATUS_LOAD_FAILED);
	gh_vm_put(vm_);
	vm_ = nullptr;
	auto calls = rm_.Calls();
	EXPECT_NE(std::find(calls.begin(), calls.end(), "mem_reclaim:101"), calls.end());
	EXPECT_EQ(std::find(calls.begin(), calls.end(), "mem_share:2"), calls.end());
	EXPECT_EQ(std::find(calls.begin(), calls.end(), "vm_reset"), calls.end());
}

TEST_F(VmMgrTest, RefusedReclaimIsRetriedAfterReset)
{
	auto r = Region(1, 0x40000000, kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &r), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	rm_.fail_op = "mem_reclaim:101";
	rm_.fail_err = -EBUSY;
	rm_.fail_left = 1; // refused before the reset only
	gh_vm_put(vm_);
	vm_ = nullptr;
	auto calls = rm_.Calls();
	auto first = std::find(calls.begin(), calls.end(), "mem_reclaim:101");
	ASSERT_NE(first, calls.end());
	auto reset = std::find(first, calls.end(), "vm_reset");
	ASSERT_NE(reset, calls.end());
	EXPECT_NE(std::find(reset, calls.end(), "mem_reclaim:101"), calls.end());
	// Given back the second time: unpinned, nothing leaks (TearDown).
}

TEST_F(VmMgrTest, EachFailingStartStepIsReportedToEveryCaller)
{
	for (const char *op : { "mem_share:1", "config_image", "vm_init", "set_boot_context:0",
	                        "get_resources", "vm_start" }) {
		SCOPED_TRACE(op);
		FakeRm rm;
		rm.fail_op = op;
		rm.fail_err = -EPERM;
		gh_vm *vm;
		ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
		auto r = Region(1, 0x40000000, kPage);
		ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &r), 0);
		gh_vm_dtb_config d{ 0x40000000, kPage };
		ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm, &d), 0);
		gh_vm_boot_context bc{ 0, 0, 0 };
		ASSERT_EQ(gh_vm_mgr_set_boot_context(vm, &bc), 0);
		EXPECT_EQ(gh_vm_mgr_ensure_started(vm), -EPERM);
		EXPECT_EQ(gh_vm_mgr_ensure_started(vm), -EPERM);
		EXPECT_EQ(gh_vm_mgr_start(vm), -EPERM);
		EXPECT_EQ(gh_vm_mgr_status(vm), GH_VM_MGR_STATUS_LOAD_FAILED);
		EXPECT_EQ(rm.inits.load() + rm.starts.load() <= 2, true);
		gh_vm_put(vm);
		EXPECT_TRUE(rm.live.empty());
		EXPECT_EQ(rm.stops.load(), 0);
	}
}

TEST_F(VmMgrTest, PositiveRmErrorIsEio)
{
	rm_.fail_op = "vm_init";
	rm_.fail_err = 5;
	EXPECT_EQ(gh_vm_mgr_start(vm_), -EIO);
}

TEST_F(VmMgrTest, NotifyStatus)
{
	gh_vm_exit_info info{};
	info.type = GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET;
	info.reason_size = 100; // clamped
	info.reason[0] = 0xab;
	EXPECT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_EXITED, &info), -EALREADY);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_RUNNING, &info), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_EXITED, &info), 0);
	EXPECT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_CRASHED, &info), -EALREADY);
	gh_vm_exit_info got{};
	EXPECT_EQ(gh_vm_mgr_get_exit(vm_, &got), GH_VM_MGR_STATUS_EXITED);
	EXPECT_EQ(got.type, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(got.reason_size, 8u);
	EXPECT_EQ(got.reason[0], 0xab);
	EXPECT_EQ(gh_vm_mgr_ensure_started(vm_), -ENODEV);
	gh_vm_put(vm_);
	vm_ = nullptr;
	EXPECT_EQ(rm_.stops.load(), 0) << "an exited VM is not stopped again";
}

// --- tickets and resources ---

struct TestTicket {
	gh_vm_resource_ticket t{};
	int populates = 0, unpopulates = 0, status_changes = 0;
	int populate_err = 0;
	uint64_t capid = 0;

	TestTicket(uint32_t type, uint32_t label)
	{
		t.resource_type = type;
		t.label = label;
		t.populate = [](gh_vm_resource_ticket *tk, const gh_vm_resource *res) {
			auto *self = reinterpret_cast<TestTicket *>(tk);
			if (self->populate_err)
				return self->populate_err;
			self->populates++;
			self->capid = res->capid;
			return 0;
		};
		t.unpopulate = [](gh_vm_resource_ticket *tk, const gh_vm_resource *) {
			reinterpret_cast<TestTicket *>(tk)->unpopulates++;
		};
		t.vm_status_changed = [](gh_vm_resource_ticket *tk) {
			reinterpret_cast<TestTicket *>(tk)->status_changes++;
		};
	}
};

TEST_F(VmMgrTest, TicketsMatchResourcesByTypeAndLabel)
{
	TestTicket a(GH_RESOURCE_TYPE_VCPU, 0), b(GH_RESOURCE_TYPE_VCPU, 1),
		dup(GH_RESOURCE_TYPE_VCPU, 0), bell(GH_RESOURCE_TYPE_BELL_TX, 0);
	ASSERT_EQ(gh_vm_mgr_add_ticket(vm_, &a.t), 0);
	EXPECT_EQ(gh_vm_mgr_add_ticket(vm_, &dup.t), -EEXIST);
	ASSERT_EQ(gh_vm_mgr_add_ticket(vm_, &bell.t), 0);
	rm_.AddVcpuResource(0, 100, 0);
	rm_.AddBellResource(0, 200);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(a.populates, 1);
	EXPECT_EQ(a.capid, 100u);
	EXPECT_EQ(bell.capid, 200u);

	// Duplicate populate: -EEXIST, the ticket is not populated twice.
	gh_vm_resource again{ GH_RESOURCE_TYPE_VCPU, 0, 101, 0, 0 };
	EXPECT_EQ(gh_vm_mgr_add_resource(vm_, &again), -EEXIST);
	EXPECT_EQ(a.populates, 1);

	// A resource arriving before its ticket populates it at add time.
	gh_vm_resource r1{ GH_RESOURCE_TYPE_VCPU, 1, 111, 0, 0 };
	ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r1), 0);
	ASSERT_EQ(gh_vm_mgr_add_ticket(vm_, &b.t), 0);
	EXPECT_EQ(b.capid, 111u);

	EXPECT_EQ(gh_vm_mgr_remove_resource(vm_, GH_RESOURCE_TYPE_VCPU, 7), -ENOENT);
	EXPECT_EQ(gh_vm_mgr_remove_resource(vm_, GH_RESOURCE_TYPE_VCPU, 1), 0);
	EXPECT_EQ(b.unpopulates, 1);

	EXPECT_EQ(gh_vm_mgr_notify_status(vm_, GH_VM_MGR_STATUS_CRASHED, nullptr), 0);
	EXPECT_EQ(a.status_changes, 1);
	EXPECT_EQ(b.status_changes, 1);

	gh_vm_mgr_remove_ticket(vm_, &a.t);
	EXPECT_EQ(a.unpopulates, 1);
	gh_vm_mgr_remove_ticket(vm_, &b.t);
	EXPECT_EQ(b.unpopulates, 1) << "not populated: no second unpopulate";
	gh_vm_mgr_remove_ticket(vm_, &bell.t);
}

TEST_F(VmMgrTest, TicketPopulateFailure)
{
	gh_vm_resource r{ GH_RESOURCE_TYPE_VCPU, 3, 5, 0, 0 };
	ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r), 0);
	TestTicket t(GH_RESOURCE_TYPE_VCPU, 3);
	t.populate_err = -EIO;
	EXPECT_EQ(gh_vm_mgr_add_ticket(vm_, &t.t), -EIO);
	t.populate_err = 0;
	EXPECT_EQ(gh_vm_mgr_add_ticket(vm_, &t.t), 0) << "the failed add left nothing behind";
	gh_vm_mgr_remove_ticket(vm_, &t.t);
	EXPECT_EQ(gh_vm_mgr_add_resource(vm_, nullptr), -EINVAL);
}

TEST_F(VmMgrTest, ResourceLimit)
{
	for (uint32_t i = 0; i < GH_VM_MAX_RESOURCES; i++) {
		gh_vm_resource r{ GH_RESOURCE_TYPE_MSGQ_TX, i, i, 0, 0 };
		ASSERT_EQ(gh_vm_mgr_add_resource(vm_, &r), 0);
	}
	gh_vm_resource r{ GH_RESOURCE_TYPE_MSGQ_TX, 9999, 1, 0, 0 };
	EXPECT_EQ(gh_vm_mgr_add_resource(vm_, &r), -ENOSPC);
}

// --- functions ---

TEST_F(VmMgrTest, FunctionNameValidation)
{
	gh_vm_function f = Fn("irqfd");
	memset(f.name, 'a', sizeof(f.name)); // unterminated
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), -EINVAL);
	f = Fn("");
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f = Fn("irqfd");
	f.name[10] = 'x'; // junk after the NUL
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f = Fn("nosuchfn");
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -ENOENT);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), -ENOENT);
	f = Fn("irqf");
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -ENOENT);
	f = Fn("irqfd");
	f.data[sizeof(gh_fn_irqfd_arg)] = 1; // beyond the argument
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f = Fn("ioeventfd");
	f.data[GUNYAH_FUNCTION_MAX_ARG_SIZE - 1] = 1;
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, nullptr, nullptr), -EFAULT);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, nullptr), -EFAULT);
}

class EventFd {
public:
	EventFd() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
	~EventFd() { close(fd_); }
	int fd() const { return fd_; }
	uint64_t Read()
	{
		uint64_t v = 0;
		if (read(fd_, &v, sizeof(v)) != (ssize_t)sizeof(v))
			return 0;
		return v;
	}
	void Signal()
	{
		uint64_t one = 1;
		ASSERT_EQ(write(fd_, &one, sizeof(one)), (ssize_t)sizeof(one));
	}

private:
	int fd_;
};

gh_vm_function Ioeventfd(int fd, uint64_t addr, uint32_t len, uint32_t flags = 0,
                         uint64_t datamatch = 0)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "ioeventfd");
	f.ioeventfd.fd = fd;
	f.ioeventfd.addr = addr;
	f.ioeventfd.len = len;
	f.ioeventfd.flags = flags;
	f.ioeventfd.datamatch = datamatch;
	return f;
}

TEST_F(VmMgrTest, IoeventfdValidation)
{
	EventFd ev;
	struct Case {
		const char *what;
		gh_vm_function f;
		int err;
	} cases[] = {
		{ "len 3", Ioeventfd(ev.fd(), 0x1000, 3), -EINVAL },
		{ "len 0 with datamatch", Ioeventfd(ev.fd(), 0x1000, 0, GH_IOEVENTFD_DATAMATCH, 0),
		  -EINVAL },
		{ "len 0 wraps", Ioeventfd(ev.fd(), ~0ULL - 3, 0), -EINVAL },
		{ "len 16", Ioeventfd(ev.fd(), 0x1000, 16), -EINVAL },
		{ "wraps", Ioeventfd(ev.fd(), ~0ULL - 2, 4), -EINVAL },
		{ "bad flag", Ioeventfd(ev.fd(), 0x1000, 4, 2), -EINVAL },
		{ "datamatch without flag", Ioeventfd(ev.fd(), 0x1000, 4, 0, 5), -EINVAL },
		{ "datamatch too wide",
		  Ioeventfd(ev.fd(), 0x1000, 1, GH_IOEVENTFD_DATAMATCH, 0x100), -EINVAL },
		{ "bad fd", Ioeventfd(-1, 0x1000, 4), -EBADF },
		{ "ok", Ioeventfd(ev.fd(), 0x1000, 4), 0 },
		{ "dup", Ioeventfd(ev.fd(), 0x1000, 4), -EEXIST },
		{ "dup vs datamatch", Ioeventfd(ev.fd(), 0x1000, 4, GH_IOEVENTFD_DATAMATCH, 1),
		  -EEXIST },
		{ "other len, no datamatch", Ioeventfd(ev.fd(), 0x1000, 2), -EEXIST },
		{ "overlapping, other address", Ioeventfd(ev.fd(), 0x1002, 4), 0 },
		{ "dm ok", Ioeventfd(ev.fd(), 0x2000, 4, GH_IOEVENTFD_DATAMATCH, 1), 0 },
		{ "dm other value ok", Ioeventfd(ev.fd(), 0x2000, 4, GH_IOEVENTFD_DATAMATCH, 2),
		  0 },
		{ "dm same value", Ioeventfd(ev.fd(), 0x2000, 4, GH_IOEVENTFD_DATAMATCH, 2),
		  -EEXIST },
		{ "dm other len ok", Ioeventfd(ev.fd(), 0x2000, 2, GH_IOEVENTFD_DATAMATCH, 2), 0 },
		{ "no datamatch beside dm", Ioeventfd(ev.fd(), 0x2000, 8), -EEXIST },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.what);
		EXPECT_EQ(gh_vm_mgr_add_function(vm_, &c.f, nullptr), c.err);
	}
	gh_vm_function pad = Ioeventfd(ev.fd(), 0x3000, 4);
	pad.ioeventfd.padding = 1;
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &pad, nullptr), -EINVAL);
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	gh_vm_function notev = Ioeventfd(p[0], 0x3000, 4);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &notev, nullptr), -EINVAL);
	close(p[0]);
	close(p[1]);

	// len 0: any length at its address, so it clashes with every other one there.
	gh_vm_function any = Ioeventfd(ev.fd(), 0x4000, 0);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &any, nullptr), 0);
	gh_vm_function four = Ioeventfd(ev.fd(), 0x4000, 4, GH_IOEVENTFD_DATAMATCH, 1);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &four, nullptr), -EEXIST);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &any, nullptr), -EEXIST);
	gh_vm_function any2 = Ioeventfd(ev.fd(), 0x1000, 0);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &any2, nullptr), -EEXIST); // 0x1000 has len 4
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &any), 0);

	gh_vm_function rm = Ioeventfd(ev.fd(), 0x2000, 4, GH_IOEVENTFD_DATAMATCH, 3);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &rm), -ENOENT);
	rm = Ioeventfd(ev.fd(), 0x2000, 4, GH_IOEVENTFD_DATAMATCH, 2);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &rm), 0);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &rm), -ENOENT);
}

TEST_F(VmMgrTest, IoeventfdMmioWrite)
{
	EventFd any, dm;
	auto f1 = Ioeventfd(any.fd(), 0x9000, 4);
	auto f2 = Ioeventfd(dm.fd(), 0x9008, 2, GH_IOEVENTFD_DATAMATCH, 0xbeef);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &f1, nullptr), 0);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &f2, nullptr), 0);
	struct Case {
		uint64_t addr;
		uint32_t len;
		uint64_t data;
		int ret;
		int any_hits, dm_hits;
	} cases[] = {
		{ 0x9000, 4, 1, 0, 1, 0 },
		{ 0x9000, 4, 0xffffffff, 0, 1, 0 },
		{ 0x9000, 2, 1, -ENODEV, 0, 0 },
		{ 0x9004, 4, 1, -ENODEV, 0, 0 },
		{ 0x9008, 2, 0xbeef, 0, 0, 1 },
		{ 0x9008, 2, 0xffffbeef, 0, 0, 1 }, // bits above len ignored
		{ 0x9008, 2, 0xbeee, -ENODEV, 0, 0 },
		{ 0x9008, 0, 0, -ENODEV, 0, 0 },
		{ 0x9008, 9, 0, -ENODEV, 0, 0 },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.addr);
		EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, c.addr, c.len, c.data), c.ret);
		EXPECT_EQ(any.Read(), (uint64_t)c.any_hits);
		EXPECT_EQ(dm.Read(), (uint64_t)c.dm_hits);
	}
}

// The write path skips the list (and its lock) while no ioeventfd is bound:
// the count must follow every add and remove, including failed ones.
TEST_F(VmMgrTest, IoeventfdFastPathFollowsAddAndRemove)
{
	EventFd a, b;
	auto fa = Ioeventfd(a.fd(), 0x9000, 4);
	auto fb = Ioeventfd(b.fd(), 0x9010, 8);

	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1), -ENODEV);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fa, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &fa, nullptr), -EEXIST); // count unchanged
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1), 0);
	EXPECT_EQ(a.Read(), 1u);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fb, nullptr), 0);
	ASSERT_EQ(gh_vm_mgr_remove_function(vm_, &fa), 0);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1), -ENODEV);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9010, 8, 7), 0); // one left: slow path
	EXPECT_EQ(b.Read(), 1u);
	ASSERT_EQ(gh_vm_mgr_remove_function(vm_, &fb), 0);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9010, 8, 7), -ENODEV);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fa, nullptr), 0); // back from 0
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1), 0);
	EXPECT_EQ(a.Read(), 1u);
}

// Writers race with add/remove of another ioeventfd (TSan in the race
// config): a bound one is always found, the count never goes wrong.
TEST_F(VmMgrTest, IoeventfdFastPathUnderConcurrentAddRemove)
{
	EventFd fixed, churn;
	auto ff = Ioeventfd(fixed.fd(), 0x9000, 4);
	auto fc = Ioeventfd(churn.fd(), 0x9100, 4);
	std::atomic<bool> stop{ false };
	std::atomic<int> missed{ 0 };

	std::thread writer([&] {
		while (!stop.load()) {
			gh_vm_mgr_mmio_write(vm_, 0x9100, 4, 1); // may or may not hit
			if (gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1))
				missed++;
		}
	});
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &ff, nullptr), 0);
	for (int i = 0; i < 2000; i++) {
		ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fc, nullptr), 0);
		ASSERT_EQ(gh_vm_mgr_remove_function(vm_, &fc), 0);
	}
	// From here on the fixed one must always be found.
	missed = 0;
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	stop = true;
	writer.join();
	EXPECT_EQ(missed.load(), 0);
	ASSERT_EQ(gh_vm_mgr_remove_function(vm_, &ff), 0);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 4, 1), -ENODEV);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9100, 4, 1), -ENODEV);
}

// The MMIO write bus under ioeventfd: handlers see only writes inside their
// range, masked to the access size, newest first; -ENODEV passes a write on.
struct CountingHandler {
	gh_vm_io_handler io{};
	int take; // what write returns
	int calls = 0;
	uint64_t last_addr = 0, last_data = 0;
	uint32_t last_size = 0;

	CountingHandler(uint64_t addr, uint64_t len, int ret) : take(ret)
	{
		io.addr = addr;
		io.len = len;
		io.write = [](gh_vm_io_handler *h, uint64_t a, uint32_t size, uint64_t data) {
			auto *c = reinterpret_cast<CountingHandler *>(h);
			c->calls++;
			c->last_addr = a;
			c->last_size = size;
			c->last_data = data;
			return c->take;
		};
	}
};

TEST_F(VmMgrTest, IoBusOffersCoveredWritesNewestFirst)
{
	CountingHandler older(0x1000, 0x100, 0), newer(0x1080, 0x10, -ENODEV);
	CountingHandler bad(0, 0, 0), wraps(~0ULL - 3, 8, 0);

	EXPECT_EQ(gh_vm_mgr_io_register(vm_, &bad.io), -EINVAL); // len 0
	EXPECT_EQ(gh_vm_mgr_io_register(vm_, &wraps.io), -EINVAL);
	bad.io.len = 4;
	bad.io.write = nullptr;
	EXPECT_EQ(gh_vm_mgr_io_register(vm_, &bad.io), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_io_register(vm_, nullptr), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x1000, 4, 1), -ENODEV); // nothing registered

	ASSERT_EQ(gh_vm_mgr_io_register(vm_, &older.io), 0);
	ASSERT_EQ(gh_vm_mgr_io_register(vm_, &newer.io), 0);
	struct Case {
		uint64_t addr;
		uint32_t len;
		int ret, older_calls, newer_calls;
	} cases[] = {
		{ 0x1000, 4, 0, 1, 0 },       { 0x10fc, 4, 0, 1, 0 }, // last bytes of the range
		{ 0x10fd, 4, -ENODEV, 0, 0 },                         // straddles the end
		{ 0x0fff, 2, -ENODEV, 0, 0 },                         // straddles the start
		{ 0x1080, 8, 0, 1, 1 },                               // newer passes it on to older
		{ 0x108c, 8, 0, 1, 0 },                               // beyond newer's range
		{ 0x1000, 0, -ENODEV, 0, 0 }, { 0x1000, 9, -ENODEV, 0, 0 },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.addr);
		older.calls = newer.calls = 0;
		EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, c.addr, c.len, ~0ULL), c.ret);
		EXPECT_EQ(older.calls, c.older_calls);
		EXPECT_EQ(newer.calls, c.newer_calls);
	}
	older.calls = 0;
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x1002, 2, 0x12345678), 0);
	EXPECT_EQ(older.last_addr, 0x1002u);
	EXPECT_EQ(older.last_size, 2u);
	EXPECT_EQ(older.last_data, 0x5678u) << "masked to the access size";

	gh_vm_mgr_io_unregister(vm_, &older.io);
	newer.calls = 0;
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x1080, 4, 1), -ENODEV);
	EXPECT_EQ(newer.calls, 1);
	gh_vm_mgr_io_unregister(vm_, &older.io); // not there: nothing happens
	gh_vm_mgr_io_unregister(vm_, &newer.io);
	newer.calls = 0;
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x1080, 4, 1), -ENODEV);
	EXPECT_EQ(newer.calls, 0);
}

// A function type with a handle: vm_mgr hands it out typed, refuses a caller
// with nowhere to put it before anything is bound, and routes the handle's
// entry points to its ops.
struct TestHandle {
	gh_vm_function_handle h{};
	int releases = 0;
	alignas(4096) unsigned char page[4096];
};

TEST_F(VmMgrTest, FunctionHandleOps)
{
	static TestHandle th;
	static gh_vm_function_handle_ops ops{};
	static gh_vm_function_type t{};
	static int binds, unbinds;

	ops.name = "test-handle";
	ops.release = [](gh_vm_function_handle *h) {
		reinterpret_cast<TestHandle *>(h)->releases++;
	};
	ops.ioctl = [](gh_vm_function_handle *, unsigned int cmd, unsigned long arg) -> long {
		return cmd == 7 ? (long)arg : -ENOTTY;
	};
	t.name = "testhandle";
	t.arg_size = sizeof(gh_fn_vcpu_arg);
	t.handle_ops = &ops;
	t.bind = [](gh_vm_function_instance *, gh_vm_function_handle **h) {
		binds++;
		if (!h)
			return -EFAULT; // vm_mgr must never get here without one
		th.h.ops = &ops;
		*h = &th.h;
		return 0;
	};
	t.unbind = [](gh_vm_function_instance *) { unbinds++; };
	t.matches = [](const gh_vm_function_instance *, const void *) { return true; };
	t.conflicts = [](const gh_vm_function_instance *, const void *) { return -EEXIST; };
	ops.release = nullptr;
	EXPECT_EQ(gh_vm_mgr_register_function_type(&t), -EINVAL); // handle ops need release
	ops.release = [](gh_vm_function_handle *h) {
		reinterpret_cast<TestHandle *>(h)->releases++;
	};
	ASSERT_EQ(gh_vm_mgr_register_function_type(&t), 0);

	auto f = Fn("testhandle");
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	EXPECT_EQ(binds, 0);
	gh_vm_function_handle *h = nullptr;
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &f, &h), 0);
	EXPECT_EQ(h, &th.h);
	// A duplicate with nowhere for its handle: -EINVAL before -EEXIST.
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	gh_vm_function_handle *h2 = reinterpret_cast<gh_vm_function_handle *>(1);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION, &f, &h2), -EEXIST);
	EXPECT_EQ(h2, nullptr);
	EXPECT_EQ(binds, 1);

	EXPECT_STREQ(gh_vm_mgr_handle_name(h), "test-handle");
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, 7, 42), 42);
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(h, 8, 0), -ENOTTY);
	EXPECT_FALSE(gh_vm_mgr_handle_mappable(h));
	EXPECT_EQ(gh_vm_mgr_handle_map_page(h, 0), nullptr);
	ops.map_page = [](gh_vm_function_handle *hh, uint64_t pgoff) -> void * {
		return pgoff ? nullptr : reinterpret_cast<TestHandle *>(hh)->page;
	};
	EXPECT_TRUE(gh_vm_mgr_handle_mappable(h));
	EXPECT_EQ(gh_vm_mgr_handle_map_page(h, 0), th.page);
	EXPECT_EQ(gh_vm_mgr_handle_map_page(h, 1), nullptr);
	gh_vm_mgr_handle_release(h);
	EXPECT_EQ(th.releases, 1);

	// No handle at all.
	gh_vm_mgr_handle_release(nullptr);
	EXPECT_EQ(gh_vm_mgr_handle_ioctl(nullptr, 7, 1), -EBADF);
	EXPECT_FALSE(gh_vm_mgr_handle_mappable(nullptr));
	EXPECT_EQ(gh_vm_mgr_handle_map_page(nullptr, 0), nullptr);
	EXPECT_EQ(gh_vm_mgr_handle_name(nullptr), nullptr);

	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), 0);
	EXPECT_EQ(unbinds, 1);
	gh_vm_mgr_unregister_function_type(&t);
}

gh_vm_function Irqfd(int fd, uint32_t label, uint32_t flags = 0)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "irqfd");
	f.irqfd.fd = (uint32_t)fd;
	f.irqfd.label = label;
	f.irqfd.flags = flags;
	return f;
}

template <typename F> bool WaitFor(F pred)
{
	for (int i = 0; i < 5000; i++) {
		if (pred())
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	}
	return false;
}

TEST_F(VmMgrTest, IrqfdValidation)
{
	EventFd ev;
	auto f = Irqfd(ev.fd(), 1, 2);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f = Irqfd(ev.fd(), 1);
	f.irqfd.padding = 1;
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EINVAL);
	f = Irqfd(-1, 1);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EBADF);
	f = Irqfd(ev.fd(), 1);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -EEXIST);
	auto g = Irqfd(ev.fd(), 2);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &g), -ENOENT);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), 0);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), -ENOENT);
}

TEST_F(VmMgrTest, IrqfdRingsTheDoorbellEdgeAndLevel)
{
	BellRecorder bells;
	EventFd edge, level;
	rm_.AddBellResource(1, 0x101);
	rm_.AddBellResource(2, 0x102);
	auto fe = Irqfd(edge.fd(), 1);
	auto fl = Irqfd(level.fd(), 2, GH_IRQFD_LEVEL);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fe, nullptr), 0);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &fl, nullptr), 0);

	// Before the doorbell exists: logged, nothing sent.
	unsigned long warns = gh_os_posix_warn_count();
	edge.Signal();
	ASSERT_TRUE(WaitFor([&] { return gh_os_posix_warn_count() > warns; }));
	EXPECT_EQ(bells.Sends(), 0u);

	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	{
		std::lock_guard<std::mutex> g(bells.mu);
		ASSERT_EQ(bells.masks.size(), 1u);
		EXPECT_EQ(bells.masks[0], (std::vector<uint64_t>{ 0x102, 1, 1 }));
	}
	edge.Signal();
	ASSERT_TRUE(WaitFor([&] { return bells.Sends() == 1; }));
	level.Signal();
	ASSERT_TRUE(WaitFor([&] { return bells.Sends() == 2; }));
	{
		std::lock_guard<std::mutex> g(bells.mu);
		EXPECT_EQ(bells.sends[0], (std::vector<uint64_t>{ 0x101, 1 }));
		EXPECT_EQ(bells.sends[1], (std::vector<uint64_t>{ 0x102, 1 }));
	}
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &fe), 0);
	edge.Signal();
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_EQ(bells.Sends(), 2u) << "removed irqfd must not ring";
	gh_vm_put(vm_); // releases the level irqfd with the VM
	vm_ = nullptr;
}

TEST_F(VmMgrTest, IoctlDispatch)
{
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, 0xdead, nullptr, nullptr), -ENOTTY);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, _IO(GH_IOCTL_TYPE, 0x55), nullptr, nullptr), -ENOTTY);
	EXPECT_EQ(gh_vm_mgr_ioctl(nullptr, GH_VM_START, nullptr, nullptr), -ENODEV);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION, nullptr, nullptr), -EFAULT);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_SET_DTB_CONFIG, nullptr, nullptr), -EFAULT);
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(GH_VM_ADD_FUNCTION), sizeof(gh_vm_function));
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(GH_VM_SET_USER_MEM_REGION),
	          sizeof(gh_userspace_memory_region));
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(GH_VM_START), 0u);
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(0xdead), 0u);
	auto r = Region(1, 0x40000000, kPage);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_SET_USER_MEM_REGION, &r, nullptr), 0);
	gh_vm_dtb_config d{ 0x40000000, 64 };
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_SET_DTB_CONFIG, &d, nullptr), 0);
	gh_vm_boot_context bc{ 0, 0, 1 };
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_SET_BOOT_CONTEXT, &bc, nullptr), 0);
	auto f = Fn("nosuch");
	gh_vm_function_handle *h = reinterpret_cast<gh_vm_function_handle *>(1);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION, &f, &h), -ENOENT);
	EXPECT_EQ(h, nullptr);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_REMOVE_FUNCTION, &f, nullptr), -ENOENT);
}

TEST_F(VmMgrTest, FunctionTypeRegistry)
{
	static gh_vm_function_type t{};
	t.name = "irqfd";
	t.bind = [](gh_vm_function_instance *, gh_vm_function_handle **) { return 0; };
	t.unbind = [](gh_vm_function_instance *) {};
	t.matches = [](const gh_vm_function_instance *, const void *) { return true; };
	EXPECT_EQ(gh_vm_mgr_register_function_type(&t), -EEXIST);
	t.name = "testfn";
	EXPECT_EQ(gh_vm_mgr_register_function_type(&t), 0);
	EXPECT_EQ(gh_vm_mgr_register_function_type(&t), -EEXIST);
	auto f = Fn("testfn");
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_remove_function(vm_, &f), 0);
	gh_vm_mgr_unregister_function_type(&t);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), -ENOENT);
	EXPECT_EQ(gh_vm_mgr_register_function_type(nullptr), -EINVAL);
}

// A stand-in "vcpu" type (vcpu/ is not linked here): binds hand out a handle.
struct FakeVcpuHandle {
	gh_vm_function_handle h;
};
static FakeVcpuHandle fake_vcpu_handle;
static gh_vm_function_handle_ops fake_vcpu_ops = {
	.name = "fake-vcpu",
	.release = [](gh_vm_function_handle *) {},
	.ioctl = [](gh_vm_function_handle *, unsigned int, unsigned long) -> long {
		return -ENOTTY;
	},
};
static const gh_vm_function_type kFakeVcpuType = {
	.name = "vcpu",
	.arg_size = sizeof(gh_fn_vcpu_arg),
	.handle_ops = &fake_vcpu_ops,
	.bind =
		[](gh_vm_function_instance *, gh_vm_function_handle **h) {
			fake_vcpu_handle.h.ops = &fake_vcpu_ops;
			*h = &fake_vcpu_handle.h;
			return 0;
		},
	.unbind = [](gh_vm_function_instance *) {},
	.matches =
		[](const gh_vm_function_instance *inst, const void *arg) {
			return memcmp(inst->arg, arg, sizeof(gh_fn_vcpu_arg)) == 0;
		},
};

// len 0 (crosvm's virtio-pci notify registration): a write of any length at
// exactly the address signals; writes elsewhere do not.
TEST_F(VmMgrTest, IoeventfdAnyLength)
{
	EventFd ev;
	auto f = Ioeventfd(ev.fd(), 0x9000, 0);
	ASSERT_EQ(gh_vm_mgr_add_function(vm_, &f, nullptr), 0);
	for (uint32_t len : { 1u, 2u, 4u, 8u })
		EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, len, 7), 0) << len;
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9004, 4, 7), -ENODEV);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x8ffc, 8, 7), -ENODEV);
	uint64_t n = 0;
	ASSERT_EQ(read(ev.fd(), &n, sizeof(n)), (ssize_t)sizeof(n));
	EXPECT_EQ(n, 4u);
}

// The later ABIs' 16-byte function descriptor (v17, Android, crosvm): the
// same functions, with the argument behind a pointer.
struct FnDesc {
	uint32_t type;
	uint32_t arg_size;
	uint64_t arg;
};
static_assert(sizeof(FnDesc) == 16, "descriptor layout");

TEST_F(VmMgrTest, FunctionDescriptorAbi)
{
	ASSERT_EQ(gh_vm_mgr_register_function_type(&kFakeVcpuType), 0);
	EventFd ev;
	gh_fn_irqfd_arg irqfd{ (uint32_t)ev.fd(), 9, 0, 0 };
	FnDesc d{ 2, sizeof(irqfd), (uint64_t)(uintptr_t)&irqfd };
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(GH_VM_ADD_FUNCTION_DESC), 16u);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &d, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &d, nullptr), -EEXIST);
	gh_vm_function seed = Irqfd(ev.fd(), 9);
	EXPECT_EQ(gh_vm_mgr_add_function(vm_, &seed, nullptr), -EEXIST); // one function

	gh_fn_ioeventfd_arg io{};
	io.addr = 0x9000;
	io.len = 0;
	io.fd = ev.fd();
	FnDesc dio{ 3, sizeof(io), (uint64_t)(uintptr_t)&io };
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &dio, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_mmio_write(vm_, 0x9000, 2, 1), 0);

	struct Case {
		const char *what;
		FnDesc d;
		int err;
	} bad[] = {
		{ "type 0", { 0, 4, d.arg }, -ENOENT },
		{ "type 4", { 4, 4, d.arg }, -ENOENT },
		{ "short arg", { 2, sizeof(irqfd) - 4, d.arg }, -EINVAL },
		{ "long arg", { 2, sizeof(irqfd) + 4, d.arg }, -EINVAL },
		{ "over the limit", { 2, 257, d.arg }, -EINVAL },
		{ "NULL arg", { 2, sizeof(irqfd), 0 }, -EFAULT },
	};
	for (auto &c : bad) {
		SCOPED_TRACE(c.what);
		EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &c.d, nullptr), c.err);
	}
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, nullptr, nullptr), -EFAULT);

	// REMOVE by descriptor; irqfd by label only (the later ABIs' rule).
	irqfd.fd = 12345;
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_REMOVE_FUNCTION_DESC, &d, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_REMOVE_FUNCTION_DESC, &d, nullptr), -ENOENT);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_REMOVE_FUNCTION_DESC, &dio, nullptr), 0);

	// A vCPU: the handle comes back as with the seed's ADD.
	gh_fn_vcpu_arg vc{ 1 };
	FnDesc dv{ 1, sizeof(vc), (uint64_t)(uintptr_t)&vc };
	gh_vm_function_handle *h = nullptr;
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &dv, nullptr), -EINVAL);
	ASSERT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ADD_FUNCTION_DESC, &dv, &h), 0);
	EXPECT_NE(h, nullptr);
	gh_vm_function from{};
	ASSERT_EQ(gh_vm_mgr_function_from_desc(&dv, &from), 0);
	EXPECT_STREQ(from.name, "vcpu");
	EXPECT_EQ(from.vcpu.vcpu_id, 1u);
	gh_vm_mgr_handle_release(h);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_REMOVE_FUNCTION_DESC, &dv, nullptr), 0);
	gh_vm_mgr_unregister_function_type(&kFakeVcpuType);
}

// Android's 'A' ioctls: a lent region, and where the firmware is.
TEST_F(VmMgrTest, AndroidLendUserMemAndFirmwareConfig)
{
	auto ram = Region(1, 0x40000000, 64 * kPage);
	auto fw = Region(2, 0x80000000, 16 * kPage);
	auto other = Region(3, 0x10000, kPage);
	ASSERT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_SET_USER_MEM_REGION, &ram, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_ioctl_arg_size(GH_VM_ANDROID_LEND_USER_MEM), 32u);
	ASSERT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ANDROID_LEND_USER_MEM, &fw, nullptr), 0);
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ANDROID_LEND_USER_MEM, &fw, nullptr), -EEXIST);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &other), 0);
	gh_vm_fw_config bad{ 0x80000000, 0 };
	EXPECT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ANDROID_SET_FW_CONFIG, &bad, nullptr), -EINVAL);
	bad = { ~0ULL - 10, 100 };
	EXPECT_EQ(gh_vm_mgr_set_fw_config(vm_, &bad), -EINVAL);
	gh_vm_fw_config cfg{ 0x80000000 + 2 * kPage, 4 * kPage };
	ASSERT_EQ(gh_vm_mgr_ioctl(vm_, GH_VM_ANDROID_SET_FW_CONFIG, &cfg, nullptr), 0);
	gh_vm_dtb_config d{ 0x40000000, kPage };
	ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm_, &d), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	auto calls = rm_.Calls();
	EXPECT_NE(std::find(calls.begin(), calls.end(), "mem_lend:2"), calls.end());
	EXPECT_NE(std::find(calls.begin(), calls.end(), "mem_share:1"), calls.end());
	// The firmware region is the configured one, not the lowest other one.
	EXPECT_TRUE(rm_.layout.has_firmware);
	EXPECT_EQ(rm_.layout.fw_handle, 102u);
	EXPECT_EQ(rm_.layout.fw_base, 0x80000000u);
	EXPECT_EQ(rm_.layout.fw_offset, 2 * kPage);
	EXPECT_EQ(rm_.layout.fw_image_size, 4 * kPage);
	EXPECT_EQ(gh_vm_mgr_set_fw_config(vm_, &cfg), -EBUSY);
}

TEST_F(VmMgrTest, FirmwareConfigOutsideEveryOtherRegionFailsStart)
{
	auto ram = Region(1, 0x40000000, 64 * kPage);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm_, &ram), 0);
	gh_vm_fw_config cfg{ 0x40000000, kPage }; // in the image's region
	ASSERT_EQ(gh_vm_mgr_set_fw_config(vm_, &cfg), 0);
	EXPECT_EQ(gh_vm_mgr_start(vm_), -EINVAL);
}

} // namespace
