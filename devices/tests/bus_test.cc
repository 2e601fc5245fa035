// SPDX-License-Identifier: BSD-3-Clause
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/devices/bus.h>
}

namespace {

struct FakeDev {
	static constexpr uint32_t kAlive = 0xa11fe;
	uint32_t magic = kAlive;
	uint32_t id = 0;
	std::atomic<uint64_t> reads{ 0 };
	std::atomic<uint64_t> writes{ 0 };
	// Devices own their locking; this one only needs atomics.
	std::atomic<uint64_t> last_offset{ 0 };
	std::atomic<uint32_t> last_size{ 0 };
	std::atomic<uint64_t> last_val{ 0 };
	struct gh_bus *bus = nullptr; // for the re-entrancy test
	int reentry_ret = 0;
};

int fake_read(void *dev, uint64_t offset, uint32_t size, uint64_t *val)
{
	auto *d = static_cast<FakeDev *>(dev);
	if (d->magic != FakeDev::kAlive)
		abort();
	d->reads++;
	*val = (uint64_t(d->id) << 32) | offset;
	(void)size;
	return 0;
}

int fake_write(void *dev, uint64_t offset, uint32_t size, uint64_t val)
{
	auto *d = static_cast<FakeDev *>(dev);
	if (d->magic != FakeDev::kAlive)
		abort();
	d->writes++;
	d->last_offset = offset;
	d->last_size = size;
	d->last_val = val;
	return 0;
}

const struct gh_mmio_ops fake_ops = { fake_read, fake_write };

int reentrant_write(void *dev, uint64_t, uint32_t, uint64_t)
{
	auto *d = static_cast<FakeDev *>(dev);
	d->reentry_ret = gh_bus_unregister(d->bus, 0x1000);
	if (!d->reentry_ret)
		return 0;
	int r2 = gh_bus_register(d->bus, 0x9000, 0x10, &fake_ops, d);
	return r2 == d->reentry_ret ? 0 : -1;
}

const struct gh_mmio_ops reentrant_ops = { fake_read, reentrant_write };

class BusTest : public ::testing::Test {
protected:
	void SetUp() override { ASSERT_EQ(gh_bus_create(&bus_), 0); }
	void TearDown() override { gh_bus_destroy(bus_); }
	struct gh_bus *bus_ = nullptr;
};

TEST(BusApi, NullArguments)
{
	struct gh_bus *bus = nullptr;
	uint64_t v = 1;
	size_t n;
	FakeDev d;

	EXPECT_EQ(gh_bus_create(nullptr), -EINVAL);
	EXPECT_EQ(gh_bus_register(nullptr, 0, 1, &fake_ops, &d), -EINVAL);
	EXPECT_EQ(gh_bus_unregister(nullptr, 0), -EINVAL);
	EXPECT_EQ(gh_bus_read(nullptr, 0, 4, &v), -EINVAL);
	EXPECT_EQ(v, 0u);
	EXPECT_EQ(gh_bus_write(nullptr, 0, 4, 0), -EINVAL);
	EXPECT_EQ(gh_bus_count(nullptr, &n), -EINVAL);
	gh_bus_destroy(nullptr);

	ASSERT_EQ(gh_bus_create(&bus), 0);
	EXPECT_EQ(gh_bus_read(bus, 0, 4, nullptr), -EINVAL);
	EXPECT_EQ(gh_bus_count(bus, nullptr), -EINVAL);
	EXPECT_EQ(gh_bus_register(bus, 0, 1, nullptr, &d), -EINVAL);
	const struct gh_mmio_ops no_write = { fake_read, nullptr };
	const struct gh_mmio_ops no_read = { nullptr, fake_write };
	EXPECT_EQ(gh_bus_register(bus, 0, 1, &no_write, &d), -EINVAL);
	EXPECT_EQ(gh_bus_register(bus, 0, 1, &no_read, &d), -EINVAL);
	gh_bus_destroy(bus);
}

TEST_F(BusTest, RegisterTable)
{
	FakeDev d;
	// Existing range: [0x1000, 0x2000).
	ASSERT_EQ(gh_bus_register(bus_, 0x1000, 0x1000, &fake_ops, &d), 0);

	struct Case {
		const char *name;
		uint64_t base, len;
		int ret;
	} cases[] = {
		{ "same", 0x1000, 0x1000, -EEXIST },
		{ "overlap start", 0x0800, 0x0801, -EEXIST },
		{ "overlap end", 0x1fff, 0x10, -EEXIST },
		{ "inside", 0x1100, 0x10, -EEXIST },
		{ "containing", 0x0000, 0x10000, -EEXIST },
		{ "zero length", 0x5000, 0, -EINVAL },
		{ "wraps", UINT64_MAX - 0xf, 0x11, -EOVERFLOW },
		{ "wraps by far", UINT64_MAX, UINT64_MAX, -EOVERFLOW },
		{ "adjacent below", 0x0800, 0x0800, 0 },
		{ "adjacent above", 0x2000, 0x10, 0 },
		{ "top byte", UINT64_MAX, 1, 0 },
		{ "ends at top", UINT64_MAX - 0xff, 0xff, 0 },
		{ "address zero", 0, 1, 0 },
		{ "then overlap zero", 0, 0x800, -EEXIST },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(gh_bus_register(bus_, c.base, c.len, &fake_ops, &d), c.ret);
	}
	size_t n = 0;
	ASSERT_EQ(gh_bus_count(bus_, &n), 0);
	EXPECT_EQ(n, 6u);

	EXPECT_EQ(gh_bus_unregister(bus_, 0x1001), -ENOENT);
	EXPECT_EQ(gh_bus_unregister(bus_, 0x3000), -ENOENT);
	EXPECT_EQ(gh_bus_unregister(bus_, 0x1000), 0);
	EXPECT_EQ(gh_bus_unregister(bus_, 0x1000), -ENOENT);
	// The hole can be filled again.
	EXPECT_EQ(gh_bus_register(bus_, 0x1000, 0x1000, &fake_ops, &d), 0);
}

TEST_F(BusTest, DispatchTable)
{
	FakeDev a, b;
	a.id = 1;
	b.id = 2;
	ASSERT_EQ(gh_bus_register(bus_, 0x9000000, 0x1000, &fake_ops, &a), 0);
	ASSERT_EQ(gh_bus_register(bus_, 0x9001000, 0x10, &fake_ops, &b), 0);
	ASSERT_EQ(gh_bus_register(bus_, UINT64_MAX - 7, 8, &fake_ops, &b), 0);

	struct Case {
		const char *name;
		uint64_t addr;
		uint32_t size;
		int ret;
		uint64_t val;
	} cases[] = {
		{ "a first byte", 0x9000000, 1, 0, (1ull << 32) | 0 },
		{ "a word", 0x9000018, 4, 0, (1ull << 32) | 0x18 },
		{ "a dword", 0x9000ff8, 8, 0, (1ull << 32) | 0xff8 },
		{ "a halfword at end", 0x9000ffe, 2, 0, (1ull << 32) | 0xffe },
		{ "a dword past end", 0x9000ffc, 8, -ERANGE, 0 },
		{ "b start", 0x9001000, 4, 0, (2ull << 32) | 0 },
		{ "b last byte", 0x900100f, 1, 0, (2ull << 32) | 0xf },
		{ "b straddles end", 0x900100e, 4, -ERANGE, 0 },
		{ "miss after b", 0x9001010, 4, -ENOENT, 0 },
		{ "miss before a", 0x8ffffff, 1, -ENOENT, 0 },
		{ "miss at 0", 0, 8, -ENOENT, 0 },
		{ "size 0", 0x9000000, 0, -EINVAL, 0 },
		{ "size 3", 0x9000000, 3, -EINVAL, 0 },
		{ "size 16", 0x9000000, 16, -EINVAL, 0 },
		{ "top of space", UINT64_MAX - 7, 8, 0, (2ull << 32) | 0 },
		{ "top byte", UINT64_MAX, 1, 0, (2ull << 32) | 7 },
		{ "top straddle", UINT64_MAX - 1, 4, -ERANGE, 0 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		uint64_t v = 0xdead;
		EXPECT_EQ(gh_bus_read(bus_, c.addr, c.size, &v), c.ret);
		EXPECT_EQ(v, c.val);
		EXPECT_EQ(gh_bus_write(bus_, c.addr, c.size, 0x55), c.ret);
	}
	gh_bus_write(bus_, 0x9000010, 2, 0xbeef);
	EXPECT_EQ(a.last_offset.load(), 0x10u);
	EXPECT_EQ(a.last_size.load(), 2u);
	EXPECT_EQ(a.last_val.load(), 0xbeefu);
}

TEST_F(BusTest, ManyDevicesRandomOrder)
{
	constexpr int kN = 256;
	std::vector<FakeDev> devs(kN);
	std::vector<int> order(kN);
	for (int i = 0; i < kN; i++) {
		order[i] = i;
		devs[i].id = i;
	}
	std::mt19937 rng(42);
	std::shuffle(order.begin(), order.end(), rng);
	for (int i : order)
		ASSERT_EQ(gh_bus_register(bus_, 0x0a000000 + 0x200ull * i, 0x200, &fake_ops,
		                          &devs[i]),
		          0);
	for (int i = 0; i < kN; i++) {
		SCOPED_TRACE(i);
		uint64_t v;
		ASSERT_EQ(gh_bus_read(bus_, 0x0a000000 + 0x200ull * i + 0x1fc, 4, &v), 0);
		EXPECT_EQ(v, (uint64_t(i) << 32) | 0x1fc);
	}
	// Remove every other one; the rest still resolve, the holes miss.
	for (int i = 0; i < kN; i += 2)
		ASSERT_EQ(gh_bus_unregister(bus_, 0x0a000000 + 0x200ull * i), 0);
	for (int i = 0; i < kN; i++) {
		SCOPED_TRACE(i);
		uint64_t v;
		EXPECT_EQ(gh_bus_read(bus_, 0x0a000000 + 0x200ull * i, 4, &v), i % 2 ? 0 : -ENOENT);
	}
}

TEST_F(BusTest, ReentryFromDeviceIsRefused)
{
	FakeDev d;
	d.bus = bus_;
	ASSERT_EQ(gh_bus_register(bus_, 0x1000, 0x10, &reentrant_ops, &d), 0);
	EXPECT_EQ(gh_bus_write(bus_, 0x1000, 4, 0), 0);
	EXPECT_EQ(d.reentry_ret, -EDEADLK);
}

TEST_F(BusTest, CapacityIsBounded)
{
	FakeDev d;
	for (uint64_t i = 0; i < GH_BUS_MAX_DEVICES; i++)
		ASSERT_EQ(gh_bus_register(bus_, i * 0x10, 0x10, &fake_ops, &d), 0);
	EXPECT_EQ(gh_bus_register(bus_, 1ull << 40, 0x10, &fake_ops, &d), -ENOSPC);
}

// vCPU threads dispatch while the map changes under them; devices are freed
// as soon as unregister returns. ASan catches a use after free, TSan a race.
TEST_F(BusTest, ConcurrentDispatchAndUpdate)
{
	constexpr int kReaders = 3;
	constexpr int kRounds = 60;
	std::atomic<bool> stop{ false };
	FakeDev fixed;
	fixed.id = 7;
	ASSERT_EQ(gh_bus_register(bus_, 0x100000, 0x1000, &fake_ops, &fixed), 0);

	std::vector<std::thread> readers;
	std::atomic<uint64_t> hits{ 0 };
	std::atomic<int> running{ 0 };
	for (int t = 0; t < kReaders; t++) {
		readers.emplace_back([&, t] {
			uint64_t local = 0;
			unsigned int x = t + 1;
			bool counted = false;
			while (!stop.load()) {
				x = x * 1103515245 + 12345;
				uint64_t addr = 0x200000 + 0x100ull * ((x >> 8) % 8);
				uint64_t v;
				if (gh_bus_read(bus_, addr, 4, &v) == 0)
					local++;
				gh_bus_write(bus_, addr + 4, 4, x);
				if (gh_bus_read(bus_, 0x100010, 4, &v) != 0 ||
				    v != ((7ull << 32) | 0x10))
					abort();
				if (!counted) {
					counted = true;
					running++;
				}
			}
			hits += local;
		});
	}
	// The map changes only while every reader is dispatching (without this
	// the rounds could finish before a reader has run at all).
	while (running.load() < kReaders)
		std::this_thread::yield();
	for (int r = 0; r < kRounds; r++) {
		auto *d = new FakeDev;
		d->id = r;
		uint64_t base = 0x200000 + 0x100ull * (r % 8);
		ASSERT_EQ(gh_bus_register(bus_, base, 0x100, &fake_ops, d), 0);
		std::this_thread::yield();
		ASSERT_EQ(gh_bus_unregister(bus_, base), 0);
		d->magic = 0; // no dispatch may still be inside d
		delete d;
	}
	stop = true;
	for (auto &t : readers)
		t.join();
	EXPECT_GT(fixed.reads.load(), 0u);
}

} // namespace
