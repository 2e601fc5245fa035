// SPDX-License-Identifier: BSD-3-Clause
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "devices/tests/fakes.h"

extern "C" {
#include <gunyah/devices/pl031.h>
}

namespace {

using ghtest::FakeClock;
using ghtest::IrqLine;

constexpr uint64_t kSec = 1000000000ull;
constexpr uint64_t kStart = 1700000000ull; // seconds

class Pl031Test : public ::testing::Test {
protected:
	void SetUp() override
	{
		clock_.ns = kStart * kSec + 250000000; // a quarter into a second
		struct gh_pl031_config cfg = {};
		cfg.clock = &FakeClock::ops;
		cfg.clock_ctx = &clock_;
		cfg.irq = &IrqLine::ops;
		cfg.irq_ctx = &irq_;
		ASSERT_EQ(gh_pl031_create(&cfg, &r_), 0);
	}
	void TearDown() override { gh_pl031_destroy(r_); }
	uint32_t R(uint64_t off, uint32_t size = 4)
	{
		uint64_t v = 0xdead;
		EXPECT_EQ(gh_pl031_read(r_, off, size, &v), 0);
		return (uint32_t)v;
	}
	void W(uint64_t off, uint64_t v, uint32_t size = 4)
	{
		EXPECT_EQ(gh_pl031_write(r_, off, size, v), 0);
	}
	void Advance(uint64_t ns) { clock_.ns += ns; }

	FakeClock clock_;
	IrqLine irq_;
	struct gh_pl031 *r_ = nullptr;
};

TEST(Pl031Api, DeadAndHalfBuiltObjects)
{
	struct gh_pl031 *r = nullptr;
	struct gh_pl031_config cfg = {};
	const struct gh_clock_ops no_now = { nullptr };
	uint64_t v;
	struct gh_dev_stats st;
	struct gh_pl031_state s;

	EXPECT_EQ(gh_pl031_create(&cfg, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl031_create(nullptr, &r), -EINVAL);
	EXPECT_EQ(gh_pl031_create(&cfg, &r), -EINVAL);
	cfg.clock = &no_now;
	EXPECT_EQ(gh_pl031_create(&cfg, &r), -EINVAL);
	EXPECT_EQ(r, nullptr);
	EXPECT_EQ(gh_pl031_read(nullptr, 0, 4, &v), -EINVAL);
	EXPECT_EQ(gh_pl031_write(nullptr, 0, 4, 0), -EINVAL);
	EXPECT_EQ(gh_pl031_poll(nullptr), -EINVAL);
	EXPECT_EQ(gh_pl031_next_event(nullptr, &v), -EINVAL);
	EXPECT_EQ(gh_pl031_reset(nullptr), -EINVAL);
	EXPECT_EQ(gh_pl031_stats(nullptr, &st), -EINVAL);
	EXPECT_EQ(gh_pl031_save(nullptr, &s), -EINVAL);
	EXPECT_EQ(gh_pl031_restore(nullptr, &s), -EINVAL);
	gh_pl031_destroy(nullptr);
}

TEST_F(Pl031Test, ResetValuesAndIds)
{
	struct Case {
		const char *name;
		uint64_t off;
		uint32_t val;
	} cases[] = {
		{ "DR", GH_PL031_DR, (uint32_t)kStart },
		{ "MR", GH_PL031_MR, 0 },
		{ "LR", GH_PL031_LR, 0 },
		{ "CR", GH_PL031_CR, 1 },
		{ "IMSC", GH_PL031_IMSC, 0 },
		{ "RIS", GH_PL031_RIS, 0 },
		{ "MIS", GH_PL031_MIS, 0 },
		{ "PeriphID0", 0xfe0, 0x31 },
		{ "PeriphID1", 0xfe4, 0x10 },
		{ "PeriphID2", 0xfe8, 0x14 },
		{ "PeriphID3", 0xfec, 0x00 },
		{ "PCellID0", 0xff0, 0x0d },
		{ "PCellID1", 0xff4, 0xf0 },
		{ "PCellID2", 0xff8, 0x05 },
		{ "PCellID3", 0xffc, 0xb1 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(R(c.off), c.val);
		EXPECT_EQ(R(c.off, 1), c.val & 0xff);
		EXPECT_EQ(R(c.off, 2), c.val & 0xffff);
	}
	struct gh_dev_stats st;
	ASSERT_EQ(gh_pl031_stats(r_, &st), 0);
	EXPECT_EQ(st.bad_reads, 0u);
}

TEST_F(Pl031Test, EveryUnknownOffsetAndOddAccess)
{
	const std::set<uint64_t> known = { 0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c };
	W(GH_PL031_MR, 0x1234);
	W(GH_PL031_IMSC, 1);
	struct gh_pl031_state before, after;
	ASSERT_EQ(gh_pl031_save(r_, &before), 0);
	uint64_t bad = 0;
	for (uint64_t off = 0; off < 0xfe0; off += 4) {
		if (known.count(off))
			continue;
		SCOPED_TRACE(off);
		EXPECT_EQ(R(off), 0u);
		W(off, 0xffffffff);
		bad++;
	}
	EXPECT_EQ(R(GH_PL031_ICR), 0u); // write-only
	for (uint64_t off : { 0x00, 0x14, 0x18, 0xfe0, 0xffc })
		W(off, 0xffffffff); // read-only
	struct Odd {
		uint64_t off;
		uint32_t size;
	} odd[] = { { 0x04, 0 }, { 0x04, 3 },   { 0x04, 8 },      { 0x05, 1 },
		    { 0x06, 2 }, { 0x1000, 4 }, { UINT64_MAX, 1 } };
	for (const auto &o : odd) {
		SCOPED_TRACE(o.off);
		uint64_t v = 1;
		EXPECT_EQ(gh_pl031_read(r_, o.off, o.size, &v), 0);
		EXPECT_EQ(v, 0u);
		W(o.off, 0xffffffff, o.size);
	}
	struct gh_dev_stats st;
	ASSERT_EQ(gh_pl031_stats(r_, &st), 0);
	EXPECT_EQ(st.bad_reads, bad + 1 + sizeof(odd) / sizeof(odd[0]));
	EXPECT_EQ(st.bad_writes, bad + 5 + sizeof(odd) / sizeof(odd[0]));
	ASSERT_EQ(gh_pl031_save(r_, &after), 0);
	EXPECT_EQ(memcmp(&before, &after, sizeof(before)), 0);
}

TEST_F(Pl031Test, CounterFollowsClockInWholeSeconds)
{
	Advance(kSec - 250000000 - 1);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart);
	Advance(1);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 1);
	Advance(10 * kSec);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 11);
	// A clock that steps back does not take the counter with it.
	clock_.ns -= 5 * kSec;
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 11);
}

TEST_F(Pl031Test, LoadRebases)
{
	W(GH_PL031_LR, 100);
	EXPECT_EQ(R(GH_PL031_LR), 100u);
	EXPECT_EQ(R(GH_PL031_DR), 100u);
	Advance(3 * kSec);
	EXPECT_EQ(R(GH_PL031_DR), 103u);
	// Wraps at 32 bits.
	W(GH_PL031_LR, 0xffffffff);
	Advance(kSec);
	EXPECT_EQ(R(GH_PL031_DR), 0u);
}

TEST_F(Pl031Test, MatchInterruptAndDeadline)
{
	W(GH_PL031_LR, 1000);
	W(GH_PL031_MR, 1005);
	W(GH_PL031_IMSC, 1);
	uint64_t deadline = 0;
	ASSERT_EQ(gh_pl031_next_event(r_, &deadline), 0);
	EXPECT_EQ(deadline, clock_.ns + 5 * kSec);
	Advance(5 * kSec - 1);
	ASSERT_EQ(gh_pl031_poll(r_), 0);
	EXPECT_EQ(R(GH_PL031_RIS), 0u);
	EXPECT_FALSE(irq_.level);
	Advance(1);
	ASSERT_EQ(gh_pl031_poll(r_), 0);
	EXPECT_EQ(R(GH_PL031_RIS), 1u);
	EXPECT_EQ(R(GH_PL031_MIS), 1u);
	EXPECT_TRUE(irq_.level);
	W(GH_PL031_ICR, 1);
	EXPECT_EQ(R(GH_PL031_RIS), 0u);
	EXPECT_FALSE(irq_.level);
	// A late poll still catches a match it stepped over.
	W(GH_PL031_MR, 1010);
	Advance(60 * kSec);
	EXPECT_EQ(R(GH_PL031_RIS), 1u);
	EXPECT_TRUE(irq_.level);
	// Masked: RIS without the line.
	W(GH_PL031_ICR, 1);
	W(GH_PL031_IMSC, 0);
	W(GH_PL031_MR, R(GH_PL031_DR) + 1);
	Advance(kSec);
	EXPECT_EQ(R(GH_PL031_RIS), 1u);
	EXPECT_EQ(R(GH_PL031_MIS), 0u);
	EXPECT_FALSE(irq_.level);
	// MR equal to the counter now means a full 2^32 s away.
	W(GH_PL031_MR, R(GH_PL031_DR));
	ASSERT_EQ(gh_pl031_next_event(r_, &deadline), 0);
	EXPECT_GT(deadline, clock_.ns + (1ull << 32) * kSec - 2 * kSec);
}

TEST_F(Pl031Test, ControlIsStartOnly)
{
	W(GH_PL031_CR, 0);
	EXPECT_EQ(R(GH_PL031_CR), 1u);
	Advance(2 * kSec);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 2);
	// A restored stopped RTC holds its value until started.
	struct gh_pl031_state s;
	ASSERT_EQ(gh_pl031_save(r_, &s), 0);
	s.cr = 0;
	ASSERT_EQ(gh_pl031_restore(r_, &s), 0);
	Advance(5 * kSec);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 2);
	uint64_t d;
	EXPECT_EQ(gh_pl031_next_event(r_, &d), -ENOENT);
	W(GH_PL031_CR, 1);
	Advance(kSec);
	EXPECT_EQ(R(GH_PL031_DR), (uint32_t)kStart + 3);
}

TEST_F(Pl031Test, SaveRestore)
{
	W(GH_PL031_LR, 500);
	W(GH_PL031_MR, 900);
	W(GH_PL031_IMSC, 1);
	Advance(7 * kSec);
	struct gh_pl031_state s;
	ASSERT_EQ(gh_pl031_save(r_, &s), 0);
	EXPECT_EQ(s.counter, 507u);

	FakeClock c2;
	c2.ns = 42 * kSec + 5;
	IrqLine i2;
	struct gh_pl031_config cfg = {};
	cfg.clock = &FakeClock::ops;
	cfg.clock_ctx = &c2;
	cfg.irq = &IrqLine::ops;
	cfg.irq_ctx = &i2;
	struct gh_pl031 *r2;
	ASSERT_EQ(gh_pl031_create(&cfg, &r2), 0);
	ASSERT_EQ(gh_pl031_restore(r2, &s), 0);
	uint64_t v;
	gh_pl031_read(r2, GH_PL031_DR, 4, &v);
	EXPECT_EQ(v, 507u);
	c2.ns += kSec;
	gh_pl031_read(r2, GH_PL031_DR, 4, &v);
	EXPECT_EQ(v, 508u);
	gh_pl031_read(r2, GH_PL031_MR, 4, &v);
	EXPECT_EQ(v, 900u);

	struct Bad {
		const char *name;
		void (*mutate)(struct gh_pl031_state *);
	} bad[] = {
		{ "version", [](struct gh_pl031_state *b) { b->version = 0; } },
		{ "reserved", [](struct gh_pl031_state *b) { b->reserved = 1; } },
		{ "cr", [](struct gh_pl031_state *b) { b->cr = 2; } },
		{ "imsc", [](struct gh_pl031_state *b) { b->imsc = 3; } },
		{ "ris", [](struct gh_pl031_state *b) { b->ris = 0x80000000; } },
	};
	for (const auto &b : bad) {
		SCOPED_TRACE(b.name);
		struct gh_pl031_state t = s;
		b.mutate(&t);
		EXPECT_EQ(gh_pl031_restore(r2, &t), -EINVAL);
	}
	gh_pl031_destroy(r2);
}

TEST_F(Pl031Test, Concurrent)
{
	W(GH_PL031_IMSC, 1);
	std::atomic<bool> stop{ false };
	std::vector<std::thread> th;
	for (int t = 0; t < 3; t++) {
		th.emplace_back([&, t] {
			for (int i = 0; i < 3000; i++) {
				uint64_t v;
				gh_pl031_read(r_, GH_PL031_DR, 4, &v);
				gh_pl031_write(r_, GH_PL031_MR, 4, v + 1 + t);
				if (i % 7 == 0)
					gh_pl031_write(r_, GH_PL031_ICR, 4, 1);
			}
		});
	}
	th.emplace_back([&] {
		while (!stop) {
			clock_.ns += kSec / 3;
			gh_pl031_poll(r_);
		}
	});
	for (int t = 0; t < 3; t++)
		th[t].join();
	stop = true;
	th[3].join();
	uint64_t mis;
	gh_pl031_read(r_, GH_PL031_MIS, 4, &mis);
	EXPECT_EQ(irq_.level.load(), mis != 0);
}

} // namespace
