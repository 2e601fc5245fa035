// SPDX-License-Identifier: BSD-3-Clause
#include "guest.h"

#define DR    0x000
#define FR    0x018
#define LCR_H 0x02c
#define CR    0x030
#define IMSC  0x038
#define ICR   0x044

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)

static inline volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(UART_BASE + off);
}

void uart_init(void)
{
	*reg(CR) = 0;                        /* disable while configuring */
	*reg(LCR_H) = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
	*reg(ICR) = 0x7ff;
	*reg(CR) = (1u << 9) | (1u << 8) | 1u; /* RXE, TXE, UARTEN */
}

void uart_putc(char c)
{
	while (*reg(FR) & FR_TXFF)
		;
	*reg(DR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

void uart_put_uint(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	uart_puts(&buf[i]);
}

int uart_getc(void)
{
	if (*reg(FR) & FR_RXFE)
		return -1;
	return (int)(*reg(DR) & 0xff);
}

void uart_enable_rx_irq(void)
{
	*reg(IMSC) = (1u << 4) | (1u << 6); /* RX and RX timeout */
}
