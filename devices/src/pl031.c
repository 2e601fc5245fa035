// SPDX-License-Identifier: BSD-3-Clause
/*
 * PL031 RTC model. The clock is read before the lock is taken; the interrupt
 * line is driven after it is dropped.
 *
 * Counter: value = base_count + k, k = whole seconds of the clock since
 * base_ns. k never goes backwards even if the clock does. The match
 * interrupt fires when the counter steps onto MR between two updates: with
 * seen_k the last k looked at, the counter took the values
 * base_count + seen_k + 1 ... base_count + k.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/devices/pl031.h>

#include "irq_line.h"

#define NS_PER_S 1000000000ull

static const uint8_t pl031_id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct gh_pl031 {
	pthread_mutex_t lock;
	struct irq_line irq;
	const struct gh_clock_ops *clock;
	void *clock_ctx;

	/* Under lock. */
	uint32_t base_count;
	uint64_t base_ns;
	uint64_t seen_k;
	uint32_t mr, lr, cr, imsc, ris;
	struct gh_dev_stats stats;
};

static uint64_t clock_now(struct gh_pl031 *r)
{
	return r->clock->now_ns(r->clock_ctx);
}

static uint32_t counter(const struct gh_pl031 *r)
{
	return r->base_count + (uint32_t)r->seen_k;
}

/* Seconds from the current counter value until it next equals MR (1..2^32). */
static uint64_t steps_to_match(const struct gh_pl031 *r)
{
	uint32_t d = r->mr - counter(r);

	return d ? d : (1ull << 32);
}

static void advance(struct gh_pl031 *r, uint64_t now)
{
	uint64_t k;

	if (!(r->cr & 1))
		return; /* stopped: the counter holds */
	k = now > r->base_ns ? (now - r->base_ns) / NS_PER_S : 0;
	if (k <= r->seen_k)
		return;
	if (k - r->seen_k >= steps_to_match(r))
		r->ris |= 1;
	r->seen_k = k;
}

static void rebase(struct gh_pl031 *r, uint32_t count, uint64_t now)
{
	r->base_count = count;
	r->base_ns = now;
	r->seen_k = 0;
}

static void update_irq(struct gh_pl031 *r)
{
	irq_line_set(&r->irq, (r->ris & r->imsc) != 0);
}

static void reset_locked(struct gh_pl031 *r, uint64_t now)
{
	/* Tick on whole seconds of the clock, starting from its seconds. */
	rebase(r, (uint32_t)(now / NS_PER_S), now - now % NS_PER_S);
	r->mr = 0;
	r->lr = 0;
	r->cr = 1;
	r->imsc = 0;
	r->ris = 0;
	update_irq(r);
}

int gh_pl031_create(const struct gh_pl031_config *cfg, struct gh_pl031 **out)
{
	struct gh_pl031 *r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !cfg->clock || !cfg->clock->now_ns)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (pthread_mutex_init(&r->lock, NULL))
		goto err_free;
	if (irq_line_init(&r->irq, cfg->irq, cfg->irq_ctx))
		goto err_lock;
	r->clock = cfg->clock;
	r->clock_ctx = cfg->clock_ctx;
	reset_locked(r, clock_now(r));
	*out = r;
	return 0;

err_lock:
	pthread_mutex_destroy(&r->lock);
err_free:
	free(r);
	return -ENOMEM;
}

void gh_pl031_destroy(struct gh_pl031 *r)
{
	if (!r)
		return;
	irq_line_destroy(&r->irq);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static uint32_t size_mask(uint32_t size)
{
	return size >= 4 ? UINT32_MAX : (1u << (size * 8)) - 1;
}

static bool access_ok(uint64_t offset, uint32_t size)
{
	return (size == 1 || size == 2 || size == 4) && !(offset & 3) &&
	       offset < GH_PL031_MMIO_SIZE;
}

static bool reg_read(struct gh_pl031 *r, uint64_t off, uint32_t *v)
{
	switch (off) {
	case GH_PL031_DR:
		*v = counter(r);
		return true;
	case GH_PL031_MR:
		*v = r->mr;
		return true;
	case GH_PL031_LR:
		*v = r->lr;
		return true;
	case GH_PL031_CR:
		*v = r->cr;
		return true;
	case GH_PL031_IMSC:
		*v = r->imsc;
		return true;
	case GH_PL031_RIS:
		*v = r->ris;
		return true;
	case GH_PL031_MIS:
		*v = r->ris & r->imsc;
		return true;
	default:
		if (off >= GH_PL031_PERIPHID0 && off < GH_PL031_MMIO_SIZE) {
			*v = pl031_id[(off - GH_PL031_PERIPHID0) / 4];
			return true;
		}
		return false; /* reserved, ICR (write-only) */
	}
}

static bool reg_write(struct gh_pl031 *r, uint64_t off, uint32_t v, uint64_t now)
{
	switch (off) {
	case GH_PL031_MR:
		r->mr = v;
		break;
	case GH_PL031_LR:
		r->lr = v;
		rebase(r, v, now);
		break;
	case GH_PL031_CR:
		/* Start only: once running, only a reset stops the counter. */
		if ((v & 1) && !(r->cr & 1)) {
			r->cr = 1;
			rebase(r, counter(r), now);
		}
		break;
	case GH_PL031_IMSC:
		r->imsc = v & 1;
		break;
	case GH_PL031_ICR:
		r->ris &= ~(v & 1);
		break;
	default:
		return false; /* DR, RIS, MIS, IDs are read-only; the rest reserved */
	}
	return true;
}

int gh_pl031_read(struct gh_pl031 *r, uint64_t offset, uint32_t size, uint64_t *val)
{
	uint64_t now;
	uint32_t v = 0;

	if (!r || !val)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	advance(r, now);
	if (!access_ok(offset, size) || !reg_read(r, offset, &v)) {
		r->stats.bad_reads++;
		v = 0;
	}
	update_irq(r);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	*val = v & size_mask(size);
	return 0;
}

int gh_pl031_write(struct gh_pl031 *r, uint64_t offset, uint32_t size, uint64_t val)
{
	uint64_t now;
	uint32_t v;

	if (!r)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	advance(r, now);
	if (!access_ok(offset, size)) {
		r->stats.bad_writes++;
	} else {
		v = (uint32_t)val & size_mask(size);
		if (!reg_write(r, offset, v, now))
			r->stats.bad_writes++;
	}
	update_irq(r);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	return 0;
}

static int mmio_read(void *dev, uint64_t offset, uint32_t size, uint64_t *val)
{
	return gh_pl031_read(dev, offset, size, val);
}

static int mmio_write(void *dev, uint64_t offset, uint32_t size, uint64_t val)
{
	return gh_pl031_write(dev, offset, size, val);
}

const struct gh_mmio_ops gh_pl031_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

int gh_pl031_poll(struct gh_pl031 *r)
{
	uint64_t now;

	if (!r)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	advance(r, now);
	update_irq(r);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	return 0;
}

int gh_pl031_next_event(struct gh_pl031 *r, uint64_t *deadline_ns)
{
	uint64_t now, k, ns;
	int ret = 0;

	if (!r || !deadline_ns)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	advance(r, now);
	if (!(r->cr & 1)) {
		ret = -ENOENT;
	} else {
		k = r->seen_k + steps_to_match(r);
		/* k < 2^33 + seen_k; saturate rather than wrap. */
		if (k > (UINT64_MAX - r->base_ns) / NS_PER_S)
			ns = UINT64_MAX;
		else
			ns = r->base_ns + k * NS_PER_S;
		*deadline_ns = ns;
	}
	update_irq(r);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	return ret;
}

int gh_pl031_reset(struct gh_pl031 *r)
{
	uint64_t now;

	if (!r)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	reset_locked(r, now);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	return 0;
}

int gh_pl031_stats(struct gh_pl031 *r, struct gh_dev_stats *stats)
{
	if (!r || !stats)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	*stats = r->stats;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int gh_pl031_save(struct gh_pl031 *r, struct gh_pl031_state *s)
{
	uint64_t now;

	if (!r || !s)
		return -EINVAL;
	now = clock_now(r);
	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&r->lock);
	advance(r, now);
	s->version = GH_PL031_STATE_VERSION;
	s->counter = counter(r);
	s->mr = r->mr;
	s->lr = r->lr;
	s->cr = r->cr;
	s->imsc = r->imsc;
	s->ris = r->ris;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int gh_pl031_restore(struct gh_pl031 *r, const struct gh_pl031_state *s)
{
	uint64_t now;

	if (!r || !s)
		return -EINVAL;
	if (s->version != GH_PL031_STATE_VERSION || s->reserved || s->cr > 1 || s->imsc > 1 ||
	    s->ris > 1)
		return -EINVAL;
	now = clock_now(r);
	pthread_mutex_lock(&r->lock);
	rebase(r, s->counter, now);
	r->mr = s->mr;
	r->lr = s->lr;
	r->cr = s->cr;
	r->imsc = s->imsc;
	r->ris = s->ris;
	update_irq(r);
	pthread_mutex_unlock(&r->lock);
	irq_line_sync(&r->irq);
	return 0;
}
