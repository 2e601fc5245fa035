// SPDX-License-Identifier: BSD-3-Clause
#include <gunyah/os.h>
#include <gunyah/os_posix.h>

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

TEST(OsPosix, PageIsZeroedAndAligned)
{
	long before = gh_os_posix_live_allocs();
	auto *p = static_cast<unsigned char *>(gh_os_page_alloc_zeroed());
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % gh_os_page_size(), 0u);
	for (size_t i = 0; i < gh_os_page_size(); i++)
		ASSERT_EQ(p[i], 0);
	EXPECT_EQ(gh_os_posix_live_allocs(), before + 1);
	gh_os_page_free(p);
	EXPECT_EQ(gh_os_posix_live_allocs(), before);
}

// A pin is the range itself; every page of it must be mapped.
TEST(OsPosix, MemPinNeedsEveryPageMapped)
{
	const uint64_t page = gh_os_page_size();
	char *p = static_cast<char *>(
		mmap(nullptr, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	struct gh_os_pinned *pin = nullptr;
	const struct gh_os_mem_range *r;

	ASSERT_NE(p, MAP_FAILED);
	ASSERT_EQ(gh_os_mem_pin((uint64_t)(uintptr_t)p, 4 * page, true, &pin), 0);
	ASSERT_EQ(gh_os_pinned_ranges(pin, &r), 1u);
	EXPECT_EQ(r->phys, (uint64_t)(uintptr_t)p);
	EXPECT_EQ(r->size, 4 * page);
	gh_os_mem_unpin(pin);
	// A hole in the middle: any range over it fails.
	ASSERT_EQ(munmap(p + 2 * page, page), 0);
	EXPECT_EQ(gh_os_mem_pin((uint64_t)(uintptr_t)p, 4 * page, true, &pin), -EFAULT);
	EXPECT_EQ(gh_os_mem_pin((uint64_t)(uintptr_t)p, 2 * page, true, &pin), 0);
	gh_os_mem_unpin(pin);
	EXPECT_EQ(gh_os_mem_pin((uint64_t)(uintptr_t)p + page, 2 * page, true, &pin), -EFAULT);
	EXPECT_EQ(gh_os_mem_pin((uint64_t)(uintptr_t)p + 1, page, true, &pin), -EINVAL);
	munmap(p, 4 * page);
}

TEST(OsPosix, RefCount)
{
	struct gh_os_ref r;
	gh_os_ref_init(&r);
	gh_os_ref_get(&r);
	EXPECT_FALSE(gh_os_ref_put(&r));
	EXPECT_TRUE(gh_os_ref_put(&r));
	EXPECT_FALSE(gh_os_ref_get_unless_zero(&r));
}

TEST(OsPosix, CompletionIsBroadcastAndNotConsumed)
{
	struct gh_os_completion *c = gh_os_completion_alloc();
	gh_os_completion_complete(c);
	EXPECT_EQ(gh_os_completion_wait_interruptible(c), 0);
	EXPECT_EQ(gh_os_completion_wait_interruptible(c), 0);
	gh_os_completion_reinit(c);
	std::thread t([c] { gh_os_completion_complete(c); });
	EXPECT_EQ(gh_os_completion_wait_interruptible(c), 0);
	t.join();
	gh_os_completion_free(c);
}

TEST(OsPosix, KickInterruptsWaitAndSetsSignalPending)
{
	struct gh_os_completion *c = gh_os_completion_alloc();
	std::atomic<gh_os_task *> task{ nullptr };
	std::atomic<int> ret{ 1 };
	std::atomic<bool> pending_after{ false };
	std::thread waiter([&] {
		task = gh_os_posix_task_self();
		ret = gh_os_completion_wait_interruptible(c);
		pending_after = gh_os_signal_pending();
		gh_os_posix_clear_kick();
		EXPECT_FALSE(gh_os_signal_pending());
	});
	while (!task.load())
		std::this_thread::yield();
	std::this_thread::sleep_for(std::chrono::milliseconds(5));
	gh_os_posix_kick(task.load());
	waiter.join();
	EXPECT_EQ(ret.load(), -EINTR);
	EXPECT_TRUE(pending_after.load());
	gh_os_posix_task_put(task.load());
	gh_os_completion_free(c);
}

TEST(OsPosix, KickBeforeWaitIsNotLost)
{
	struct gh_os_completion *c = gh_os_completion_alloc();
	struct gh_os_task *self = gh_os_posix_task_self();
	gh_os_posix_kick(self);
	EXPECT_TRUE(gh_os_signal_pending());
	EXPECT_EQ(gh_os_completion_wait_interruptible(c), -EINTR);
	gh_os_posix_clear_kick();
	gh_os_posix_task_put(self);
	gh_os_completion_free(c);
}

TEST(OsPosix, EventfdGetRejectsOtherFds)
{
	struct gh_os_eventfd *e = nullptr;
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(gh_os_eventfd_get(p[0], &e), -EINVAL);
	EXPECT_EQ(gh_os_eventfd_get(-1, &e), -EBADF);
	EXPECT_EQ(gh_os_eventfd_get(100000, &e), -EBADF);
	close(p[0]);
	close(p[1]);
}

static void count_cb(void *arg)
{
	static_cast<std::atomic<int> *>(arg)->fetch_add(1);
}

TEST(OsPosix, EventfdSignalAndWatch)
{
	int fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	struct gh_os_eventfd *e = nullptr;
	ASSERT_EQ(gh_os_eventfd_get(fd, &e), 0);
	std::atomic<int> calls{ 0 };
	struct gh_os_eventfd_watch *w = nullptr;
	ASSERT_EQ(gh_os_eventfd_watch(e, count_cb, &calls, &w), 0);
	uint64_t one = 1;
	ASSERT_EQ(write(fd, &one, sizeof(one)), (ssize_t)sizeof(one));
	for (int i = 0; i < 2000 && calls.load() == 0; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	EXPECT_EQ(calls.load(), 1);
	gh_os_eventfd_unwatch(w);

	/* signal() adds to the counter the fd's owner reads */
	gh_os_eventfd_signal(e);
	gh_os_eventfd_signal(e);
	uint64_t v = 0;
	ASSERT_EQ(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	EXPECT_EQ(v, 2u);
	gh_os_eventfd_put(e);
	close(fd);
}

TEST(OsPosix, WarnIsCounted)
{
	gh_os_posix_warn_quiet(true);
	unsigned long before = gh_os_posix_warn_count();
	for (int i = 0; i < 50; i++)
		gh_os_warn_ratelimited("test %d", i);
	EXPECT_EQ(gh_os_posix_warn_count(), before + 50);
	gh_os_posix_warn_quiet(false);
}

// The named atomics the cores use instead of compiler builtins: values, old
// values returned, and a counter that two threads move without losing a step.
TEST(OsPosix, NamedAtomics)
{
	struct gh_os_atomic a;
	gh_os_atomic_init(&a, 5);
	EXPECT_EQ(gh_os_atomic_read_acquire(&a), 5);
	gh_os_atomic_set_release(&a, 0);
	EXPECT_EQ(gh_os_atomic_xchg_acquire(&a, 1), 0);
	EXPECT_EQ(gh_os_atomic_xchg_acquire(&a, 1), 1);
	gh_os_atomic_inc_release(&a);
	EXPECT_EQ(gh_os_atomic_read_acquire(&a), 2);
	gh_os_atomic_dec_release(&a);
	gh_os_atomic_dec_release(&a);
	EXPECT_EQ(gh_os_atomic_read_acquire(&a), 0);

	std::thread t([&] {
		for (int i = 0; i < 10000; i++)
			gh_os_atomic_inc_release(&a);
	});
	for (int i = 0; i < 10000; i++)
		gh_os_atomic_dec_release(&a);
	t.join();
	EXPECT_EQ(gh_os_atomic_read_acquire(&a), 0);

	static const int x = 1, y = 2;
	const void *slot = nullptr;
	EXPECT_EQ(gh_os_ptr_load_acquire(&slot), nullptr);
	EXPECT_EQ(gh_os_ptr_cmpxchg(&slot, nullptr, &x), nullptr); // stored
	EXPECT_EQ(gh_os_ptr_cmpxchg(&slot, nullptr, &y), &x);      // not stored
	EXPECT_EQ(gh_os_ptr_load_acquire(&slot), &x);
	EXPECT_EQ(gh_os_ptr_cmpxchg(&slot, &x, nullptr), &x);
	EXPECT_EQ(gh_os_ptr_load_acquire(&slot), nullptr);

	uint32_t v = 0;
	GH_WRITE_ONCE(v, 7u);
	EXPECT_EQ(GH_READ_ONCE(v), 7u);
	GH_STORE_RELEASE(v, 9u);
	EXPECT_EQ(GH_LOAD_ACQUIRE(v), 9u);
}

} // namespace
