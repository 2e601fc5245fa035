// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMP scale: CPU 0 starts every other CPU with PSCI CPU_ON (MPIDR 1, 2, ...
 * until INVALID_PARAMETERS), then every CPU does the MMIO guest's loop
 * BENCH_N times (fixed work per CPU). Each CPU counts itself done with an
 * atomic add; the last one prints the result and powers off, the others
 * call CPU_OFF. CPU 0 publishes the CPU count before it counts itself, so
 * whoever brings the count to the total knows it is last.
 */
#include "bench.h"

#define MAX_CPUS 8

extern char _start[];

static volatile uint32_t total;
static uint32_t done;

static uint32_t done_add(void)
{
	uint32_t old, tmp, fail;

	__asm__ volatile("1: ldaxr %w0, [%3]\n"
	                 "   add %w1, %w0, #1\n"
	                 "   stlxr %w2, %w1, [%3]\n"
	                 "   cbnz %w2, 1b\n"
	                 : "=&r"(old), "=&r"(tmp), "=&r"(fail)
	                 : "r"(&done)
	                 : "memory");
	return old + 1;
}

static void work(void)
{
	for (uint32_t i = 0; i < BENCH_N; i++) {
		while (*pl011(PL011_FR) & (1u << 5))
			;
		*pl011(PL011_ILPR) = i & 0xff;
	}
}

static void finish(uint64_t cpu)
{
	uint32_t n = done_add();

	if (n == total) {
		uart_puts("bench-smp: ");
		uart_put_uint(n);
		uart_puts(" CPUs x ");
		uart_put_uint(BENCH_N);
		uart_puts(" iterations done\n");
		psci_system_off();
	}
	if (cpu != 0)
		psci_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint32_t n = 1;

	(void)x0;
	if (cpu != 0) {
		work();
		finish(cpu);
	}
	uart_init();
	for (uint64_t i = 1; i < MAX_CPUS; i++) {
		int64_t r = psci_call(PSCI_CPU_ON, i, (uint64_t)_start, i);

		if (r == PSCI_INVALID_PARAMETERS)
			break;
		if (r != PSCI_SUCCESS) {
			uart_puts("bench-smp: CPU_ON failed\n");
			psci_system_off();
		}
		n++;
	}
	total = n;
	__asm__ volatile("dmb ish" ::: "memory");
	work();
	finish(0);
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
