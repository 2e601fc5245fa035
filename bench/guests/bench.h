/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the benchmark guests: the work size (BENCH_N, set per build
 * variant by bench/guests/BUILD.bazel) and the PL011 registers they use.
 * Each guest prints one result line that tools/bench.sh checks, then powers
 * off with PSCI SYSTEM_OFF, so the same ELF runs under ghvmm, QEMU and the
 * raw Unicorn runner.
 */
#ifndef BENCH_H
#define BENCH_H

#include "guest.h"

#ifndef BENCH_N
#error "BENCH_N (the work size) must be defined by the build"
#endif

#define PL011_FR   0x018
#define PL011_ILPR 0x020 /* IrDA low-power counter: a plain, silent register */

static inline volatile uint32_t *pl011(uint32_t off)
{
	return (volatile uint32_t *)(UART_BASE + off);
}

static inline void put_hex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19];

	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 0; i < 16; i++)
		buf[2 + i] = digits[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = '\0';
	uart_puts(buf);
}

#endif
