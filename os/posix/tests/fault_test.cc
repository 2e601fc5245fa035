// SPDX-License-Identifier: BSD-3-Clause
// Failure injection (fail_nth) and live counters of the POSIX glue.
#include <gunyah/os_posix.h>
#include <gunyah/os_posix_fault.h>

#include <gtest/gtest.h>

#include <atomic>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

void Handler(void *)
{
}

class Fault : public ::testing::Test {
protected:
	void SetUp() override { gh_os_posix_live(&base_); }
	void TearDown() override
	{
		gh_os_posix_fault_disarm(nullptr);
		gh_os_posix_live_counts now;
		gh_os_posix_live(&now);
		EXPECT_EQ(now.allocs, base_.allocs);
		EXPECT_EQ(now.irqs, base_.irqs);
		EXPECT_EQ(now.eventfds, base_.eventfds);
		EXPECT_EQ(now.watches, base_.watches);
	}
	gh_os_posix_live_counts base_{};
};

TEST_F(Fault, ArmRejectsNonsense)
{
	EXPECT_EQ(gh_os_posix_fault_arm(0, 1, -ENOMEM), -EINVAL);
	EXPECT_EQ(gh_os_posix_fault_arm(1U << 20, 1, -ENOMEM), -EINVAL);
	EXPECT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_ALLOC, 0, -ENOMEM), -EINVAL);
	EXPECT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_IRQ, 1, 0), -EINVAL);
	EXPECT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_IRQ, 1, 5), -EINVAL);
}

TEST_F(Fault, NthAllocationFailsOnce)
{
	ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_ALLOC, 3, -ENOMEM), 0);
	void *a = gh_os_zalloc(8);
	gh_os_mutex *m = gh_os_mutex_alloc(); // one point, not two
	void *c = gh_os_page_alloc_zeroed();  // the third: fails
	gh_os_completion *d = gh_os_completion_alloc();
	gh_os_rwlock *e = gh_os_rwlock_alloc();
	EXPECT_NE(a, nullptr);
	EXPECT_NE(m, nullptr);
	EXPECT_EQ(c, nullptr);
	EXPECT_NE(d, nullptr);
	EXPECT_NE(e, nullptr);
	gh_os_posix_fault_report r{};
	gh_os_posix_fault_disarm(&r);
	EXPECT_EQ(r.calls, 5u);
	EXPECT_EQ(r.fired_class, (unsigned)GH_OS_FAULT_ALLOC);
	gh_os_free(a);
	gh_os_mutex_free(m);
	gh_os_completion_free(d);
	gh_os_rwlock_free(e);
}

TEST_F(Fault, EveryAllocatingCallIsAPoint)
{
	for (int which = 0; which < 5; which++) {
		ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_ALLOC, 1, -ENOMEM), 0);
		switch (which) {
		case 0:
			EXPECT_EQ(gh_os_zalloc(1), nullptr);
			break;
		case 1:
			EXPECT_EQ(gh_os_page_alloc_zeroed(), nullptr);
			break;
		case 2:
			EXPECT_EQ(gh_os_mutex_alloc(), nullptr);
			break;
		case 3:
			EXPECT_EQ(gh_os_rwlock_alloc(), nullptr);
			break;
		case 4:
			EXPECT_EQ(gh_os_completion_alloc(), nullptr);
			break;
		}
		gh_os_posix_fault_report r{};
		gh_os_posix_fault_disarm(&r);
		EXPECT_EQ(r.calls, 1u) << which;
		EXPECT_EQ(r.fired_class, (unsigned)GH_OS_FAULT_ALLOC) << which;
	}
}

TEST_F(Fault, ClassesAreSelectedAndCountedTogether)
{
	int fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	gh_os_eventfd *ev = nullptr, *ev2 = nullptr;
	struct gh_os_eventfd_watch *w = nullptr;

	// Only IRQ | EVENTFD: allocations are neither counted nor failed.
	ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_IRQ | GH_OS_FAULT_EVENTFD, 3, -EIO), 0);
	void *p = gh_os_zalloc(4);
	EXPECT_NE(p, nullptr);
	EXPECT_EQ(gh_os_eventfd_get(fd, &ev), 0);                       // 1
	EXPECT_EQ(gh_os_irq_request(9001, Handler, nullptr), 0);        // 2
	EXPECT_EQ(gh_os_eventfd_watch(ev, Handler, nullptr, &w), -EIO); // 3
	EXPECT_EQ(w, nullptr);
	EXPECT_EQ(gh_os_eventfd_get(fd, &ev2), 0); // 4: once only
	gh_os_posix_fault_report r{};
	gh_os_posix_fault_disarm(&r);
	EXPECT_EQ(r.calls, 4u);
	EXPECT_EQ(r.fired_class, (unsigned)GH_OS_FAULT_EVENTFD);

	gh_os_posix_live_counts live;
	gh_os_posix_live(&live);
	EXPECT_EQ(live.irqs, base_.irqs + 1);
	EXPECT_EQ(live.eventfds, base_.eventfds + 2);
	EXPECT_EQ(live.watches, base_.watches);
	ASSERT_EQ(gh_os_eventfd_watch(ev, Handler, nullptr, &w), 0);
	gh_os_posix_live(&live);
	EXPECT_EQ(live.watches, base_.watches + 1);

	// The injected IRQ error.
	ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_IRQ, 1, -EBUSY), 0);
	EXPECT_EQ(gh_os_irq_request(9002, Handler, nullptr), -EBUSY);
	EXPECT_EQ(gh_os_posix_irq_raise(9002), -ENOENT);
	gh_os_posix_fault_disarm(&r);
	EXPECT_EQ(r.fired_class, (unsigned)GH_OS_FAULT_IRQ);

	gh_os_eventfd_unwatch(w);
	gh_os_irq_free(9001, nullptr);
	gh_os_eventfd_put(ev);
	gh_os_eventfd_put(ev2);
	gh_os_free(p);
	close(fd);
}

TEST_F(Fault, DisarmedAndPastTheEndNothingFails)
{
	ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_ALL, 100, -ENOMEM), 0);
	std::vector<void *> v;
	for (int i = 0; i < 10; i++)
		v.push_back(gh_os_zalloc(16));
	gh_os_posix_fault_report r{};
	gh_os_posix_fault_status(&r);
	EXPECT_EQ(r.calls, 10u);
	EXPECT_EQ(r.fired_class, 0u);
	gh_os_posix_fault_disarm(&r);
	v.push_back(gh_os_zalloc(16)); // not counted
	gh_os_posix_fault_status(&r);
	EXPECT_EQ(r.calls, 10u);
	for (void *p : v) {
		EXPECT_NE(p, nullptr);
		gh_os_free(p);
	}
}

// Many threads: exactly one call fails, and every call is counted.
TEST_F(Fault, ThreadsCountAtomically)
{
	constexpr int kThreads = 4, kEach = 500;
	ASSERT_EQ(gh_os_posix_fault_arm(GH_OS_FAULT_ALLOC, 777, -ENOMEM), 0);
	std::atomic<int> failures{ 0 };
	std::vector<std::thread> th;
	for (int t = 0; t < kThreads; t++) {
		th.emplace_back([&] {
			for (int i = 0; i < kEach; i++) {
				void *p = gh_os_zalloc(8);
				if (!p)
					failures++;
				gh_os_free(p);
			}
		});
	}
	for (auto &t : th)
		t.join();
	gh_os_posix_fault_report r{};
	gh_os_posix_fault_disarm(&r);
	EXPECT_EQ(failures.load(), 1);
	EXPECT_EQ(r.calls, (unsigned long)kThreads * kEach);
	EXPECT_EQ(r.fired_class, (unsigned)GH_OS_FAULT_ALLOC);
}

} // namespace
