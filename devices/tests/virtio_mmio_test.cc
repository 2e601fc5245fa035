// SPDX-License-Identifier: BSD-3-Clause
#include <cerrno>
#include <memory>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "devices/tests/virtio_fakes.h"

namespace {

using ghtest::Desc;
using ghtest::GuestRam;
using ghtest::IrqLine;
using ghtest::MmioDriver;
using ghtest::Ring;

constexpr uint64_t kBase = 0x40000000;
constexpr uint64_t kV1 = 1ull << GH_VIRTIO_F_VERSION_1;
constexpr uint64_t kIndirect = 1ull << GH_VIRTIO_F_INDIRECT_DESC;
constexpr uint32_t kAckDrv = GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_DRIVER;

// A device that completes every chain it is notified about.
struct EchoDev {
	struct gh_virtio_mmio *t = nullptr;
	std::vector<uint16_t> notified;
	int resets = 0;
	std::vector<uint32_t> config_writes;
	bool complete = true;

	static void notify(void *dev, uint16_t q)
	{
		auto *d = static_cast<EchoDev *>(dev);
		d->notified.push_back(q);
		auto c = std::make_unique<gh_virtq_chain>();
		uint32_t token;
		while (d->complete && gh_virtio_mmio_pop(d->t, q, c.get(), &token) == 0)
			gh_virtio_mmio_push(d->t, q, c->head, c->in_bytes, token);
	}
	static void reset(void *dev) { static_cast<EchoDev *>(dev)->resets++; }
	static void config_write(void *dev, uint32_t off, uint32_t size, uint32_t val)
	{
		static_cast<EchoDev *>(dev)->config_writes.push_back(off << 24 | size << 16 |
		                                                     (val & 0xffff));
	}
};
const struct gh_virtio_dev_ops echo_ops = { EchoDev::notify, EchoDev::reset, nullptr };
const struct gh_virtio_dev_ops echo_ops_cw = { EchoDev::notify, EchoDev::reset,
	                                       EchoDev::config_write };

class VirtioMmioTest : public ::testing::Test {
protected:
	void SetUp() override { Make(&echo_ops); }
	void TearDown() override { gh_virtio_mmio_destroy(t_); }
	void Make(const struct gh_virtio_dev_ops *ops)
	{
		gh_virtio_mmio_destroy(t_);
		static const uint8_t config[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
		struct gh_virtio_mmio_config cfg = {};
		cfg.device_id = 42;
		cfg.vendor_id = 0x1af4;
		cfg.device_features = 1u << 3;
		cfg.num_queues = 2;
		cfg.queue_max = 16;
		cfg.config_space = config;
		cfg.config_len = sizeof(config);
		cfg.dev_ops = ops;
		cfg.dev = &dev_;
		cfg.mem = ram_.mem();
		cfg.irq = &IrqLine::ops;
		cfg.irq_ctx = &irq_;
		ASSERT_EQ(gh_virtio_mmio_create(&cfg, &t_), 0);
		dev_.t = t_;
		drv_.t = t_;
	}
	struct gh_dev_stats Stats()
	{
		struct gh_dev_stats s = {};
		EXPECT_EQ(gh_virtio_mmio_stats(t_, &s), 0);
		return s;
	}
	// Bring queue 0 up on ring_ the way Linux does.
	void Up(uint64_t features = kV1 | kIndirect)
	{
		ASSERT_TRUE(drv_.Negotiate(features) & GH_VIRTIO_STATUS_FEATURES_OK);
		drv_.SetupQueue(0, ring_);
		ASSERT_EQ(drv_.R(GH_VIRTIO_MMIO_QUEUE_READY), 1u);
		drv_.DriverOk();
		ASSERT_TRUE(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_DRIVER_OK);
	}

	GuestRam ram_;
	Ring ring_{ &ram_, 16, kBase };
	IrqLine irq_;
	EchoDev dev_;
	MmioDriver drv_{ nullptr };
	struct gh_virtio_mmio *t_ = nullptr;
};

TEST(VirtioMmioApi, CreateValidation)
{
	GuestRam ram;
	EchoDev dev;
	struct gh_virtio_mmio *t = nullptr;
	struct gh_virtio_mmio_config good = {};
	good.num_queues = 1;
	good.queue_max = 8;
	good.dev_ops = &echo_ops;
	good.dev = &dev;
	good.mem = ram.mem();
	const struct gh_guest_mem_ops no_check = { GuestRam::read, GuestRam::write, nullptr };
	const struct gh_virtio_dev_ops no_notify = { nullptr, nullptr, nullptr };

	struct Case {
		const char *name;
		void (*mutate)(struct gh_virtio_mmio_config *);
	} cases[] = {
		{ "no queues", [](struct gh_virtio_mmio_config *c) { c->num_queues = 0; } },
		{ "too many queues",
		  [](struct gh_virtio_mmio_config *c) {
			  c->num_queues = GH_VIRTIO_MAX_QUEUES + 1;
		  } },
		{ "queue_max 0", [](struct gh_virtio_mmio_config *c) { c->queue_max = 0; } },
		{ "queue_max not a power of two",
		  [](struct gh_virtio_mmio_config *c) { c->queue_max = 12; } },
		{ "queue_max too big",
		  [](struct gh_virtio_mmio_config *c) { c->queue_max = 2048; } },
		{ "transport feature bits",
		  [](struct gh_virtio_mmio_config *c) { c->device_features = 1ull << 29; } },
		{ "config too long",
		  [](struct gh_virtio_mmio_config *c) { c->config_len = 0x101; } },
		{ "config without bytes",
		  [](struct gh_virtio_mmio_config *c) { c->config_len = 4; } },
		{ "no dev ops", [](struct gh_virtio_mmio_config *c) { c->dev_ops = nullptr; } },
		{ "no mem", [](struct gh_virtio_mmio_config *c) { c->mem.ops = nullptr; } },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		struct gh_virtio_mmio_config cfg = good;
		c.mutate(&cfg);
		EXPECT_EQ(gh_virtio_mmio_create(&cfg, &t), -EINVAL);
		EXPECT_EQ(t, nullptr);
	}
	struct gh_virtio_mmio_config cfg = good;
	cfg.mem.ops = &no_check;
	EXPECT_EQ(gh_virtio_mmio_create(&cfg, &t), -EINVAL);
	cfg = good;
	cfg.dev_ops = &no_notify;
	EXPECT_EQ(gh_virtio_mmio_create(&cfg, &t), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_create(nullptr, &t), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_create(&good, nullptr), -EINVAL);

	uint64_t v;
	uint32_t tok;
	const struct gh_guest_mem *m;
	struct gh_dev_stats st;
	EXPECT_EQ(gh_virtio_mmio_read(nullptr, 0, 4, &v), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_write(nullptr, 0, 4, 0), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_pop(nullptr, 0, nullptr, &tok), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_push(nullptr, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_set_config(nullptr, 0, nullptr, 0), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_driver_features(nullptr, &v), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_mem(nullptr, &m), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_stats(nullptr, &st), -EINVAL);
	gh_virtio_mmio_destroy(nullptr);

	ASSERT_EQ(gh_virtio_mmio_create(&good, &t), 0);
	auto c = std::make_unique<gh_virtq_chain>();
	EXPECT_EQ(gh_virtio_mmio_pop(t, 1, c.get(), &tok), -EINVAL); // one queue only
	EXPECT_EQ(gh_virtio_mmio_pop(t, 0, c.get(), &tok), -EAGAIN); // not ready
	EXPECT_EQ(gh_virtio_mmio_push(t, 1, 0, 0, 0), -EINVAL);
	EXPECT_EQ(gh_virtio_mmio_read(t, 0, 4, nullptr), -EINVAL);
	gh_virtio_mmio_destroy(t);
}

TEST_F(VirtioMmioTest, IdentityAndResetValues)
{
	struct Case {
		const char *name;
		uint64_t off;
		uint32_t val;
	} cases[] = {
		{ "magic", GH_VIRTIO_MMIO_MAGIC, 0x74726976 },
		{ "version", GH_VIRTIO_MMIO_VERSION, 2 },
		{ "device id", GH_VIRTIO_MMIO_DEVICE_ID, 42 },
		{ "vendor id", GH_VIRTIO_MMIO_VENDOR_ID, 0x1af4 },
		{ "features 0..31", GH_VIRTIO_MMIO_DEVICE_FEATURES, (1u << 3) | (1u << 28) },
		{ "queue num max", GH_VIRTIO_MMIO_QUEUE_NUM_MAX, 16 },
		{ "queue ready", GH_VIRTIO_MMIO_QUEUE_READY, 0 },
		{ "isr", GH_VIRTIO_MMIO_INTERRUPT_STATUS, 0 },
		{ "status", GH_VIRTIO_MMIO_STATUS, 0 },
		{ "config generation", GH_VIRTIO_MMIO_CONFIG_GENERATION, 0 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(drv_.R(c.off), c.val);
	}
	EXPECT_EQ(drv_.DeviceFeatures(), (1ull << 3) | kIndirect | kV1);
	drv_.W(GH_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_DEVICE_FEATURES), 0u);
	drv_.W(GH_VIRTIO_MMIO_QUEUE_SEL, 2); // past the last queue
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_QUEUE_NUM_MAX), 0u);
	EXPECT_EQ(Stats().bad_reads, 0u);
}

TEST_F(VirtioMmioTest, EveryUnknownOffsetAndOddAccess)
{
	const std::set<uint64_t> readable = { 0x000, 0x004, 0x008, 0x00c, 0x010,
		                              0x034, 0x044, 0x060, 0x070, 0x0fc };
	uint64_t bad_reads = 0;
	for (uint64_t off = 0; off < 0x100; off += 4) {
		if (readable.count(off))
			continue;
		SCOPED_TRACE(off);
		EXPECT_EQ(drv_.R(off), 0u);
		bad_reads++;
	}
	const std::set<uint64_t> writable = { 0x014, 0x020, 0x024, 0x030, 0x038,
		                              0x044, 0x050, 0x064, 0x070, 0x080,
		                              0x084, 0x090, 0x094, 0x0a0, 0x0a4 };
	uint64_t bad_writes = 0;
	for (uint64_t off = 0; off < 0x100; off += 4) {
		if (writable.count(off))
			continue;
		SCOPED_TRACE(off);
		drv_.W(off, 0xffffffff);
		bad_writes++;
	}
	// Control registers take aligned 32-bit accesses only.
	struct Odd {
		uint64_t off;
		uint32_t size;
	} odd[] = { { 0x000, 1 }, { 0x000, 2 }, { 0x000, 8 },
		    { 0x001, 4 }, { 0x070, 3 }, { 0x072, 2 } };
	for (const auto &o : odd) {
		SCOPED_TRACE(o.off);
		EXPECT_EQ(drv_.R(o.off, o.size), 0u);
		drv_.W(o.off, 0xff, o.size);
	}
	// Config space: past its 12 bytes, past the window, misaligned.
	struct Odd cfg_odd[] = { { 0x10c, 1 }, { 0x10a, 4 }, { 0x108, 8 }, { 0x101, 2 },
		                 { 0x1fc, 4 }, { 0x200, 4 }, { 0x100, 3 } };
	for (const auto &o : cfg_odd) {
		SCOPED_TRACE(o.off);
		EXPECT_EQ(drv_.R(o.off, o.size), 0u);
		drv_.W(o.off, 0xff, o.size);
	}
	struct gh_dev_stats st = Stats();
	EXPECT_EQ(st.bad_reads, bad_reads + 6 + 7);
	EXPECT_EQ(st.bad_writes, bad_writes + 6 + 7);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS), 0u);
	EXPECT_TRUE(dev_.notified.empty());
}

TEST_F(VirtioMmioTest, ConfigSpaceReads)
{
	EXPECT_EQ(drv_.R(0x100, 1), 1u);
	EXPECT_EQ(drv_.R(0x102, 2), 0x0403u);
	EXPECT_EQ(drv_.R(0x104, 4), 0x08070605u);
	uint64_t v;
	ASSERT_EQ(gh_virtio_mmio_read(t_, 0x100, 8, &v), 0);
	EXPECT_EQ(v, 0x0807060504030201ull);
	// Writes without a config_write hook are ignored.
	drv_.W(0x100, 0xff, 1);
	EXPECT_EQ(drv_.R(0x100, 1), 1u);
	EXPECT_EQ(Stats().bad_writes, 1u);
}

TEST_F(VirtioMmioTest, ConfigWritesForwardedAndGeneration)
{
	Make(&echo_ops_cw);
	drv_.W(0x104, 0xabcd, 2);
	ASSERT_EQ(dev_.config_writes.size(), 1u);
	EXPECT_EQ(dev_.config_writes[0], (4u << 24) | (2u << 16) | 0xabcd);
	drv_.W(0x10c, 1, 1); // past the end: not forwarded
	EXPECT_EQ(dev_.config_writes.size(), 1u);

	// Before DRIVER_OK: new generation, no interrupt.
	uint8_t b = 0x77;
	ASSERT_EQ(gh_virtio_mmio_set_config(t_, 0, &b, 1), 0);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_CONFIG_GENERATION), 1u);
	EXPECT_EQ(drv_.R(0x100, 1), 0x77u);
	EXPECT_FALSE(irq_.level);
	EXPECT_EQ(gh_virtio_mmio_set_config(t_, 10, &b, 3), -EINVAL);
	Up();
	ASSERT_EQ(gh_virtio_mmio_set_config(t_, 11, &b, 1), 0);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_CONFIG_GENERATION), 2u);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_INTERRUPT_STATUS), GH_VIRTIO_INT_CONFIG);
	EXPECT_TRUE(irq_.level);
	drv_.W(GH_VIRTIO_MMIO_INTERRUPT_ACK, GH_VIRTIO_INT_CONFIG);
	EXPECT_FALSE(irq_.level);
}

TEST_F(VirtioMmioTest, FeatureNegotiationTable)
{
	struct Case {
		const char *name;
		uint64_t features;
		bool ok;
	} cases[] = {
		{ "VERSION_1 only", kV1, true },
		{ "everything offered", kV1 | kIndirect | (1ull << 3), true },
		{ "legacy driver (no VERSION_1)", 1ull << 3, false },
		{ "nothing", 0, false },
		{ "an unoffered device bit", kV1 | (1ull << 4), false },
		{ "EVENT_IDX (not offered)", kV1 | (1ull << 29), false },
		{ "a high bit", kV1 | (1ull << 40), false },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		uint32_t st = drv_.Negotiate(c.features);
		EXPECT_EQ(!!(st & GH_VIRTIO_STATUS_FEATURES_OK), c.ok);
		EXPECT_EQ(st & kAckDrv, kAckDrv);
		uint64_t f;
		ASSERT_EQ(gh_virtio_mmio_driver_features(t_, &f), 0);
		EXPECT_EQ(f, c.features);
		// DRIVER_OK needs FEATURES_OK.
		drv_.DriverOk();
		EXPECT_EQ(!!(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_DRIVER_OK), c.ok);
	}
}

TEST_F(VirtioMmioTest, StatusRules)
{
	// Driver features before DRIVER: ignored.
	drv_.W(GH_VIRTIO_MMIO_DRIVER_FEATURES, 1);
	EXPECT_EQ(Stats().bad_writes, 1u);
	ASSERT_TRUE(drv_.Negotiate(kV1) & GH_VIRTIO_STATUS_FEATURES_OK);
	// After FEATURES_OK: frozen.
	drv_.DriverFeatures(kV1 | kIndirect);
	uint64_t f;
	gh_virtio_mmio_driver_features(t_, &f);
	EXPECT_EQ(f, kV1);
	// Bits cannot be cleared except by a reset.
	drv_.W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS), kAckDrv | GH_VIRTIO_STATUS_FEATURES_OK);
	// FEATURES_OK without DRIVER is refused.
	int resets = dev_.resets;
	drv_.W(GH_VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(dev_.resets, resets + 1);
	drv_.W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_FEATURES_OK);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS), GH_VIRTIO_STATUS_ACKNOWLEDGE);
	// The driver cannot set NEEDS_RESET.
	drv_.W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS), GH_VIRTIO_STATUS_ACKNOWLEDGE);
	// FAILED sticks until reset.
	drv_.W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_FAILED);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS),
	          GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_FAILED);
}

TEST_F(VirtioMmioTest, QueueSetupRules)
{
	// Queue ready before FEATURES_OK is refused.
	drv_.SetupQueue(0, ring_);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_QUEUE_READY), 0u);

	struct Case {
		const char *name;
		uint32_t num;
		uint64_t desc;
	} bad[] = {
		{ "size 0", 0, ring_.desc },
		{ "size 3", 3, ring_.desc },
		{ "size above QueueNumMax", 32, ring_.desc },
		{ "desc misaligned", 16, ring_.desc + 8 },
		{ "desc outside RAM", 16, 0x1000 },
	};
	for (const auto &c : bad) {
		SCOPED_TRACE(c.name);
		ASSERT_TRUE(drv_.Negotiate(kV1) & GH_VIRTIO_STATUS_FEATURES_OK);
		Ring r = ring_;
		r.size = (uint16_t)c.num;
		r.desc = c.desc;
		drv_.SetupQueue(0, r);
		EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_QUEUE_READY), 0u);
		EXPECT_TRUE(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_NEEDS_RESET);
	}
	Up();
	// Layout registers are frozen while ready.
	uint64_t before = Stats().bad_writes;
	drv_.W(GH_VIRTIO_MMIO_QUEUE_NUM, 8);
	drv_.W(GH_VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	EXPECT_EQ(Stats().bad_writes, before + 2);
	ring_.add({ { kBase + 0x10000, 8, GH_VIRTQ_DESC_F_WRITE, 0 } });
	drv_.Notify(0);
	uint32_t id, len;
	ASSERT_TRUE(ring_.pop_used(&id, &len));
	EXPECT_EQ(len, 8u);
	// Notifying a queue that is not set up, or past the last one: ignored.
	drv_.Notify(1);
	drv_.Notify(7);
	drv_.Notify(0xffff);
	EXPECT_EQ(dev_.notified, std::vector<uint16_t>({ 0 }));
}

TEST_F(VirtioMmioTest, NotifyBeforeDriverOkIgnored)
{
	ASSERT_TRUE(drv_.Negotiate(kV1) & GH_VIRTIO_STATUS_FEATURES_OK);
	drv_.SetupQueue(0, ring_);
	drv_.Notify(0);
	EXPECT_TRUE(dev_.notified.empty());
}

TEST_F(VirtioMmioTest, UsedBufferInterruptAndAck)
{
	Up();
	ring_.add({ { kBase + 0x10000, 4, 0, 0 } });
	drv_.Notify(0);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_INTERRUPT_STATUS), GH_VIRTIO_INT_VRING);
	EXPECT_TRUE(irq_.level);
	drv_.W(GH_VIRTIO_MMIO_INTERRUPT_ACK, GH_VIRTIO_INT_VRING);
	EXPECT_FALSE(irq_.level);
	// Suppressed by the driver: no interrupt.
	ram_.put<uint16_t>(ring_.avail, GH_VIRTQ_AVAIL_F_NO_INTERRUPT);
	ring_.add({ { kBase + 0x10000, 4, 0, 0 } });
	drv_.Notify(0);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
	EXPECT_EQ(ring_.used_idx(), 2);
}

TEST_F(VirtioMmioTest, BrokenChainNeedsReset)
{
	Up();
	ring_.put_desc(0, { kBase + 0x10000, 8, GH_VIRTQ_DESC_F_NEXT, 0 }); // loop
	ring_.publish(0);
	drv_.Notify(0);
	EXPECT_TRUE(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_INTERRUPT_STATUS), GH_VIRTIO_INT_CONFIG);
	EXPECT_TRUE(irq_.level);
	auto c = std::make_unique<gh_virtq_chain>();
	uint32_t tok;
	EXPECT_EQ(gh_virtio_mmio_pop(t_, 0, c.get(), &tok), -EIO);
	// Further notifies are ignored until reset.
	drv_.Notify(0);
	EXPECT_EQ(dev_.notified.size(), 1u);
	// Reset and start over on a clean ring.
	drv_.W(GH_VIRTIO_MMIO_STATUS, 0);
	EXPECT_FALSE(irq_.level);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_STATUS), 0u);
	EXPECT_EQ(drv_.R(GH_VIRTIO_MMIO_QUEUE_READY), 0u);
	ring_ = Ring(&ram_, 16, kBase + 0x8000);
	Up();
	ring_.add({ { kBase + 0x10000, 4, GH_VIRTQ_DESC_F_WRITE, 0 } });
	drv_.Notify(0);
	EXPECT_EQ(ring_.used_idx(), 1);
}

TEST_F(VirtioMmioTest, StaleTokenAfterReset)
{
	Up();
	dev_.complete = false;
	ring_.add({ { kBase + 0x10000, 4, 0, 0 } });
	auto c = std::make_unique<gh_virtq_chain>();
	uint32_t tok;
	ASSERT_EQ(gh_virtio_mmio_pop(t_, 0, c.get(), &tok), 0);
	drv_.W(GH_VIRTIO_MMIO_STATUS, 0);
	Up();
	EXPECT_EQ(gh_virtio_mmio_push(t_, 0, c->head, 0, tok), -ESTALE);
	EXPECT_EQ(ring_.used_idx(), 0);
	// Disabling a queue also invalidates its chains.
	ring_.add({ { kBase + 0x10000, 4, 0, 0 } });
	ASSERT_EQ(gh_virtio_mmio_pop(t_, 0, c.get(), &tok), 0);
	drv_.W(GH_VIRTIO_MMIO_QUEUE_SEL, 0);
	drv_.W(GH_VIRTIO_MMIO_QUEUE_READY, 0);
	EXPECT_EQ(gh_virtio_mmio_push(t_, 0, c->head, 0, tok), -ESTALE);
}

TEST_F(VirtioMmioTest, IndirectOnlyWhenNegotiated)
{
	Up(kV1);
	ram_.fill(kBase + 0x20000, std::vector<Desc>{ { kBase + 0x10000, 4, 0, 0 } }.data(), 16);
	ring_.add({ { kBase + 0x20000, 16, GH_VIRTQ_DESC_F_INDIRECT, 0 } });
	drv_.Notify(0);
	EXPECT_TRUE(drv_.R(GH_VIRTIO_MMIO_STATUS) & GH_VIRTIO_STATUS_NEEDS_RESET);
}

} // namespace
