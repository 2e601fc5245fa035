// SPDX-License-Identifier: BSD-3-Clause
/*
 * smp: CPU 0 starts every other CPU with PSCI CPU_ON, one at a time (MPIDR
 * 1, 2, ... until PSCI says INVALID_PARAMETERS), waits for each to report
 * in, then powers off. The output is the same on every run.
 */
#include "guest.h"

#define MAX_CPUS 8

static volatile uint32_t online[MAX_CPUS];

extern char _start[];

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t n = 1;

	if (cpu != 0) {
		uart_puts("smp: cpu ");
		uart_put_uint(cpu);
		uart_puts(" online (context ");
		uart_put_uint(x0);
		uart_puts(")\n");
		online[cpu] = 1;
		__asm__ volatile("dsb sy; sev" ::: "memory");
		psci_call(PSCI_CPU_OFF, 0, 0, 0);
		uart_puts("smp: CPU_OFF returned\n");
		psci_system_off();
	}

	uart_init();
	uart_puts("smp: cpu 0 online\n");
	for (uint64_t i = 1; i < MAX_CPUS; i++) {
		int64_t r = psci_call(PSCI_CPU_ON, i, (uint64_t)_start, 100 + i);

		if (r == PSCI_INVALID_PARAMETERS)
			break;
		if (r != PSCI_SUCCESS) {
			uart_puts("smp: CPU_ON failed\n");
			psci_system_off();
		}
		while (!online[i])
			__asm__ volatile("wfe" ::: "memory");
		n++;
	}
	uart_puts("smp: all ");
	uart_put_uint(n);
	uart_puts(" CPUs reported in\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
