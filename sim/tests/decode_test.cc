// SPDX-License-Identifier: BSD-3-Clause
// Table-driven tests of the load/store classifier and address computation.
#include <gtest/gtest.h>

extern "C" {
#include "decode.h"
}

namespace {

struct Case {
	uint32_t insn;
	const char *text;
	enum gh_sim_ldst_kind kind;
	bool is_store;
	unsigned int size;
	bool sign_extend;
	bool dest64;
	unsigned int rt;
	uint64_t addr; // with x[n] = 0x1000 * n, SP = 0x8000, PC = 0x4000
};

uint64_t Reg(void *ctx, unsigned int n)
{
	(void)ctx;
	if (n == 31)
		return 0x8000;
	if (n == 8)
		return (uint64_t)-2;
	if (n == 7)
		return 2;
	return 0x1000ULL * n;
}

constexpr auto V = GH_SIM_LDST_VALID;
constexpr auto N = GH_SIM_LDST_NO_SYNDROME;

const Case kCases[] = {
	{ 0x39400423, "ldrb w3, [x1, #1]", V, false, 1, false, false, 3, 0x1001 },
	{ 0x79800443, "ldrsh x3, [x2, #2]", V, false, 2, true, true, 3, 0x2002 },
	{ 0xb98007e3, "ldrsw x3, [sp, #4]", V, false, 4, true, true, 3, 0x8004 },
	{ 0xf8626823, "ldr x3, [x1, x2]", V, false, 8, false, true, 3, 0x3000 },
	{ 0xb8675823, "ldr w3, [x1, w7, uxtw #2]", V, false, 4, false, false, 3, 0x1008 },
	{ 0xf868d923, "ldr x3, [x9, w8, sxtw #3]", V, false, 8, false, true, 3, 0x9000 - 16 },
	{ 0xf85f8023, "ldur x3, [x1, #-8]", V, false, 8, false, true, 3, 0x1000 - 8 },
	{ 0xf8428823, "ldtr x3, [x1, #0x28]", V, false, 8, false, true, 3, 0x1028 },
	{ 0x88dffc23, "ldar w3, [x1]", V, false, 4, false, false, 3, 0x1000 },
	{ 0xc89ffc26, "stlr x6, [x1]", V, true, 8, false, false, 6, 0x1000 },
	{ 0xf900943f, "str xzr, [x1, #0x128]", V, true, 8, false, false, 31, 0x1128 },
	{ 0x79020426, "strh w6, [x1, #0x102]", V, true, 2, false, false, 6, 0x1102 },
	{ 0x58000045, "ldr x5, .+8", V, false, 8, false, true, 5, 0x4008 },
	{ 0x98ffffe5, "ldrsw x5, .-4", V, false, 4, true, true, 5, 0x3ffc },
	{ 0xa9400c22, "ldp x2, x3, [x1]", N, false, 8, false, false, 2, 0x1000 },
	{ 0x29820c22, "stp w2, w3, [x1, #16]!", N, true, 4, false, false, 2, 0x1010 },
	{ 0xf8008422, "str x2, [x1], #8", N, true, 8, false, false, 2, 0x1000 },
	{ 0xf8408c22, "ldr x2, [x1, #8]!", N, false, 8, false, true, 2, 0x1008 },
	{ 0xc85f7c22, "ldxr x2, [x1]", N, false, 8, false, false, 2, 0x1000 },
	{ 0xc8240c22, "stxp w4, x2, x3, [x1]", N, true, 8, false, false, 2, 0x1000 },
	{ 0x3dc00020, "ldr q0, [x1]", N, false, 16, false, false, 0, 0x1000 },
	{ 0xfd000421, "str d1, [x1, #8]", N, true, 8, false, false, 1, 0x1008 },
	{ 0xf8200022, "ldadd x0, x2, [x1]", N, true, 8, false, false, 2, 0x1000 },
};

TEST(Decode, LoadsAndStores)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.text);
		struct gh_sim_ldst d;
		uint64_t addr = 0;

		gh_sim_decode_ldst(c.insn, &d);
		EXPECT_EQ(c.kind, d.kind);
		EXPECT_EQ(c.is_store, d.is_store);
		EXPECT_EQ(c.size, d.size);
		EXPECT_EQ(c.rt, d.rt);
		if (c.kind == V) {
			EXPECT_EQ(c.sign_extend, d.sign_extend);
			EXPECT_EQ(c.dest64, d.dest64);
			EXPECT_EQ(nullptr, d.reason);
		} else {
			EXPECT_NE(nullptr, d.reason);
		}
		ASSERT_TRUE(gh_sim_ldst_address(&d, 0x4000, Reg, nullptr, &addr));
		EXPECT_EQ(c.addr, addr);
	}
}

TEST(Decode, NotLoadsOrStores)
{
	const uint32_t none[] = {
		0xf9800020, // prfm
		0x8b030041, // add
		0x14000000, // b .
		0xd65f03c0, // ret
		0xd4000002, // hvc
		0xd503207f, // wfi
		0x00000000, // udf
	};
	for (uint32_t insn : none) {
		SCOPED_TRACE(insn);
		struct gh_sim_ldst d;

		gh_sim_decode_ldst(insn, &d);
		EXPECT_EQ(GH_SIM_LDST_NONE, d.kind);
	}
	struct gh_sim_ldst d;
	uint64_t addr;
	gh_sim_decode_ldst(0x4c407020, &d); // ld1 {v0.16b}, [x1]
	EXPECT_EQ(N, d.kind);
	EXPECT_FALSE(gh_sim_ldst_address(&d, 0, Reg, nullptr, &addr));
}

TEST(Decode, BlockEnds)
{
	EXPECT_TRUE(gh_sim_insn_ends_block(0x14000000));
	EXPECT_TRUE(gh_sim_insn_ends_block(0xd65f03c0));
	EXPECT_TRUE(gh_sim_insn_ends_block(0xd4000002));
	EXPECT_TRUE(gh_sim_insn_ends_block(0x54ffffe1)); // b.ne
	EXPECT_TRUE(gh_sim_insn_ends_block(0xb5000040)); // cbnz
	EXPECT_FALSE(gh_sim_insn_ends_block(0x8b030041));
	EXPECT_FALSE(gh_sim_insn_ends_block(0x39400423));
}

TEST(Decode, SystemRegisters)
{
	struct gh_sim_sysreg_insn s;

	ASSERT_TRUE(gh_sim_decode_sysreg(0xd53be043, &s)); // mrs x3, cntvct_el0
	EXPECT_TRUE(s.is_read);
	EXPECT_EQ(GH_SIM_SYSREG(3, 3, 14, 0, 2), gh_sim_sysreg_key(&s));
	EXPECT_EQ(3, s.rt);
	ASSERT_TRUE(gh_sim_decode_sysreg(0xd518cc22, &s)); // msr ICC_EOIR1_EL1, x2
	EXPECT_FALSE(s.is_read);
	EXPECT_EQ(GH_SIM_SYSREG(3, 0, 12, 12, 1), gh_sim_sysreg_key(&s));
	EXPECT_EQ(2, s.rt);
	EXPECT_FALSE(gh_sim_decode_sysreg(0xd503207f, &s)); // wfi (a hint)
	EXPECT_FALSE(gh_sim_decode_sysreg(0x8b030041, &s));
}

} // namespace
