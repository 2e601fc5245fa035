// SPDX-License-Identifier: BSD-3-Clause
/*
 * CPU-bound: BENCH_N rounds of a 64-bit LCG and a xorshift/rotate mix on
 * registers only (no memory access in the loop), then the checksum.
 */
#include "bench.h"

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t x = 0x2545f4914f6cdd1dULL, y = 88172645463325252ULL;

	(void)cpu;
	(void)x0;
	uart_init();
	for (uint64_t i = 0; i < BENCH_N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		y ^= x >> 29;
		y = (y << 13) | (y >> 51);
		y += i;
		__asm__ volatile("" : "+r"(x), "+r"(y)); /* keep the loop as written */
	}
	uart_puts("bench-cpu: ");
	uart_put_uint(BENCH_N);
	uart_puts(" rounds, checksum ");
	put_hex(x ^ y);
	uart_puts("\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
