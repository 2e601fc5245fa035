// SPDX-License-Identifier: BSD-3-Clause
// Many callers at once against an RM that answers in shuffled batches with
// notifications in between: each caller gets its own reply. Run under TSan.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

extern "C" {
#include <gunyah/os_posix.h>
}

#include "fake_rm.h"

namespace rmtest {
namespace {

struct Counter : gh_rm_listener {
	std::atomic<unsigned> n{ 0 };
	static void Cb(gh_rm_listener *l, const gh_rm_notif *nt)
	{
		auto *c = static_cast<Counter *>(l);
		if (nt->err == 0 && nt->msg_id == GH_RM_NOTIF_VM_STATUS)
			c->n++;
	}
	Counter()
	{
		notify = Cb;
		next = nullptr;
	}
};

// The reply to a request: its payload reversed, then its seq.
Bytes Answer(const Request &r)
{
	Bytes b(r.payload.rbegin(), r.payload.rend());
	Put16(b, r.seq);
	return b;
}

TEST(Concurrency, ManyCallersShuffledReplies)
{
	constexpr int kThreads = 8, kCalls = 150;
	gh_os_posix_warn_quiet(true);
	long allocs = gh_os_posix_live_allocs();
	{
		FakeRm fake;
		Counter listener;
		ASSERT_EQ(gh_rm_register_listener(fake.rm(), &listener), 0);
		std::atomic<bool> stop{ false };
		std::atomic<unsigned> notifs_sent{ 0 };
		std::thread responder([&] {
			std::mt19937 rng(1);
			std::vector<Request> batch;
			while (!stop.load() || fake.Pending()) {
				while (fake.Pending() && batch.size() < 5)
					batch.push_back(fake.Pop());
				if (batch.empty()) {
					std::this_thread::yield();
					continue;
				}
				std::shuffle(batch.begin(), batch.end(), rng);
				for (const auto &r : batch) {
					fake.Reply(r.seq, r.msg_id, 0, Answer(r));
					if (rng() % 3 == 0) {
						Bytes st = { 1, 0, 0, 0, GH_RM_VM_STATUS_RUNNING,
							     0, 0, 0 };
						fake.Notify(GH_RM_NOTIF_VM_STATUS, st);
						notifs_sent++;
					}
				}
				batch.clear();
				EXPECT_EQ(fake.Deliver(), 0);
			}
		});
		std::atomic<int> failures{ 0 };
		std::vector<std::thread> callers;
		for (int t = 0; t < kThreads; t++) {
			callers.emplace_back([&, t] {
				std::mt19937 rng(100 + t);
				for (int i = 0; i < kCalls; i++) {
					Bytes req(rng() % 700);
					for (auto &b : req)
						b = static_cast<uint8_t>(rng());
					void *p = nullptr;
					size_t len = 0;
					int ret = gh_rm_call(fake.rm(), 0x56000000u + t + 1,
					                     req.data(), req.size(), &p, &len,
					                     nullptr);
					Bytes got(static_cast<uint8_t *>(p),
					          static_cast<uint8_t *>(p) + len);
					gh_os_free(p);
					Bytes want(req.rbegin(), req.rend());
					if (ret || got.size() != want.size() + 2 ||
					    !std::equal(want.begin(), want.end(), got.begin()))
						failures++;
				}
			});
		}
		for (auto &c : callers)
			c.join();
		stop = true;
		responder.join();
		EXPECT_EQ(failures.load(), 0);
		EXPECT_EQ(listener.n.load(), notifs_sent.load());
		gh_rm_stats s;
		gh_rm_get_stats(fake.rm(), &s);
		EXPECT_EQ(s.calls, uint64_t(kThreads) * kCalls);
		EXPECT_EQ(s.rx_dropped, 0u);
		EXPECT_EQ(s.abandoned, 0u);
		EXPECT_EQ(gh_rm_unregister_listener(fake.rm(), &listener), 0);
	}
	EXPECT_EQ(gh_os_posix_live_allocs(), allocs);
}

// Callers kicked at random while an RM answers: every call either completes
// or returns -EINTR, late replies are absorbed, nothing leaks.
TEST(Concurrency, SignalsDuringCalls)
{
	constexpr int kThreads = 4, kCalls = 100;
	gh_os_posix_warn_quiet(true);
	long allocs = gh_os_posix_live_allocs();
	{
		FakeRm fake;
		std::atomic<bool> stop{ false };
		std::thread responder([&] {
			while (!stop.load() || fake.Pending()) {
				if (!fake.Pending()) {
					std::this_thread::yield();
					continue;
				}
				Request r = fake.Pop();
				fake.Reply(r.seq, r.msg_id, 0, Answer(r));
				EXPECT_EQ(fake.Deliver(), 0);
			}
		});
		std::vector<gh_os_task *> tasks(kThreads, nullptr);
		std::atomic<int> ready{ 0 }, done{ 0 }, bad{ 0 };
		std::vector<std::thread> callers;
		for (int t = 0; t < kThreads; t++) {
			callers.emplace_back([&, t] {
				tasks[t] = gh_os_posix_task_self();
				ready++;
				for (int i = 0; i < kCalls; i++) {
					Bytes req(static_cast<size_t>(i % 300),
					          static_cast<uint8_t>(i));
					void *p = nullptr;
					size_t len = 0;
					int ret = gh_rm_call(fake.rm(), 0x56000004, req.data(),
					                     req.size(), &p, &len, nullptr);
					gh_os_free(p);
					if (ret == -EINTR)
						gh_os_posix_clear_kick();
					else if (ret || len != req.size() + 2)
						bad++;
				}
				done++;
			});
		}
		while (ready.load() < kThreads)
			std::this_thread::yield();
		std::mt19937 rng(7);
		while (done.load() < kThreads) {
			gh_os_posix_kick(tasks[rng() % kThreads]);
			std::this_thread::yield();
		}
		for (auto &c : callers)
			c.join();
		stop = true;
		responder.join();
		for (auto *t : tasks)
			gh_os_posix_task_put(t);
		EXPECT_EQ(bad.load(), 0);
	}
	EXPECT_EQ(gh_os_posix_live_allocs(), allocs);
}

} // namespace
} // namespace rmtest
