// SPDX-License-Identifier: BSD-3-Clause
// The GICv3 model alone, through gic.h: distributor and redistributor
// registers, CPU interface, routing, triggers and the pick of the next IRQ.
#include <gtest/gtest.h>

#include <vector>

#include "gic.h"

namespace {

constexpr uint64_t GICD_CTLR = 0x0000, GICD_TYPER = 0x0004, GICD_ISENABLER = 0x0100,
		   GICD_ICENABLER = 0x0180, GICD_ISPENDR = 0x0200, GICD_ICPENDR = 0x0280,
		   GICD_ISACTIVER = 0x0300, GICD_ICACTIVER = 0x0380, GICD_IPRIORITYR = 0x0400,
		   GICD_ICFGR = 0x0c00, GICD_IROUTER = 0x6000, GIC_PIDR2 = 0xffe8;
constexpr uint64_t GICR_TYPER = 0x0008, GICR_WAKER = 0x0014, GICR_SGI_BASE = 0x10000;

constexpr gh_sim_gic_sysreg ICC_PMR = { 3, 0, 4, 6, 0 }, ICC_IAR1 = { 3, 0, 12, 12, 0 },
			    ICC_EOIR1 = { 3, 0, 12, 12, 1 }, ICC_HPPIR1 = { 3, 0, 12, 12, 2 },
			    ICC_CTLR = { 3, 0, 12, 12, 4 }, ICC_IGRPEN1 = { 3, 0, 12, 12, 7 },
			    ICC_DIR = { 3, 0, 12, 11, 1 }, ICC_RPR = { 3, 0, 12, 11, 3 },
			    ICC_SGI1R = { 3, 0, 12, 11, 5 }, ICC_IAR0 = { 3, 0, 12, 8, 0 },
			    NOT_ICC = { 3, 0, 1, 0, 0 };

constexpr uint32_t SPURIOUS = GH_SIM_GIC_SPURIOUS;

// A GIC with @ncpus CPUs and a fake owner that counts notifications.
class Gic : public ::testing::Test {
protected:
	void SetUp() override { Make(2); }

	void Make(unsigned int ncpus)
	{
		gh_sim_gic_init(&gic_, &ops_, this);
		cpus_.assign(GH_SIM_GIC_MAX_CPUS, gh_sim_gic_cpu{});
		notes_.assign(GH_SIM_GIC_MAX_CPUS, 0);
		for (unsigned int i = 0; i < ncpus; i++) {
			gh_sim_gic_cpu_init(&cpus_[i]);
			ASSERT_EQ(0, gh_sim_gic_attach_cpu(&gic_, i, &cpus_[i]));
		}
	}

	static void Notify(void *ctx, unsigned int cpu)
	{
		static_cast<Gic *>(ctx)->notes_.at(cpu)++;
	}

	uint64_t Icc(unsigned int cpu, const gh_sim_gic_sysreg &r)
	{
		uint64_t v = 0xdead;

		EXPECT_TRUE(gh_sim_gic_icc_access(&gic_, cpu, &r, true, &v));
		return v;
	}

	void SetIcc(unsigned int cpu, const gh_sim_gic_sysreg &r, uint64_t v)
	{
		EXPECT_TRUE(gh_sim_gic_icc_access(&gic_, cpu, &r, false, &v));
	}

	// Group 1 on in the distributor and on every CPU, PMR open.
	void EnableAll()
	{
		gh_sim_gicd_write(&gic_, GICD_CTLR, 4, 2);
		for (unsigned int i = 0; i < GH_SIM_GIC_MAX_CPUS; i++) {
			if (!gic_.cpu[i])
				continue;
			SetIcc(i, ICC_IGRPEN1, 1);
			SetIcc(i, ICC_PMR, 0xff);
		}
	}

	void EnableSpi(uint32_t intid, uint8_t prio)
	{
		gh_sim_gicd_write(&gic_, GICD_IPRIORITYR + intid, 1, prio);
		gh_sim_gicd_write(&gic_, GICD_ISENABLER + 4 * (intid / 32), 4, 1U << (intid % 32));
	}

	static uint64_t Frame(unsigned int cpu) { return cpu * GH_SIM_GICR_STRIDE; }

	gh_sim_gic_ops ops_ = { &Gic::Notify };
	gh_sim_gic gic_;
	std::vector<gh_sim_gic_cpu> cpus_;
	std::vector<int> notes_;
};

TEST_F(Gic, IdentificationAndReset)
{
	EXPECT_EQ(0x50u, gh_sim_gicd_read(&gic_, GICD_CTLR, 4)); // ARE | DS
	EXPECT_EQ((uint64_t)(GH_SIM_GIC_NR_IRQS / 32 - 1) | (9ULL << 19),
	          gh_sim_gicd_read(&gic_, GICD_TYPER, 4));
	EXPECT_EQ(0x3bu, gh_sim_gicd_read(&gic_, GIC_PIDR2, 4));
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, 0x5000, 4)); // unknown: RAZ
	// the last frame says Last; Processor_Number and affinity = the CPU
	EXPECT_EQ(0x0ULL, gh_sim_gicr_read(&gic_, Frame(0) + GICR_TYPER, 8));
	EXPECT_EQ((1ULL << 32) | (1ULL << 8) | (1ULL << 4),
	          gh_sim_gicr_read(&gic_, Frame(1) + GICR_TYPER, 8));
	EXPECT_EQ(1u, gh_sim_gicr_read(&gic_, Frame(1) + GICR_TYPER + 4, 4));
	// asleep at reset; awake once ProcessorSleep is cleared
	EXPECT_EQ(6u, gh_sim_gicr_read(&gic_, Frame(0) + GICR_WAKER, 4));
	gh_sim_gicr_write(&gic_, Frame(0) + GICR_WAKER, 4, 0);
	EXPECT_EQ(0u, gh_sim_gicr_read(&gic_, Frame(0) + GICR_WAKER, 4));
	// an absent CPU's frame reads 0 and ignores writes
	EXPECT_EQ(0u, gh_sim_gicr_read(&gic_, Frame(5) + GICR_WAKER, 4));
	gh_sim_gicr_write(&gic_, Frame(5) + GICR_WAKER, 4, 2);
	// SGIs enabled at reset, PPIs not; SPIs level, SGIs edge (ICFGR)
	EXPECT_EQ(0xffffu, gh_sim_gicr_read(&gic_, Frame(0) + GICR_SGI_BASE + GICD_ISENABLER, 4));
	EXPECT_EQ(0xaaaaaaaau, gh_sim_gicr_read(&gic_, Frame(0) + GICR_SGI_BASE + GICD_ICFGR, 4));
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, GICD_ICFGR + 8, 4));
	EXPECT_EQ(-EEXIST, gh_sim_gic_attach_cpu(&gic_, 0, &cpus_[0]));
	EXPECT_EQ(-EINVAL, gh_sim_gic_attach_cpu(&gic_, GH_SIM_GIC_MAX_CPUS, &cpus_[0]));
	EXPECT_EQ(-EINVAL, gh_sim_gic_attach_cpu(&gic_, 3, nullptr));
}

TEST_F(Gic, EnablePendingActiveBits)
{
	const uint32_t id = 40; // word 1, bit 8

	gh_sim_gicd_write(&gic_, GICD_ISENABLER + 4, 4, 1U << 8);
	EXPECT_EQ(1U << 8, gh_sim_gicd_read(&gic_, GICD_ISENABLER + 4, 4));
	EXPECT_EQ(1U << 8, gh_sim_gicd_read(&gic_, GICD_ICENABLER + 4, 4));
	gh_sim_gicd_write(&gic_, GICD_ICENABLER + 4, 4, 1U << 8);
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, GICD_ISENABLER + 4, 4));
	gh_sim_gicd_write(&gic_, GICD_ISPENDR + 4, 4, 1U << 8);
	EXPECT_TRUE(gic_.irq[id].pending);
	EXPECT_EQ(1U << 8, gh_sim_gicd_read(&gic_, GICD_ICPENDR + 4, 4));
	gh_sim_gicd_write(&gic_, GICD_ICPENDR + 4, 4, 1U << 8);
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, GICD_ISPENDR + 4, 4));
	gh_sim_gicd_write(&gic_, GICD_ISACTIVER + 4, 4, 1U << 8);
	EXPECT_EQ(1U << 8, gh_sim_gicd_read(&gic_, GICD_ICACTIVER + 4, 4));
	gh_sim_gicd_write(&gic_, GICD_ICACTIVER + 4, 4, 1U << 8);
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, GICD_ISACTIVER + 4, 4));
	// the distributor's SGI/PPI word is RAZ/WI
	gh_sim_gicd_write(&gic_, GICD_ISENABLER, 4, ~0U);
	EXPECT_EQ(0u, gh_sim_gicd_read(&gic_, GICD_ISENABLER, 4));
	// a PPI through its redistributor
	gh_sim_gicr_write(&gic_, Frame(1) + GICR_SGI_BASE + GICD_ISENABLER, 4, 1U << 27);
	EXPECT_TRUE(cpus_[1].irq[27].enabled);
	EXPECT_FALSE(cpus_[0].irq[27].enabled);
}

TEST_F(Gic, PriorityHasFiveBits)
{
	gh_sim_gicd_write(&gic_, GICD_IPRIORITYR + 40, 4, 0x12345678);
	EXPECT_EQ(0x10305078u, gh_sim_gicd_read(&gic_, GICD_IPRIORITYR + 40, 4));
	EXPECT_EQ(0x30u, gh_sim_gicd_read(&gic_, GICD_IPRIORITYR + 42, 1));
	SetIcc(0, ICC_PMR, 0xff);
	EXPECT_EQ(0xf8u, Icc(0, ICC_PMR));
	EXPECT_EQ(4ULL << 8, Icc(0, ICC_CTLR) & (7ULL << 8)); // PRIbits: 5
}

TEST_F(Gic, SpiRouting)
{
	const uint32_t id = 33;
	uint64_t r;

	EnableAll();
	EnableSpi(id, 0x80);
	gh_sim_gicd_write(&gic_, GICD_IROUTER + 8 * id, 8, 1); // Aff0 = 1
	r = gh_sim_gicd_read(&gic_, GICD_IROUTER + 8 * id, 4);
	EXPECT_EQ(1u, r);
	gh_sim_gic_set_line(&gic_, 0, id, true);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(id, gh_sim_gic_pending_irq(&gic_, 1));
	EXPECT_EQ(0, notes_[0]);
	EXPECT_GE(notes_[1], 1);
	// IRM = 1: the lowest-numbered CPU present
	gh_sim_gicd_write(&gic_, GICD_IROUTER + 8 * id + 4, 4, 0);
	gh_sim_gicd_write(&gic_, GICD_IROUTER + 8 * id, 4, 1U << 31);
	EXPECT_EQ(id, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 1));
	// to an absent CPU, or with Aff1 set: nobody
	gh_sim_gicd_write(&gic_, GICD_IROUTER + 8 * id, 8, 5);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
	gh_sim_gicd_write(&gic_, GICD_IROUTER + 8 * id, 8, 0x100);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
}

TEST_F(Gic, Sgis)
{
	EnableAll();
	// TargetList {1}, INTID 3, from CPU 0
	SetIcc(0, ICC_SGI1R, (3ULL << 24) | (1ULL << 1));
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(3u, gh_sim_gic_pending_irq(&gic_, 1));
	EXPECT_EQ(3u, Icc(1, ICC_IAR1));
	SetIcc(1, ICC_EOIR1, 3);
	// IRM: all but self
	SetIcc(1, ICC_SGI1R, (5ULL << 24) | (1ULL << 40));
	EXPECT_EQ(5u, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 1));
	// Aff1 != 0 reaches nobody here
	SetIcc(0, ICC_SGI1R, (6ULL << 24) | (1ULL << 16) | 3);
	EXPECT_FALSE(cpus_[0].irq[6].pending);
	EXPECT_FALSE(cpus_[1].irq[6].pending);
}

TEST_F(Gic, LevelAndEdge)
{
	const uint32_t lvl = 34, edge = 35;

	EnableAll();
	EnableSpi(lvl, 0x80);
	EnableSpi(edge, 0x80);
	gh_sim_gic_set_trigger(&gic_, edge, false);
	EXPECT_EQ(2u << 6, gh_sim_gicd_read(&gic_, GICD_ICFGR + 8, 4) & (3u << 6));

	// level: pending while the line is high, until the line drops
	gh_sim_gic_set_line(&gic_, 0, lvl, true);
	EXPECT_EQ(lvl, gh_sim_gic_pending_irq(&gic_, 0));
	gh_sim_gic_set_line(&gic_, 0, lvl, false);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));

	// edge: the rising edge latches, the line dropping does not clear it
	gh_sim_gic_set_line(&gic_, 0, edge, true);
	gh_sim_gic_set_line(&gic_, 0, edge, false);
	EXPECT_EQ(edge, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(edge, Icc(0, ICC_IAR1));
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
	SetIcc(0, ICC_EOIR1, edge);
	// a pulse is an edge too; ICFGR writes make a level SPI edge-triggered
	gh_sim_gic_pulse(&gic_, edge);
	EXPECT_EQ(edge, gh_sim_gic_pending_irq(&gic_, 0));
	gh_sim_gicd_write(&gic_, GICD_ICFGR + 8, 4, 2u << 4); // INTID 34
	EXPECT_FALSE(gic_.irq[lvl].level);
	// ignored: out of range
	gh_sim_gic_set_line(&gic_, 0, GH_SIM_GIC_NR_IRQS, true);
	gh_sim_gic_pulse(&gic_, 7);
	gh_sim_gic_set_trigger(&gic_, 5, false);
	EXPECT_TRUE(cpus_[0].irq[5].level == false); // SGIs stay edge
}

TEST_F(Gic, AcknowledgeAndEoi)
{
	const uint32_t hi = 36, lo = 37;

	EnableAll();
	EnableSpi(hi, 0x40);
	EnableSpi(lo, 0x80);
	gh_sim_gic_set_line(&gic_, 0, lo, true);
	EXPECT_EQ(lo, Icc(0, ICC_IAR1));
	EXPECT_EQ(0x80u, Icc(0, ICC_RPR));
	EXPECT_TRUE(gic_.irq[lo].active);
	// a higher priority one preempts; an equal or lower one waits
	gh_sim_gic_set_line(&gic_, 0, hi, true);
	EXPECT_EQ(hi, Icc(0, ICC_IAR1));
	EXPECT_EQ(0x40u, Icc(0, ICC_RPR));
	EXPECT_EQ(SPURIOUS, Icc(0, ICC_IAR1));
	SetIcc(0, ICC_EOIR1, hi);
	EXPECT_FALSE(gic_.irq[hi].active);
	EXPECT_EQ(0x80u, Icc(0, ICC_RPR));
	// EOImode 1: EOIR drops the priority only, DIR deactivates
	SetIcc(0, ICC_CTLR, 2);
	SetIcc(0, ICC_EOIR1, lo);
	EXPECT_EQ(0xffu, Icc(0, ICC_RPR));
	EXPECT_TRUE(gic_.irq[lo].active);
	SetIcc(0, ICC_DIR, lo);
	EXPECT_FALSE(gic_.irq[lo].active);
	// group 0 does not exist here
	EXPECT_EQ(SPURIOUS, Icc(0, ICC_IAR0));
	uint64_t v = 0;
	EXPECT_FALSE(gh_sim_gic_icc_access(&gic_, 0, &NOT_ICC, true, &v));
	EXPECT_FALSE(gh_sim_gic_icc_access(&gic_, 4, &ICC_IAR1, true, &v)); // absent CPU
}

TEST_F(Gic, HighestPendingPick)
{
	struct Case {
		const char *what;
		uint8_t prio_a, prio_b;
		uint64_t pmr;
		uint32_t want;       // pending_irq
		uint32_t want_hppir; // ignores PMR
	} cases[] = {
		{ "lower value wins", 0x80, 0x40, 0xff, 39, 39 },
		{ "equal: lower INTID", 0x80, 0x80, 0xff, 38, 38 },
		{ "PMR masks both", 0x80, 0x40, 0x40, SPURIOUS, 39 },
		{ "PMR masks one", 0x80, 0x40, 0x48, 39, 39 },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		Make(2);
		EnableAll();
		EnableSpi(38, c.prio_a);
		EnableSpi(39, c.prio_b);
		SetIcc(0, ICC_PMR, c.pmr);
		gh_sim_gic_set_line(&gic_, 0, 38, true);
		gh_sim_gic_set_line(&gic_, 0, 39, true);
		EXPECT_EQ(c.want, gh_sim_gic_pending_irq(&gic_, 0));
		EXPECT_EQ(c.want_hppir, Icc(0, ICC_HPPIR1));
		EXPECT_EQ(c.want, Icc(0, ICC_IAR1));
	}
}

TEST_F(Gic, NotifiesOnlyWhatIsDeliverable)
{
	EnableSpi(40, 0x80);
	// group 1 still off: pending, but nothing to deliver
	gh_sim_gic_set_line(&gic_, 0, 40, true);
	EXPECT_EQ(0, notes_[0]);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
	EXPECT_EQ(40u, Icc(0, ICC_HPPIR1));
	// turning it on makes it deliverable: CPU 0 is told, CPU 1 is not
	EnableAll();
	EXPECT_GE(notes_[0], 1);
	EXPECT_EQ(0, notes_[1]);
	EXPECT_EQ(40u, gh_sim_gic_pending_irq(&gic_, 0));
	// a disabled interrupt is never picked
	gh_sim_gicd_write(&gic_, GICD_ICENABLER + 4, 4, 1U << 8);
	EXPECT_EQ(SPURIOUS, gh_sim_gic_pending_irq(&gic_, 0));
}

} // namespace
