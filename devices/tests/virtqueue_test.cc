// SPDX-License-Identifier: BSD-3-Clause
#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "devices/tests/virtio_fakes.h"

namespace {

using ghtest::Desc;
using ghtest::GuestRam;
using ghtest::Ring;

constexpr uint64_t kBase = 0x40000000;
constexpr uint64_t kData = kBase + 0x10000;  // buffers
constexpr uint64_t kTable = kBase + 0x20000; // indirect tables
constexpr uint16_t W = GH_VIRTQ_DESC_F_WRITE;
constexpr uint16_t N = GH_VIRTQ_DESC_F_NEXT;
constexpr uint16_t I = GH_VIRTQ_DESC_F_INDIRECT;

struct Fixture {
	GuestRam ram;
	Ring ring{ &ram, 16, kBase };
	struct gh_virtq vq;
	struct gh_guest_mem mem = ram.mem();

	explicit Fixture(bool indirect = true)
	{
		if (gh_virtq_init(&vq, &mem, 16, ring.desc, ring.avail, ring.used, indirect))
			abort();
	}
	void table(uint64_t at, const std::vector<Desc> &ds)
	{
		ram.fill(at, ds.data(), ds.size() * sizeof(Desc));
	}
};

struct ChainCase {
	const char *name;
	std::function<void(Fixture &)> build;
	int ret;
	uint16_t n_out, n_in;
	uint32_t out_bytes, in_bytes;
	bool indirect = true;
};

TEST(Virtqueue, ChainValidationTable)
{
	std::vector<ChainCase> cases = {
		{ "one readable",
		  [](Fixture &f) {
			  f.ring.add({ { kData, 100, 0, 0 } });
		  },
		  0, 1, 0, 100, 0 },
		{ "readable then writable",
		  [](Fixture &f) {
			  f.ring.add({ { kData, 16, 0, 0 }, { kData + 16, 513, W, 0 } });
		  },
		  0, 1, 1, 16, 513 },
		{ "zero-length buffer",
		  [](Fixture &f) {
			  f.ring.add({ { kData, 0, 0, 0 } });
		  },
		  0, 1, 0, 0, 0 },
		{ "whole queue as one chain",
		  [](Fixture &f) {
			  f.ring.add(std::vector<Desc>(16, Desc{ kData, 1, 0, 0 }));
		  },
		  0, 16, 0, 16, 0 },
		{ "writable then readable",
		  [](Fixture &f) {
			  f.ring.add({ { kData, 16, W, 0 }, { kData, 16, 0, 0 } });
		  },
		  -EINVAL },
		{ "self loop",
		  [](Fixture &f) {
			  f.ring.put_desc(0, { kData, 8, N, 0 });
			  f.ring.publish(0);
		  },
		  -EINVAL },
		{ "two-descriptor loop",
		  [](Fixture &f) {
			  f.ring.put_desc(3, { kData, 8, N, 7 });
			  f.ring.put_desc(7, { kData, 8, N, 3 });
			  f.ring.publish(3);
		  },
		  -EINVAL },
		{ "next out of the table",
		  [](Fixture &f) {
			  f.ring.put_desc(0, { kData, 8, N, 16 });
			  f.ring.publish(0);
		  },
		  -EINVAL },
		{ "head out of the table", [](Fixture &f) { f.ring.publish(16); }, -EINVAL },
		{ "head far out", [](Fixture &f) { f.ring.publish(0xffff); }, -EINVAL },
		{ "buffer outside RAM",
		  [](Fixture &f) {
			  f.ring.add({ { kBase - 16, 8, 0, 0 } });
		  },
		  -EFAULT },
		{ "buffer runs off the end of RAM",
		  [](Fixture &f) {
			  f.ring.add({ { kBase + (1 << 20) - 4, 8, W, 0 } });
		  },
		  -EFAULT },
		{ "buffer wraps the address space",
		  [](Fixture &f) {
			  f.ring.add({ { UINT64_MAX - 3, 8, 0, 0 } });
		  },
		  -EFAULT },
		{ "indirect table",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, N, 1 },
		                            { kData + 16, 512, N | W, 2 },
		                            { kData + 600, 1, W, 0 } });
			  f.ring.add({ { kTable, 48, I, 0 } });
		  },
		  0, 1, 2, 16, 513 },
		{ "indirect table, WRITE on the table descriptor is ignored",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, 0, 0 } });
			  f.ring.add({ { kTable, 16, I | W, 0 } });
		  },
		  0, 1, 0, 16, 0 },
		{ "indirect table of the maximum size",
		  [](Fixture &f) {
			  std::vector<Desc> t(GH_VIRTQ_MAX_SEGS);
			  for (uint16_t i = 0; i < t.size(); i++)
				  t[i] = { kData + i, 1, (uint16_t)(i + 1 < t.size() ? N : 0),
				           (uint16_t)(i + 1) };
			  f.table(kTable, t);
			  f.ring.add({ { kTable, (uint32_t)(16 * t.size()), I, 0 } });
		  },
		  0, GH_VIRTQ_MAX_SEGS, 0, GH_VIRTQ_MAX_SEGS, 0 },
		{ "indirect table too big",
		  [](Fixture &f) {
			  f.ring.add({ { kTable, 16 * (GH_VIRTQ_MAX_SEGS + 1), I, 0 } });
		  },
		  -EINVAL },
		{ "indirect table of length 0",
		  [](Fixture &f) {
			  f.ring.add({ { kTable, 0, I, 0 } });
		  },
		  -EINVAL },
		{ "indirect table length not a multiple of 16",
		  [](Fixture &f) {
			  f.ring.add({ { kTable, 17, I, 0 } });
		  },
		  -EINVAL },
		{ "indirect with NEXT",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, 0, 0 } });
			  f.ring.put_desc(0, { kTable, 16, I | N, 1 });
			  f.ring.put_desc(1, { kData, 16, 0, 0 });
			  f.ring.publish(0);
		  },
		  -EINVAL },
		{ "indirect after a direct descriptor",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, 0, 0 } });
			  f.ring.add({ { kData, 8, 0, 0 }, { kTable, 16, I, 0 } });
		  },
		  -EINVAL },
		{ "nested indirect",
		  [](Fixture &f) {
			  f.table(kTable, { { kTable + 0x100, 16, I, 0 } });
			  f.table(kTable + 0x100, { { kData, 16, 0, 0 } });
			  f.ring.add({ { kTable, 16, I, 0 } });
		  },
		  -EINVAL },
		{ "loop inside an indirect table",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, N, 1 }, { kData, 16, N, 0 } });
			  f.ring.add({ { kTable, 32, I, 0 } });
		  },
		  -EINVAL },
		{ "next out of an indirect table",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, N, 2 }, { kData, 16, 0, 0 } });
			  f.ring.add({ { kTable, 32, I, 0 } });
		  },
		  -EINVAL },
		{ "indirect table outside RAM",
		  [](Fixture &f) {
			  f.ring.add({ { kBase + (1 << 20) - 16, 32, I, 0 } });
		  },
		  -EFAULT },
		{ "indirect buffer outside RAM",
		  [](Fixture &f) {
			  f.table(kTable, { { 0x1000, 16, 0, 0 } });
			  f.ring.add({ { kTable, 16, I, 0 } });
		  },
		  -EFAULT },
		{ "indirect not negotiated",
		  [](Fixture &f) {
			  f.table(kTable, { { kData, 16, 0, 0 } });
			  f.ring.add({ { kTable, 16, I, 0 } });
		  },
		  -EINVAL, 0, 0, 0, 0, false },
		{ "avail index jumps past the queue size",
		  [](Fixture &f) { f.ram.put<uint16_t>(f.ring.avail + 2, 17); }, -EINVAL },
		{ "avail index moves backwards",
		  [](Fixture &f) { f.ram.put<uint16_t>(f.ring.avail + 2, 0xffff); }, -EINVAL },
		{ "nothing available", [](Fixture &) {}, -EAGAIN },
	};
	for (auto &c : cases) {
		SCOPED_TRACE(c.name);
		Fixture f(c.indirect);
		c.build(f);
		auto chain = std::make_unique<gh_virtq_chain>();
		uint16_t before = f.vq.last_avail;
		int ret = gh_virtq_pop(&f.vq, chain.get());
		EXPECT_EQ(ret, c.ret);
		if (ret) {
			EXPECT_EQ(f.vq.last_avail, before) << "consumed on failure";
			continue;
		}
		EXPECT_EQ(chain->n_out, c.n_out);
		EXPECT_EQ(chain->n_in, c.n_in);
		EXPECT_EQ(chain->out_bytes, c.out_bytes);
		EXPECT_EQ(chain->in_bytes, c.in_bytes);
		EXPECT_EQ(f.vq.last_avail, before + 1);
	}
}

// Lengths that only add up past 4 GiB; RAM that accepts every address.
TEST(Virtqueue, TotalLengthBounded)
{
	GuestRam ram;
	const struct gh_guest_mem_ops lax = { GuestRam::read, GuestRam::write,
		                              [](void *, uint64_t, uint64_t) { return 0; } };
	struct gh_guest_mem mem = { &lax, &ram };
	Ring ring(&ram, 8, kBase);
	struct gh_virtq vq;
	ASSERT_EQ(gh_virtq_init(&vq, &mem, 8, ring.desc, ring.avail, ring.used, false), 0);
	ring.add({ { 0x100000000ull, 0x80000000u, W, 0 }, { 0x200000000ull, 0x80000000u, W, 0 } });
	auto chain = std::make_unique<gh_virtq_chain>();
	EXPECT_EQ(gh_virtq_pop(&vq, chain.get()), -EINVAL);
}

TEST(Virtqueue, InitValidation)
{
	GuestRam ram;
	struct gh_guest_mem mem = ram.mem();
	struct gh_virtq vq;
	const struct gh_guest_mem_ops no_check = { GuestRam::read, GuestRam::write, nullptr };
	struct gh_guest_mem bad_mem = { &no_check, &ram };
	struct Case {
		const char *name;
		uint16_t size;
		uint64_t desc, avail, used;
		int ret;
	} cases[] = {
		{ "ok", 256, kBase, kBase + 0x1000, kBase + 0x2000, 0 },
		{ "size 0", 0, kBase, kBase + 0x1000, kBase + 0x2000, -EINVAL },
		{ "size not a power of two", 3, kBase, kBase + 0x1000, kBase + 0x2000, -EINVAL },
		{ "size too big", 2048, kBase, kBase + 0x10000, kBase + 0x20000, -EINVAL },
		{ "desc misaligned", 8, kBase + 8, kBase + 0x1000, kBase + 0x2000, -EINVAL },
		{ "avail misaligned", 8, kBase, kBase + 0x1001, kBase + 0x2000, -EINVAL },
		{ "used misaligned", 8, kBase, kBase + 0x1000, kBase + 0x2002, -EINVAL },
		{ "desc outside RAM", 8, 0x1000, kBase + 0x1000, kBase + 0x2000, -EFAULT },
		{ "used runs off RAM", 256, kBase, kBase + 0x1000, kBase + (1 << 20) - 0x100,
		  -EFAULT },
		{ "avail wraps", 8, kBase, UINT64_MAX - 1, kBase + 0x2000, -EFAULT },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(gh_virtq_init(&vq, &mem, c.size, c.desc, c.avail, c.used, false), c.ret);
	}
	EXPECT_EQ(gh_virtq_init(&vq, &bad_mem, 8, kBase, kBase + 0x1000, kBase + 0x2000, false),
	          -EINVAL);
	EXPECT_EQ(gh_virtq_init(nullptr, &mem, 8, kBase, kBase + 0x1000, kBase + 0x2000, false),
	          -EINVAL);
	EXPECT_EQ(gh_virtq_init(&vq, nullptr, 8, kBase, kBase + 0x1000, kBase + 0x2000, false),
	          -EINVAL);
}

// Run the 16-bit indices all the way round, twice.
TEST(Virtqueue, IndexWrap)
{
	Fixture f;
	auto chain = std::make_unique<gh_virtq_chain>();
	for (uint32_t i = 0; i < 2 * 65536 + 5; i++) {
		f.ring.next_desc = (uint16_t)(i % 16);
		uint16_t head = f.ring.add({ { kData, 4, W, 0 } });
		ASSERT_EQ(gh_virtq_pop(&f.vq, chain.get()), 0) << i;
		ASSERT_EQ(chain->head, head);
		bool notify;
		ASSERT_EQ(gh_virtq_push(&f.vq, head, 4, &notify), 0);
		uint32_t id, len;
		ASSERT_TRUE(f.ring.pop_used(&id, &len));
		ASSERT_EQ(id, head);
		ASSERT_EQ(len, 4u);
	}
	EXPECT_EQ(f.ring.used_idx(), (uint16_t)(2 * 65536 + 5));
	EXPECT_EQ(gh_virtq_pop(&f.vq, chain.get()), -EAGAIN);
}

TEST(Virtqueue, PushAndInterruptSuppression)
{
	Fixture f;
	bool notify = true;
	EXPECT_EQ(gh_virtq_push(&f.vq, 16, 0, &notify), -EINVAL);
	EXPECT_EQ(gh_virtq_push(&f.vq, 0, 0, nullptr), -EINVAL);
	EXPECT_EQ(gh_virtq_push(nullptr, 0, 0, &notify), -EINVAL);
	ASSERT_EQ(gh_virtq_push(&f.vq, 3, 7, &notify), 0);
	EXPECT_TRUE(notify);
	f.ram.put<uint16_t>(f.ring.avail, GH_VIRTQ_AVAIL_F_NO_INTERRUPT);
	ASSERT_EQ(gh_virtq_push(&f.vq, 4, 7, &notify), 0);
	EXPECT_FALSE(notify);
	EXPECT_EQ(f.ring.used_idx(), 2);
}

TEST(Virtqueue, ChainCopyAcrossSegments)
{
	Fixture f;
	f.ram.fill(kData, "hello ", 6);
	f.ram.fill(kData + 0x100, "world", 5);
	f.ring.add({ { kData, 6, 0, 0 },
	             { kData + 0x100, 5, 0, 0 },
	             { kData + 0x200, 3, W, 0 },
	             { kData + 0x300, 4, W, 0 } });
	auto c = std::make_unique<gh_virtq_chain>();
	ASSERT_EQ(gh_virtq_pop(&f.vq, c.get()), 0);
	char buf[16] = {};
	ASSERT_EQ(gh_virtq_chain_read(&f.mem, c.get(), 0, buf, 11), 0);
	EXPECT_EQ(std::string(buf, 11), "hello world");
	ASSERT_EQ(gh_virtq_chain_read(&f.mem, c.get(), 4, buf, 4), 0);
	EXPECT_EQ(std::string(buf, 4), "o wo");
	EXPECT_EQ(gh_virtq_chain_read(&f.mem, c.get(), 8, buf, 4), -EINVAL);
	EXPECT_EQ(gh_virtq_chain_read(&f.mem, c.get(), UINT64_MAX, buf, 1), -EINVAL);
	ASSERT_EQ(gh_virtq_chain_write(&f.mem, c.get(), 1, "ABCDE", 5), 0);
	EXPECT_EQ(f.ram.dump(kData + 0x201, 2), std::vector<uint8_t>({ 'A', 'B' }));
	EXPECT_EQ(f.ram.dump(kData + 0x300, 3), std::vector<uint8_t>({ 'C', 'D', 'E' }));
	EXPECT_EQ(gh_virtq_chain_write(&f.mem, c.get(), 0, "12345678", 8), -EINVAL);
	EXPECT_EQ(gh_virtq_chain_write(&f.mem, nullptr, 0, "1", 1), -EINVAL);
}

} // namespace
