// SPDX-License-Identifier: BSD-3-Clause
// ghvmm's command line: every option, and every bad argument with its message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "machine.h"
#include "options.h"
}

namespace {

struct Parsed {
	int ret;
	ghvmm_options o;
	std::string err;
};

Parsed Parse(std::vector<std::string> args)
{
	// argv strings must be writable (--disk splits its argument in place).
	static std::vector<std::string> keep;
	keep = args;
	keep.insert(keep.begin(), "ghvmm");
	std::vector<char *> argv;
	for (auto &a : keep)
		argv.push_back(&a[0]);
	argv.push_back(nullptr);
	Parsed p{};
	char err[256];
	p.ret = ghvmm_parse_options((int)keep.size(), argv.data(), &p.o, err, sizeof(err));
	p.err = err;
	return p;
}

TEST(Options, Defaults)
{
	Parsed p = Parse({ "run", "--kernel", "k.elf" });
	ASSERT_EQ(0, p.ret) << p.err;
	EXPECT_STREQ("k.elf", p.o.kernel);
	EXPECT_EQ(1u, p.o.cpus);
	EXPECT_EQ(GHVMM_RAM_DEFAULT, p.o.mem_size);
	EXPECT_EQ(GHVMM_CONSOLE_UART, p.o.console);
	EXPECT_EQ(GHVMM_BACKEND_AUTO, p.o.backend);
	EXPECT_EQ(GHVMM_ABI_AUTO, p.o.abi);
	EXPECT_FALSE(p.o.stats);
	EXPECT_FALSE(p.o.rng);
	EXPECT_EQ(0u, p.o.n_disks);
}

TEST(Options, Everything)
{
	Parsed p = Parse({ "run",         "--kernel",   "raw.bin",
	                   "--load-addr", "0x40080000", "--initrd",
	                   "rd",          "--cmdline",  "console=ttyAMA0",
	                   "--dump-dtb",  "out.dtb",    "--cpus",
	                   "8",           "--mem",      "1G",
	                   "--disk",      "a.img",      "--disk",
	                   "b.img,ro",    "--rng",      "--console",
	                   "virtio",      "--backend",  "sim",
	                   "--stats" });
	ASSERT_EQ(0, p.ret) << p.err;
	EXPECT_TRUE(p.o.has_load_addr);
	EXPECT_EQ(0x40080000u, p.o.load_addr);
	EXPECT_STREQ("rd", p.o.initrd);
	EXPECT_STREQ("console=ttyAMA0", p.o.cmdline);
	EXPECT_STREQ("out.dtb", p.o.dump_dtb);
	EXPECT_EQ(8u, p.o.cpus);
	EXPECT_EQ(1ULL << 30, p.o.mem_size);
	ASSERT_EQ(2u, p.o.n_disks);
	EXPECT_STREQ("a.img", p.o.disks[0].path);
	EXPECT_FALSE(p.o.disks[0].read_only);
	EXPECT_STREQ("b.img", p.o.disks[1].path);
	EXPECT_TRUE(p.o.disks[1].read_only);
	EXPECT_TRUE(p.o.rng);
	EXPECT_EQ(GHVMM_CONSOLE_VIRTIO, p.o.console);
	EXPECT_EQ(GHVMM_BACKEND_SIM, p.o.backend);
	EXPECT_TRUE(p.o.stats);
}

TEST(Options, Help)
{
	for (auto args : std::vector<std::vector<std::string>>{
		     { "--help" }, { "-h" }, { "run", "--help" }, { "run", "-h" } }) {
		Parsed p = Parse(args);
		EXPECT_EQ(0, p.ret);
		EXPECT_TRUE(p.o.help);
	}
}

TEST(Options, BadArguments)
{
	struct Case {
		std::vector<std::string> args;
		const char *mentions;
	} cases[] = {
		{ {}, "run" },
		{ { "boot" }, "run" },
		{ { "run" }, "nothing to boot" },
		{ { "run", "--kernel", "k", "--bios", "b" }, "--bios" },
		{ { "run", "--kernel" }, "--kernel" },
		{ { "run", "--kernel", "k", "--cpus", "0" }, "--cpus" },
		{ { "run", "--kernel", "k", "--cpus", "65" }, "--cpus" },
		{ { "run", "--kernel", "k", "--cpus", "-1" }, "--cpus" },
		{ { "run", "--kernel", "k", "--cpus", "two" }, "--cpus" },
		{ { "run", "--kernel", "k", "--cpus", "4x" }, "--cpus" },
		{ { "run", "--kernel", "k", "--mem", "lots" }, "--mem" },
		{ { "run", "--kernel", "k", "--mem", "1M" }, "--mem" },
		{ { "run", "--kernel", "k", "--mem", "17G" }, "--mem" },
		{ { "run", "--kernel", "k", "--mem", "100000001" }, "--mem" },
		{ { "run", "--kernel", "k", "--mem", "99999999999999999999G" }, "--mem" },
		{ { "run", "--kernel", "k", "--mem", "-128M" }, "--mem" },
		{ { "run", "--kernel", "k", "--disk", "a,rw" }, "--disk" },
		{ { "run", "--kernel", "k", "--disk", ",ro" }, "--disk" },
		{ { "run", "--kernel", "k", "--console", "tty" }, "--console" },
		{ { "run", "--kernel", "k", "--backend", "kvm" }, "--backend" },
		{ { "run", "--kernel", "k", "--abi", "v9" }, "--abi" },
		{ { "run", "--kernel", "k", "--load-addr", "x" }, "--load-addr" },
		{ { "run", "--bios", "b", "--load-addr", "0x0" }, "--load-addr" },
		{ { "run", "--kernel", "k", "--frobnicate" }, "--frobnicate" },
		{ { "run", "--kernel", "k", "extra" }, "extra" },
		{ { "run", "--kernel", "k", "--dtb", "d", "--dump-dtb", "o" }, "--dump-dtb" },
		{ { "run", "--kernel", "k", "--dtb", "d", "--cmdline", "x" }, "--cmdline" },
	};
	for (const Case &c : cases) {
		std::string joined;
		for (auto &a : c.args)
			joined += a + " ";
		SCOPED_TRACE(joined);
		Parsed p = Parse(c.args);
		EXPECT_EQ(-EINVAL, p.ret);
		EXPECT_NE(std::string::npos, p.err.find(c.mentions)) << p.err;
		EXPECT_EQ(std::string::npos, p.err.find('\n')) << "one line";
	}
	// Nine disks: the ninth is refused.
	std::vector<std::string> nine = { "run", "--kernel", "k" };
	for (int i = 0; i < 9; i++) {
		nine.push_back("--disk");
		nine.push_back("d" + std::to_string(i));
	}
	Parsed p = Parse(nine);
	EXPECT_EQ(-EINVAL, p.ret);
	EXPECT_NE(std::string::npos, p.err.find("at most 8")) << p.err;
}

TEST(Options, Sizes)
{
	struct {
		const char *s;
		int ret;
		uint64_t v;
	} cases[] = {
		{ "4096", 0, 4096 },
		{ "4k", 0, 4096 },
		{ "128M", 0, 128ULL << 20 },
		{ "1G", 0, 1ULL << 30 },
		{ "0x1000", 0, 0x1000 },
		{ "2g", 0, 2ULL << 30 },
		{ "", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ "1T", -EINVAL, 0 },
		{ "1MB", -EINVAL, 0 },
		{ " 1M", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -EINVAL, 0 },
		{ "17179869184G", -EINVAL, 0 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.s);
		uint64_t v = 0;
		EXPECT_EQ(c.ret, ghvmm_parse_size(c.s, &v));
		if (!c.ret)
			EXPECT_EQ(c.v, v);
	}
}

TEST(Options, Abi)
{
	const struct {
		const char *name;
		unsigned int abi;
	} abis[] = { { "auto", GHVMM_ABI_AUTO },
		     { "seed", GHVMM_ABI_SEED },
		     { "v17", GHVMM_ABI_V17 },
		     { "android", GHVMM_ABI_ANDROID } };
	for (const auto &a : abis) {
		Parsed p = Parse({ "run", "--kernel", "k", "--abi", a.name });
		ASSERT_EQ(0, p.ret) << p.err;
		EXPECT_EQ(a.abi, p.o.abi) << a.name;
	}
}

TEST(Options, UsageDocumentsEveryExitCode)
{
	std::string usage = ghvmm_usage;
	for (const char *s :
	     { "--kernel", "--bios", "--initrd", "--cmdline", "--dtb", "--dump-dtb", "--cpus",
	       "--mem", "--disk", "--rng", "--console", "--backend", "--abi", "--stats",
	       "--load-addr", "Ctrl-A x", "0 the guest powered off", "6 the user quit" })
		EXPECT_NE(std::string::npos, usage.find(s)) << s;
}

} // namespace
