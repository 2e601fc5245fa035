// SPDX-License-Identifier: BSD-3-Clause
/*
 * A freestanding C guest on tools/guests/common/start.S: checks that .bss is
 * zero and .data initialised, sums an array, reports, powers off.
 */
#include <stdint.h>

#define REPORT ((volatile uint64_t *)0x0a000000)

static uint64_t zeroed[16];
static uint64_t table[4] = { 1, 20, 300, 4000 };

void guest_main(uint64_t cpu, uint64_t x0);

static void psci_system_off(void)
{
	register uint64_t x0 __asm__("x0") = 0x84000008;

	__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t sum = 0;

	(void)x0;
	for (unsigned int i = 0; i < 16; i++)
		sum += zeroed[i];
	for (unsigned int i = 0; i < 4; i++)
		sum += table[i];
	*REPORT = cpu;
	*REPORT = sum;
	psci_system_off();
	for (;;)
		__asm__ volatile("wfi");
}
