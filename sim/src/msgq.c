// SPDX-License-Identifier: BSD-3-Clause
/*
 * Message queues (msgq.h): bounded rings of messages of at most 240 bytes,
 * the host's msgq_send and msgq_recv on the RM's two queues, and their
 * interrupts: RX "not empty" when a message goes into an empty RX queue, TX
 * "not full" when the RM takes a message out of a TX queue a send found full.
 *
 * The caller is the in-process host: a buffer address is a host pointer.
 */
#include <string.h>

#include "rm_server.h"
#include "sim_internal.h"

bool gh_sim_msgq_push(struct gh_sim_msgq *q, const void *msg, size_t len)
{
	unsigned int tail;

	if (q->count == GH_SIM_MSGQ_DEPTH || len > GH_SIM_MSGQ_MSG_SIZE)
		return false;
	tail = (q->head + q->count) % GH_SIM_MSGQ_DEPTH;
	memcpy(q->msg[tail], msg, len);
	q->len[tail] = (uint16_t)len;
	q->count++;
	return true;
}

bool gh_sim_msgq_pop(struct gh_sim_msgq *q, void *buf, size_t *len)
{
	if (!q->count)
		return false;
	*len = q->len[q->head];
	memcpy(buf, q->msg[q->head], *len);
	q->head = (q->head + 1) % GH_SIM_MSGQ_DEPTH;
	q->count--;
	return true;
}

enum gh_error gh_sim_msgq_send(struct gh_sim *sim, uint64_t capid, uint64_t size, uint64_t buf,
                               uint64_t flags, uint64_t *not_full)
{
	struct gh_sim_rm *rm = sim->rm;
	enum gh_error err = GH_ERROR_OK;

	*not_full = 0;
	if (!rm || capid != rm->tx.capid)
		return GH_ERROR_CSPACE_CAP_NULL;
	if (!size || size > GH_SIM_MSGQ_MSG_SIZE)
		return GH_ERROR_ARG_SIZE;
	if (!buf)
		return GH_ERROR_ADDR_INVAL;
	if (flags & ~GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH)
		return GH_ERROR_ARG_INVAL;
	pthread_mutex_lock(&rm->lock);
	if (!gh_sim_msgq_push(&rm->tx, (const void *)(uintptr_t)buf, size)) {
		rm->tx.was_full = true;
		err = GH_ERROR_MSGQUEUE_FULL;
	} else {
		*not_full = rm->tx.count < GH_SIM_MSGQ_DEPTH;
		/* PUSH or not, the server sees the message at once. */
		pthread_cond_broadcast(&rm->cond);
	}
	pthread_mutex_unlock(&rm->lock);
	return err;
}

enum gh_error gh_sim_msgq_recv(struct gh_sim *sim, uint64_t capid, uint64_t buf, uint64_t max,
                               uint64_t *size, uint64_t *not_empty)
{
	struct gh_sim_rm *rm = sim->rm;
	struct gh_sim_msgq *q;
	enum gh_error err = GH_ERROR_OK;
	size_t len;

	*size = 0;
	*not_empty = 0;
	if (!rm || capid != rm->rx.capid)
		return GH_ERROR_CSPACE_CAP_NULL;
	if (!buf)
		return GH_ERROR_ADDR_INVAL;
	q = &rm->rx;
	pthread_mutex_lock(&rm->lock);
	if (!q->count) {
		err = GH_ERROR_MSGQUEUE_EMPTY;
	} else if (q->len[q->head] > max) {
		err = GH_ERROR_ADDR_OVFL; /* the message stays */
	} else {
		bool was_full = q->count == GH_SIM_MSGQ_DEPTH;

		gh_sim_msgq_pop(q, (void *)(uintptr_t)buf, &len);
		*size = len;
		*not_empty = q->count != 0;
		if (was_full)
			pthread_cond_broadcast(&rm->cond); /* the server may wait for room */
	}
	pthread_mutex_unlock(&rm->lock);
	return err;
}
