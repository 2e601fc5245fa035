// SPDX-License-Identifier: BSD-3-Clause
//
// Debian's arm64 Linux kernel (the one tools/setup.sh unpacks into
// .deps/kernel) boots on the simulator through ghvmm with a busybox
// initramfs: its /init prints a line and powers off. Skipped when
// .deps/kernel is absent.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
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

TEST(Linux, BootsToInitAndPowersOff)
{
	const std::string ws = Workspace();
	const std::string kdir = ws + "/.deps/kernel";
	if (ws.empty() || !Exists(kdir + "/ABI"))
		GTEST_SKIP() << "no .deps/kernel (tools/setup.sh fetches it)";
	std::string abi = ReadFile(kdir + "/ABI");
	while (!abi.empty() && (abi.back() == '\n' || abi.back() == ' '))
		abi.pop_back();
	const std::string image = kdir + "/boot/vmlinuz-" + abi + "-arm64";
	const std::string busybox = kdir + "/bin/busybox";
	if (!Exists(image) || !Exists(busybox))
		GTEST_SKIP() << "no kernel image or busybox in " << kdir;
	if (!Exists("/usr/bin/cpio") && !Exists("/bin/cpio"))
		GTEST_SKIP() << "no cpio to make the initramfs";

	const std::string initrd = Tmp("initramfs.cpio.gz");
	ASSERT_EQ(0, RunFor({ "/bin/sh", "sim/tests/linux_initramfs.sh", busybox, initrd },
			 Tmp("initramfs.log"), std::chrono::seconds(30)))
		<< ReadFile(Tmp("initramfs.log"));

	// Sanitizer builds of ghvmm: Unicorn's own allocations are not ours.
	char cwd[4096];
	std::string supp = std::string(getcwd(cwd, sizeof(cwd)) ? cwd : ".") +
			   "/third_party/unicorn.lsan.supp";
	setenv("LSAN_OPTIONS", ("print_suppressions=0:suppressions=" + supp).c_str(), 1);

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

}  // namespace
