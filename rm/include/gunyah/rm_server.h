/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server side of the resource manager's RPC framing (rm_rpc.h): request
 * reassembly from message-queue messages, and replies and notifications split
 * into messages. Pure: no OS glue, no allocation, no locks; every input is
 * untrusted. The caller owns the state and serialises calls on it.
 */
#ifndef GUNYAH_RM_SERVER_H
#define GUNYAH_RM_SERVER_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include <gunyah/rm_rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What gh_rm_server_rx_feed() and the encoders return. */
enum gh_rm_server_status {
	GH_RM_SERVER_MORE = 0,           /* a fragment taken: more are needed */
	GH_RM_SERVER_REQUEST = 1,        /* a complete request is in *req */
	GH_RM_SERVER_ERR_SHORT = -1,     /* shorter than a header */
	GH_RM_SERVER_ERR_API = -2,       /* api byte is not GH_RM_RPC_API_BYTE */
	GH_RM_SERVER_ERR_TYPE = -3,      /* a reply or notification, or a
	                                   * continuation with no request begun */
	GH_RM_SERVER_ERR_FRAGMENTS = -4, /* fragment count > GH_RM_RPC_MAX_FRAGMENTS */
	GH_RM_SERVER_ERR_MISMATCH = -5,  /* a continuation's msg_id, seq or
	                                   * fragment count differs from the first's */
	GH_RM_SERVER_ERR_OVERSIZE = -6,  /* longer than GH_RM_RPC_MSG_SIZE, or (encoders)
	                                   * a payload past GH_RM_RPC_MAX_PAYLOAD */
};

/**
 * struct gh_rm_server_rx - reassembly state of the requests from one client
 * @active: a request's first message came, @remaining continuations are owed
 * @dropped: requests dropped because a new one began before all their
 *           continuations came (the new one is taken; not an error)
 */
struct gh_rm_server_rx {
	uint32_t dropped;
	bool active;
	uint8_t fragments;
	uint8_t remaining;
	uint16_t seq;
	uint32_t msg_id;
	size_t len;
	uint8_t buf[GH_RM_RPC_MAX_PAYLOAD];
};

/* A complete request: @payload points into the state's buffer and is valid
 * until the next feed. */
struct gh_rm_server_request {
	uint32_t msg_id;
	uint16_t seq;
	const uint8_t *payload;
	size_t len;
};

void gh_rm_server_rx_init(struct gh_rm_server_rx *rx);

/*
 * Takes one received message of @size bytes. Returns GH_RM_SERVER_MORE,
 * GH_RM_SERVER_REQUEST (*req filled), or a negative GH_RM_SERVER_ERR_*: the
 * message is dropped and so is the request it belonged to. Nothing is
 * answered for a dropped message (its header cannot be trusted), as the RM
 * does.
 */
int gh_rm_server_rx_feed(struct gh_rm_server_rx *rx, const void *msg, size_t size,
                         struct gh_rm_server_request *req);

/* Sends one message of @size (<= GH_RM_RPC_MSG_SIZE) bytes: 0, or a nonzero
 * value that stops the encoding and is returned by it. */
typedef int (*gh_rm_server_emit_fn)(void *ctx, const void *msg, size_t size);

/* Encodes a reply to (@msg_id, @seq): @err_code, then @len bytes of
 * @payload, in as many messages as needed. 0, ERR_OVERSIZE, or emit's value. */
int gh_rm_server_reply(uint32_t msg_id, uint16_t seq, uint32_t err_code, const void *payload,
                       size_t len, gh_rm_server_emit_fn emit, void *ctx);
/* Encodes a notification @msg_id with the server's own counter @seq. */
int gh_rm_server_notify(uint32_t msg_id, uint16_t seq, const void *payload, size_t len,
                        gh_rm_server_emit_fn emit, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_RM_SERVER_H */
