// SPDX-License-Identifier: BSD-3-Clause
/*
 * MMIO-bound: BENCH_N times, poll the PL011's flag register until the
 * transmit FIFO has room, then write the IrDA low-power register (a silent
 * register both QEMU's PL011 and ghvmm's keep). 2 * BENCH_N + a few MMIO
 * exits; the last value written is read back to check the device.
 */
#include "bench.h"

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint32_t polls = 0;

	(void)cpu;
	(void)x0;
	uart_init();
	for (uint32_t i = 0; i < BENCH_N; i++) {
		while (*pl011(PL011_FR) & (1u << 5)) /* TXFF */
			polls++;
		*pl011(PL011_ILPR) = i & 0xff;
	}
	uart_puts("bench-mmio: ");
	uart_put_uint(BENCH_N);
	uart_puts(" iterations, ILPR ");
	uart_put_uint(*pl011(PL011_ILPR));
	uart_puts(polls ? ", busy polls seen" : ", ok");
	uart_puts("\n");
	psci_system_off();
}

void irq_handler(uint32_t intid)
{
	(void)intid;
}
