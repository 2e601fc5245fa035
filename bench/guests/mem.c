// SPDX-License-Identifier: BSD-3-Clause
/*
 * Memory-bound: a BUF_MIB MiB buffer (twice the host's 32 MiB L3 by default)
 * right after the image's stacks. One sequential fill pass, then BENCH_N
 * read-modify-writes of 64-bit words at pseudo-random indices (nearly every
 * one a host cache and TLB miss), then a sequential sum. Needs 128 MiB of
 * RAM or more (run with --mem 256M / -m 256M).
 */
#include "bench.h"

#ifndef BUF_MIB
#define BUF_MIB 64
#endif
#define WORDS ((uint64_t)BUF_MIB << 17) /* 8-byte words */

extern char __stacks_top[];

void guest_main(uint64_t cpu, uint64_t x0)
{
	volatile uint64_t *buf =
		(volatile uint64_t *)(((uint64_t)__stacks_top + 0xfffff) & ~0xfffffULL);
	uint64_t r = 0x9e3779b97f4a7c15ULL, sum = 0;

	(void)cpu;
	(void)x0;
	uart_init();
	for (uint64_t i = 0; i < WORDS; i++)
		buf[i] = i * 0x100000001b3ULL;
	for (uint64_t i = 0; i < BENCH_N; i++) {
		uint64_t idx;

		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		idx = r & (WORDS - 1);
		buf[idx] += r;
	}
	for (uint64_t i = 0; i < WORDS; i++)
		sum += buf[i];
	uart_puts("bench-mem: ");
	uart_put_uint(BUF_MIB);
	uart_puts(" MiB, ");
	uart_put_uint(BENCH_N);
	uart_puts(" random updates, checksum ");
	put_hex(sum);
	uart_puts("\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
