/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Support for the demo guests: bare-metal AArch64 at EL1, MMU off, on
 * ghvmm's machine (QEMU virt's map): PL011 console, PSCI over HVC, GICv3,
 * the generic timer. Every CPU enters guest_main(cpu, x0) from
 * common/start.S.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define UART_BASE      0x09000000UL
#define UART_SPI_INTID 33 /* SPI 1 */
#define GICD_BASE      0x08000000UL
#define GICR_BASE      0x080a0000UL
#define GICR_STRIDE    0x20000UL
#define VTIMER_INTID   27 /* PPI 11 */

/* PSCI 0.2+ function ids (SMC32 / SMC64 calling convention). */
#define PSCI_VERSION            0x84000000U
#define PSCI_CPU_OFF            0x84000002U
#define PSCI_CPU_ON             0xc4000003U
#define PSCI_SYSTEM_OFF         0x84000008U
#define PSCI_SYSTEM_RESET       0x84000009U
#define PSCI_SUCCESS            0
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON         (-4)

void guest_main(uint64_t cpu, uint64_t x0);

/* Console (PL011): polled output, non-blocking input. */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_uint(uint64_t v);
int uart_getc(void); /* -1 when the RX FIFO is empty */
void uart_enable_rx_irq(void);

/* PSCI over HVC. */
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void __attribute__((noreturn)) psci_system_off(void);

/* GICv3: the distributor once (CPU 0), then each CPU's redistributor. */
void gic_init_distributor(void);
void gic_init_cpu(uint64_t cpu);
void gic_enable_spi(uint32_t intid, uint64_t target_cpu);
void gic_enable_ppi(uint64_t cpu, uint32_t intid);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);

/* Exceptions: IRQs at EL1 go to irq_handler(intid) after the GIC ack. */
void vectors_install(void);
void irq_handler(uint32_t intid);
static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}
static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}
static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

/*
 * Sleeps until an interrupt has been handled. Called with IRQs masked, in a
 * loop that tests what the handler changes:
 *	while (!done)
 *		wait_for_irq();
 * WFI wakes on a pending interrupt even while IRQs are masked, so one that
 * arrives between the test and the sleep is not lost (with IRQs unmasked it
 * would be handled there, and the WFI after it would sleep for good); the
 * handler then runs in the window the unmask opens, and IRQs are masked again
 * before the loop tests.
 */
static inline void wait_for_irq(void)
{
	wfi();
	irq_enable();
	__asm__ volatile("isb" ::: "memory");
	irq_disable();
}

#endif
