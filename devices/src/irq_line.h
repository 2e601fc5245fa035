/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An interrupt output shared by the models: the device computes the wanted
 * level under its own lock (irq_line_set), and after dropping that lock calls
 * irq_line_sync(), which reports the latest wanted level if it differs from
 * the last one reported. The report is serialised by the line's own mutex, so
 * concurrent vCPUs cannot leave the line at a stale level: whichever thread
 * syncs last reports the level that matches the final register state.
 */
#ifndef GH_DEVICES_IRQ_LINE_H
#define GH_DEVICES_IRQ_LINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <gunyah/devices/types.h>

struct irq_line {
	const struct gh_irq_ops *ops;
	void *ctx;
	atomic_bool want;
	bool reported;
	pthread_mutex_t lock;
};

static inline int irq_line_init(struct irq_line *l, const struct gh_irq_ops *ops, void *ctx)
{
	l->ops = ops;
	l->ctx = ctx;
	atomic_init(&l->want, false);
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
	atomic_store(&l->want, level);
}

/* Called without the device lock. */
static inline void irq_line_sync(struct irq_line *l)
{
	bool level;

	pthread_mutex_lock(&l->lock);
	level = atomic_load(&l->want);
	if (level != l->reported) {
		l->reported = level;
		if (l->ops && l->ops->set_level)
			l->ops->set_level(l->ctx, level);
	}
	pthread_mutex_unlock(&l->lock);
}

#endif /* GH_DEVICES_IRQ_LINE_H */
