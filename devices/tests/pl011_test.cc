// SPDX-License-Identifier: BSD-3-Clause
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "devices/tests/fakes.h"

extern "C" {
#include <gunyah/devices/pl011.h>
}

namespace {

using ghtest::ByteSink;
using ghtest::IrqLine;

constexpr uint32_t kEnabled = GH_PL011_CR_UARTEN | GH_PL011_CR_TXE | GH_PL011_CR_RXE;
constexpr uint32_t kFen8 = GH_PL011_LCR_H_FEN | (3u << 5);

class Pl011Test : public ::testing::Test {
protected:
	void SetUp() override { Make(0); }
	void TearDown() override { gh_pl011_destroy(u_); }
	void Make(uint32_t flags)
	{
		gh_pl011_destroy(u_);
		struct gh_pl011_config cfg = {};
		cfg.chr = &ByteSink::ops;
		cfg.chr_ctx = &sink_;
		cfg.irq = &IrqLine::ops;
		cfg.irq_ctx = &irq_;
		cfg.flags = flags;
		ASSERT_EQ(gh_pl011_create(&cfg, &u_), 0);
	}
	uint32_t R(uint64_t off, uint32_t size = 4)
	{
		uint64_t v = 0xdeadbeef;
		EXPECT_EQ(gh_pl011_read(u_, off, size, &v), 0);
		return (uint32_t)v;
	}
	void W(uint64_t off, uint64_t v, uint32_t size = 4)
	{
		EXPECT_EQ(gh_pl011_write(u_, off, size, v), 0);
	}
	size_t Rx(const std::string &s)
	{
		size_t n = 99;
		EXPECT_EQ(gh_pl011_receive(u_, (const uint8_t *)s.data(), s.size(), &n), 0);
		return n;
	}
	// U-Boot's pl01x (PL011 flavour) init: disable, baud, 8N1 + FIFOs, enable.
	void UbootInit()
	{
		W(GH_PL011_CR, 0);
		W(GH_PL011_IBRD, 13);
		W(GH_PL011_FBRD, 1);
		W(GH_PL011_LCR_H, kFen8);
		W(GH_PL011_CR, kEnabled);
	}
	struct gh_dev_stats Stats()
	{
		struct gh_dev_stats s = {};
		EXPECT_EQ(gh_pl011_stats(u_, &s), 0);
		return s;
	}

	ByteSink sink_;
	IrqLine irq_;
	struct gh_pl011 *u_ = nullptr;
};

TEST(Pl011Api, DeadAndHalfBuiltObjects)
{
	ByteSink sink;
	struct gh_pl011 *u = nullptr;
	struct gh_pl011_config cfg = {};
	const struct gh_chardev_ops no_write = { nullptr, nullptr };
	uint64_t v;
	size_t n;
	struct gh_dev_stats st;
	struct gh_pl011_state s;

	EXPECT_EQ(gh_pl011_create(&cfg, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_create(nullptr, &u), -EINVAL);
	EXPECT_EQ(gh_pl011_create(&cfg, &u), -EINVAL); // no sink
	cfg.chr = &no_write;
	EXPECT_EQ(gh_pl011_create(&cfg, &u), -EINVAL);
	cfg.chr = &ByteSink::ops;
	cfg.chr_ctx = &sink;
	cfg.flags = 0x80;
	EXPECT_EQ(gh_pl011_create(&cfg, &u), -EINVAL); // unknown flag
	EXPECT_EQ(u, nullptr);

	EXPECT_EQ(gh_pl011_read(nullptr, 0, 4, &v), -EINVAL);
	EXPECT_EQ(gh_pl011_write(nullptr, 0, 4, 0), -EINVAL);
	EXPECT_EQ(gh_pl011_receive(nullptr, (const uint8_t *)"a", 1, &n), -EINVAL);
	EXPECT_EQ(gh_pl011_reset(nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_stats(nullptr, &st), -EINVAL);
	EXPECT_EQ(gh_pl011_save(nullptr, &s), -EINVAL);
	EXPECT_EQ(gh_pl011_restore(nullptr, &s), -EINVAL);
	gh_pl011_destroy(nullptr);

	cfg.flags = 0;
	ASSERT_EQ(gh_pl011_create(&cfg, &u), 0); // no irq line is fine
	EXPECT_EQ(gh_pl011_read(u, 0, 4, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_receive(u, nullptr, 1, &n), -EINVAL);
	EXPECT_EQ(gh_pl011_receive(u, nullptr, 0, &n), 0);
	EXPECT_EQ(gh_pl011_receive(u, (const uint8_t *)"a", 1, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_stats(u, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_save(u, nullptr), -EINVAL);
	EXPECT_EQ(gh_pl011_restore(u, nullptr), -EINVAL);
	gh_pl011_destroy(u);
}

TEST_F(Pl011Test, ResetValuesAndIds)
{
	struct Case {
		const char *name;
		uint64_t off;
		uint32_t val;
	} cases[] = {
		{ "DR (empty)", GH_PL011_DR, 0 },
		{ "RSR", GH_PL011_RSR, 0 },
		{ "FR", GH_PL011_FR, GH_PL011_FR_TXFE | GH_PL011_FR_RXFE },
		{ "ILPR", GH_PL011_ILPR, 0 },
		{ "IBRD", GH_PL011_IBRD, 0 },
		{ "FBRD", GH_PL011_FBRD, 0 },
		{ "LCR_H", GH_PL011_LCR_H, 0 },
		{ "CR", GH_PL011_CR, 0x300 },
		{ "IFLS", GH_PL011_IFLS, 0x12 },
		{ "IMSC", GH_PL011_IMSC, 0 },
		{ "RIS", GH_PL011_RIS, 0 },
		{ "MIS", GH_PL011_MIS, 0 },
		{ "DMACR", GH_PL011_DMACR, 0 },
		{ "PeriphID0", 0xfe0, 0x11 },
		{ "PeriphID1", 0xfe4, 0x10 },
		{ "PeriphID2 (r1p5: revision 3)", 0xfe8, 0x34 },
		{ "PeriphID3", 0xfec, 0x00 },
		{ "PCellID0", 0xff0, 0x0d },
		{ "PCellID1", 0xff4, 0xf0 },
		{ "PCellID2", 0xff8, 0x05 },
		{ "PCellID3", 0xffc, 0xb1 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(R(c.off), c.val);
		EXPECT_EQ(R(c.off, 2), c.val & 0xffff);
		EXPECT_EQ(R(c.off, 1), c.val & 0xff);
	}
	EXPECT_EQ(Stats().bad_reads, 0u);
	EXPECT_FALSE(irq_.level);
}

TEST_F(Pl011Test, EveryUnknownOffsetAndOddAccess)
{
	const std::set<uint64_t> known = { 0x00, 0x04, 0x18, 0x20, 0x24, 0x28, 0x2c,
		                           0x44, 0x30, 0x34, 0x38, 0x3c, 0x40, 0x48 };
	struct gh_pl011_state before, after;
	UbootInit();
	W(GH_PL011_IMSC, GH_PL011_INT_ALL);
	ASSERT_EQ(gh_pl011_save(u_, &before), 0);

	uint64_t bad = 0;
	for (uint64_t off = 0; off < 0xfe0; off += 4) {
		if (known.count(off))
			continue;
		SCOPED_TRACE(off);
		EXPECT_EQ(R(off), 0u);
		W(off, 0xffffffff);
		bad++;
	}
	// ICR is write-only; FR, RIS, MIS and the IDs are read-only.
	EXPECT_EQ(R(GH_PL011_ICR), 0u);
	for (uint64_t off : { 0x18, 0x3c, 0x40, 0xfe0, 0xfe8, 0xffc })
		W(off, 0xffffffff);
	// Odd sizes and misaligned offsets, on real registers too.
	struct Odd {
		uint64_t off;
		uint32_t size;
	} odd[] = { { 0x30, 0 }, { 0x30, 3 },  { 0x30, 8 },   { 0x31, 1 },          { 0x32, 2 },
		    { 0x02, 2 }, { 0xfe1, 1 }, { 0x1000, 4 }, { UINT64_MAX - 3, 4 } };
	for (const auto &o : odd) {
		SCOPED_TRACE(o.off);
		uint64_t v = 1;
		EXPECT_EQ(gh_pl011_read(u_, o.off, o.size, &v), 0);
		EXPECT_EQ(v, 0u);
		W(o.off, 0xffffffff, o.size);
	}
	struct gh_dev_stats st = Stats();
	EXPECT_EQ(st.bad_reads, bad + 1 + sizeof(odd) / sizeof(odd[0]));
	EXPECT_EQ(st.bad_writes, bad + 6 + sizeof(odd) / sizeof(odd[0]));
	ASSERT_EQ(gh_pl011_save(u_, &after), 0);
	EXPECT_EQ(memcmp(&before, &after, sizeof(before)), 0) << "ignored writes changed state";
	EXPECT_TRUE(sink_.take().empty());
}

TEST_F(Pl011Test, RegisterWidthsAreMasked)
{
	struct Case {
		uint64_t off;
		uint32_t mask;
	} cases[] = {
		{ GH_PL011_ILPR, 0xff },  { GH_PL011_IBRD, 0xffff }, { GH_PL011_FBRD, 0x3f },
		{ GH_PL011_LCR_H, 0xff }, { GH_PL011_CR, 0xff87 },   { GH_PL011_IFLS, 0x3f },
		{ GH_PL011_IMSC, 0x7ff }, { GH_PL011_DMACR, 0x7 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.off);
		W(c.off, 0xffffffff);
		EXPECT_EQ(R(c.off), c.mask);
		W(c.off, 0);
	}
	// A narrow write is zero-extended to the register.
	W(GH_PL011_IBRD, 0x1234);
	W(GH_PL011_IBRD, 0xab, 1);
	EXPECT_EQ(R(GH_PL011_IBRD), 0xabu);
}

TEST_F(Pl011Test, TxWaitsForEnableThenDrainsInOrder)
{
	// Reset: TXE and RXE set, UARTEN clear: bytes wait in the FIFO.
	W(GH_PL011_LCR_H, GH_PL011_LCR_H_FEN);
	for (char c : std::string("hello"))
		W(GH_PL011_DR, (uint8_t)c);
	EXPECT_TRUE(sink_.take().empty());
	EXPECT_EQ(R(GH_PL011_FR) & (GH_PL011_FR_BUSY | GH_PL011_FR_TXFE), GH_PL011_FR_BUSY);
	W(GH_PL011_CR, kEnabled);
	auto out = sink_.take();
	EXPECT_EQ(std::string(out.begin(), out.end()), "hello");
	EXPECT_EQ(R(GH_PL011_FR) & (GH_PL011_FR_BUSY | GH_PL011_FR_TXFE), GH_PL011_FR_TXFE);
	EXPECT_TRUE(R(GH_PL011_RIS) & GH_PL011_INT_TX);
}

TEST_F(Pl011Test, TxFifoFullLosesBytes)
{
	struct Case {
		const char *name;
		uint32_t lcr_h;
		unsigned int depth;
	} cases[] = { { "FIFO", GH_PL011_LCR_H_FEN, 32 }, { "holding register", 0, 1 } };
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		ASSERT_EQ(gh_pl011_reset(u_), 0);
		W(GH_PL011_LCR_H, c.lcr_h);
		for (unsigned int i = 0; i < c.depth - 1; i++)
			W(GH_PL011_DR, 'a');
		EXPECT_FALSE(R(GH_PL011_FR) & GH_PL011_FR_TXFF);
		W(GH_PL011_DR, 'b');
		EXPECT_TRUE(R(GH_PL011_FR) & GH_PL011_FR_TXFF);
		W(GH_PL011_DR, 'X'); // lost
		W(GH_PL011_CR, kEnabled);
		auto out = sink_.take();
		ASSERT_EQ(out.size(), c.depth);
		EXPECT_EQ(out.back(), 'b');
	}
}

TEST_F(Pl011Test, TxWhenDisabledFlag)
{
	Make(GH_PL011_F_TX_WHEN_DISABLED);
	W(GH_PL011_DR, 'e');
	auto out = sink_.take();
	EXPECT_EQ(std::string(out.begin(), out.end()), "e");
}

TEST_F(Pl011Test, UbootPutcGetc)
{
	UbootInit();
	// putc: wait for !TXFF, write DR.
	for (char c : std::string("U-Boot\n")) {
		ASSERT_FALSE(R(GH_PL011_FR) & GH_PL011_FR_TXFF);
		W(GH_PL011_DR, (uint8_t)c);
	}
	auto out = sink_.take();
	EXPECT_EQ(std::string(out.begin(), out.end()), "U-Boot\n");
	// tstc/getc: RXFE clear means a byte is waiting; DR has no error bits.
	EXPECT_TRUE(R(GH_PL011_FR) & GH_PL011_FR_RXFE);
	EXPECT_EQ(Rx("ok"), 2u);
	std::string got;
	while (!(R(GH_PL011_FR) & GH_PL011_FR_RXFE)) {
		uint32_t dr = R(GH_PL011_DR);
		EXPECT_EQ(dr & 0xf00, 0u);
		got += (char)(dr & 0xff);
	}
	EXPECT_EQ(got, "ok");
	EXPECT_FALSE(irq_.level); // U-Boot polls; nothing unmasked
}

TEST_F(Pl011Test, LinuxRxTimeoutAndLevelInterrupts)
{
	UbootInit();
	W(GH_PL011_ICR, GH_PL011_INT_ALL);
	W(GH_PL011_IMSC, GH_PL011_INT_RX | GH_PL011_INT_RT);
	// Fewer bytes than the trigger level: only the timeout fires.
	EXPECT_EQ(Rx("abc"), 3u);
	EXPECT_EQ(R(GH_PL011_MIS), GH_PL011_INT_RT);
	EXPECT_TRUE(irq_.level);
	std::string got;
	while (!(R(GH_PL011_FR) & GH_PL011_FR_RXFE))
		got += (char)R(GH_PL011_DR);
	EXPECT_EQ(got, "abc");
	EXPECT_EQ(R(GH_PL011_RIS) & (GH_PL011_INT_RX | GH_PL011_INT_RT), 0u);
	EXPECT_FALSE(irq_.level);
	EXPECT_EQ(irq_.raises, 1);
	EXPECT_EQ(irq_.lowers, 1);
}

TEST_F(Pl011Test, RxFifoLevelPerIfls)
{
	const unsigned int levels[8] = { 4, 8, 16, 24, 28, 28, 28, 28 };
	for (uint32_t sel = 0; sel < 8; sel++) {
		SCOPED_TRACE(sel);
		ASSERT_EQ(gh_pl011_reset(u_), 0);
		UbootInit();
		W(GH_PL011_IFLS, sel << 3);
		W(GH_PL011_IMSC, GH_PL011_INT_RX);
		std::string burst(levels[sel] - 1, 'x');
		EXPECT_EQ(Rx(burst), burst.size());
		EXPECT_FALSE(R(GH_PL011_RIS) & GH_PL011_INT_RX);
		EXPECT_FALSE(irq_.level);
		EXPECT_EQ(Rx("y"), 1u);
		EXPECT_TRUE(R(GH_PL011_RIS) & GH_PL011_INT_RX);
		EXPECT_TRUE(irq_.level);
		R(GH_PL011_DR); // below the level again: the interrupt clears
		EXPECT_FALSE(R(GH_PL011_RIS) & GH_PL011_INT_RX);
		EXPECT_FALSE(irq_.level);
	}
	// FIFOs off: one byte is the level.
	ASSERT_EQ(gh_pl011_reset(u_), 0);
	W(GH_PL011_CR, kEnabled);
	EXPECT_EQ(Rx("ab"), 1u);
	EXPECT_TRUE(R(GH_PL011_RIS) & GH_PL011_INT_RX);
	EXPECT_TRUE(R(GH_PL011_FR) & GH_PL011_FR_RXFF);
}

TEST_F(Pl011Test, TxInterruptImscRisMisIcr)
{
	UbootInit();
	W(GH_PL011_IMSC, GH_PL011_INT_TX);
	EXPECT_FALSE(irq_.level); // no transition yet: not asserted by enabling
	W(GH_PL011_DR, 'a');
	EXPECT_EQ(R(GH_PL011_RIS) & GH_PL011_INT_TX, GH_PL011_INT_TX);
	EXPECT_EQ(R(GH_PL011_MIS), GH_PL011_INT_TX);
	EXPECT_TRUE(irq_.level);
	W(GH_PL011_ICR, GH_PL011_INT_TX);
	EXPECT_EQ(R(GH_PL011_RIS), 0u);
	EXPECT_FALSE(irq_.level);
	// Masked: RIS set, MIS clear, line low.
	W(GH_PL011_IMSC, 0);
	W(GH_PL011_DR, 'b');
	EXPECT_EQ(R(GH_PL011_RIS), GH_PL011_INT_TX);
	EXPECT_EQ(R(GH_PL011_MIS), 0u);
	EXPECT_FALSE(irq_.level);
	// Unmasking a pending interrupt raises the line.
	W(GH_PL011_IMSC, GH_PL011_INT_TX);
	EXPECT_TRUE(irq_.level);
	ASSERT_EQ(gh_pl011_reset(u_), 0);
	EXPECT_FALSE(irq_.level);
}

TEST_F(Pl011Test, RxFlowControlAndRxReady)
{
	// Disabled receiver: nothing is taken, enabling tells the owner.
	EXPECT_EQ(Rx("zz"), 0u);
	UbootInit();
	EXPECT_EQ(sink_.rx_ready.load(), 1);
	std::string big(40, 'q');
	EXPECT_EQ(Rx(big), 32u);
	EXPECT_TRUE(R(GH_PL011_FR) & GH_PL011_FR_RXFF);
	R(GH_PL011_DR);
	EXPECT_EQ(sink_.rx_ready.load(), 2);
	R(GH_PL011_DR);
	EXPECT_EQ(sink_.rx_ready.load(), 2);              // only once per refusal
	EXPECT_EQ(R(GH_PL011_RIS) & GH_PL011_INT_OE, 0u); // never an overrun
}

TEST_F(Pl011Test, FenChangeFlushesRx)
{
	UbootInit();
	EXPECT_EQ(Rx("abc"), 3u);
	W(GH_PL011_LCR_H, 3u << 5);
	EXPECT_TRUE(R(GH_PL011_FR) & GH_PL011_FR_RXFE);
	EXPECT_EQ(R(GH_PL011_RIS) & (GH_PL011_INT_RX | GH_PL011_INT_RT), 0u);
}

TEST_F(Pl011Test, LoopbackAndOverrun)
{
	UbootInit();
	W(GH_PL011_CR, kEnabled | GH_PL011_CR_LBE);
	W(GH_PL011_DR, 'L');
	EXPECT_TRUE(sink_.take().empty());
	EXPECT_EQ(R(GH_PL011_DR), (uint32_t)'L');
	for (int i = 0; i < 33; i++)
		W(GH_PL011_DR, 'a' + (i % 26));
	EXPECT_TRUE(R(GH_PL011_RIS) & GH_PL011_INT_OE);
	EXPECT_EQ(R(GH_PL011_RSR), 0x8u);
	W(GH_PL011_RSR, 0); // ECR
	EXPECT_EQ(R(GH_PL011_RSR), 0u);
	W(GH_PL011_ICR, GH_PL011_INT_OE);
	EXPECT_FALSE(R(GH_PL011_RIS) & GH_PL011_INT_OE);
}

TEST_F(Pl011Test, SaveRestoreRoundTripAndValidation)
{
	UbootInit();
	W(GH_PL011_IMSC, GH_PL011_INT_RT);
	EXPECT_EQ(Rx("xyz"), 3u);
	struct gh_pl011_state s;
	ASSERT_EQ(gh_pl011_save(u_, &s), 0);
	EXPECT_EQ(s.rx_count, 3u);

	ByteSink sink2;
	IrqLine irq2;
	struct gh_pl011_config cfg = {};
	cfg.chr = &ByteSink::ops;
	cfg.chr_ctx = &sink2;
	cfg.irq = &IrqLine::ops;
	cfg.irq_ctx = &irq2;
	struct gh_pl011 *u2;
	ASSERT_EQ(gh_pl011_create(&cfg, &u2), 0);
	ASSERT_EQ(gh_pl011_restore(u2, &s), 0);
	EXPECT_TRUE(irq2.level);
	uint64_t v;
	gh_pl011_read(u2, GH_PL011_DR, 4, &v);
	EXPECT_EQ(v, (uint64_t)'x');

	struct Bad {
		const char *name;
		void (*mutate)(struct gh_pl011_state *);
	} bad[] = {
		{ "version", [](struct gh_pl011_state *b) { b->version = 2; } },
		{ "rsr", [](struct gh_pl011_state *b) { b->rsr = 0x10; } },
		{ "ilpr", [](struct gh_pl011_state *b) { b->ilpr = 0x100; } },
		{ "ibrd", [](struct gh_pl011_state *b) { b->ibrd = 0x10000; } },
		{ "fbrd", [](struct gh_pl011_state *b) { b->fbrd = 0x40; } },
		{ "lcr_h", [](struct gh_pl011_state *b) { b->lcr_h = 0x100; } },
		{ "cr reserved", [](struct gh_pl011_state *b) { b->cr |= 0x8; } },
		{ "ifls", [](struct gh_pl011_state *b) { b->ifls = 0x40; } },
		{ "imsc", [](struct gh_pl011_state *b) { b->imsc = 0x800; } },
		{ "ris", [](struct gh_pl011_state *b) { b->ris = 0x1000; } },
		{ "dmacr", [](struct gh_pl011_state *b) { b->dmacr = 8; } },
		{ "rx_count", [](struct gh_pl011_state *b) { b->rx_count = 33; } },
		{ "rx_count no fifo",
		  [](struct gh_pl011_state *b) {
			  b->lcr_h = 0;
			  b->rx_count = 2;
		  } },
		{ "tx_count", [](struct gh_pl011_state *b) { b->tx_count = 33; } },
		{ "rx entry", [](struct gh_pl011_state *b) { b->rx_fifo[1] = 0x1000; } },
	};
	for (const auto &b : bad) {
		SCOPED_TRACE(b.name);
		struct gh_pl011_state t = s;
		b.mutate(&t);
		struct gh_pl011_state cur_before, cur_after;
		gh_pl011_save(u2, &cur_before);
		EXPECT_EQ(gh_pl011_restore(u2, &t), -EINVAL);
		gh_pl011_save(u2, &cur_after);
		EXPECT_EQ(memcmp(&cur_before, &cur_after, sizeof(cur_before)), 0);
	}
	gh_pl011_destroy(u2);
}

TEST_F(Pl011Test, RestoredTxFifoDrains)
{
	struct gh_pl011_state s;
	ASSERT_EQ(gh_pl011_save(u_, &s), 0);
	s.cr = kEnabled;
	s.lcr_h = GH_PL011_LCR_H_FEN;
	s.tx_count = 2;
	s.tx_fifo[0] = 'h';
	s.tx_fifo[1] = 'i';
	ASSERT_EQ(gh_pl011_restore(u_, &s), 0);
	auto out = sink_.take();
	EXPECT_EQ(std::string(out.begin(), out.end()), "hi");
}

// Several vCPUs hammer the UART while the host feeds input. TSan checks the
// locking; the fake IRQ line aborts on a repeated level (a lost update).
TEST_F(Pl011Test, ConcurrentVcpusAndHost)
{
	UbootInit();
	W(GH_PL011_IMSC, GH_PL011_INT_RX | GH_PL011_INT_RT | GH_PL011_INT_TX);
	constexpr int kWriters = 3;
	constexpr int kBytes = 2000;
	std::atomic<bool> stop{ false };
	std::vector<std::thread> th;
	for (int t = 0; t < kWriters; t++) {
		th.emplace_back([&, t] {
			for (int i = 0; i < kBytes; i++) {
				uint64_t fr;
				do
					gh_pl011_read(u_, GH_PL011_FR, 4, &fr);
				while (fr & GH_PL011_FR_TXFF);
				gh_pl011_write(u_, GH_PL011_DR, 4, 'A' + t);
				if (i % 64 == 0)
					gh_pl011_write(u_, GH_PL011_ICR, 4, GH_PL011_INT_TX);
			}
		});
	}
	th.emplace_back([&] {
		uint64_t v;
		while (!stop) {
			gh_pl011_read(u_, GH_PL011_DR, 4, &v);
			gh_pl011_read(u_, GH_PL011_MIS, 4, &v);
		}
	});
	th.emplace_back([&] {
		size_t n;
		while (!stop)
			gh_pl011_receive(u_, (const uint8_t *)"input", 5, &n);
	});
	for (int t = 0; t < kWriters; t++)
		th[t].join();
	stop = true;
	th[kWriters].join();
	th[kWriters + 1].join();
	auto out = sink_.take();
	EXPECT_GT(out.size(), 0u);
	EXPECT_LE(out.size(), (size_t)kWriters * kBytes);
	// The line ends at the level the registers say.
	uint64_t mis;
	gh_pl011_read(u_, GH_PL011_MIS, 4, &mis);
	EXPECT_EQ(irq_.level.load(), mis != 0);
}


// Two vCPUs flip the TX interrupt's mask as fast as they can while two others
// make accesses that change no level (FR, IBRD): those report nothing and
// take no line lock, and the flips' reports still leave the line where the
// registers say, alternating raise and lower (the fake aborts on a repeat).
TEST_F(Pl011Test, LevelFlipsAmongAccessesThatChangeNothing)
{
	UbootInit();
	W(GH_PL011_DR, 'a'); // the FIFO drains at once: TX pending, masked
	ASSERT_EQ(R(GH_PL011_RIS) & GH_PL011_INT_TX, GH_PL011_INT_TX);
	constexpr int kFlips = 20000;
	std::atomic<bool> stop{ false };
	std::vector<std::thread> th;
	for (int t = 0; t < 2; t++)
		th.emplace_back([&, t] {
			for (int i = 0; i < kFlips; i++)
				gh_pl011_write(u_, GH_PL011_IMSC, 4,
				               ((i + t) & 1) ? GH_PL011_INT_TX : 0);
		});
	for (int t = 0; t < 2; t++)
		th.emplace_back([&, t] {
			uint64_t v;
			while (!stop) {
				if (t)
					gh_pl011_read(u_, GH_PL011_FR, 4, &v);
				else
					gh_pl011_write(u_, GH_PL011_IBRD, 4, 13);
			}
		});
	th[0].join();
	th[1].join();
	stop = true;
	th[2].join();
	th[3].join();
	int raises = irq_.raises.load(), lowers = irq_.lowers.load();
	EXPECT_GT(raises, 0);
	EXPECT_EQ(raises - lowers, irq_.level.load() ? 1 : 0);
	EXPECT_EQ(irq_.level.load(), R(GH_PL011_MIS) != 0);
	// and a last write that changes the level reports it at once
	W(GH_PL011_IMSC, irq_.level.load() ? 0 : GH_PL011_INT_TX);
	EXPECT_EQ(irq_.level.load(), R(GH_PL011_MIS) != 0);
	EXPECT_EQ(irq_.raises.load() + irq_.lowers.load(), raises + lowers + 1);
}

} // namespace
