// SPDX-License-Identifier: BSD-3-Clause
/*
 * echo: interrupt-driven console. The UART's RX interrupt reaches the CPU
 * through the GIC; the handler echoes every byte; between interrupts the CPU
 * sleeps in WFI, so an idle guest costs the host nothing. Ctrl-D powers off.
 */
#include "guest.h"

static volatile int done;

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	uart_init();
	vectors_install();
	gic_init_distributor();
	gic_init_cpu(cpu);
	gic_enable_spi(UART_SPI_INTID, 0);
	uart_enable_rx_irq();
	uart_puts("echo: type something (Ctrl-D powers off)\n");
	while (!done)
		wait_for_irq();
	uart_puts("\necho: bye\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	int c;

	if (intid != UART_SPI_INTID)
		return;
	while ((c = uart_getc()) >= 0) {
		if (c == 4) {
			done = 1;
			continue;
		}
		if (c == '\r')
			uart_putc('\n');
		else
			uart_putc((char)c);
	}
}
