// SPDX-License-Identifier: BSD-3-Clause
/*
 * PL011 UART model. Register state is guarded by uart->lock; the byte sink,
 * rx_ready() and the interrupt line are called only after it is dropped.
 *
 * Transmission: a DR write puts the byte in the TX FIFO. The thread that
 * finds the FIFO able to drain and nobody draining it becomes the drainer:
 * it repeatedly takes everything queued (under the lock) and hands it to the
 * sink (without the lock) until the FIFO stays empty. Bytes therefore reach
 * the sink in FIFO order even with several vCPUs writing, and FR shows
 * BUSY/TXFF honestly while a slow sink holds them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/devices/pl011.h>

#include "irq_line.h"

#define FIFO GH_PL011_FIFO_DEPTH

#define RSR_OE     (1u << 3)
#define CR_MASK    0xff87u /* bits 3..6 are reserved */
#define IFLS_MASK  0x3fu
#define DMACR_MASK 0x7u

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
/* IFLS level -> entries; the reserved encodings 5..7 behave as 7/8. */
static const uint8_t ifls_level[8] = { 4, 8, 16, 24, 28, 28, 28, 28 };

struct gh_pl011 {
	pthread_mutex_t lock;
	struct irq_line irq;
	const struct gh_chardev_ops *chr;
	void *chr_ctx;
	uint32_t flags;

	/* Under lock. */
	uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	uint16_t rx[FIFO];
	uint8_t tx[FIFO];
	unsigned int rx_head, rx_count;
	unsigned int tx_head, tx_count;
	bool tx_draining; /* some thread is handing TX bytes to the sink */
	bool rx_blocked;  /* a receive() was refused: tell rx_ready() */
	struct gh_dev_stats stats;
};

/* What a register operation asks the caller to do once unlocked. */
struct after {
	bool drain;
	bool rx_ready;
};

static unsigned int fifo_cap(const struct gh_pl011 *u)
{
	return (u->lcr_h & GH_PL011_LCR_H_FEN) ? FIFO : 1;
}

static unsigned int rx_trigger(const struct gh_pl011 *u)
{
	return (u->lcr_h & GH_PL011_LCR_H_FEN) ? ifls_level[(u->ifls >> 3) & 7] : 1;
}

static unsigned int tx_trigger(const struct gh_pl011 *u)
{
	return (u->lcr_h & GH_PL011_LCR_H_FEN) ? ifls_level[u->ifls & 7] : 0;
}

static bool tx_enabled(const struct gh_pl011 *u)
{
	if (u->flags & GH_PL011_F_TX_WHEN_DISABLED)
		return true;
	return (u->cr & GH_PL011_CR_UARTEN) && (u->cr & GH_PL011_CR_TXE);
}

static bool rx_enabled(const struct gh_pl011 *u)
{
	return (u->cr & GH_PL011_CR_UARTEN) && (u->cr & GH_PL011_CR_RXE);
}

static void update_irq(struct gh_pl011 *u)
{
	irq_line_set(&u->irq, (u->ris & u->imsc) != 0);
}

static void unblock_rx(struct gh_pl011 *u, struct after *a)
{
	if (u->rx_blocked && rx_enabled(u) && u->rx_count < fifo_cap(u)) {
		u->rx_blocked = false;
		a->rx_ready = true;
	}
}

static bool rx_push(struct gh_pl011 *u, uint16_t entry)
{
	if (u->rx_count >= fifo_cap(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % FIFO] = entry;
	u->rx_count++;
	if (u->rx_count >= rx_trigger(u))
		u->ris |= GH_PL011_INT_RX;
	return true;
}

static uint32_t rx_pop(struct gh_pl011 *u, struct after *a)
{
	uint16_t entry;

	if (!u->rx_count)
		return 0;
	entry = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % FIFO;
	u->rx_count--;
	if (u->rx_count < rx_trigger(u))
		u->ris &= ~GH_PL011_INT_RX;
	if (!u->rx_count)
		u->ris &= ~GH_PL011_INT_RT;
	u->rsr = (entry >> 8) & 0xf;
	unblock_rx(u, a);
	return entry & 0xfff;
}

static void rx_flush(struct gh_pl011 *u, struct after *a)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->ris &= ~(GH_PL011_INT_RX | GH_PL011_INT_RT);
	unblock_rx(u, a);
}

static void kick_tx(struct gh_pl011 *u, struct after *a)
{
	if (u->tx_count && !u->tx_draining && tx_enabled(u)) {
		u->tx_draining = true;
		a->drain = true;
	}
}

static void tx_push(struct gh_pl011 *u, uint8_t byte, struct after *a)
{
	if (u->tx_count < fifo_cap(u)) {
		u->tx[(u->tx_head + u->tx_count) % FIFO] = byte;
		u->tx_count++;
		if (u->tx_count > tx_trigger(u))
			u->ris &= ~GH_PL011_INT_TX;
	}
	/* A write to a full FIFO is lost, as on the hardware. */
	kick_tx(u, a);
}

/* Only the thread that set tx_draining runs this. */
static void drain_tx(struct gh_pl011 *u)
{
	for (;;) {
		uint8_t buf[FIFO];
		size_t n = 0;
		bool looped = false;

		pthread_mutex_lock(&u->lock);
		if (!u->tx_count || !tx_enabled(u)) {
			u->tx_draining = false;
			pthread_mutex_unlock(&u->lock);
			return;
		}
		while (u->tx_count) {
			uint8_t b = u->tx[u->tx_head];

			u->tx_head = (u->tx_head + 1) % FIFO;
			u->tx_count--;
			if (!(u->cr & GH_PL011_CR_LBE)) {
				buf[n++] = b;
				continue;
			}
			/* Loopback: the byte comes back on the receive side. */
			if (!rx_enabled(u))
				continue;
			if (!rx_push(u, b)) {
				u->rsr |= RSR_OE;
				u->ris |= GH_PL011_INT_OE;
			}
			looped = true;
		}
		/* The FIFO drained through the trigger level (or the holding
		 * register emptied): the transmit interrupt is asserted. */
		u->ris |= GH_PL011_INT_TX;
		if (looped && u->rx_count)
			u->ris |= GH_PL011_INT_RT;
		update_irq(u);
		pthread_mutex_unlock(&u->lock);

		if (n)
			u->chr->write(u->chr_ctx, buf, n);
		irq_line_sync(&u->irq);
	}
}

static void do_after(struct gh_pl011 *u, struct after *a)
{
	if (a->drain)
		drain_tx(u);
	irq_line_sync(&u->irq);
	if (a->rx_ready && u->chr->rx_ready)
		u->chr->rx_ready(u->chr_ctx);
}

static void reset_locked(struct gh_pl011 *u)
{
	u->rsr = 0;
	u->ilpr = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->lcr_h = 0;
	u->cr = GH_PL011_CR_TXE | GH_PL011_CR_RXE;
	u->ifls = 0x12;
	u->imsc = 0;
	u->ris = 0;
	u->dmacr = 0;
	u->tx_head = 0;
	u->tx_count = 0;
	u->rx_head = 0;
	u->rx_count = 0;
	update_irq(u);
}

int gh_pl011_create(const struct gh_pl011_config *cfg, struct gh_pl011 **out)
{
	struct gh_pl011 *u;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->chr || !cfg->chr->write || (cfg->flags & ~GH_PL011_F_TX_WHEN_DISABLED))
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	if (pthread_mutex_init(&u->lock, NULL))
		goto err_free;
	if (irq_line_init(&u->irq, cfg->irq, cfg->irq_ctx))
		goto err_lock;
	u->chr = cfg->chr;
	u->chr_ctx = cfg->chr_ctx;
	u->flags = cfg->flags;
	reset_locked(u);
	*out = u;
	return 0;

err_lock:
	pthread_mutex_destroy(&u->lock);
err_free:
	free(u);
	return -ENOMEM;
}

void gh_pl011_destroy(struct gh_pl011 *u)
{
	if (!u)
		return;
	irq_line_destroy(&u->irq);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static bool access_ok(uint64_t offset, uint32_t size)
{
	return (size == 1 || size == 2 || size == 4) && !(offset & 3) &&
	       offset < GH_PL011_MMIO_SIZE;
}

static uint64_t size_mask(uint32_t size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* Returns false for an unknown or write-only register. */
static bool reg_read(struct gh_pl011 *u, uint64_t off, uint32_t *v, struct after *a)
{
	uint32_t fr;

	switch (off) {
	case GH_PL011_DR:
		*v = rx_pop(u, a);
		update_irq(u);
		return true;
	case GH_PL011_RSR:
		*v = u->rsr;
		return true;
	case GH_PL011_FR:
		fr = 0;
		if (u->tx_count)
			fr |= GH_PL011_FR_BUSY;
		else
			fr |= GH_PL011_FR_TXFE;
		if (u->tx_count >= fifo_cap(u))
			fr |= GH_PL011_FR_TXFF;
		if (!u->rx_count)
			fr |= GH_PL011_FR_RXFE;
		if (u->rx_count >= fifo_cap(u))
			fr |= GH_PL011_FR_RXFF;
		*v = fr;
		return true;
	case GH_PL011_ILPR:
		*v = u->ilpr;
		return true;
	case GH_PL011_IBRD:
		*v = u->ibrd;
		return true;
	case GH_PL011_FBRD:
		*v = u->fbrd;
		return true;
	case GH_PL011_LCR_H:
		*v = u->lcr_h;
		return true;
	case GH_PL011_CR:
		*v = u->cr;
		return true;
	case GH_PL011_IFLS:
		*v = u->ifls;
		return true;
	case GH_PL011_IMSC:
		*v = u->imsc;
		return true;
	case GH_PL011_RIS:
		*v = u->ris;
		return true;
	case GH_PL011_MIS:
		*v = u->ris & u->imsc;
		return true;
	case GH_PL011_DMACR:
		*v = u->dmacr;
		return true;
	default:
		if (off >= GH_PL011_PERIPHID0 && off < GH_PL011_MMIO_SIZE) {
			*v = pl011_id[(off - GH_PL011_PERIPHID0) / 4];
			return true;
		}
		return false; /* reserved, ICR (write-only) */
	}
}

static bool reg_write(struct gh_pl011 *u, uint64_t off, uint32_t v, struct after *a)
{
	uint32_t old;

	switch (off) {
	case GH_PL011_DR:
		tx_push(u, v & 0xff, a);
		break;
	case GH_PL011_RSR: /* ECR: any write clears the error bits */
		u->rsr = 0;
		break;
	case GH_PL011_ILPR:
		u->ilpr = v & 0xff;
		break;
	case GH_PL011_IBRD:
		u->ibrd = v & 0xffff;
		break;
	case GH_PL011_FBRD:
		u->fbrd = v & 0x3f;
		break;
	case GH_PL011_LCR_H:
		old = u->lcr_h;
		u->lcr_h = v & 0xff;
		/* Changing the FIFO mode empties the receive side. */
		if ((old ^ u->lcr_h) & GH_PL011_LCR_H_FEN)
			rx_flush(u, a);
		kick_tx(u, a);
		break;
	case GH_PL011_CR:
		u->cr = v & CR_MASK;
		unblock_rx(u, a);
		kick_tx(u, a);
		break;
	case GH_PL011_IFLS:
		u->ifls = v & IFLS_MASK;
		if (u->rx_count >= rx_trigger(u))
			u->ris |= GH_PL011_INT_RX;
		else
			u->ris &= ~GH_PL011_INT_RX;
		break;
	case GH_PL011_IMSC:
		u->imsc = v & GH_PL011_INT_ALL;
		break;
	case GH_PL011_ICR:
		u->ris &= ~(v & GH_PL011_INT_ALL);
		break;
	case GH_PL011_DMACR:
		u->dmacr = v & DMACR_MASK;
		break;
	default:
		return false; /* FR, RIS, MIS, IDs are read-only; the rest reserved */
	}
	update_irq(u);
	return true;
}

int gh_pl011_read(struct gh_pl011 *u, uint64_t offset, uint32_t size, uint64_t *val)
{
	struct after a = { 0 };
	uint32_t v = 0;

	if (!u || !val)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	if (!access_ok(offset, size) || !reg_read(u, offset, &v, &a)) {
		u->stats.bad_reads++;
		v = 0;
	}
	pthread_mutex_unlock(&u->lock);
	*val = v & size_mask(size);
	do_after(u, &a);
	return 0;
}

int gh_pl011_write(struct gh_pl011 *u, uint64_t offset, uint32_t size, uint64_t val)
{
	struct after a = { 0 };

	if (!u)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	if (!access_ok(offset, size) ||
	    !reg_write(u, offset, (uint32_t)(val & size_mask(size)), &a))
		u->stats.bad_writes++;
	pthread_mutex_unlock(&u->lock);
	do_after(u, &a);
	return 0;
}

static int mmio_read(void *dev, uint64_t offset, uint32_t size, uint64_t *val)
{
	return gh_pl011_read(dev, offset, size, val);
}

static int mmio_write(void *dev, uint64_t offset, uint32_t size, uint64_t val)
{
	return gh_pl011_write(dev, offset, size, val);
}

const struct gh_mmio_ops gh_pl011_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

int gh_pl011_receive(struct gh_pl011 *u, const uint8_t *buf, size_t len, size_t *accepted)
{
	struct after a = { 0 };
	size_t n = 0;

	if (!u || !accepted || (!buf && len))
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	if (rx_enabled(u)) {
		while (n < len && rx_push(u, buf[n]))
			n++;
	}
	if (n < len)
		u->rx_blocked = true;
	/* The batch is over: the line is idle with data waiting. */
	if (n && u->rx_count)
		u->ris |= GH_PL011_INT_RT;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	*accepted = n;
	do_after(u, &a);
	return 0;
}

int gh_pl011_reset(struct gh_pl011 *u)
{
	struct after a = { 0 };

	if (!u)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	reset_locked(u);
	pthread_mutex_unlock(&u->lock);
	do_after(u, &a);
	return 0;
}

int gh_pl011_stats(struct gh_pl011 *u, struct gh_dev_stats *stats)
{
	if (!u || !stats)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	*stats = u->stats;
	pthread_mutex_unlock(&u->lock);
	return 0;
}

int gh_pl011_save(struct gh_pl011 *u, struct gh_pl011_state *s)
{
	if (!u || !s)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&u->lock);
	s->version = GH_PL011_STATE_VERSION;
	s->rsr = u->rsr;
	s->ilpr = u->ilpr;
	s->ibrd = u->ibrd;
	s->fbrd = u->fbrd;
	s->lcr_h = u->lcr_h;
	s->cr = u->cr;
	s->ifls = u->ifls;
	s->imsc = u->imsc;
	s->ris = u->ris;
	s->dmacr = u->dmacr;
	s->rx_count = u->rx_count;
	s->tx_count = u->tx_count;
	for (unsigned int i = 0; i < u->rx_count; i++)
		s->rx_fifo[i] = u->rx[(u->rx_head + i) % FIFO];
	for (unsigned int i = 0; i < u->tx_count; i++)
		s->tx_fifo[i] = u->tx[(u->tx_head + i) % FIFO];
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static bool state_valid(const struct gh_pl011_state *s)
{
	unsigned int cap = (s->lcr_h & GH_PL011_LCR_H_FEN) ? FIFO : 1;

	if (s->version != GH_PL011_STATE_VERSION)
		return false;
	if (s->rsr > 0xf || s->ilpr > 0xff || s->ibrd > 0xffff || s->fbrd > 0x3f ||
	    s->lcr_h > 0xff || (s->cr & ~CR_MASK) || s->ifls > IFLS_MASK ||
	    s->imsc > GH_PL011_INT_ALL || s->ris > GH_PL011_INT_ALL || s->dmacr > DMACR_MASK)
		return false;
	/* TX may hold more than the 1-entry holding register after FEN was
	 * cleared with bytes queued; RX is emptied on every FEN change. */
	if (s->rx_count > cap || s->tx_count > FIFO)
		return false;
	for (unsigned int i = 0; i < s->rx_count; i++)
		if (s->rx_fifo[i] > 0xfff)
			return false;
	return true;
}

int gh_pl011_restore(struct gh_pl011 *u, const struct gh_pl011_state *s)
{
	struct after a = { 0 };

	if (!u || !s)
		return -EINVAL;
	if (!state_valid(s))
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	u->rsr = s->rsr;
	u->ilpr = s->ilpr;
	u->ibrd = s->ibrd;
	u->fbrd = s->fbrd;
	u->lcr_h = s->lcr_h;
	u->cr = s->cr;
	u->ifls = s->ifls;
	u->imsc = s->imsc;
	u->ris = s->ris;
	u->dmacr = s->dmacr;
	u->rx_head = 0;
	u->rx_count = s->rx_count;
	u->tx_head = 0;
	u->tx_count = s->tx_count;
	memcpy(u->rx, s->rx_fifo, sizeof(u->rx));
	memcpy(u->tx, s->tx_fifo, sizeof(u->tx));
	update_irq(u);
	kick_tx(u, &a);
	pthread_mutex_unlock(&u->lock);
	do_after(u, &a);
	return 0;
}
