// SPDX-License-Identifier: BSD-3-Clause
// A program under test run with its output captured and its input fed (see spawn.h).
#include "spawn.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

namespace ghvmm_test {

Spawned Spawn(const std::string &prog, const std::vector<std::string> &args,
              const std::vector<Chunk> &input, int timeout_ms, Stderr stderr_to)
{
	Spawned r;
	int in[2], out[2], err[2];
	if (pipe(in) || pipe(out) || pipe(err))
		return r;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(stderr_to == Stderr::kWithStdout ? out[1] : err[1], 2);
		for (int fd : { in[0], in[1], out[0], out[1], err[0], err[1] })
			close(fd);
		std::vector<char *> argv;
		argv.push_back(const_cast<char *>(prog.c_str()));
		for (const std::string &a : args)
			argv.push_back(const_cast<char *>(a.c_str()));
		argv.push_back(nullptr);
		execv(prog.c_str(), argv.data());
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	signal(SIGPIPE, SIG_IGN);

	std::mutex mu;
	std::condition_variable cv;
	bool done = false;
	std::thread feeder([&] {
		for (const Chunk &c : input) {
			std::this_thread::sleep_for(std::chrono::milliseconds(c.delay_ms));
			if (!c.after.empty()) {
				std::unique_lock<std::mutex> g(mu);
				cv.wait(g, [&] {
					return done || r.out.find(c.after) != std::string::npos;
				});
			}
			if (write(in[1], c.bytes.data(), c.bytes.size()) < 0)
				break;
		}
		close(in[1]);
	});

	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
	pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	bool killed = false;
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		int left = (int)std::chrono::duration_cast<std::chrono::milliseconds>(
				   deadline - std::chrono::steady_clock::now())
		                   .count();
		if (left <= 0 || poll(p, 2, left) <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		char buf[4096];
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			std::lock_guard<std::mutex> g(mu);
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1; // poll ignores it from now on
			} else {
				(i ? r.err : r.out).append(buf, (size_t)n);
			}
			cv.notify_all();
		}
	}
	int wstatus = 0;
	waitpid(pid, &wstatus, 0);
	{
		std::lock_guard<std::mutex> g(mu);
		done = true;
		cv.notify_all();
	}
	feeder.join();
	for (const pollfd &q : p)
		if (q.fd >= 0)
			close(q.fd);
	r.status = !killed && WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	return r;
}

std::string TestTmp(const std::string &name)
{
	const char *d = getenv("TEST_TMPDIR");
	return std::string(d ? d : "/tmp") + "/" + name;
}

void WriteFile(const std::string &path, const std::string &data)
{
	std::ofstream f(path, std::ios::binary | std::ios::trunc);
	f.write(data.data(), (std::streamsize)data.size());
}

void SuppressUnicornLeaks()
{
	char cwd[4096];
	std::string supp = std::string(getcwd(cwd, sizeof(cwd)) ? cwd : ".") +
	                   "/third_party/unicorn.lsan.supp";
	setenv("LSAN_OPTIONS", ("print_suppressions=0:suppressions=" + supp).c_str(), 1);
}

} // namespace ghvmm_test
