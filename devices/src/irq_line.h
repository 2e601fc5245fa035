/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An interrupt output shared by the models: the device computes the wanted
 * level under its own lock (irq_line_set), and after dropping that lock calls
 * irq_line_sync(), which reports the latest wanted level if it differs from
 * the last one reported. The report is serialised by the line's own mutex, so
 * concurrent vCPUs cannot leave the line at a stale level: whichever thread
 * syncs last reports the level that matches the final register state.
 *
 * Most accesses leave the level as it was; they take no lock and write
 * nothing. A change counts itself (changes) after storing the level, and a
 * sync that reads changes under the mutex before the level records it
 * (synced): a sync finding synced == changes has nothing of its own to
 * report, since the change it follows, if any, was counted before it and the
 * sync that recorded the count read the level after it. A caller that
 * changed nothing needs no report: the changer's own sync follows it.
 */
#ifndef GH_DEVICES_IRQ_LINE_H
#define GH_DEVICES_IRQ_LINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <gunyah/devices/types.h>

struct irq_line {
	const struct gh_irq_ops *ops;
	void *ctx;
	atomic_bool want;
	atomic_uint_least64_t changes; /* level changes made (irq_line_set) */
	atomic_uint_least64_t synced;  /* the changes the last sync saw */
	bool reported;                 /* under lock */
	pthread_mutex_t lock;
};

static inline int irq_line_init(struct irq_line *l, const struct gh_irq_ops *ops, void *ctx)
{
	l->ops = ops;
	l->ctx = ctx;
	atomic_init(&l->want, false);
	atomic_init(&l->changes, 0);
	atomic_init(&l->synced, 0);
	l->reported = false;
	return pthread_mutex_init(&l->lock, NULL) ? -ENOMEM : 0;
}

static inline void irq_line_destroy(struct irq_line *l)
{
	pthread_mutex_destroy(&l->lock);
}

/* Called with the device lock held. */
static inline void irq_line_set(struct irq_line *l, bool level)
{
	/* only setters write want, and they hold the device lock */
	if (atomic_load_explicit(&l->want, memory_order_relaxed) == level)
		return;
	atomic_store(&l->want, level);
	atomic_fetch_add(&l->changes, 1);
}

/* Called without the device lock. */
static inline void irq_line_sync(struct irq_line *l)
{
	uint_least64_t seen;
	bool level;

	if (atomic_load(&l->synced) == atomic_load(&l->changes))
		return;
	pthread_mutex_lock(&l->lock);
	seen = atomic_load(&l->changes);
	level = atomic_load(&l->want);
	if (level != l->reported) {
		l->reported = level;
		if (l->ops && l->ops->set_level)
			l->ops->set_level(l->ctx, level);
	}
	atomic_store(&l->synced, seen);
	pthread_mutex_unlock(&l->lock);
}

#endif /* GH_DEVICES_IRQ_LINE_H */
