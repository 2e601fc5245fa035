// SPDX-License-Identifier: BSD-3-Clause
// The conformance tables against the in-process UAPI (the simulator
// backend): one test per case and ABI, named after the case's table.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include <gunyah/conformance_backend.h>

namespace {

struct Param {
	const char *abi;
	const gh_conformance_case *c;
	size_t index; // in its table
};

void PrintTo(const Param &p, std::ostream *os)
{
	*os << p.abi << " #" << p.index << " \"" << p.c->name << "\"";
}

std::vector<Param> AllCases()
{
	std::vector<Param> out;
	for (auto [abi, table] :
	     { std::pair{ "seed", gh_conformance_seed }, std::pair{ "v17", gh_conformance_v17 },
	       std::pair{ "android", gh_conformance_android } })
		for (size_t i = 0; table[i].name; i++)
			out.push_back({ abi, &table[i], i });
	return out;
}

class Conformance : public ::testing::TestWithParam<Param> {
protected:
	static void SetUpTestSuite()
	{
		ASSERT_EQ(gh_backend_open_sim(nullptr, &backend_), 0);
		ASSERT_EQ(gh_conformance_backend_ops(backend_, &ops_), 0);
	}
	static void TearDownTestSuite()
	{
		gh_conformance_backend_free(&ops_);
		gh_backend_close(backend_);
		backend_ = nullptr;
	}

	static gh_backend *backend_;
	static gh_conformance_ops ops_;
};

gh_backend *Conformance::backend_;
gh_conformance_ops Conformance::ops_;

TEST_P(Conformance, Case)
{
	const Param &p = GetParam();
	char why[256];

	ASSERT_NE(backend_, nullptr);
	RecordProperty("peer", p.c->peer);
	EXPECT_EQ(gh_conformance_run(p.c, &ops_, why, sizeof(why)), 0)
		<< p.abi << ": " << p.c->name << " (" << p.c->peer << "): " << why;
}

std::string Name(const ::testing::TestParamInfo<Param> &info)
{
	return std::string(info.param.abi) + "_" + std::to_string(info.param.index);
}

INSTANTIATE_TEST_SUITE_P(EveryAbi, Conformance, ::testing::ValuesIn(AllCases()), Name);

// The tables are what the selftest runs too: none is empty, and v17's has
// the guest-memory cases the others lack.
TEST(ConformanceTables, EachAbiHasItsCases)
{
	auto count = [](const gh_conformance_case *t) {
		size_t n = 0;
		while (t[n].name)
			n++;
		return n;
	};
	EXPECT_GE(count(gh_conformance_seed), 9u);
	EXPECT_GE(count(gh_conformance_android), 10u);
	EXPECT_GT(count(gh_conformance_v17), count(gh_conformance_android));
}

} // namespace
