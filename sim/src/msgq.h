/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message queues: the host's msgq_send / msgq_recv hypercalls on the two
 * queues of the resource manager (TX: host -> RM, RX: RM -> host), and the
 * RM server's side of them. Both queues are under the RM's lock (rm_server.h).
 */
#ifndef GH_SIM_MSGQ_H
#define GH_SIM_MSGQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gunyah/hypercall.h>

#define GH_SIM_MSGQ_DEPTH    64 /* messages per queue */
#define GH_SIM_MSGQ_MSG_SIZE GH_MSGQ_MAX_MSG_SIZE

struct gh_sim;

struct gh_sim_msgq {
	uint64_t capid;
	uint32_t irq; /* TX: "not full", RX: "not empty" */
	unsigned int head, count;
	bool was_full; /* TX: a send found it full; the IRQ fires when it drains */
	uint16_t len[GH_SIM_MSGQ_DEPTH];
	uint8_t msg[GH_SIM_MSGQ_DEPTH][GH_SIM_MSGQ_MSG_SIZE];
};

/* The host's hypercalls (x1.. as the SMCCC dispatcher passes them). */
enum gh_error gh_sim_msgq_send(struct gh_sim *sim, uint64_t capid, uint64_t size, uint64_t buf,
                               uint64_t flags, uint64_t *not_full);
enum gh_error gh_sim_msgq_recv(struct gh_sim *sim, uint64_t capid, uint64_t buf, uint64_t max,
                               uint64_t *size, uint64_t *not_empty);

/* Queue primitives, the RM's lock held. */
bool gh_sim_msgq_push(struct gh_sim_msgq *q, const void *msg, size_t len);
bool gh_sim_msgq_pop(struct gh_sim_msgq *q, void *buf, size_t *len);

#endif /* GH_SIM_MSGQ_H */
