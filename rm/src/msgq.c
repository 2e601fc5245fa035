/* SPDX-License-Identifier: BSD-3-Clause */
/* The RM transport on Gunyah message-queue hypercalls (msgq_send / msgq_recv). */
#include <gunyah/hypercall.h>

#include "rm_internal.h"

/* -EAGAIN means "full/empty, an interrupt will follow" to the client: no other error may say it. */
static int hyp_errno(enum gh_error err)
{
	int ret = gh_remap_error(err);

	return ret == -EAGAIN ? -EIO : ret;
}

static int msgq_send(void *ctx, const void *msg, size_t len, bool push)
{
	const struct gh_rm_msgq *q = ctx;
	enum gh_error err;
	bool ready = false;

	err = gh_hypercall_msgq_send(q->tx_capid, len, (uint64_t)(uintptr_t)msg,
	                             push ? GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH : 0, &ready);
	if (err == GH_ERROR_MSGQUEUE_FULL)
		return -EAGAIN;
	return hyp_errno(err);
}

static int msgq_recv(void *ctx, void *buf, size_t cap, size_t *len)
{
	const struct gh_rm_msgq *q = ctx;
	uint64_t size = 0;
	enum gh_error err;
	bool ready = false;

	err = gh_hypercall_msgq_recv(q->rx_capid, (uint64_t)(uintptr_t)buf, cap, &size, &ready);
	if (err == GH_ERROR_MSGQUEUE_EMPTY)
		return -EAGAIN;
	if (err != GH_ERROR_OK)
		return hyp_errno(err);
	*len = (size_t)size;
	return 0;
}

const struct gh_rm_transport_ops gh_rm_msgq_ops = {
	.send = msgq_send,
	.recv = msgq_recv,
};
