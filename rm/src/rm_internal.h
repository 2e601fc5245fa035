/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to rm/: the client object, byte-order helpers, the call table. */
#ifndef GUNYAH_RM_INTERNAL_H
#define GUNYAH_RM_INTERNAL_H

#include <gunyah/rm.h>

#define RM_OFF(type, field) __builtin_offsetof(struct type, field)

/* Little-endian field access at a byte offset; no alignment assumed. */
static inline void rm_put8(uint8_t *p, size_t off, uint8_t v)
{
	p[off] = v;
}

static inline void rm_put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static inline void rm_put32(uint8_t *p, size_t off, uint32_t v)
{
	rm_put16(p, off, (uint16_t)v);
	rm_put16(p, off + 2, (uint16_t)(v >> 16));
}

static inline void rm_put64(uint8_t *p, size_t off, uint64_t v)
{
	rm_put32(p, off, (uint32_t)v);
	rm_put32(p, off + 4, (uint32_t)(v >> 32));
}

static inline uint16_t rm_get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | (uint16_t)p[off + 1] << 8);
}

static inline uint32_t rm_get32(const uint8_t *p, size_t off)
{
	return rm_get16(p, off) | (uint32_t)rm_get16(p, off + 2) << 16;
}

static inline uint64_t rm_get64(const uint8_t *p, size_t off)
{
	return rm_get32(p, off) | (uint64_t)rm_get32(p, off + 4) << 32;
}

enum rm_call_state {
	RM_CALL_PENDING,   /* waiting for the reply */
	RM_CALL_DONE,      /* result in; off the pending list */
	RM_CALL_ABANDONED, /* ended early; freed when the reply arrives */
};

struct gh_rm_pending {
	struct gh_rm *rm;
	struct gh_rm_pending *next; /* pending list, under call_lock */
	uint32_t msg_id;
	uint16_t seq;
	enum rm_call_state state;
	int ret; /* 0: reply received; else -EIO */
	uint32_t rm_err;
	uint8_t *resp;
	size_t resp_len;
	struct gh_os_completion *done;
	uint64_t begin_ns; /* for the per-message-id statistics */
};

/* The message being reassembled, under rx_lock. */
struct rm_rx {
	bool active;
	bool discard; /* a reply that matches no call: drop the fragments */
	uint8_t type;
	uint8_t fragments;
	uint8_t received;
	uint16_t seq;
	uint32_t msg_id;
	uint32_t rm_err;
	uint8_t *buf;
	size_t len;
	size_t cap;
};

struct gh_rm {
	const struct gh_rm_transport_ops *ops;
	void *ctx;

	struct gh_os_mutex *send_lock;     /* one RPC's messages at a time */
	struct gh_os_completion *tx_ready; /* "not full", under send_lock */
	uint8_t tx_msg[GH_RM_RPC_MSG_SIZE];

	struct gh_os_mutex *call_lock; /* calls, seq, stats */
	struct gh_rm_pending *calls;
	unsigned int n_calls;
	uint16_t next_seq;
	struct gh_rm_stats stats;
	struct gh_rm_call_stat call_stats[GH_RM_MAX_CALL_STATS]; /* by first use */
	size_t n_call_stats;

	struct gh_os_mutex *rx_lock; /* one drainer */
	struct rm_rx rx;
	uint8_t rx_msg[GH_RM_RPC_MSG_SIZE];

	struct gh_os_rwlock *listen_lock;
	struct gh_rm_listener *listeners;
};

/* Waits for @call ignoring signals (for cleanup that must learn the outcome). */
int rm_call_wait_uninterruptible(struct gh_rm_pending *call);
/* The typed calls' call (rm.h): begin + wait + end, the waits ignoring signals. */
int rm_call_typed(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len, void **resp,
                  size_t *resp_len);
/* A call with no reply payload whose waits ignore signals. */
int rm_call_uninterruptible(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len);

#endif
