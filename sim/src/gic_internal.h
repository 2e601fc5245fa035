/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the GIC model (gic.c, gic_mmio.c): what its two files share.
 */
#ifndef GH_SIM_GIC_INTERNAL_H
#define GH_SIM_GIC_INTERNAL_H

#include <stdbool.h>

#include "gic.h"

#define PRIO_MASK 0xf8 /* 5 priority bits */
#define NR_IRQS   GH_SIM_GIC_NR_IRQS

/* GICD_CTLR */
#define CTLR_ENABLE_G1 (1U << 1)
#define CTLR_ARE       (1U << 4)
#define CTLR_DS        (1U << 6)

static inline bool gh_sim_gic_irq_pending(const struct gh_sim_irq *q)
{
	return q->pending || (q->level && q->line);
}

/* Tells the owner about @cpu when something there is now deliverable. */
void gh_sim_gic_notify(struct gh_sim_gic *gic, unsigned int cpu);
void gh_sim_gic_notify_all(struct gh_sim_gic *gic);

#endif /* GH_SIM_GIC_INTERNAL_H */
