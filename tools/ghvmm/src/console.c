// SPDX-License-Identifier: BSD-3-Clause
/* The host terminal for the guest's console: raw mode, the Ctrl-A escape. */
#include "console.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum ghvmm_escape_action ghvmm_escape_feed(struct ghvmm_escape *e, uint8_t in, uint8_t *out,
                                           size_t *out_len)
{
	*out_len = 0;
	if (!e->pending) {
		if (in == GHVMM_ESCAPE_CHAR) {
			e->pending = true;
			return GHVMM_ESCAPE_NONE;
		}
		*out = in;
		*out_len = 1;
		return GHVMM_ESCAPE_NONE;
	}
	e->pending = false;
	if (in == 'x' || in == 'X')
		return GHVMM_ESCAPE_QUIT;
	*out = in;
	*out_len = 1;
	return GHVMM_ESCAPE_NONE;
}

static struct termios saved_termios;
static int saved_fd = -1;
static volatile sig_atomic_t raw_active;

void ghvmm_terminal_restore(void)
{
	if (raw_active) {
		tcsetattr(saved_fd, TCSAFLUSH, &saved_termios);
		raw_active = 0;
	}
}

static void restore_and_reraise(int sig)
{
	ghvmm_terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

bool ghvmm_terminal_raw(int fd)
{
	static const int fatal[] = { SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS };
	struct termios raw;

	if (raw_active || !isatty(fd) || tcgetattr(fd, &saved_termios))
		return false;
	raw = saved_termios;
	cfmakeraw(&raw);
	/* Keep output processing: the host's own messages stay readable. */
	raw.c_oflag |= OPOST | ONLCR;
	saved_fd = fd;
	if (tcsetattr(fd, TCSAFLUSH, &raw))
		return false;
	raw_active = 1;
	atexit(ghvmm_terminal_restore);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = restore_and_reraise;
		sa.sa_flags = SA_RESETHAND;
		sigaction(fatal[i], &sa, NULL);
	}
	return true;
}

int ghvmm_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}
