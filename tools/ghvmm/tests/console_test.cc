// SPDX-License-Identifier: BSD-3-Clause
// The Ctrl-A escape, fed byte by byte as a terminal would.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <unistd.h>

extern "C" {
#include "console.h"
}

namespace {

struct Result {
	std::string to_guest;
	bool quit = false;
};

Result Feed(const std::string &input)
{
	ghvmm_escape e{};
	Result r;
	for (unsigned char c : input) {
		uint8_t out;
		size_t n;
		if (ghvmm_escape_feed(&e, c, &out, &n) == GHVMM_ESCAPE_QUIT) {
			r.quit = true;
			break;
		}
		r.to_guest.append(reinterpret_cast<char *>(&out), n);
	}
	return r;
}

TEST(Escape, Table)
{
	struct {
		const char *what;
		std::string in;
		std::string out;
		bool quit;
	} cases[] = {
		{ "plain text passes", "hello\r", "hello\r", false },
		{ "Ctrl-A x quits", std::string("ab\x01xcd"), "ab", true },
		{ "Ctrl-A X quits", std::string("\x01X"), "", true },
		{ "Ctrl-A Ctrl-A sends one", std::string("\x01\x01z"), std::string("\x01z"),
		  false },
		{ "Ctrl-A other drops the escape", std::string("\x01q"), "q", false },
		{ "Ctrl-A at the end is held", std::string("a\x01"), "a", false },
		{ "x alone is data", "xx", "xx", false },
		{ "Ctrl-C and Ctrl-D go to the guest", std::string("\x03\x04"),
		  std::string("\x03\x04"), false },
		{ "NUL bytes pass", std::string("\0a", 2), std::string("\0a", 2), false },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.what);
		Result r = Feed(c.in);
		EXPECT_EQ(c.out, r.to_guest);
		EXPECT_EQ(c.quit, r.quit);
	}
}

TEST(Terminal, NotATerminalIsLeftAlone)
{
	int fds[2];
	ASSERT_EQ(0, pipe(fds));
	EXPECT_FALSE(ghvmm_terminal_raw(fds[0]));
	ghvmm_terminal_restore(); // harmless when nothing changed
	const uint8_t msg[] = "abc";
	EXPECT_EQ(0, ghvmm_write_all(fds[1], msg, 3));
	char buf[4] = {};
	EXPECT_EQ(3, read(fds[0], buf, 3));
	EXPECT_STREQ("abc", buf);
	close(fds[0]);
	EXPECT_EQ(-EPIPE, (signal(SIGPIPE, SIG_IGN), ghvmm_write_all(fds[1], msg, 3)));
	close(fds[1]);
}

} // namespace
