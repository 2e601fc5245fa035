// SPDX-License-Identifier: BSD-3-Clause
// Races (run under --config=tsan too).
#include <gunyah/os_posix.h>
#include <gunyah/vm_mgr.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "vm_mgr/tests/fake_rm.h"

namespace {

constexpr int kThreads = 8;

TEST(VmMgrRace, EnsureStartedStartsOnce)
{
	for (int round = 0; round < 20; round++) {
		FakeRm rm;
		rm.start_delay_ms = round % 3;
		gh_vm *vm;
		ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
		std::atomic<int> go{ 0 };
		std::vector<int> rets(kThreads, 1);
		std::vector<std::thread> th;
		for (int i = 0; i < kThreads; i++) {
			th.emplace_back([&, i] {
				while (!go.load())
					std::this_thread::yield();
				rets[i] = gh_vm_mgr_ensure_started(vm);
			});
		}
		go = 1;
		for (auto &t : th)
			t.join();
		for (int r : rets)
			EXPECT_EQ(r, 0);
		EXPECT_EQ(rm.starts.load(), 1);
		EXPECT_EQ(rm.inits.load(), 1);
		gh_vm_put(vm);
	}
}

TEST(VmMgrRace, FailedStartIsReportedToEveryRunner)
{
	for (int round = 0; round < 20; round++) {
		FakeRm rm;
		rm.fail_op = "vm_start";
		rm.fail_err = -ETIMEDOUT;
		rm.start_delay_ms = round % 2;
		gh_vm *vm;
		ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
		std::atomic<int> go{ 0 };
		std::vector<int> rets(kThreads, 1);
		std::vector<std::thread> th;
		for (int i = 0; i < kThreads; i++) {
			th.emplace_back([&, i] {
				while (!go.load())
					std::this_thread::yield();
				rets[i] = gh_vm_mgr_ensure_started(vm);
			});
		}
		go = 1;
		for (auto &t : th)
			t.join();
		for (int r : rets)
			EXPECT_EQ(r, -ETIMEDOUT);
		EXPECT_EQ(rm.starts.load(), 1);
		EXPECT_EQ(gh_vm_mgr_status(vm), GH_VM_MGR_STATUS_LOAD_FAILED);
		gh_vm_put(vm);
	}
}

// A region either makes it into the start (shared with the RM) or is refused
// with -EBUSY: never accepted and then silently left out.
TEST(VmMgrRace, ConfigVersusStart)
{
	for (int round = 0; round < 20; round++) {
		FakeRm rm;
		gh_vm *vm;
		ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
		std::atomic<int> go{ 0 };
		std::vector<int> rets(kThreads, 1);
		std::vector<std::thread> th;
		for (int i = 0; i < kThreads; i++) {
			th.emplace_back([&, i] {
				while (!go.load())
					std::this_thread::yield();
				gh_userspace_memory_region r{};
				r.label = (uint32_t)i;
				r.flags = GH_MEM_ALLOW_RWX;
				r.guest_phys_addr = 0x40000000 + (uint64_t)i * 0x10000;
				r.memory_size = 0x1000;
				r.userspace_addr = FakeGuestMemory(0);
				rets[i] = gh_vm_mgr_set_user_mem_region(vm, &r);
			});
		}
		th.emplace_back([&] {
			while (!go.load())
				std::this_thread::yield();
			EXPECT_EQ(gh_vm_mgr_start(vm), 0);
		});
		go = 1;
		for (auto &t : th)
			t.join();
		auto calls = rm.Calls();
		for (int i = 0; i < kThreads; i++) {
			bool shared = std::find(calls.begin(), calls.end(),
			                        "mem_share:" + std::to_string(i)) != calls.end();
			if (rets[i] == 0)
				EXPECT_TRUE(shared) << i;
			else
				EXPECT_EQ(rets[i], -EBUSY);
		}
		gh_vm_put(vm);
	}
}

// Concurrent gets/puts from many threads: exactly one release.
TEST(VmMgrRace, RefcountAcrossThreads)
{
	FakeRm rm;
	gh_vm *vm;
	ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
	std::vector<std::thread> th;
	for (int i = 0; i < kThreads; i++)
		gh_vm_get(vm);
	for (int i = 0; i < kThreads; i++) {
		th.emplace_back([vm] {
			for (int j = 0; j < 1000; j++) {
				gh_vm_get(vm);
				gh_vm_put(vm);
			}
			gh_vm_put(vm);
		});
	}
	for (auto &t : th)
		t.join();
	EXPECT_EQ(gh_vm_mgr_status(vm), GH_VM_MGR_STATUS_NO_STATE);
	gh_vm_put(vm);
	EXPECT_TRUE(rm.live.empty());
}


// Soak defect (TSan): the RM client finds a VM until dealloc_vmid, so a
// VM_EXITED can be delivered while the VM is being released; release cleared
// the listener list without notify_lock, which notify_tickets holds to walk it.
std::atomic<int> release_phase{ 0 };

TEST(VmMgrRace, ExitNotifiedDuringRelease)
{
	FakeRm rm;
	gh_vm_rm_ops ops = rm.ops;
	gh_vm *vm;

	release_phase = 0;
	ops.vm_stop = [](void *c, uint16_t) {
		release_phase = 1; // release has begun: let the notifier go
		return static_cast<FakeRm *>(c)->call("vm_stop");
	};
	ops.dealloc_vmid = [](void *c, uint16_t) {
		while (release_phase.load() != 2) // the notification is done
			std::this_thread::yield();
		static_cast<FakeRm *>(c)->call("dealloc_vmid");
	};
	ASSERT_EQ(gh_vm_mgr_create(&ops, &rm, &vm), 0);
	ASSERT_EQ(gh_vm_mgr_ensure_started(vm), 0);
	std::thread notifier([&] {
		while (release_phase.load() != 1)
			std::this_thread::yield();
		EXPECT_EQ(gh_vm_mgr_notify_status(vm, GH_VM_MGR_STATUS_EXITED, nullptr), 0);
		release_phase = 2;
	});
	gh_vm_put(vm);
	notifier.join();
}

} // namespace
