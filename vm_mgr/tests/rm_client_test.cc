// SPDX-License-Identifier: BSD-3-Clause
// gh_vm_rm_client_ops against a scripted RM (rm/'s fake, on the injected
// transport): the VM manager's start and teardown as RPC messages, the memory
// parcel of each region, and the notifications turned into VM status.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

extern "C" {
#include <gunyah/os_posix.h>
#include <gunyah/vm_mgr.h>
}

#include "rm/tests/fake_rm.h"
#include "vm_mgr/tests/fake_rm.h"

namespace {

using rmtest::Bytes;
using rmtest::Get16;
using rmtest::Get32;
using rmtest::Get64;
using rmtest::Put16;
using rmtest::Put32;
using rmtest::Put64;
using rmtest::Request;

constexpr uint16_t kHostVmid = 3;
constexpr uint16_t kVmid = 0x20;
constexpr uint64_t kPage = 4096;

class RmClient : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		allocs_ = gh_os_posix_live_allocs();
		fake_ = new rmtest::FakeRm();
		fake_->on_request = [this](const Request &r) { Serve(r); };
		ASSERT_EQ(gh_vm_rm_client_create(fake_->rm(), &client_), 0);
	}
	void TearDown() override
	{
		gh_vm_rm_client_destroy(client_);
		delete fake_;
		EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
	}

	// A small RM: vmids, parcel handles, one vCPU, RESET notified after the reply.
	void Serve(const Request &r)
	{
		uint32_t err = 0;
		Bytes rep;
		{
			std::lock_guard<std::mutex> g(mu_);
			(void)fake_->Pop();
			seen_.push_back(r);
			auto f = fail_.find(r.msg_id);
			if (f != fail_.end())
				err = f->second;
		}
		switch (r.msg_id) {
		case GH_RM_MSG_VM_GET_VMID:
			Put32(rep, kHostVmid);
			break;
		case GH_RM_MSG_VM_ALLOC_VMID:
			Put32(rep, kVmid);
			break;
		case GH_RM_MSG_MEM_SHARE:
		case GH_RM_MSG_MEM_LEND:
			Put32(rep, next_handle_++);
			break;
		case GH_RM_MSG_VM_GET_HYP_RESOURCES:
			Put32(rep, 1);
			rep.push_back(GH_RM_RESOURCE_VCPU);
			rep.push_back(0);
			Put16(rep, 0);
			Put32(rep, 0);      // handle
			Put32(rep, 0);      // label: vCPU 0
			Put64(rep, 0x1234); // capid
			Put32(rep, 0);      // virq handle
			Put32(rep, 77);     // virq
			Put64(rep, 0);
			Put64(rep, 0);
			break;
		default:
			break;
		}
		if (err)
			rep.clear();
		fake_->Reply(r.seq, r.msg_id, err, rep);
		if (r.msg_id == GH_RM_MSG_VM_RESET && !err && notify_reset_) {
			Bytes st;
			Put16(st, Get16(r.payload, 0));
			Put16(st, 0);
			st.push_back(GH_RM_VM_STATUS_RESET);
			st.push_back(0);
			Put16(st, 0);
			fake_->Notify(GH_RM_NOTIF_VM_STATUS, st);
		}
		fake_->Deliver();
	}

	std::vector<uint32_t> Ids()
	{
		std::lock_guard<std::mutex> g(mu_);
		std::vector<uint32_t> ids;
		for (auto &r : seen_)
			ids.push_back(r.msg_id);
		return ids;
	}
	Request Find(uint32_t id, size_t nth = 0)
	{
		std::lock_guard<std::mutex> g(mu_);
		for (auto &r : seen_)
			if (r.msg_id == id && nth-- == 0)
				return r;
		ADD_FAILURE() << "no request " << std::hex << id;
		return {};
	}
	static gh_userspace_memory_region Region(uint32_t label, uint64_t gpa, uint64_t size,
	                                         uint32_t flags)
	{
		gh_userspace_memory_region r{};
		r.label = label;
		r.flags = flags;
		r.guest_phys_addr = gpa;
		r.memory_size = size;
		r.userspace_addr = FakeGuestMemory(gpa);
		return r;
	}
	void Exited(uint16_t vmid, uint16_t type, const Bytes &reason)
	{
		Bytes p;
		Put16(p, vmid);
		Put16(p, type);
		Put32(p, (uint32_t)reason.size());
		p.insert(p.end(), reason.begin(), reason.end());
		fake_->Notify(GH_RM_NOTIF_VM_EXITED, p);
		fake_->Deliver();
	}

	rmtest::FakeRm *fake_ = nullptr;
	gh_vm_rm_client *client_ = nullptr;
	long allocs_ = 0;
	std::mutex mu_;
	std::vector<Request> seen_;
	std::map<uint32_t, uint32_t> fail_;
	uint32_t next_handle_ = 0x40;
	bool notify_reset_ = true;
};

TEST_F(RmClient, StartAndTeardownAsRpc)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	EXPECT_EQ(gh_vm_mgr_vmid(vm), kVmid);
	auto ram = Region(1, 0x40000000, 16 * kPage, GH_MEM_ALLOW_RWX);
	auto fw = Region(2, 0, 4 * kPage, GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &ram), 0);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &fw), 0);
	gh_vm_dtb_config dtb{ 0x40000000 + 4 * kPage, kPage };
	ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm, &dtb), 0);
	gh_vm_boot_context bc{ GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0), 0,
		               0x1000 };
	ASSERT_EQ(gh_vm_mgr_set_boot_context(vm, &bc), 0);
	fail_[GH_RM_MSG_VM_SET_ADDRESS_LAYOUT] = GH_RM_ERROR_UNIMPLEMENTED; // the open RM
	ASSERT_EQ(gh_vm_mgr_start(vm), 0);

	std::vector<uint32_t> start = {
		GH_RM_MSG_VM_GET_VMID,
		GH_RM_MSG_VM_ALLOC_VMID,
		GH_RM_MSG_MEM_SHARE,
		GH_RM_MSG_MEM_SHARE,
		GH_RM_MSG_VM_CONFIG_IMAGE,
		GH_RM_MSG_VM_SET_FIRMWARE_MEM,
		GH_RM_MSG_VM_SET_ADDRESS_LAYOUT,
		GH_RM_MSG_VM_SET_ADDRESS_LAYOUT,
		GH_RM_MSG_VM_INIT,
		GH_RM_MSG_VM_SET_BOOT_CONTEXT,
		GH_RM_MSG_VM_GET_HYP_RESOURCES,
		GH_RM_MSG_VM_START,
	};
	EXPECT_EQ(Ids(), start);

	// The RAM parcel: label, the VM with RWX, the host with RWX, one range.
	Request share = Find(GH_RM_MSG_MEM_SHARE, 0);
	const Bytes &p = share.payload;
	ASSERT_GE(p.size(), 8u + 4 + 8 + 4 + 16 + 4);
	EXPECT_EQ(p[0], GH_RM_MEM_TYPE_NORMAL);
	EXPECT_EQ(Get32(p, 4), 1u);
	EXPECT_EQ(Get16(p, 8), 2u); // ACL entries
	EXPECT_EQ(Get16(p, 12), kVmid);
	EXPECT_EQ(p[14], GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X);
	EXPECT_EQ(Get16(p, 16), kHostVmid);
	EXPECT_EQ(Get16(p, 20), 1u); // ranges
	EXPECT_EQ(Get64(p, 24), ram.userspace_addr);
	EXPECT_EQ(Get64(p, 32), ram.memory_size);
	// The firmware's ACL: what the region allows.
	EXPECT_EQ(Find(GH_RM_MSG_MEM_SHARE, 1).payload[14], GH_RM_ACL_R | GH_RM_ACL_X);

	Request img = Find(GH_RM_MSG_VM_CONFIG_IMAGE);
	EXPECT_EQ(Get16(img.payload, 0), kVmid);
	EXPECT_EQ(Get32(img.payload, 4), 0x40u);      // the RAM parcel
	EXPECT_EQ(Get64(img.payload, 24), 4 * kPage); // dtb offset
	EXPECT_EQ(Get64(img.payload, 32), kPage);     // dtb size
	EXPECT_EQ(Get32(Find(GH_RM_MSG_VM_SET_FIRMWARE_MEM).payload, 4), 0x41u);
	Request layout = Find(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, 0);
	EXPECT_EQ(Get32(layout.payload, 4), (uint32_t)GH_RM_RANGE_ID_IMAGE);
	EXPECT_EQ(Get64(layout.payload, 8), 0x40000000u);
	Request boot = Find(GH_RM_MSG_VM_SET_BOOT_CONTEXT);
	EXPECT_EQ(boot.payload[2], GH_VM_BOOT_CONTEXT_REG_SET_PC);
	EXPECT_EQ(Get64(boot.payload, 8), 0x1000u);

	gh_vm_put(vm);
	auto ids = Ids();
	std::vector<uint32_t> teardown(ids.begin() + (long)start.size(), ids.end());
	EXPECT_EQ(teardown, (std::vector<uint32_t>{ GH_RM_MSG_VM_STOP, GH_RM_MSG_MEM_RECLAIM,
	                                            GH_RM_MSG_MEM_RECLAIM, GH_RM_MSG_VM_RESET,
	                                            GH_RM_MSG_VM_DEALLOC_VMID }));
	EXPECT_EQ(Find(GH_RM_MSG_VM_STOP).payload[2], GH_RM_VM_STOP_FLAG_FORCE);
}

TEST_F(RmClient, ExitNotificationsBecomeStatus)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	auto ram = Region(1, 0x40000000, kPage, GH_MEM_ALLOW_RWX);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &ram), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm), 0);

	Exited(kVmid + 1, GH_RM_VM_EXIT_TYPE_PLATFORM_OFF, { 0, 0, 0, 0 }); // another VM's
	EXPECT_EQ(gh_vm_mgr_status(vm), GH_VM_MGR_STATUS_RUNNING);
	// A crash: software error, code and two more words; 8 bytes are kept.
	Exited(kVmid, GH_RM_VM_EXIT_TYPE_SOFTWARE_ERROR,
	       { 0, 0, 1, 0, 0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4 });
	gh_vm_exit_info info{};
	EXPECT_EQ(gh_vm_mgr_get_exit(vm, &info), GH_VM_MGR_STATUS_CRASHED);
	EXPECT_EQ(info.type, GH_RM_VM_EXIT_TYPE_SOFTWARE_ERROR);
	EXPECT_EQ(info.reason_size, 8u);
	EXPECT_EQ(info.reason[4], 0xaa);
	gh_vm_put(vm);
	// Stopped already: no VM_STOP at teardown.
	auto ids = Ids();
	EXPECT_EQ(std::count(ids.begin(), ids.end(), (uint32_t)GH_RM_MSG_VM_STOP), 0);
}

TEST_F(RmClient, PowerOffIsAnExitNotACrash)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	auto ram = Region(1, 0x40000000, kPage, GH_MEM_ALLOW_RWX);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &ram), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm), 0);
	Exited(kVmid, GH_RM_VM_EXIT_TYPE_PLATFORM_OFF, { 0, 0, 0, 0 });
	EXPECT_EQ(gh_vm_mgr_get_exit(vm, nullptr), GH_VM_MGR_STATUS_EXITED);
	gh_vm_put(vm);
}

TEST_F(RmClient, FailedStepFailsStartAndTeardownStillReclaims)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	auto ram = Region(1, 0x40000000, kPage, GH_MEM_ALLOW_RWX);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &ram), 0);
	fail_[GH_RM_MSG_VM_INIT] = GH_RM_ERROR_NOMEM;
	EXPECT_EQ(gh_vm_mgr_start(vm), -ENOMEM);
	EXPECT_EQ(gh_vm_mgr_status(vm), GH_VM_MGR_STATUS_LOAD_FAILED);
	gh_vm_put(vm);
	auto ids = Ids();
	EXPECT_EQ(std::count(ids.begin(), ids.end(), (uint32_t)GH_RM_MSG_MEM_RECLAIM), 1);
	EXPECT_EQ(std::count(ids.begin(), ids.end(), (uint32_t)GH_RM_MSG_VM_START), 0);
	EXPECT_EQ(ids.back(), (uint32_t)GH_RM_MSG_VM_DEALLOC_VMID);
}

TEST_F(RmClient, RegionWithoutAccessIsRefused)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	auto none = Region(1, 0x40000000, kPage, 0);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &none), 0);
	EXPECT_EQ(gh_vm_mgr_start(vm), -EINVAL);
	gh_vm_put(vm);
}

// The parcel of a region whose pages are not contiguous (the kernel pins
// them as they come): every range goes out, in order, holes kept; past 512
// ranges the rest follow in MEM_APPEND, and each message is fragmented at 232
// bytes of payload.
TEST_F(RmClient, ParcelWithHolesLargerThanOneMessage)
{
	constexpr size_t kRanges = 600;
	std::vector<gh_os_mem_range> ranges(kRanges);
	for (size_t i = 0; i < kRanges; i++)
		ranges[i] = { 0x80000000ULL + i * 2 * kPage, kPage }; // a page, a hole, ...
	gh_userspace_memory_region r = Region(4, 0x40000000, kRanges * kPage, GH_MEM_ALLOW_RWX);
	gh_vm_mem_parcel parcel{ &r, ranges.data(), kRanges };
	uint32_t handle = 0;
	ASSERT_EQ(gh_vm_rm_client_ops.mem_share(client_, kVmid, &parcel, &handle), 0);
	EXPECT_EQ(handle, 0x40u);

	Request share = Find(GH_RM_MSG_MEM_SHARE);
	const Bytes &p = share.payload;
	EXPECT_EQ(p[2], GH_RM_MEM_SHARE_FLAG_APPEND); // more ranges follow
	size_t sgl = 8 + 4 + 2 * 4;
	ASSERT_EQ(Get16(p, sgl), 512u);
	EXPECT_GT(share.messages, 1u); // 8 KiB of ranges: fragments
	for (size_t i = 0; i < 512; i++) {
		EXPECT_EQ(Get64(p, sgl + 4 + i * 16), ranges[i].phys) << i;
		EXPECT_EQ(Get64(p, sgl + 4 + i * 16 + 8), kPage) << i;
	}
	Request app = Find(GH_RM_MSG_MEM_APPEND);
	EXPECT_EQ(Get32(app.payload, 0), 0x40u);
	EXPECT_EQ(app.payload[4], GH_RM_MEM_APPEND_FLAG_END);
	ASSERT_EQ(Get16(app.payload, 8), kRanges - 512);
	for (size_t i = 512; i < kRanges; i++)
		EXPECT_EQ(Get64(app.payload, 12 + (i - 512) * 16), ranges[i].phys) << i;
	EXPECT_EQ(gh_vm_rm_client_ops.mem_reclaim(client_, kVmid, handle), 0);
}

TEST_F(RmClient, LentRegionAndFirmwareConfig)
{
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&gh_vm_rm_client_ops, client_, &vm), 0);
	auto ram = Region(1, 0x40000000, 16 * kPage, GH_MEM_ALLOW_RWX);
	auto fw = Region(2, 0, 8 * kPage, GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC);
	ASSERT_EQ(gh_vm_mgr_set_user_mem_region(vm, &ram), 0);
	ASSERT_EQ(gh_vm_mgr_lend_user_mem(vm, &fw), 0);
	gh_vm_fw_config cfg{ kPage, 2 * kPage };
	ASSERT_EQ(gh_vm_mgr_set_fw_config(vm, &cfg), 0);
	gh_vm_dtb_config dtb{ 0x40000000, kPage }; // the image is RAM's region
	ASSERT_EQ(gh_vm_mgr_set_dtb_config(vm, &dtb), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm), 0);
	// The lent region: MEM_LEND, the VM alone in the ACL.
	Request lend = Find(GH_RM_MSG_MEM_LEND);
	EXPECT_EQ(Get32(lend.payload, 4), 2u);
	EXPECT_EQ(Get16(lend.payload, 8), 1u);
	EXPECT_EQ(Get16(lend.payload, 12), kVmid);
	Request fwm = Find(GH_RM_MSG_VM_SET_FIRMWARE_MEM);
	EXPECT_EQ(Get64(fwm.payload, 8), kPage);
	EXPECT_EQ(Get64(fwm.payload, 16), 2 * kPage);
	gh_vm_put(vm);
}

TEST(RmClientCreate, HostVmidFailureIsReported)
{
	gh_os_posix_warn_quiet(true);
	rmtest::FakeRm fake;
	fake.Serve([](const Request &) {
		return std::make_pair((uint32_t)GH_RM_ERROR_DENIED, Bytes{});
	});
	gh_vm_rm_client *c = nullptr;
	EXPECT_EQ(gh_vm_rm_client_create(fake.rm(), &c), -EPERM);
	EXPECT_EQ(c, nullptr);
	EXPECT_EQ(gh_vm_rm_client_create(nullptr, &c), -EINVAL);
}

} // namespace
