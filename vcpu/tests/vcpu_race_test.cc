// SPDX-License-Identifier: BSD-3-Clause
// Races for TSan: RUN vs REMOVE_FUNCTION vs VM release, signals during
// EXPECTS_WAKEUP, wake-ups vs waits, many runners on one vCPU.
#include <atomic>
#include <thread>
#include <vector>

#include "vcpu/tests/fake_hyp.h"

namespace {

using VcpuRace = VcpuFixture;

TEST_F(VcpuRace, RunVersusRemoveVersusVmRelease)
{
	// The hypervisor alternates between time slices and WFI; a helper thread
	// keeps firing wake-ups so the runner never sleeps for long.
	std::atomic<uint64_t> n{ 0 };
	hyp_.SetFallback([&n] {
		uint64_t i = n++;
		if (i % 3 == 0)
			return Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
		if (i % 3 == 1)
			return Step(GH_VCPU_STATE_BLOCKED);
		return Step(GH_VCPU_STATE_READY);
	});
	for (int round = 0; round < 30; round++) {
		SCOPED_TRACE(round);
		if (round > 0) {
			ASSERT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, &vm_), 0);
			vcpu_ = AddVcpu(0);
			ASSERT_NE(vcpu_, nullptr);
		}
		std::atomic<bool> stop{ false };
		gh_vcpu *v = vcpu_;
		std::thread waker([&] {
			while (!stop.load()) {
				gh_os_posix_irq_raise(kIrq);
				std::this_thread::yield();
			}
		});
		std::atomic<int> ret{ 1 };
		std::thread runner([&, v] {
			int r;
			do {
				r = gh_vcpu_run(v);
			} while (r == 0);
			ret = r;
		});
		std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 5)));
		std::thread remover([&] { EXPECT_EQ(RemoveVcpu(0), 0); });
		std::thread releaser([&] {
			if (round % 2)
				std::this_thread::sleep_for(std::chrono::microseconds(100));
		});
		remover.join();
		releaser.join();
		ReleaseVm(); // concurrently with the runner finishing
		runner.join();
		stop = true;
		waker.join();
		EXPECT_EQ(ret.load(), -ENODEV);
		ReleaseVcpu();
		EXPECT_TRUE(rm_.live.empty());
	}
}

TEST_F(VcpuRace, VmReleaseWhileRunningKeepsTheVmUntilTheHandleGoes)
{
	hyp_.SetFallback([] { return Step(GH_VCPU_STATE_EXPECTS_WAKEUP); });
	std::atomic<int> ret{ 1 };
	gh_os_task *task = nullptr;
	std::atomic<bool> started{ false };
	gh_vcpu *v = vcpu_;
	std::thread runner([&, v] {
		task = gh_os_posix_task_self();
		started = true;
		ret = gh_vcpu_run(v);
		gh_os_posix_clear_kick();
	});
	while (!started.load())
		std::this_thread::yield();
	std::this_thread::sleep_for(std::chrono::milliseconds(5));
	ReleaseVm(); // the runner's handle pins the VM: nothing is torn down
	EXPECT_FALSE(rm_.live.empty());
	gh_os_posix_kick(task);
	runner.join();
	EXPECT_EQ(ret.load(), -EINTR);
	gh_os_posix_task_put(task);
	ReleaseVcpu();
	EXPECT_TRUE(rm_.live.empty());
}

TEST_F(VcpuRace, SignalsDuringExpectsWakeup)
{
	// Each round: the runner sleeps in WFI; a kick and a wake-up race. The RUN
	// returns -EINTR (kick won) or goes on to the MMIO exit (wake-up won);
	// it never hangs and never loses the exit.
	for (int round = 0; round < 200; round++) {
		std::atomic<bool> in_call{ false };
		HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
		wfi.action = [&] { in_call = true; };
		hyp_.Push({ wfi, MmioRead(0x1000, 4) });
		gh_os_task *task = nullptr;
		std::atomic<bool> have_task{ false };
		int ret = 1;
		gh_vcpu *v = vcpu_;
		std::thread runner([&, v] {
			task = gh_os_posix_task_self();
			have_task = true;
			ret = gh_vcpu_run(v);
			if (ret == -EINTR) {
				gh_os_posix_clear_kick();
				ret = gh_vcpu_run(v); // needs the wake-up (already fired)
			}
			gh_os_posix_clear_kick();
		});
		while (!have_task.load() || !in_call.load())
			std::this_thread::yield();
		std::thread kicker([&] { gh_os_posix_kick(task); });
		std::thread waker([&] { gh_os_posix_irq_raise(kIrq); });
		kicker.join();
		waker.join();
		runner.join();
		// Whichever won, the exit arrives: either the first RUN got it, or
		// the second RUN re-entered WFI... which the script answers with MMIO.
		EXPECT_TRUE(ret == 0 || ret == -EINTR) << ret;
		gh_os_posix_task_put(task);
		// Drain whatever is left so the next round starts clean.
		while (hyp_.Pending()) {
			gh_os_posix_irq_raise(kIrq);
			gh_vcpu_run(vcpu_);
		}
		if (ret == 0) {
			hyp_.Push(ErrStep(GH_ERROR_DENIED));
			EXPECT_EQ(gh_vcpu_run(vcpu_), -EACCES);
		}
	}
}

TEST_F(VcpuRace, ManyRunnersOneVcpu)
{
	std::atomic<int> inside{ 0 }, max_inside{ 0 };
	hyp_.SetFallback([&] {
		HypStep s = MmioRead(0x2000, 4);
		s.action = [&] {
			int now = ++inside;
			int m = max_inside.load();
			while (now > m && !max_inside.compare_exchange_weak(m, now)) {
			}
			std::this_thread::yield();
			--inside;
		};
		return s;
	});
	std::atomic<int> ok{ 0 }, busy{ 0 };
	std::vector<std::thread> th;
	for (int i = 0; i < 6; i++) {
		th.emplace_back([&] {
			for (int j = 0; j < 300; j++) {
				int r = gh_vcpu_run(vcpu_);
				if (r == 0)
					ok++;
				else if (r == -EBUSY)
					busy++;
				else
					ADD_FAILURE() << r;
			}
		});
	}
	for (auto &t : th)
		t.join();
	EXPECT_EQ(max_inside.load(), 1);
	EXPECT_EQ(ok + busy, 1800);
	EXPECT_GT(ok.load(), 0);
}

TEST_F(VcpuRace, WakeupsRacingWaitsAreNeverLost)
{
	// Each WFI is answered by exactly one wake-up from another thread, at a
	// random moment relative to the hypercall's return.
	constexpr int kRounds = 300;
	std::atomic<int> wfis{ 0 };
	hyp_.SetFallback([&] {
		if (wfis.load() >= kRounds)
			return MmioRead(0x3000, 4);
		HypStep s = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
		s.action = [&] {
			int k = ++wfis;
			std::thread([k] {
				if (k % 2)
					std::this_thread::yield();
				gh_os_posix_irq_raise(kIrq);
			}).detach();
		};
		return s;
	});
	EXPECT_EQ(gh_vcpu_run(vcpu_), 0);
	EXPECT_EQ(wfis.load(), kRounds);
	// Let detached wakers finish before the vCPU goes away.
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

} // namespace
