// SPDX-License-Identifier: BSD-3-Clause
//
// Debian's arm64 Linux kernel (the one tools/setup.sh unpacks into
// .deps/kernel) boots on the simulator through ghvmm with a busybox
// initramfs: its /init prints a line and powers off; and, with the
// kernel's virtio modules loaded, drives ghvmm's virtio-blk (a read-write
// and a read-only disk) and virtio-rng; and, with virtio_console loaded,
// carries a line each way over ghvmm's virtio-console; and tools/run.sh
// demo's guest, scripted and as a shell. Skipped when .deps/kernel is absent.
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spawn.h"

namespace {

using ghvmm_test::Chunk;
using ghvmm_test::Spawn;
using ghvmm_test::Spawned;
using ghvmm_test::Stderr;
using ghvmm_test::SuppressUnicornLeaks;
using ghvmm_test::WriteFile;

std::string Tmp(const std::string &name)
{
	return ghvmm_test::TestTmp(name);
}

std::string ReadFile(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	std::stringstream ss;
	ss << f.rdbuf();
	return ss.str();
}

bool Exists(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

// The source tree: the runfile of this test's script links into it.
std::string Workspace()
{
	char buf[4096];
	const std::string rel = "tools/guests/linux/make_initramfs.sh";
	if (!realpath(rel.c_str(), buf))
		return "";
	std::string p(buf);
	if (p.size() <= rel.size() || p.compare(p.size() - rel.size(), rel.size(), rel))
		return "";
	return p.substr(0, p.size() - rel.size() - 1);
}

// The kernel image, busybox and modules directory in .deps/kernel, or a
// reason to skip.
struct Kernel {
	std::string image, busybox, modules, skip;
};

Kernel FindKernel()
{
	Kernel k;
	const std::string ws = Workspace();
	const std::string kdir = ws + "/.deps/kernel";
	if (ws.empty() || !Exists(kdir + "/ABI")) {
		k.skip = "no .deps/kernel (tools/setup.sh fetches it)";
		return k;
	}
	std::string abi = ReadFile(kdir + "/ABI");
	while (!abi.empty() && (abi.back() == '\n' || abi.back() == ' '))
		abi.pop_back();
	k.image = kdir + "/boot/vmlinuz-" + abi + "-arm64";
	k.busybox = kdir + "/bin/busybox";
	k.modules = kdir + "/lib/modules/" + abi + "-arm64";
	if (!Exists(k.image) || !Exists(k.busybox))
		k.skip = "no kernel image or busybox in " + kdir;
	else if (!Exists("/usr/bin/cpio") && !Exists("/bin/cpio"))
		k.skip = "no cpio to make the initramfs";
	return k;
}

// Why the test cannot run without these kernel modules (each may be
// compressed, with the tool to unpack it present), or "".
std::string MissingModules(const Kernel &k, std::initializer_list<const char *> modules)
{
	for (const char *m : modules) {
		const std::string ko = k.modules + "/kernel/" + m + ".ko";
		if (!Exists(ko) && !Exists(ko + ".xz") && !Exists(ko + ".zst"))
			return "no " + ko + " (or .xz/.zst)";
		if (Exists(ko + ".xz") && !Exists("/usr/bin/xz") && !Exists("/bin/xz"))
			return "no xz to unpack " + ko + ".xz";
		if (Exists(ko + ".zst") && !Exists("/usr/bin/zstd") && !Exists("/bin/zstd"))
			return "no zstd to unpack " + ko + ".zst";
	}
	return "";
}

// tools/guests/linux/make_initramfs.sh BUSYBOX OUT [MODULES [MODE]].
Spawned MakeInitramfs(const Kernel &k, const std::string &out,
                      const std::vector<std::string> &extra = {})
{
	std::vector<std::string> args = { "tools/guests/linux/make_initramfs.sh", k.busybox, out };
	args.insert(args.end(), extra.begin(), extra.end());
	return Spawn("/bin/sh", args, {}, 30000, Stderr::kWithStdout);
}

// ghvmm on the simulator with @args, the console and messages in one stream.
Spawned Ghvmm(std::vector<std::string> args, const std::vector<Chunk> &input = {})
{
	SuppressUnicornLeaks();
	args.insert(args.begin(), { "run", "--backend", "sim" });
	return Spawn("tools/ghvmm/ghvmm", args, input, 55000, Stderr::kWithStdout);
}

// The console line "ghvmm-virtio: <check> ..." or "" when absent.
std::string CheckLine(const std::string &out, const std::string &check)
{
	const std::string key = "ghvmm-virtio: " + check + " ";
	size_t at = out.find(key);
	if (at == std::string::npos)
		return "";
	size_t end = out.find('\n', at);
	std::string line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
	while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
		line.pop_back();
	return line;
}

TEST(Linux, BootsToInitAndPowersOff)
{
	const Kernel k = FindKernel();
	if (!k.skip.empty())
		GTEST_SKIP() << k.skip;
	const std::string &image = k.image;

	const std::string initrd = Tmp("initramfs.cpio.gz");
	const Spawned made = MakeInitramfs(k, initrd);
	ASSERT_EQ(0, made.status) << made.out;

	auto t0 = std::chrono::steady_clock::now();
	const Spawned run =
		Ghvmm({ "--kernel", image, "--initrd", initrd, "--cmdline",
	                "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1", "--mem", "512M" });
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
			    std::chrono::steady_clock::now() - t0)
	                    .count();
	const int rc = run.status;
	const std::string &out = run.out;
	std::string tail = out.size() > 3000 ? out.substr(out.size() - 3000) : out;

	EXPECT_EQ(0, rc) << "after " << secs << " s:\n" << tail;
	EXPECT_NE(std::string::npos, out.find("Booting Linux on physical CPU")) << tail;
	EXPECT_NE(std::string::npos, out.find("ghvmm-linux-init: hello from /init")) << tail;
	EXPECT_NE(std::string::npos, out.find("reboot: Power down")) << tail;
	EXPECT_EQ(std::string::npos, out.find("crashed")) << tail;
}

// The cases that read /init's lines boot with "quiet": a kernel notice
// ("random: crng init done") can otherwise land in the middle of one.

// Linux's virtio_mmio, virtio_blk and virtio-rng modules drive ghvmm's
// devices: slot 0 a 1 MiB read-write disk, slot 1 a read-only one, slot 2
// the rng. /init (make_initramfs.sh with the modules) prints one line per
// check; the sector it writes must land in the disk file.
TEST(Linux, VirtioDriversDriveBlkAndRng)
{
	const Kernel k = FindKernel();
	if (!k.skip.empty())
		GTEST_SKIP() << k.skip;
	const std::string missing =
		MissingModules(k, { "drivers/virtio/virtio_mmio", "drivers/block/virtio_blk",
	                            "drivers/char/hw_random/virtio-rng" });
	if (!missing.empty())
		GTEST_SKIP() << missing;
	if (!Exists("/usr/bin/md5sum") && !Exists("/bin/md5sum"))
		GTEST_SKIP() << "no md5sum to check the guest's";

	const std::string initrd = Tmp("virtio-initramfs.cpio.gz");
	const Spawned made = MakeInitramfs(k, initrd, { k.modules });
	ASSERT_EQ(0, made.status) << made.out;

	// The read-write disk: 1 MiB of a line pattern; the read-only one: 64 KiB.
	std::string rw_data;
	const std::string unit = "ghvmm-disk-pattern\n";
	while (rw_data.size() < (1u << 20))
		rw_data += unit;
	rw_data.resize(1u << 20);
	const std::string ro_data(64u << 10, 'R');
	const std::string rw = Tmp("rw.img"), ro = Tmp("ro.img");
	WriteFile(rw, rw_data);
	WriteFile(ro, ro_data);
	const Spawned sum = Spawn(Exists("/usr/bin/md5sum") ? "/usr/bin/md5sum" : "/bin/md5sum",
	                          { rw }, {}, 10000);
	ASSERT_EQ(0, sum.status) << sum.err;
	const std::string md5 = sum.out.substr(0, 32);

	auto t0 = std::chrono::steady_clock::now();
	const Spawned run =
		Ghvmm({ "--kernel", k.image, "--initrd", initrd, "--disk", rw, "--disk", ro + ",ro",
	                "--rng", "--cmdline", "console=ttyAMA0 panic=-1 quiet", "--mem", "512M" });
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
			    std::chrono::steady_clock::now() - t0)
	                    .count();
	const int rc = run.status;
	const std::string &out = run.out;
	std::string tail = out.size() > 4000 ? out.substr(out.size() - 4000) : out;

	EXPECT_EQ(0, rc) << "after " << secs << " s:\n" << tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio_mmio ok", CheckLine(out, "insmod-virtio_mmio"))
		<< tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio_blk ok", CheckLine(out, "insmod-virtio_blk"))
		<< tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio-rng ok", CheckLine(out, "insmod-virtio-rng"))
		<< tail;
	EXPECT_EQ("ghvmm-virtio: vda-read ok size=1048576 md5=" + md5, CheckLine(out, "vda-read"))
		<< tail;
	const std::string pat = "ghvmm-virtio-pattern-sector-7";
	EXPECT_EQ("ghvmm-virtio: vda-write ok got=" + pat, CheckLine(out, "vda-write")) << tail;
	EXPECT_EQ("ghvmm-virtio: vdb-readonly ok ro=1", CheckLine(out, "vdb-readonly")) << tail;
	const std::string rng = CheckLine(out, "hwrng");
	EXPECT_EQ(0u, rng.find("ghvmm-virtio: hwrng ok rng=virtio_rng.")) << tail;
	EXPECT_NE(std::string::npos, rng.find(" bytes=16 hex=")) << rng;
	for (const char *d : { "irq-virtio0", "irq-virtio1", "irq-virtio2" })
		EXPECT_EQ(0u, CheckLine(out, d).find(std::string("ghvmm-virtio: ") + d + " ok"))
			<< d << "\n"
			<< tail;
	EXPECT_NE(std::string::npos, out.find("ghvmm-virtio: done")) << tail;
	EXPECT_EQ(std::string::npos, out.find(" FAIL")) << tail;
	EXPECT_NE(std::string::npos, out.find("reboot: Power down")) << tail;
	EXPECT_EQ(std::string::npos, out.find("crashed")) << tail;

	// On the host: the pattern at sector 7 (byte 3584), nothing else
	// changed; the read-only disk untouched.
	std::string expect = rw_data;
	expect.replace(7 * 512, pat.size(), pat);
	const std::string got = ReadFile(rw);
	ASSERT_EQ(expect.size(), got.size());
	EXPECT_EQ(pat, got.substr(7 * 512, pat.size()));
	EXPECT_TRUE(expect == got)
		<< "rw.img changed outside sector 7's first " << pat.size() << " bytes";
	EXPECT_TRUE(ro_data == ReadFile(ro)) << "ro.img changed";
}

// With `--console virtio`, ghvmm's stdin goes to the virtio-console, not the
// PL011. Linux's virtio_mmio and virtio_console modules drive it: /init
// (make_initramfs.sh in console mode) writes a line to /dev/hvc0, which
// must come out on ghvmm's stdout; only then does the test send a line on
// ghvmm's stdin, which /init reads from /dev/hvc0 and prints back on the
// PL011 console with a prefix.
TEST(Linux, VirtioConsoleCarriesBothWays)
{
	const Kernel k = FindKernel();
	if (!k.skip.empty())
		GTEST_SKIP() << k.skip;
	const std::string missing =
		MissingModules(k, { "drivers/virtio/virtio_mmio", "drivers/char/virtio_console" });
	if (!missing.empty())
		GTEST_SKIP() << missing;

	const std::string initrd = Tmp("vcon-initramfs.cpio.gz");
	const Spawned made = MakeInitramfs(k, initrd, { k.modules, "console" });
	ASSERT_EQ(0, made.status) << made.out;

	const std::string guest_line = "ghvmm-vcon: hello from the guest";
	const std::string host_line = "host-to-guest 5a17c0de over virtio";
	auto t0 = std::chrono::steady_clock::now();
	const Spawned run =
		Ghvmm({ "--kernel", k.image, "--initrd", initrd, "--console", "virtio", "--cmdline",
	                "console=ttyAMA0 panic=-1 quiet", "--mem", "512M" },
	              { { 0, host_line + "\n", guest_line + "\n" } });
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
			    std::chrono::steady_clock::now() - t0)
	                    .count();
	const int rc = run.status;
	const std::string &out = run.out;
	std::string tail = out.size() > 4000 ? out.substr(out.size() - 4000) : out;

	EXPECT_EQ(0, rc) << "after " << secs << " s:\n" << tail;
	// Guest to host: /dev/hvc0's line on ghvmm's stdout. /init turns off
	// hvc0's onlcr, so it ends in a bare \n, unlike the PL011 console's.
	const size_t g = out.find(guest_line + "\n");
	EXPECT_NE(std::string::npos, g) << tail;
	// Host to guest: the stdin line read from /dev/hvc0, echoed on the
	// PL011 console (ttyAMA0, whose onlcr gives \r\n).
	const size_t h = out.find("ghvmm-vcon: got " + host_line + "\r\n");
	EXPECT_NE(std::string::npos, h) << tail;
	EXPECT_TRUE(g != std::string::npos && h != std::string::npos && g < h) << tail;
	EXPECT_EQ(std::string::npos, out.find(" FAIL")) << tail;
	EXPECT_NE(std::string::npos, out.find("reboot: Power down")) << tail;
	EXPECT_EQ(std::string::npos, out.find("crashed")) << tail;
}

} // namespace

// tools/run.sh demo's guest: tools/guests/linux/demo_initramfs.sh on two
// vCPUs, as the demo starts it, both ways: the scripted session (standard
// input not a terminal), and the shell (ghvmm.demo=shell) driven through
// the console, ended by Ctrl-D.
class LinuxDemo : public ::testing::Test {
protected:
	void SetUp() override
	{
		k_ = FindKernel();
		if (!k_.skip.empty())
			GTEST_SKIP() << k_.skip;
		initrd_ = Tmp("demo-initramfs.cpio.gz");
		const Spawned made = Spawn(
			"/bin/sh", { "tools/guests/linux/demo_initramfs.sh", k_.busybox, initrd_ },
			{}, 30000, Stderr::kWithStdout);
		ASSERT_EQ(0, made.status) << made.out;
	}
	Spawned Boot(const std::string &extra_cmdline, const std::vector<Chunk> &input = {})
	{
		return Ghvmm({ "--kernel", k_.image, "--initrd", initrd_, "--cmdline",
		               "console=ttyAMA0 panic=-1 quiet" + extra_cmdline, "--mem", "512M",
		               "--cpus", "2" },
		             input);
	}
	Kernel k_;
	std::string initrd_;
};

TEST_F(LinuxDemo, ScriptedSession)
{
	const Spawned run = Boot("");
	const std::string &out = run.out;
	EXPECT_EQ(0, run.status) << out;
	EXPECT_NE(std::string::npos, out.find("ghvmm-demo: Linux ")) << out;
	EXPECT_NE(std::string::npos, out.find("reached /init after")) << out;
	EXPECT_NE(std::string::npos, out.find("ghvmm-linux# uname -a")) << out;
	EXPECT_NE(std::string::npos, out.find("aarch64 GNU/Linux")) << out;
	// Both vCPUs came up.
	EXPECT_NE(std::string::npos,
	          out.find("ghvmm-linux# grep -c ^processor /proc/cpuinfo\r\n2\r\n"))
		<< out;
	EXPECT_NE(std::string::npos, out.find("ghvmm-demo: powering off")) << out;
	EXPECT_EQ(std::string::npos, out.find("crashed")) << out;
}

TEST_F(LinuxDemo, ShellEndsWithCtrlD)
{
	// Each input waits for the prompt: busybox's line editor puts the
	// terminal in raw mode before it prints one, and a Ctrl-D that arrives
	// while the tty is still canonical (the command running) is lost.
	const std::string prompt = "ghvmm-linux:/# ";
	const Spawned run = Boot(" ghvmm.demo=shell", { { 0, "echo $((6*7))\r", prompt },
	                                                { 0, "\x04", "42\r\n" + prompt } });
	const std::string &out = run.out;
	EXPECT_EQ(0, run.status) << out;
	EXPECT_NE(std::string::npos, out.find("a busybox shell")) << out;
	EXPECT_NE(std::string::npos, out.find("42\r\n")) << out;
	EXPECT_NE(std::string::npos, out.find("ghvmm-demo: powering off")) << out;
}
