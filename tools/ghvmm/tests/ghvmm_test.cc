// SPDX-License-Identifier: BSD-3-Clause
// The ghvmm binary end to end on the embedded simulator: the demo guests and
// Debian's U-Boot through a pipe, every exit code, and every bad argument or
// image refused with a one-line message before any vCPU runs. When QEMU is
// installed, the same ELF guests give the same console output under it.
#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "spawn.h"

namespace {

using ghvmm_test::Chunk;
using ghvmm_test::Spawn;
using ghvmm_test::WriteFile;
using Result = ghvmm_test::Spawned;

std::string Tmp(const std::string &name)
{
	return ghvmm_test::TestTmp(name);
}

const std::string kGhvmm = "tools/ghvmm/ghvmm";

std::string Guest(const std::string &name)
{
	return "tools/guests/" + name + ".elf";
}

std::string NoCr(std::string s)
{
	std::string o;
	for (char c : s)
		if (c != '\r')
			o += c;
	return o;
}

Result Ghvmm(std::vector<std::string> args, std::vector<Chunk> input = {})
{
	ghvmm_test::SuppressUnicornLeaks();
	args.insert(args.begin(), "run");
	return Spawn(kGhvmm, args, input);
}

TEST(Ghvmm, Hello)
{
	Result r = Ghvmm({ "--kernel", Guest("hello") });
	EXPECT_EQ(0, r.status) << r.err;
	EXPECT_EQ("Hello from a Gunyah guest!\nhello: powering off\n", NoCr(r.out));
	EXPECT_EQ("", r.err);
}

// --abi: each ABI's way through the in-process UAPI (v17: RAM as guest
// memory, GUNYAH_CREATE_GUEST_MEM and GUNYAH_VM_MAP_MEM; vCPUs by descriptor).
TEST(Ghvmm, EveryAbiBootsTheDemoGuests)
{
	for (const char *abi : { "seed", "v17", "android" }) {
		SCOPED_TRACE(abi);
		Result hello = Ghvmm({ "--abi", abi, "--kernel", Guest("hello") });
		EXPECT_EQ(0, hello.status) << hello.err;
		EXPECT_EQ("Hello from a Gunyah guest!\nhello: powering off\n", NoCr(hello.out));
		Result smp = Ghvmm({ "--abi", abi, "--kernel", Guest("smp"), "--cpus", "2" });
		EXPECT_EQ(0, smp.status) << smp.err;
		EXPECT_NE(std::string::npos, NoCr(smp.out).find("smp: all 2 CPUs reported in"));
	}
}

TEST(Ghvmm, SmpBringsUpEveryCpu)
{
	for (int cpus : { 1, 2, 8 }) {
		SCOPED_TRACE(cpus);
		Result r = Ghvmm({ "--kernel", Guest("smp"), "--cpus", std::to_string(cpus) });
		EXPECT_EQ(0, r.status) << r.err;
		std::string want = "smp: cpu 0 online\n";
		for (int i = 1; i < cpus; i++)
			want += "smp: cpu " + std::to_string(i) + " online (context " +
			        std::to_string(100 + i) + ")\n";
		want += "smp: all " + std::to_string(cpus) + " CPUs reported in\n";
		EXPECT_EQ(want, NoCr(r.out));
	}
}

TEST(Ghvmm, TimerTicks)
{
	Result r = Ghvmm({ "--kernel", Guest("timer") });
	EXPECT_EQ(0, r.status) << r.err;
	EXPECT_EQ("timer: 5 ticks, 100 ms apart\ntimer: tick 1\ntimer: tick 2\ntimer: tick 3\n"
	          "timer: tick 4\ntimer: tick 5\ntimer: done\n",
	          NoCr(r.out));
}

TEST(Ghvmm, EchoThroughTheUartInterrupt)
{
	const std::string ready = "type something";
	Result r = Ghvmm({ "--kernel", Guest("echo") }, { { 0, "hello, guest\r", ready },
	                                                  { 100, "second line\r" },
	                                                  { 100, "\x04" } });
	EXPECT_EQ(0, r.status) << r.err;
	EXPECT_NE(std::string::npos, NoCr(r.out).find("hello, guest\nsecond line\n")) << r.out;
	EXPECT_NE(std::string::npos, r.out.find("echo: bye"));
}

TEST(Ghvmm, CtrlAXQuits)
{
	Result r = Ghvmm({ "--kernel", Guest("echo") },
	                 { { 0, "ab\x01x", "type something" }, { 5000, "" } });
	EXPECT_EQ(6, r.status) << r.err;
	EXPECT_NE(std::string::npos, r.err.find("Ctrl-A x"));
}

TEST(Ghvmm, PipedInputEndingLeavesTheGuestRunning)
{
	// stdin closes right after the input; the guest still reads what came
	// and powers off only when told to — here by the Ctrl-D in the pipe.
	Result r = Ghvmm({ "--kernel", Guest("echo") }, { { 0, "xyz\x04", "type something" } });
	EXPECT_EQ(0, r.status) << r.err;
	EXPECT_NE(std::string::npos, r.out.find("xyz"));
}

TEST(Ghvmm, StatsSplitTheTime)
{
	Result r = Ghvmm({ "--kernel", Guest("smp"), "--cpus", "2", "--stats" });
	EXPECT_EQ(0, r.status) << r.err;
	for (const char *s : { "ghvmm statistics (sim backend", "MMIO reads", "pl011",
	                       "time: guest ", "hypervisor ", "run loop", "devices ", "exits/s:" })
		EXPECT_NE(std::string::npos, r.err.find(s)) << s << " in " << r.err;
	// Without --stats, nothing but the guest's output.
	Result quiet = Ghvmm({ "--kernel", Guest("smp"), "--cpus", "2" });
	EXPECT_EQ("", quiet.err);
}

TEST(Ghvmm, ResetAndCrashExitCodes)
{
	Result reset = Ghvmm({ "--kernel", "tools/ghvmm/tests/guests/reset.elf" });
	EXPECT_EQ(4, reset.status) << reset.err;
	EXPECT_NE(std::string::npos, reset.err.find("reset"));

	Result crash = Ghvmm({ "--kernel", "tools/ghvmm/tests/guests/crash.elf" });
	EXPECT_EQ(5, crash.status) << crash.err;
	EXPECT_NE(std::string::npos, crash.err.find("crashed"));
	// The faulting stp is the second instruction of the image.
	EXPECT_NE(std::string::npos, crash.err.find("pc 0x40000004")) << crash.err;
}

TEST(Ghvmm, UBootToItsPromptAndBack)
{
	const std::string uboot = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
	if (access(uboot.c_str(), R_OK))
		GTEST_SKIP() << uboot << " is not installed (tools/setup.sh installs u-boot-qemu)";
	// A key stops autoboot; then three commands.
	Result r = Ghvmm({ "--bios", uboot, "--mem", "128M" },
	                 { { 0, " ", "Hit any key" },
	                   { 0, "version\r", "=> " },
	                   { 200, "bdinfo\r", "aarch64-linux-gnu-gcc" },
	                   { 200, "poweroff\r", "Early malloc usage" } });
	EXPECT_EQ(0, r.status) << r.err;
	std::string out = NoCr(r.out);
	EXPECT_NE(std::string::npos, out.find("DRAM:  128 MiB")) << out;
	EXPECT_NE(std::string::npos, out.find("=> version\nU-Boot 2023.01")) << out;
	EXPECT_NE(std::string::npos, out.find("-> size     = 0x0000000008000000")) << out;
	EXPECT_NE(std::string::npos, out.find("=> poweroff")) << out;
	EXPECT_EQ("", r.err);
}

TEST(Ghvmm, DumpDtb)
{
	std::string path = Tmp("machine.dtb");
	Result r = Ghvmm({ "--kernel", Guest("hello"), "--cpus", "3", "--rng", "--cmdline",
	                   "console=ttyAMA0", "--dump-dtb", path });
	EXPECT_EQ(0, r.status) << r.err;
	EXPECT_EQ("", r.out) << "no guest runs with --dump-dtb";
	std::ifstream f(path, std::ios::binary);
	std::string dtb((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	ASSERT_GT(dtb.size(), 40u);
	EXPECT_EQ(std::string("\xd0\x0d\xfe\xed", 4), dtb.substr(0, 4));
	EXPECT_NE(std::string::npos, dtb.find("console=ttyAMA0"));
	EXPECT_NE(std::string::npos, dtb.find("cpu@2"));
	EXPECT_EQ(std::string::npos, dtb.find("cpu@3"));
	EXPECT_NE(std::string::npos, dtb.find("virtio_mmio@a000000"));

	// ... and it boots when given back with --dtb.
	Result again = Ghvmm({ "--kernel", Guest("hello"), "--dtb", path });
	EXPECT_EQ(0, again.status) << again.err;
	EXPECT_NE(std::string::npos, again.out.find("Hello from a Gunyah guest!"));
}

std::string Elf(uint16_t machine, uint64_t paddr, uint64_t memsz, const std::string &data,
                int nsegs = 1)
{
	Elf64_Ehdr eh{};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_EXEC;
	eh.e_machine = machine;
	eh.e_entry = paddr;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)nsegs;
	std::string out((const char *)&eh, sizeof(eh));
	for (int i = 0; i < nsegs; i++) {
		Elf64_Phdr ph{};
		ph.p_type = PT_LOAD;
		ph.p_offset = sizeof(eh) + nsegs * sizeof(ph);
		ph.p_paddr = paddr + i * (memsz / 2); // two segments overlap
		ph.p_filesz = data.size();
		ph.p_memsz = memsz;
		out += std::string((const char *)&ph, sizeof(ph));
	}
	return out + data;
}

TEST(Ghvmm, BadImagesAreRefusedBeforeAnyVcpuRuns)
{
	std::string hello;
	{
		std::ifstream f(Guest("hello"), std::ios::binary);
		hello.assign((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	}
	ASSERT_GT(hello.size(), 200u);
	const std::string code(16, '\0');
	struct Case {
		const char *what;
		bool create;
		std::string file;
		std::vector<std::string> extra;
		int status;
		const char *mentions;
	} cases[] = {
		{ "missing kernel", false, "", {}, 3, "No such file" },
		{ "empty kernel", true, "", {}, 3, "empty" },
		{ "truncated ELF", true, hello.substr(0, hello.size() / 2), {}, 3, "truncated" },
		{ "x86-64 ELF", true, Elf(EM_X86_64, 0x40000000, 16, code), {}, 3, "architecture" },
		{ "outside RAM", true, Elf(EM_AARCH64, 0x80000000, 16, code), {}, 3, "outside RAM" },
		{ "overlapping segments",
		  true,
		  Elf(EM_AARCH64, 0x40000000, 0x100, code, 2),
		  {},
		  3,
		  "overlap" },
		{ "raw image larger than RAM",
		  true,
		  std::string((16 << 20) + 1, '\0'),
		  { "--mem", "16M" },
		  3,
		  "larger than" },
		{ "raw image past the end of RAM",
		  true,
		  code,
		  { "--mem", "16M", "--load-addr", "0x40fffff8" },
		  3,
		  "do not fit" },
		{ "--cpus above the simulator's",
		  true,
		  code,
		  { "--cpus", "9", "--backend", "sim" },
		  2,
		  "at most 8" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const Case &c = cases[i];
		SCOPED_TRACE(c.what);
		std::string path = Tmp("bad_image_" + std::to_string(i));
		unlink(path.c_str());
		if (c.create)
			WriteFile(path, c.file);
		std::vector<std::string> args = { "--kernel", path };
		args.insert(args.end(), c.extra.begin(), c.extra.end());
		Result r = Ghvmm(args);
		EXPECT_EQ(c.status, r.status) << r.err;
		EXPECT_EQ("", r.out) << "no guest output";
		EXPECT_NE(std::string::npos, r.err.find(c.mentions)) << r.err;
		if (c.status == 3)
			EXPECT_NE(std::string::npos, r.err.find(path))
				<< "names the file: " << r.err;
		EXPECT_EQ(1, std::count(r.err.begin(), r.err.end(), '\n')) << "one line: " << r.err;
	}
}

TEST(Ghvmm, BadFirmwareDtbAndInitrd)
{
	std::string junk = Tmp("junk.dtb");
	WriteFile(junk, std::string(64, 'x') + " is not a device tree, only text");
	struct {
		std::vector<std::string> args;
		int status;
		const char *mentions;
	} cases[] = {
		{ { "--bios", "/nonexistent/u-boot.bin" }, 3, "/nonexistent/u-boot.bin" },
		{ { "--bios", "/" }, 3, "not a regular file" },
		{ { "--kernel", Guest("hello"), "--dtb", junk }, 3, "not a DTB" },
		{ { "--kernel", Guest("hello"), "--initrd", "/nonexistent/initrd" },
		  3,
		  "/nonexistent/initrd" },
		{ { "--kernel", Guest("hello"), "--disk", "/nonexistent/disk.img" },
		  1,
		  "/nonexistent/disk.img" },
		{ { "--kernel" }, 2, "--kernel" },
		{ { "--kernel", Guest("hello"), "--mem", "lots" }, 2, "--mem" },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.args.back());
		Result r = Ghvmm(c.args);
		EXPECT_EQ(c.status, r.status) << r.err;
		EXPECT_EQ("", r.out);
		EXPECT_NE(std::string::npos, r.err.find(c.mentions)) << r.err;
	}
}

TEST(Ghvmm, HelpAndUsage)
{
	Result help = Spawn(kGhvmm, { "--help" });
	EXPECT_EQ(0, help.status);
	EXPECT_NE(std::string::npos, help.out.find("usage: ghvmm run"));
	Result bad = Spawn(kGhvmm, {});
	EXPECT_EQ(2, bad.status);
	EXPECT_NE(std::string::npos, bad.err.find("run"));
}

TEST(Ghvmm, SameConsoleAsQemu)
{
	const char *qemu = "/usr/bin/qemu-system-aarch64";
	if (access(qemu, X_OK))
		GTEST_SKIP() << "qemu-system-aarch64 is not installed";
	for (const char *g : { "hello", "smp", "timer" }) {
		SCOPED_TRACE(g);
		Result ours = Ghvmm({ "--kernel", Guest(g), "--cpus", "4" });
		Result theirs = Spawn(qemu, { "-M", "virt,gic-version=3", "-cpu", "cortex-a57",
		                              "-smp", "4", "-m", "256", "-nographic", "-monitor",
		                              "none", "-nic", "none", "-kernel", Guest(g) });
		EXPECT_EQ(0, ours.status);
		EXPECT_EQ(0, theirs.status) << theirs.err;
		EXPECT_EQ(NoCr(theirs.out), NoCr(ours.out));
	}
}

// lld's default layout puts the ELF headers in a read-only segment at
// 0x200000, in the flash window: loaded there as QEMU's -kernel does.
TEST(Ghvmm, LldDefaultLayoutBootsLikeQemu)
{
	const std::string guest = "tools/ghvmm/tests/guests/lld_layout.elf";
	const std::string want = "lld layout: the flash at 0x200000 holds ELF\n";
	Result ours = Ghvmm({ "--kernel", guest });
	EXPECT_EQ(0, ours.status) << ours.err;
	EXPECT_EQ(want, NoCr(ours.out));
	const char *qemu = "/usr/bin/qemu-system-aarch64";
	if (access(qemu, X_OK))
		GTEST_SKIP() << "qemu-system-aarch64 is not installed";
	Result theirs =
		Spawn(qemu, { "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-m", "256",
	                      "-nographic", "-monitor", "none", "-nic", "none", "-kernel", guest });
	EXPECT_EQ(0, theirs.status) << theirs.err;
	EXPECT_EQ(want, NoCr(theirs.out));
}

} // namespace
