/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARM PrimeCell UART (PL011) r1p5, register-level model.
 *
 * 32-entry TX and RX FIFOs (one entry with LCR_H.FEN clear), the FIFO-level,
 * receive-timeout, transmit and error interrupts and the combined UARTINTR
 * line as the TRM describes them. Identification registers read ARM's r1p5
 * values (PeriphID 0x11 0x10 0x34 0x00, PCellID 0x0d 0xf0 0x05 0xb1), so
 * Linux's amba-pl011 driver sees 32-byte FIFOs.
 *
 * Output goes to an injected byte sink after the register lock is dropped.
 * Input is pushed by the owner with gh_pl011_receive(); it is accepted only
 * while UARTEN and RXE are set and only as far as the RX FIFO has room (the
 * rest stays with the caller: flow control, never overrun). A receive batch
 * that leaves data in the FIFO raises the receive-timeout interrupt, as the
 * line going idle would.
 *
 * Register access: 1-, 2- or 4-byte accesses at a 4-byte aligned offset
 * (Linux uses 16-bit accessors, U-Boot 32-bit). Anything else, and every
 * unknown or reserved offset, reads 0 / is ignored and counted.
 */
#ifndef GUNYAH_DEVICES_PL011_H
#define GUNYAH_DEVICES_PL011_H

#include <gunyah/devices/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_pl011;

#define GH_PL011_MMIO_SIZE  0x1000u
#define GH_PL011_FIFO_DEPTH 32u

/* Register offsets. */
#define GH_PL011_DR        0x000
#define GH_PL011_RSR       0x004 /* RSR on read, ECR on write */
#define GH_PL011_FR        0x018
#define GH_PL011_ILPR      0x020
#define GH_PL011_IBRD      0x024
#define GH_PL011_FBRD      0x028
#define GH_PL011_LCR_H     0x02c
#define GH_PL011_CR        0x030
#define GH_PL011_IFLS      0x034
#define GH_PL011_IMSC      0x038
#define GH_PL011_RIS       0x03c
#define GH_PL011_MIS       0x040
#define GH_PL011_ICR       0x044
#define GH_PL011_DMACR     0x048
#define GH_PL011_PERIPHID0 0xfe0
#define GH_PL011_PCELLID0  0xff0

/* FR */
#define GH_PL011_FR_BUSY   (1u << 3)
#define GH_PL011_FR_RXFE   (1u << 4)
#define GH_PL011_FR_TXFF   (1u << 5)
#define GH_PL011_FR_RXFF   (1u << 6)
#define GH_PL011_FR_TXFE   (1u << 7)
/* LCR_H */
#define GH_PL011_LCR_H_FEN (1u << 4)
/* CR */
#define GH_PL011_CR_UARTEN (1u << 0)
#define GH_PL011_CR_LBE    (1u << 7)
#define GH_PL011_CR_TXE    (1u << 8)
#define GH_PL011_CR_RXE    (1u << 9)
/* IMSC / RIS / MIS / ICR */
#define GH_PL011_INT_RX    (1u << 4)
#define GH_PL011_INT_TX    (1u << 5)
#define GH_PL011_INT_RT    (1u << 6)
#define GH_PL011_INT_FE    (1u << 7)
#define GH_PL011_INT_PE    (1u << 8)
#define GH_PL011_INT_BE    (1u << 9)
#define GH_PL011_INT_OE    (1u << 10)
#define GH_PL011_INT_ALL   0x7ffu

/*
 * Transmit even while UARTEN or TXE is clear (QEMU's behaviour). Useful when
 * a kernel's earlycon writes to the UART before any driver has enabled it;
 * the TRM behaviour (bytes wait in the FIFO) is the default.
 */
#define GH_PL011_F_TX_WHEN_DISABLED (1u << 0)

struct gh_pl011_config {
	const struct gh_chardev_ops *chr; /* required, write() required */
	void *chr_ctx;
	const struct gh_irq_ops *irq; /* optional */
	void *irq_ctx;
	uint32_t flags; /* GH_PL011_F_* */
};

int gh_pl011_create(const struct gh_pl011_config *cfg, struct gh_pl011 **out);
void gh_pl011_destroy(struct gh_pl011 *uart);

int gh_pl011_read(struct gh_pl011 *uart, uint64_t offset, uint32_t size, uint64_t *val);
int gh_pl011_write(struct gh_pl011 *uart, uint64_t offset, uint32_t size, uint64_t val);
/* For gh_bus_register(bus, base, GH_PL011_MMIO_SIZE, &gh_pl011_mmio_ops, uart). */
extern const struct gh_mmio_ops gh_pl011_mmio_ops;

/* Push received bytes; *accepted says how many went into the RX FIFO. */
int gh_pl011_receive(struct gh_pl011 *uart, const uint8_t *buf, size_t len, size_t *accepted);
/* Hardware reset: registers to their reset values, FIFOs emptied. */
int gh_pl011_reset(struct gh_pl011 *uart);
int gh_pl011_stats(struct gh_pl011 *uart, struct gh_dev_stats *stats);

#define GH_PL011_STATE_VERSION 1u

/* Serialisable state; fixed-width fields only, FIFOs oldest first. */
struct gh_pl011_state {
	uint32_t version;
	uint32_t rsr;
	uint32_t ilpr;
	uint32_t ibrd;
	uint32_t fbrd;
	uint32_t lcr_h;
	uint32_t cr;
	uint32_t ifls;
	uint32_t imsc;
	uint32_t ris;
	uint32_t dmacr;
	uint32_t rx_count;
	uint32_t tx_count;
	uint16_t rx_fifo[GH_PL011_FIFO_DEPTH]; /* data | error bits << 8 */
	uint8_t tx_fifo[GH_PL011_FIFO_DEPTH];
};

int gh_pl011_save(struct gh_pl011 *uart, struct gh_pl011_state *state);
/* -EINVAL, and no change, if any field is out of range. */
int gh_pl011_restore(struct gh_pl011 *uart, const struct gh_pl011_state *state);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_PL011_H */
