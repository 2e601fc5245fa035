// SPDX-License-Identifier: BSD-3-Clause
/*
 * timer: the virtual timer's interrupt (PPI 27) every 100 ms; each prints a
 * tick; after five the guest powers off. Between ticks the CPU is in WFI.
 */
#include "guest.h"

#define TICKS 5

static volatile uint32_t ticks;
static uint64_t period;

static void timer_arm(void)
{
	__asm__ volatile("msr cntv_tval_el0, %0" ::"r"(period));
	__asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(1UL)); /* enabled, unmasked */
	__asm__ volatile("isb");
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t freq;

	(void)x0;
	uart_init();
	vectors_install();
	gic_init_distributor();
	gic_init_cpu(cpu);
	gic_enable_ppi(cpu, VTIMER_INTID);
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	period = freq / 10;
	uart_puts("timer: 5 ticks, 100 ms apart\n");
	timer_arm();
	while (ticks < TICKS)
		wait_for_irq();
	__asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(0UL));
	uart_puts("timer: done\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	if (intid != VTIMER_INTID)
		return;
	ticks++;
	uart_puts("timer: tick ");
	uart_put_uint(ticks);
	uart_puts("\n");
	if (ticks < TICKS)
		timer_arm();
	else
		__asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(2UL)); /* masked */
}
