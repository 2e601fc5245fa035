// SPDX-License-Identifier: BSD-3-Clause
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "devices/tests/virtio_fakes.h"

extern "C" {
#include <gunyah/devices/backends.h>
#include <gunyah/devices/virtio_blk.h>
#include <gunyah/devices/virtio_console.h>
#include <gunyah/devices/virtio_rng.h>
}

namespace {

using ghtest::ByteSink;
using ghtest::Desc;
using ghtest::GuestRam;
using ghtest::IrqLine;
using ghtest::MmioDriver;
using ghtest::Ring;

constexpr uint64_t kBase = 0x40000000;
constexpr uint64_t kV1 = 1ull << GH_VIRTIO_F_VERSION_1;
constexpr uint64_t kIndirect = 1ull << GH_VIRTIO_F_INDIRECT_DESC;
constexpr uint16_t W = GH_VIRTQ_DESC_F_WRITE;
constexpr uint64_t kBuf = kBase + 0x20000;

// ---------------------------------------------------------------- console

class ConsoleTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		struct gh_virtio_console_config cfg = {};
		cfg.chr = &ByteSink::ops;
		cfg.chr_ctx = &sink_;
		cfg.mem = ram_.mem();
		cfg.irq = &IrqLine::ops;
		cfg.irq_ctx = &irq_;
		ASSERT_EQ(gh_virtio_console_create(&cfg, &con_), 0);
		ASSERT_EQ(gh_virtio_console_transport(con_, &drv_.t), 0);
		ASSERT_EQ(drv_.R(GH_VIRTIO_MMIO_DEVICE_ID), GH_VIRTIO_ID_CONSOLE);
		ASSERT_TRUE(drv_.Negotiate(kV1) & GH_VIRTIO_STATUS_FEATURES_OK);
		drv_.SetupQueue(0, rx_);
		drv_.SetupQueue(1, tx_);
		drv_.DriverOk();
	}
	void TearDown() override { gh_virtio_console_destroy(con_); }
	GuestRam ram_;
	Ring rx_{ &ram_, 16, kBase };
	Ring tx_{ &ram_, 16, kBase + 0x4000 };
	ByteSink sink_;
	IrqLine irq_;
	MmioDriver drv_{ nullptr };
	struct gh_virtio_console *con_ = nullptr;
};

TEST(ConsoleApi, Validation)
{
	GuestRam ram;
	struct gh_virtio_console *c = nullptr;
	struct gh_virtio_console_config cfg = {};
	cfg.mem = ram.mem();
	EXPECT_EQ(gh_virtio_console_create(&cfg, &c), -EINVAL);
	EXPECT_EQ(gh_virtio_console_create(nullptr, &c), -EINVAL);
	EXPECT_EQ(gh_virtio_console_create(&cfg, nullptr), -EINVAL);
	size_t n;
	struct gh_virtio_mmio *t;
	EXPECT_EQ(gh_virtio_console_receive(nullptr, (const uint8_t *)"a", 1, &n), -EINVAL);
	EXPECT_EQ(gh_virtio_console_transport(nullptr, &t), -EINVAL);
	gh_virtio_console_destroy(nullptr);
}

TEST_F(ConsoleTest, TransmitChainsInOrder)
{
	ram_.fill(kBuf, "hello ", 6);
	ram_.fill(kBuf + 0x100, "world", 5);
	ram_.fill(kBuf + 0x200, "!\n", 2);
	tx_.add({ { kBuf, 6, 0, 0 }, { kBuf + 0x100, 5, 0, 0 } });
	tx_.add({ { kBuf + 0x200, 2, 0, 0 } });
	drv_.Notify(1);
	auto out = sink_.take();
	EXPECT_EQ(std::string(out.begin(), out.end()), "hello world!\n");
	uint32_t id, len;
	ASSERT_TRUE(tx_.pop_used(&id, &len));
	EXPECT_EQ(len, 0u);
	ASSERT_TRUE(tx_.pop_used(&id, &len));
	EXPECT_TRUE(irq_.level);
}

TEST_F(ConsoleTest, ReceiveIsBoundedByPostedBuffers)
{
	size_t n = 99;
	ASSERT_EQ(gh_virtio_console_receive(con_, (const uint8_t *)"abc", 3, &n), 0);
	EXPECT_EQ(n, 0u);
	rx_.add({ { kBuf, 2, W, 0 } });
	drv_.Notify(0);
	EXPECT_EQ(sink_.rx_ready.load(), 1);
	ASSERT_EQ(gh_virtio_console_receive(con_, (const uint8_t *)"abc", 3, &n), 0);
	EXPECT_EQ(n, 2u);
	EXPECT_EQ(ram_.dump(kBuf, 2), std::vector<uint8_t>({ 'a', 'b' }));
	uint32_t id, len;
	ASSERT_TRUE(rx_.pop_used(&id, &len));
	EXPECT_EQ(len, 2u);
	// A receive buffer that is readable only carries nothing.
	rx_.add({ { kBuf, 8, 0, 0 } });
	rx_.add({ { kBuf + 8, 8, W, 0 } });
	ASSERT_EQ(gh_virtio_console_receive(con_, (const uint8_t *)"xyz", 3, &n), 0);
	EXPECT_EQ(n, 3u);
	EXPECT_EQ(ram_.dump(kBuf + 8, 3), std::vector<uint8_t>({ 'x', 'y', 'z' }));
}

// -------------------------------------------------------------------- rng

struct CountingRng {
	uint8_t next = 0;
	bool fail = false;
	static int fill(void *ctx, void *buf, size_t len)
	{
		auto *r = static_cast<CountingRng *>(ctx);
		if (r->fail)
			return -EIO;
		auto *p = static_cast<uint8_t *>(buf);
		for (size_t i = 0; i < len; i++)
			p[i] = r->next++;
		return 0;
	}
	static const struct gh_rng_ops ops;
};
const struct gh_rng_ops CountingRng::ops = { CountingRng::fill };

TEST(VirtioRng, FillsWritableBuffersBounded)
{
	GuestRam ram(kBase, 2 << 20);
	CountingRng src;
	IrqLine irq;
	struct gh_virtio_rng_config cfg = {};
	cfg.rng = &CountingRng::ops;
	cfg.rng_ctx = &src;
	cfg.mem = ram.mem();
	cfg.irq = &IrqLine::ops;
	cfg.irq_ctx = &irq;
	struct gh_virtio_rng *rng;
	ASSERT_EQ(gh_virtio_rng_create(&cfg, &rng), 0);
	MmioDriver drv{ nullptr };
	ASSERT_EQ(gh_virtio_rng_transport(rng, &drv.t), 0);
	EXPECT_EQ(drv.R(GH_VIRTIO_MMIO_DEVICE_ID), GH_VIRTIO_ID_RNG);
	Ring ring(&ram, 16, kBase);
	ASSERT_TRUE(drv.Negotiate(kV1) & GH_VIRTIO_STATUS_FEATURES_OK);
	drv.SetupQueue(0, ring);
	drv.DriverOk();

	struct Case {
		const char *name;
		std::vector<Desc> chain;
		bool fail;
		uint32_t used;
	} cases[] = {
		{ "small", { { kBuf, 100, W, 0 } }, false, 100 },
		{ "two segments", { { kBuf, 10, W, 0 }, { kBuf + 0x1000, 300, W, 0 } }, false, 310 },
		{ "capped", { { kBuf, 0x18000, W, 0 } }, false, GH_VIRTIO_RNG_MAX_CHAIN },
		{ "readable only", { { kBuf, 64, 0, 0 } }, false, 0 },
		{ "source fails", { { kBuf, 64, W, 0 } }, true, 0 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		src.next = 0;
		src.fail = c.fail;
		ring.add(c.chain);
		drv.Notify(0);
		uint32_t id, len;
		ASSERT_TRUE(ring.pop_used(&id, &len));
		EXPECT_EQ(len, c.used);
		if (c.used >= 3 && c.chain[0].len >= 3)
			EXPECT_EQ(ram.dump(kBuf, 3), std::vector<uint8_t>({ 0, 1, 2 }));
	}
	gh_virtio_rng_destroy(rng);
	struct gh_virtio_rng *r2 = nullptr;
	cfg.rng = nullptr;
	EXPECT_EQ(gh_virtio_rng_create(&cfg, &r2), -EINVAL);
}

TEST(Backends, GetrandomFills)
{
	uint8_t buf[64] = {};
	ASSERT_EQ(gh_rng_getrandom_ops.fill(nullptr, buf, sizeof(buf)), 0);
	bool nonzero = false;
	for (uint8_t b : buf)
		nonzero |= b != 0;
	EXPECT_TRUE(nonzero);
}

// -------------------------------------------------------------------- blk

struct MemDisk {
	std::vector<uint8_t> bytes;
	int flushes = 0;
	int calls = 0;
	explicit MemDisk(size_t n) : bytes(n)
	{
		for (size_t i = 0; i < n; i++)
			bytes[i] = (uint8_t)(i / 512 + i);
	}
	static int read(void *ctx, uint64_t off, void *buf, size_t len)
	{
		auto *d = static_cast<MemDisk *>(ctx);
		d->calls++;
		if (off > d->bytes.size() || len > d->bytes.size() - off)
			abort(); // the model must never ask for this
		memcpy(buf, d->bytes.data() + off, len);
		return 0;
	}
	static int write(void *ctx, uint64_t off, const void *buf, size_t len)
	{
		auto *d = static_cast<MemDisk *>(ctx);
		d->calls++;
		if (off > d->bytes.size() || len > d->bytes.size() - off)
			abort();
		memcpy(d->bytes.data() + off, buf, len);
		return 0;
	}
	static int flush(void *ctx)
	{
		static_cast<MemDisk *>(ctx)->flushes++;
		return 0;
	}
	static const struct gh_blk_ops ops;
};
const struct gh_blk_ops MemDisk::ops = { MemDisk::read, MemDisk::write, MemDisk::flush };

constexpr uint64_t kSectors = 64;

class BlkTest : public ::testing::Test {
protected:
	void Make(bool ro, const struct gh_blk_ops *ops = &MemDisk::ops, void *ctx = nullptr,
	          uint64_t capacity = kSectors * 512 + 100)
	{
		struct gh_virtio_blk_config cfg = {};
		cfg.blk = ops;
		cfg.blk_ctx = ctx ? ctx : &disk_;
		cfg.capacity = capacity; // the partial sector is not exposed
		cfg.read_only = ro;
		memcpy(cfg.serial, "gunyah-disk-0", 13);
		cfg.mem = ram_.mem();
		cfg.irq = &IrqLine::ops;
		cfg.irq_ctx = &irq_;
		ASSERT_EQ(gh_virtio_blk_create(&cfg, &blk_), 0);
		ASSERT_EQ(gh_virtio_blk_transport(blk_, &drv_.t), 0);
		ASSERT_TRUE(drv_.Negotiate(kV1 | kIndirect) & GH_VIRTIO_STATUS_FEATURES_OK);
		drv_.SetupQueue(0, ring_);
		drv_.DriverOk();
	}
	void TearDown() override { gh_virtio_blk_destroy(blk_); }

	struct Result {
		uint8_t status;
		uint32_t used;
		std::vector<uint8_t> data;
	};
	// One request: header (+ out data) readable, in_len data + status writable.
	Result Submit(uint32_t type, uint64_t sector, const std::vector<uint8_t> &out,
	              uint32_t in_len, uint32_t hdr_len = 16, bool status = true)
	{
		uint8_t hdr[16];
		memcpy(hdr, &type, 4);
		memset(hdr + 4, 0, 4);
		memcpy(hdr + 8, &sector, 8);
		ram_.fill(kBuf, hdr, 16);
		if (!out.empty())
			ram_.fill(kBuf + 0x1000, out.data(), out.size());
		ram_.put<uint8_t>(kBuf + 0x30000, 0xee);
		std::vector<Desc> ds = { { kBuf, hdr_len, 0, 0 } };
		if (!out.empty())
			ds.push_back({ kBuf + 0x1000, (uint32_t)out.size(), 0, 0 });
		if (in_len)
			ds.push_back({ kBuf + 0x10000, in_len, W, 0 });
		if (status)
			ds.push_back({ kBuf + 0x30000, 1, W, 0 });
		ring_.add(ds);
		drv_.Notify(0);
		Result r{};
		uint32_t id;
		if (!ring_.pop_used(&id, &r.used))
			ADD_FAILURE() << "no completion";
		r.status = ram_.get<uint8_t>(kBuf + 0x30000);
		r.data = ram_.dump(kBuf + 0x10000, in_len);
		return r;
	}
	std::vector<uint8_t> Sectors(uint64_t first, uint64_t n)
	{
		return std::vector<uint8_t>(disk_.bytes.begin() + first * 512,
		                            disk_.bytes.begin() + (first + n) * 512);
	}

	GuestRam ram_;
	Ring ring_{ &ram_, 16, kBase };
	MemDisk disk_{ kSectors * 512 };
	IrqLine irq_;
	MmioDriver drv_{ nullptr };
	struct gh_virtio_blk *blk_ = nullptr;
};

TEST_F(BlkTest, ConfigAndFeatures)
{
	Make(false);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_DEVICE_ID), GH_VIRTIO_ID_BLOCK);
	uint64_t cap;
	ASSERT_EQ(gh_virtio_mmio_read(drv_.t, 0x100, 8, &cap), 0);
	EXPECT_EQ(cap, kSectors);
	EXPECT_EQ(drv_.R(0x10c), GH_VIRTQ_MAX_SEGS - 2); // seg_max
	EXPECT_EQ(drv_.R(0x114), 512u);                  // blk_size
	uint64_t f = drv_.DeviceFeatures();
	EXPECT_TRUE(f & (1ull << GH_VIRTIO_BLK_F_FLUSH));
	EXPECT_FALSE(f & (1ull << GH_VIRTIO_BLK_F_RO));
}

TEST_F(BlkTest, RequestTable)
{
	Make(false);
	const std::vector<uint8_t> pattern(1024, 0x5a);
	struct Case {
		const char *name;
		uint32_t type;
		uint64_t sector;
		std::vector<uint8_t> out;
		uint32_t in_len;
		uint8_t status;
		uint32_t used;
		uint32_t hdr_len = 16;
		bool status_byte = true;
	} cases[] = {
		{ "read first sector", GH_VIRTIO_BLK_T_IN, 0, {}, 512, GH_VIRTIO_BLK_S_OK, 513 },
		{ "read last sector",
		  GH_VIRTIO_BLK_T_IN,
		  kSectors - 1,
		  {},
		  512,
		  GH_VIRTIO_BLK_S_OK,
		  513 },
		{ "read 9 sectors through the bounce buffer",
		  GH_VIRTIO_BLK_T_IN,
		  3,
		  {},
		  9 * 512,
		  GH_VIRTIO_BLK_S_OK,
		  9 * 512 + 1 },
		{ "read past the end",
		  GH_VIRTIO_BLK_T_IN,
		  kSectors,
		  {},
		  512,
		  GH_VIRTIO_BLK_S_IOERR,
		  1 },
		{ "read straddling the end",
		  GH_VIRTIO_BLK_T_IN,
		  kSectors - 1,
		  {},
		  1024,
		  GH_VIRTIO_BLK_S_IOERR,
		  1 },
		{ "read at a huge sector",
		  GH_VIRTIO_BLK_T_IN,
		  UINT64_MAX,
		  {},
		  512,
		  GH_VIRTIO_BLK_S_IOERR,
		  1 },
		{ "read at a sector that overflows bytes",
		  GH_VIRTIO_BLK_T_IN,
		  UINT64_MAX / 512 + 1,
		  {},
		  512,
		  GH_VIRTIO_BLK_S_IOERR,
		  1 },
		{ "read of a partial sector",
		  GH_VIRTIO_BLK_T_IN,
		  0,
		  {},
		  100,
		  GH_VIRTIO_BLK_S_IOERR,
		  1 },
		{ "read of nothing", GH_VIRTIO_BLK_T_IN, 0, {}, 0, GH_VIRTIO_BLK_S_OK, 1 },
		{ "write two sectors", GH_VIRTIO_BLK_T_OUT, 2, pattern, 0, GH_VIRTIO_BLK_S_OK, 1 },
		{ "write past the end", GH_VIRTIO_BLK_T_OUT, kSectors - 1, pattern, 0,
		  GH_VIRTIO_BLK_S_IOERR, 1 },
		{ "write of a partial sector", GH_VIRTIO_BLK_T_OUT, 0, std::vector<uint8_t>(10, 1),
		  0, GH_VIRTIO_BLK_S_IOERR, 1 },
		{ "flush", GH_VIRTIO_BLK_T_FLUSH, 0, {}, 0, GH_VIRTIO_BLK_S_OK, 1 },
		{ "get id", GH_VIRTIO_BLK_T_GET_ID, 0, {}, 20, GH_VIRTIO_BLK_S_OK, 21 },
		{ "get id into a short buffer",
		  GH_VIRTIO_BLK_T_GET_ID,
		  0,
		  {},
		  6,
		  GH_VIRTIO_BLK_S_OK,
		  7 },
		{ "unknown type", 99, 0, {}, 0, GH_VIRTIO_BLK_S_UNSUPP, 1 },
		{ "discard (not offered)", 11, 0, {}, 0, GH_VIRTIO_BLK_S_UNSUPP, 1 },
		{ "short header", GH_VIRTIO_BLK_T_IN, 0, {}, 512, GH_VIRTIO_BLK_S_IOERR, 1, 8 },
		{ "no status byte", GH_VIRTIO_BLK_T_FLUSH, 0, {}, 0, 0xee, 0, 16, false },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		auto before = disk_.bytes;
		int flushes = disk_.flushes;
		Result r = Submit(c.type, c.sector, c.out, c.in_len, c.hdr_len, c.status_byte);
		EXPECT_EQ(r.status, c.status);
		EXPECT_EQ(r.used, c.used);
		if (c.type == GH_VIRTIO_BLK_T_IN && c.status == GH_VIRTIO_BLK_S_OK)
			EXPECT_EQ(r.data, Sectors(c.sector, c.in_len / 512));
		if (c.type == GH_VIRTIO_BLK_T_OUT && c.status == GH_VIRTIO_BLK_S_OK)
			EXPECT_EQ(Sectors(c.sector, c.out.size() / 512), c.out);
		else
			EXPECT_EQ(disk_.bytes, before) << "a failed request changed the disk";
		if (c.type == GH_VIRTIO_BLK_T_FLUSH && c.status_byte)
			EXPECT_EQ(disk_.flushes, flushes + 1);
		if (c.type == GH_VIRTIO_BLK_T_GET_ID)
			EXPECT_EQ(std::string(r.data.begin(),
			                      r.data.begin() + std::min<uint32_t>(c.in_len, 13)),
			          std::string("gunyah-disk-0").substr(0, c.in_len));
	}
	EXPECT_FALSE(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_NEEDS_RESET);
}

TEST_F(BlkTest, ReadOnly)
{
	Make(true);
	EXPECT_TRUE(drv_.DeviceFeatures() & (1ull << GH_VIRTIO_BLK_F_RO));
	auto before = disk_.bytes;
	int calls = disk_.calls;
	Result r = Submit(GH_VIRTIO_BLK_T_OUT, 0, std::vector<uint8_t>(512, 7), 0);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(disk_.bytes, before);
	EXPECT_EQ(disk_.calls, calls);
	r = Submit(GH_VIRTIO_BLK_T_IN, 5, {}, 512);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_OK);
	EXPECT_EQ(r.data, Sectors(5, 1));
}

TEST_F(BlkTest, IndirectRequest)
{
	Make(false);
	uint8_t hdr[16] = { 0 }; // IN, sector 0
	ram_.fill(kBuf, hdr, 16);
	std::vector<Desc> table = { { kBuf, 16, GH_VIRTQ_DESC_F_NEXT, 1 },
		                    { kBuf + 0x10000, 512, W | GH_VIRTQ_DESC_F_NEXT, 2 },
		                    { kBuf + 0x30000, 1, W, 0 } };
	ram_.fill(kBuf + 0x40000, table.data(), 48);
	ring_.add({ { kBuf + 0x40000, 48, GH_VIRTQ_DESC_F_INDIRECT, 0 } });
	drv_.Notify(0);
	uint32_t id, len;
	ASSERT_TRUE(ring_.pop_used(&id, &len));
	EXPECT_EQ(len, 513u);
	EXPECT_EQ(ram_.get<uint8_t>(kBuf + 0x30000), GH_VIRTIO_BLK_S_OK);
	EXPECT_EQ(ram_.dump(kBuf + 0x10000, 512), Sectors(0, 1));
}

TEST_F(BlkTest, FileBackend)
{
	const char *tmp = getenv("TEST_TMPDIR");
	std::string path = std::string(tmp ? tmp : "/tmp") + "/blk_XXXXXX";
	int fd = mkstemp(&path[0]);
	ASSERT_GE(fd, 0);
	std::vector<uint8_t> init(8 * 512);
	for (size_t i = 0; i < init.size(); i++)
		init[i] = (uint8_t)(i * 7);
	ASSERT_EQ(write(fd, init.data(), init.size()), (ssize_t)init.size());
	close(fd);

	struct gh_blk_file *f;
	ASSERT_EQ(gh_blk_file_open(path.c_str(), false, &f), 0);
	uint64_t size;
	ASSERT_EQ(gh_blk_file_size(f, &size), 0);
	EXPECT_EQ(size, init.size());
	Make(false, &gh_blk_file_ops, f, size);
	Result r = Submit(GH_VIRTIO_BLK_T_IN, 1, {}, 1024);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_OK);
	EXPECT_EQ(r.data, std::vector<uint8_t>(init.begin() + 512, init.begin() + 1536));
	r = Submit(GH_VIRTIO_BLK_T_OUT, 7, std::vector<uint8_t>(512, 0xab), 0);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_OK);
	r = Submit(GH_VIRTIO_BLK_T_FLUSH, 0, {}, 0);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_OK);
	r = Submit(GH_VIRTIO_BLK_T_IN, 8, {}, 512);
	EXPECT_EQ(r.status, GH_VIRTIO_BLK_S_IOERR);
	r = Submit(GH_VIRTIO_BLK_T_IN, 7, {}, 512);
	EXPECT_EQ(r.data, std::vector<uint8_t>(512, 0xab));
	gh_virtio_blk_destroy(blk_);
	blk_ = nullptr;
	gh_blk_file_close(f);

	EXPECT_EQ(gh_blk_file_open("/nonexistent/x", true, &f), -ENOENT);
	EXPECT_EQ(gh_blk_file_open(nullptr, true, &f), -EINVAL);
	EXPECT_EQ(gh_blk_file_size(nullptr, &size), -EINVAL);
	unlink(path.c_str());
}

TEST(BlkApi, Validation)
{
	GuestRam ram;
	struct gh_virtio_blk *b = nullptr;
	struct gh_virtio_blk_config cfg = {};
	cfg.mem = ram.mem();
	EXPECT_EQ(gh_virtio_blk_create(&cfg, &b), -EINVAL);
	const struct gh_blk_ops no_write = { MemDisk::read, nullptr, nullptr };
	cfg.blk = &no_write;
	EXPECT_EQ(gh_virtio_blk_create(&cfg, &b), -EINVAL);
	EXPECT_EQ(gh_virtio_blk_create(nullptr, &b), -EINVAL);
	struct gh_virtio_mmio *t;
	EXPECT_EQ(gh_virtio_blk_transport(nullptr, &t), -EINVAL);
	gh_virtio_blk_destroy(nullptr);
}

} // namespace
