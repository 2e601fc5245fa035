// SPDX-License-Identifier: BSD-3-Clause
//
// Debian's arm64 Linux kernel (the one tools/setup.sh unpacks into
// .deps/kernel) boots on the simulator through ghvmm with a busybox
// initramfs: its /init prints a line and powers off; and, with the
// kernel's virtio modules loaded, drives ghvmm's virtio-blk (a read-write
// and a read-only disk) and virtio-rng; and, with virtio_console loaded,
// carries a line each way over ghvmm's virtio-console. Skipped when
// .deps/kernel is absent.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace {

std::string Tmp(const std::string &name)
{
	const char *d = getenv("TEST_TMPDIR");
	return std::string(d ? d : "/tmp") + "/" + name;
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
	const std::string rel = "sim/tests/linux_initramfs.sh";
	if (!realpath(rel.c_str(), buf))
		return "";
	std::string p(buf);
	if (p.size() <= rel.size() || p.compare(p.size() - rel.size(), rel.size(), rel))
		return "";
	return p.substr(0, p.size() - rel.size() - 1);
}

// Runs @argv with stdout and stderr in @out; -1 when killed at @timeout.
int RunFor(const std::vector<std::string> &argv, const std::string &out,
	std::chrono::seconds timeout)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		std::vector<char *> a;
		for (const std::string &s : argv)
			a.push_back(const_cast<char *>(s.c_str()));
		a.push_back(nullptr);
		execv(a[0], a.data());
		_exit(127);
	}
	auto deadline = std::chrono::steady_clock::now() + timeout;
	int status = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (std::chrono::steady_clock::now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs @argv with stdout and stderr into @out; once @out holds @after,
// writes @input to its stdin and closes it. The exit code, or -1 when killed
// at @timeout.
int RunFeeding(const std::vector<std::string> &argv, std::string *out, const std::string &after,
	       const std::string &input, std::chrono::seconds timeout)
{
	int in[2], o[2];
	if (pipe(in) || pipe(o))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(o[1], 2);
		for (int fd : { in[0], in[1], o[0], o[1] })
			close(fd);
		std::vector<char *> a;
		for (const std::string &s : argv)
			a.push_back(const_cast<char *>(s.c_str()));
		a.push_back(nullptr);
		execv(a[0], a.data());
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	signal(SIGPIPE, SIG_IGN);
	std::mutex mu;
	std::condition_variable cv;
	bool done = false;
	std::thread feeder([&] {
		{
			std::unique_lock<std::mutex> g(mu);
			cv.wait(g, [&] { return done || out->find(after) != std::string::npos; });
			if (done) {
				close(in[1]);
				return;
			}
		}
		if (write(in[1], input.data(), input.size()) < 0) {
			// The VMM is gone: the caller sees it in the output.
		}
		close(in[1]);
	});
	auto deadline = std::chrono::steady_clock::now() + timeout;
	bool killed = false;
	for (;;) {
		pollfd p = { o[0], POLLIN, 0 };
		int left = (int)std::chrono::duration_cast<std::chrono::milliseconds>(
				   deadline - std::chrono::steady_clock::now()).count();
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		char buf[4096];
		ssize_t n = read(o[0], buf, sizeof(buf));
		std::lock_guard<std::mutex> g(mu);
		if (n <= 0)
			break;
		out->append(buf, (size_t)n);
		cv.notify_all();
	}
	int status = 0;
	waitpid(pid, &status, 0);
	{
		std::lock_guard<std::mutex> g(mu);
		done = true;
		cv.notify_all();
	}
	feeder.join();
	close(o[0]);
	if (killed)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

// Sanitizer builds of ghvmm: Unicorn's own allocations are not ours.
void SuppressUnicornLeaks()
{
	char cwd[4096];
	std::string supp = std::string(getcwd(cwd, sizeof(cwd)) ? cwd : ".") +
			   "/third_party/unicorn.lsan.supp";
	setenv("LSAN_OPTIONS", ("print_suppressions=0:suppressions=" + supp).c_str(), 1);
}

void WriteFile(const std::string &path, const std::string &data)
{
	std::ofstream f(path, std::ios::binary | std::ios::trunc);
	f.write(data.data(), (std::streamsize)data.size());
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
	const std::string &busybox = k.busybox;

	const std::string initrd = Tmp("initramfs.cpio.gz");
	ASSERT_EQ(0, RunFor({ "/bin/sh", "sim/tests/linux_initramfs.sh", busybox, initrd },
			 Tmp("initramfs.log"), std::chrono::seconds(30)))
		<< ReadFile(Tmp("initramfs.log"));

	SuppressUnicornLeaks();

	const std::string log = Tmp("console.log");
	auto t0 = std::chrono::steady_clock::now();
	int rc = RunFor({ "tools/ghvmm/ghvmm", "run", "--backend", "sim", "--kernel", image,
		       "--initrd", initrd, "--cmdline",
		       "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1", "--mem", "512M" },
		     log, std::chrono::seconds(55));
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
		std::chrono::steady_clock::now() - t0).count();
	std::string out = ReadFile(log);
	std::string tail = out.size() > 3000 ? out.substr(out.size() - 3000) : out;

	EXPECT_EQ(0, rc) << "after " << secs << " s:\n" << tail;
	EXPECT_NE(std::string::npos, out.find("Booting Linux on physical CPU")) << tail;
	EXPECT_NE(std::string::npos, out.find("ghvmm-linux-init: hello from /init")) << tail;
	EXPECT_NE(std::string::npos, out.find("reboot: Power down")) << tail;
	EXPECT_EQ(std::string::npos, out.find("crashed")) << tail;
}

// Linux's virtio_mmio, virtio_blk and virtio-rng modules drive ghvmm's
// devices: slot 0 a 1 MiB read-write disk, slot 1 a read-only one, slot 2
// the rng. /init (linux_initramfs.sh with the modules) prints one line per
// check; the sector it writes must land in the disk file.
TEST(Linux, VirtioDriversDriveBlkAndRng)
{
	const Kernel k = FindKernel();
	if (!k.skip.empty())
		GTEST_SKIP() << k.skip;
	for (const char *m : { "drivers/virtio/virtio_mmio", "drivers/block/virtio_blk",
		     "drivers/char/hw_random/virtio-rng" }) {
		const std::string ko = k.modules + "/kernel/" + m + ".ko";
		if (!Exists(ko) && !Exists(ko + ".xz") && !Exists(ko + ".zst"))
			GTEST_SKIP() << "no " << ko << " (or .xz/.zst)";
		if (Exists(ko + ".xz") && !Exists("/usr/bin/xz") && !Exists("/bin/xz"))
			GTEST_SKIP() << "no xz to unpack " << ko << ".xz";
		if (Exists(ko + ".zst") && !Exists("/usr/bin/zstd") && !Exists("/bin/zstd"))
			GTEST_SKIP() << "no zstd to unpack " << ko << ".zst";
	}
	if (!Exists("/usr/bin/md5sum") && !Exists("/bin/md5sum"))
		GTEST_SKIP() << "no md5sum to check the guest's";

	const std::string initrd = Tmp("virtio-initramfs.cpio.gz");
	ASSERT_EQ(0, RunFor({ "/bin/sh", "sim/tests/linux_initramfs.sh", k.busybox, initrd,
			       k.modules },
			 Tmp("virtio-initramfs.log"), std::chrono::seconds(30)))
		<< ReadFile(Tmp("virtio-initramfs.log"));

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
	const std::string md5_out = Tmp("md5.txt");
	ASSERT_EQ(0, RunFor({ Exists("/usr/bin/md5sum") ? "/usr/bin/md5sum" : "/bin/md5sum", rw },
			 md5_out, std::chrono::seconds(10)));
	const std::string md5 = ReadFile(md5_out).substr(0, 32);

	SuppressUnicornLeaks();
	const std::string log = Tmp("virtio-console.log");
	auto t0 = std::chrono::steady_clock::now();
	int rc = RunFor({ "tools/ghvmm/ghvmm", "run", "--backend", "sim", "--kernel", k.image,
		       "--initrd", initrd, "--disk", rw, "--disk", ro + ",ro", "--rng",
		       "--cmdline", "console=ttyAMA0 panic=-1", "--mem", "512M" },
		     log, std::chrono::seconds(55));
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
		std::chrono::steady_clock::now() - t0).count();
	std::string out = ReadFile(log);
	std::string tail = out.size() > 4000 ? out.substr(out.size() - 4000) : out;

	EXPECT_EQ(0, rc) << "after " << secs << " s:\n" << tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio_mmio ok", CheckLine(out, "insmod-virtio_mmio")) << tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio_blk ok", CheckLine(out, "insmod-virtio_blk")) << tail;
	EXPECT_EQ("ghvmm-virtio: insmod-virtio-rng ok", CheckLine(out, "insmod-virtio-rng")) << tail;
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
			<< d << "\n" << tail;
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
	EXPECT_TRUE(expect == got) << "rw.img changed outside sector 7's first "
				   << pat.size() << " bytes";
	EXPECT_TRUE(ro_data == ReadFile(ro)) << "ro.img changed";
}

// With `--console virtio`, ghvmm's stdin goes to the virtio-console, not the
// PL011. Linux's virtio_mmio and virtio_console modules drive it: /init
// (linux_initramfs.sh in console mode) writes a line to /dev/hvc0, which
// must come out on ghvmm's stdout; only then does the test send a line on
// ghvmm's stdin, which /init reads from /dev/hvc0 and prints back on the
// PL011 console with a prefix.
TEST(Linux, VirtioConsoleCarriesBothWays)
{
	const Kernel k = FindKernel();
	if (!k.skip.empty())
		GTEST_SKIP() << k.skip;
	for (const char *m : { "drivers/virtio/virtio_mmio", "drivers/char/virtio_console" }) {
		const std::string ko = k.modules + "/kernel/" + m + ".ko";
		if (!Exists(ko) && !Exists(ko + ".xz") && !Exists(ko + ".zst"))
			GTEST_SKIP() << "no " << ko << " (or .xz/.zst)";
		if (Exists(ko + ".xz") && !Exists("/usr/bin/xz") && !Exists("/bin/xz"))
			GTEST_SKIP() << "no xz to unpack " << ko << ".xz";
		if (Exists(ko + ".zst") && !Exists("/usr/bin/zstd") && !Exists("/bin/zstd"))
			GTEST_SKIP() << "no zstd to unpack " << ko << ".zst";
	}

	const std::string initrd = Tmp("vcon-initramfs.cpio.gz");
	ASSERT_EQ(0, RunFor({ "/bin/sh", "sim/tests/linux_initramfs.sh", k.busybox, initrd,
			       k.modules, "console" },
			 Tmp("vcon-initramfs.log"), std::chrono::seconds(30)))
		<< ReadFile(Tmp("vcon-initramfs.log"));

	SuppressUnicornLeaks();
	const std::string guest_line = "ghvmm-vcon: hello from the guest";
	const std::string host_line = "host-to-guest 5a17c0de over virtio";
	std::string out;
	auto t0 = std::chrono::steady_clock::now();
	int rc = RunFeeding({ "tools/ghvmm/ghvmm", "run", "--backend", "sim", "--kernel", k.image,
			  "--initrd", initrd, "--console", "virtio", "--cmdline",
			  "console=ttyAMA0 panic=-1", "--mem", "512M" },
			&out, guest_line + "\n", host_line + "\n", std::chrono::seconds(55));
	auto secs = std::chrono::duration_cast<std::chrono::seconds>(
		std::chrono::steady_clock::now() - t0).count();
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

}  // namespace
