// SPDX-License-Identifier: BSD-3-Clause
/* hello: prints a greeting on the UART and powers off. */
#include "guest.h"

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)cpu;
	(void)x0;
	uart_init();
	uart_puts("Hello from a Gunyah guest!\n");
	uart_puts("hello: powering off\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
