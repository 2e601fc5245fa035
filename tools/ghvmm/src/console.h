/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest's console on the host terminal: raw mode when stdin is a
 * terminal (restored on every exit path), the Ctrl-A escape (Ctrl-A x quits,
 * Ctrl-A Ctrl-A sends a Ctrl-A), and piped input.
 */
#ifndef GHVMM_CONSOLE_H
#define GHVMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GHVMM_ESCAPE_CHAR 0x01 /* Ctrl-A */

enum ghvmm_escape_action {
	GHVMM_ESCAPE_NONE,
	GHVMM_ESCAPE_QUIT,
};

/* The escape state machine: a pure function of its state and one byte. */
struct ghvmm_escape {
	bool pending; /* the previous byte was Ctrl-A */
};

/*
 * Feeds one input byte. *out_len (0 or 1) bytes of *out go to the guest.
 * Ctrl-A x (or X) quits; Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A followed by
 * anything else sends that byte and drops the Ctrl-A.
 */
enum ghvmm_escape_action ghvmm_escape_feed(struct ghvmm_escape *e, uint8_t in, uint8_t *out,
                                           size_t *out_len);

/*
 * Puts @fd in raw mode when it is a terminal and arranges for its settings
 * to be restored at exit and on fatal signals. Returns true when it changed
 * the terminal. Calling it again is harmless.
 */
bool ghvmm_terminal_raw(int fd);
/* Restores what ghvmm_terminal_raw() changed (idempotent, signal-safe). */
void ghvmm_terminal_restore(void);

/* Writes all of @buf to @fd, retrying short writes and EINTR. */
int ghvmm_write_all(int fd, const uint8_t *buf, size_t len);

#endif
