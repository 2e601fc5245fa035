// SPDX-License-Identifier: BSD-3-Clause
/* The I/O thread: console input to the guest, and the RTC's alarm. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <gunyah/devices/pl011.h>
#include <gunyah/devices/pl031.h>
#include <gunyah/devices/virtio_console.h>

#include "vmm_internal.h"

void ghvmm_wake_io(struct ghvmm *m)
{
	const uint8_t b = 1;

	if (m->wake[1] >= 0 && write(m->wake[1], &b, 1) < 0) {
		/* Full pipe: a wake-up is pending already. */
	}
}

/* Hands what the guest will take of the buffered input to its console. */
static void push_rx(struct ghvmm *m)
{
	size_t taken = 0;
	int r = -ENODEV;

	if (!m->rx_len)
		return;
	if (m->vcon)
		r = gh_virtio_console_receive(m->vcon, m->rx, m->rx_len, &taken);
	else if (m->uart)
		r = gh_pl011_receive(m->uart, m->rx, m->rx_len, &taken);
	if (r || taken > m->rx_len)
		taken = 0;
	memmove(m->rx, m->rx + taken, m->rx_len - taken);
	m->rx_len -= taken;
}

static void read_stdin(struct ghvmm *m)
{
	const size_t room = GHVMM_RX_BUF_SIZE - m->rx_len;
	uint8_t buf[256];
	ssize_t n;

	n = read(m->in_fd, buf, sizeof(buf) < room ? sizeof(buf) : room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		m->stdin_open = false; /* piped input ended: the guest keeps running */
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		uint8_t out;
		size_t len;

		if (ghvmm_escape_feed(&m->esc, buf[i], &out, &len) == GHVMM_ESCAPE_QUIT) {
			ghvmm_message(m, "quit (Ctrl-A x)");
			ghvmm_request_stop(m, GHVMM_EXIT_QUIT);
			return;
		}
		if (len && m->rx_len < GHVMM_RX_BUF_SIZE)
			m->rx[m->rx_len++] = out;
	}
}

void *ghvmm_io_thread(void *arg)
{
	struct ghvmm *m = arg;

	while (!ghvmm_stopping(m)) {
		struct pollfd pfd[2] = {
			{ .fd = m->wake[0], .events = POLLIN },
			{ .fd = m->in_fd, .events = POLLIN },
		};
		uint64_t deadline;
		int timeout = -1, nfds = 1;

		if (m->stdin_open && m->rx_len < GHVMM_RX_BUF_SIZE)
			nfds = 2;
		if (m->rtc && !gh_pl031_next_event(m->rtc, &deadline)) {
			uint64_t now = ghvmm_now_ns(CLOCK_REALTIME);
			uint64_t ms = deadline <= now ? 0 : (deadline - now) / 1000000 + 1;

			/* The guest sets the alarm: a far one is a long wait, not a wrap. */
			timeout = ms > INT_MAX ? INT_MAX : (int)ms;
		}
		if (poll(pfd, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			uint8_t drain[64];

			while (read(m->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_stdin(m);
		push_rx(m);
		if (m->rtc)
			gh_pl031_poll(m->rtc);
	}
	return NULL;
}
