/* SPDX-License-Identifier: BSD-3-Clause */
/* The RM RPC client core: calls and sequence numbers, fragmented send, receive and reassembly. */
#include "rm_internal.h"

int gh_rm_create(const struct gh_rm_transport_ops *ops, void *ctx, struct gh_rm **out)
{
	struct gh_rm *rm;

	if (!ops || !ops->send || !ops->recv || !out)
		return -EINVAL;
	rm = gh_os_zalloc(sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	rm->ops = ops;
	rm->ctx = ctx;
	rm->send_lock = gh_os_mutex_alloc();
	rm->tx_ready = gh_os_completion_alloc();
	rm->call_lock = gh_os_mutex_alloc();
	rm->rx_lock = gh_os_mutex_alloc();
	rm->listen_lock = gh_os_rwlock_alloc();
	if (!rm->send_lock || !rm->tx_ready || !rm->call_lock || !rm->rx_lock || !rm->listen_lock) {
		gh_rm_destroy(rm);
		return -ENOMEM;
	}
	/* The queue starts empty: sending may begin at once. */
	gh_os_completion_complete(rm->tx_ready);
	*out = rm;
	return 0;
}

static void call_free(struct gh_rm_pending *call)
{
	gh_os_free(call->resp);
	gh_os_completion_free(call->done);
	gh_os_free(call);
}

void gh_rm_destroy(struct gh_rm *rm)
{
	struct gh_rm_pending *call, *next;

	if (!rm)
		return;
	for (call = rm->calls; call; call = next) {
		next = call->next;
		call_free(call);
	}
	gh_os_free(rm->rx.buf);
	gh_os_rwlock_free(rm->listen_lock);
	gh_os_mutex_free(rm->rx_lock);
	gh_os_mutex_free(rm->call_lock);
	gh_os_completion_free(rm->tx_ready);
	gh_os_mutex_free(rm->send_lock);
	gh_os_free(rm);
}

int gh_rm_remap_error(uint32_t rm_err)
{
	switch (rm_err) {
	case GH_RM_ERROR_OK:
		return 0;
	case GH_RM_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GH_RM_ERROR_NOMEM:
		return -ENOMEM;
	case GH_RM_ERROR_NORESOURCE:
		return -ENODEV;
	case GH_RM_ERROR_DENIED:
		return -EPERM;
	case GH_RM_ERROR_BUSY:
	case GH_RM_ERROR_IN_USE:
		return -EBUSY;
	case GH_RM_ERROR_MSG_INVALID:
	case GH_RM_ERROR_ARGUMENT_INVALID:
	case GH_RM_ERROR_HANDLE_INVALID:
	case GH_RM_ERROR_VALIDATE_FAILED:
	case GH_RM_ERROR_MAP_FAILED:
	case GH_RM_ERROR_MEM_INVALID:
	case GH_RM_ERROR_MEM_INUSE:
	case GH_RM_ERROR_MEM_RELEASED:
	case GH_RM_ERROR_VMID_INVALID:
	case GH_RM_ERROR_LOOKUP_FAILED:
	case GH_RM_ERROR_IRQ_INVALID:
	case GH_RM_ERROR_IRQ_INUSE:
	case GH_RM_ERROR_IRQ_RELEASED:
	case GH_RM_ERROR_IRQ_NOT_MAPPED:
	case GH_RM_ERROR_VM_STATE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* --- send ---------------------------------------------------------------------- */

void gh_rm_tx_ready(struct gh_rm *rm)
{
	gh_os_completion_complete(rm->tx_ready);
}

/*
 * One message, waiting while the queue is full. The completion is re-armed
 * before the retry that precedes a wait, so a "not full" that comes between
 * the failed send and the re-arm is not lost: the retry sees the room.
 */
static int send_one(struct gh_rm *rm, size_t len, bool push, bool interruptible)
{
	int ret;

	for (;;) {
		ret = rm->ops->send(rm->ctx, rm->tx_msg, len, push);
		if (ret != -EAGAIN)
			break;
		gh_os_completion_reinit(rm->tx_ready);
		ret = rm->ops->send(rm->ctx, rm->tx_msg, len, push);
		if (ret != -EAGAIN)
			break;
		ret = gh_os_completion_wait_interruptible(rm->tx_ready);
		if (ret) {
			if (interruptible)
				return ret;
			gh_os_yield();
		}
	}
	if (ret > 0)
		ret = -EIO;
	return ret;
}

/*
 * Sends one RPC as its first message and continuations. A failure part-way
 * leaves a partial message at the RM, which drops it when the next message
 * that is not a continuation arrives.
 */
static int send_rpc(struct gh_rm *rm, uint8_t type, uint16_t seq, uint32_t msg_id,
                    const uint8_t *payload, size_t len, bool interruptible)
{
	size_t fragments = len ? (len - 1) / GH_RM_RPC_PAYLOAD_SIZE : 0;
	size_t off = 0, chunk;
	unsigned long sent = 0;
	int ret = 0;

	gh_os_mutex_lock(rm->send_lock);
	do {
		chunk = len - off;
		if (chunk > GH_RM_RPC_PAYLOAD_SIZE)
			chunk = GH_RM_RPC_PAYLOAD_SIZE;
		rm_put8(rm->tx_msg, RM_OFF(gh_rm_rpc_hdr, api), GH_RM_RPC_API_BYTE);
		rm_put8(rm->tx_msg, RM_OFF(gh_rm_rpc_hdr, type),
		        (uint8_t)(fragments << GH_RM_RPC_FRAGMENTS_SHIFT |
		                  (off ? GH_RM_RPC_TYPE_CONTINUATION : type)));
		rm_put16(rm->tx_msg, RM_OFF(gh_rm_rpc_hdr, seq), seq);
		rm_put32(rm->tx_msg, RM_OFF(gh_rm_rpc_hdr, msg_id), msg_id);
		if (chunk)
			__builtin_memcpy(rm->tx_msg + GH_RM_RPC_HDR_SIZE, payload + off, chunk);
		off += chunk;
		ret = send_one(rm, GH_RM_RPC_HDR_SIZE + chunk, off == len, interruptible);
		if (ret)
			break;
		sent++;
	} while (off < len);
	gh_os_mutex_unlock(rm->send_lock);

	gh_os_mutex_lock(rm->call_lock);
	rm->stats.tx_msgs += sent;
	gh_os_mutex_unlock(rm->call_lock);
	return ret;
}

/* --- calls --------------------------------------------------------------------------- */

static struct gh_rm_pending *find_call(struct gh_rm *rm, uint16_t seq, uint32_t msg_id)
{
	struct gh_rm_pending *call;

	for (call = rm->calls; call; call = call->next)
		if (call->seq == seq && call->msg_id == msg_id)
			return call;
	return NULL;
}

static bool seq_in_use(struct gh_rm *rm, uint16_t seq)
{
	struct gh_rm_pending *call;

	for (call = rm->calls; call; call = call->next)
		if (call->seq == seq)
			return true;
	return false;
}

static void unlink_call(struct gh_rm *rm, struct gh_rm_pending *call)
{
	struct gh_rm_pending **pp;

	for (pp = &rm->calls; *pp; pp = &(*pp)->next) {
		if (*pp == call) {
			*pp = call->next;
			call->next = NULL;
			rm->n_calls--;
			return;
		}
	}
}

static int call_begin(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len,
                      bool interruptible, struct gh_rm_pending **out)
{
	struct gh_rm_pending *call;
	int ret;

	if (!rm || !out || !msg_id || (len && !req))
		return -EINVAL;
	if (len > GH_RM_RPC_MAX_PAYLOAD)
		return -E2BIG;
	call = gh_os_zalloc(sizeof(*call));
	if (!call)
		return -ENOMEM;
	call->done = gh_os_completion_alloc();
	if (!call->done) {
		gh_os_free(call);
		return -ENOMEM;
	}
	call->rm = rm;
	call->msg_id = msg_id;
	call->state = RM_CALL_PENDING;

	/* On the list before the request goes out: the reply may beat send_rpc()'s return. */
	gh_os_mutex_lock(rm->call_lock);
	if (rm->n_calls >= GH_RM_MAX_CALLS) {
		gh_os_mutex_unlock(rm->call_lock);
		call_free(call);
		return -EBUSY;
	}
	while (seq_in_use(rm, rm->next_seq))
		rm->next_seq++;
	call->seq = rm->next_seq++;
	call->next = rm->calls;
	rm->calls = call;
	rm->n_calls++;
	rm->stats.calls++;
	gh_os_mutex_unlock(rm->call_lock);
	call->begin_ns = gh_os_now_ns();

	ret = send_rpc(rm, GH_RM_RPC_TYPE_REQUEST, call->seq, msg_id, req, len, interruptible);
	if (ret) {
		/* No reply can come: the RM never saw the whole request. */
		gh_os_mutex_lock(rm->call_lock);
		unlink_call(rm, call);
		gh_os_mutex_unlock(rm->call_lock);
		call_free(call);
		return ret;
	}
	*out = call;
	return 0;
}

/* call_lock held: one ended call into its message id's row. */
static void count_call(struct gh_rm *rm, const struct gh_rm_pending *call, bool failed)
{
	struct gh_rm_call_stat *st = NULL;
	size_t i;

	for (i = 0; i < rm->n_call_stats; i++)
		if (rm->call_stats[i].msg_id == call->msg_id)
			st = &rm->call_stats[i];
	if (!st && rm->n_call_stats < GH_RM_MAX_CALL_STATS) {
		st = &rm->call_stats[rm->n_call_stats++];
		st->msg_id = call->msg_id;
	}
	if (!st) {
		rm->stats.uncounted_calls++;
		return;
	}
	st->calls++;
	if (failed)
		st->failed++;
	st->total_ns += gh_os_now_ns() - call->begin_ns;
}

int gh_rm_call_begin(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len,
                     struct gh_rm_pending **out)
{
	return call_begin(rm, msg_id, req, len, true, out);
}

int gh_rm_call_wait(struct gh_rm_pending *call)
{
	if (!call)
		return -EINVAL;
	return gh_os_completion_wait_interruptible(call->done);
}

int rm_call_wait_uninterruptible(struct gh_rm_pending *call)
{
	while (gh_os_completion_wait_interruptible(call->done))
		gh_os_yield();
	return 0;
}

int gh_rm_call_end(struct gh_rm_pending *call, void **resp, size_t *resp_len, uint32_t *rm_err)
{
	struct gh_rm *rm;
	int ret;

	if (resp)
		*resp = NULL;
	if (resp_len)
		*resp_len = 0;
	if (rm_err)
		*rm_err = GH_RM_ERROR_OK;
	if (!call)
		return -EINVAL;
	rm = call->rm;

	gh_os_mutex_lock(rm->call_lock);
	if (call->state != RM_CALL_DONE) {
		/* The reply's slot stays taken; the receive path frees the call. */
		call->state = RM_CALL_ABANDONED;
		rm->stats.abandoned++;
		count_call(rm, call, true);
		gh_os_mutex_unlock(rm->call_lock);
		return -EINTR;
	}
	count_call(rm, call, call->ret || call->rm_err != GH_RM_ERROR_OK);
	gh_os_mutex_unlock(rm->call_lock);

	ret = call->ret;
	if (!ret && call->rm_err != GH_RM_ERROR_OK) {
		if (rm_err)
			*rm_err = call->rm_err;
		ret = gh_rm_remap_error(call->rm_err);
	}
	if (!ret) {
		if (resp_len)
			*resp_len = call->resp_len;
		if (resp && call->resp_len) {
			*resp = call->resp;
			call->resp = NULL;
		}
	}
	call_free(call);
	return ret;
}

static int call_sync(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t req_len,
                     void **resp, size_t *resp_len, uint32_t *rm_err, bool interruptible)
{
	struct gh_rm_pending *call;
	int ret;

	ret = call_begin(rm, msg_id, req, req_len, interruptible, &call);
	if (ret)
		return ret;
	if (interruptible)
		gh_rm_call_wait(call); /* -EINTR: end() abandons the call */
	else
		rm_call_wait_uninterruptible(call);
	return gh_rm_call_end(call, resp, resp_len, rm_err);
}

int gh_rm_call(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t req_len, void **resp,
               size_t *resp_len, uint32_t *rm_err)
{
	return call_sync(rm, msg_id, req, req_len, resp, resp_len, rm_err, true);
}

int rm_call_uninterruptible(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len)
{
	return call_sync(rm, msg_id, req, len, NULL, NULL, NULL, false);
}

int rm_call_typed(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len, void **resp,
                  size_t *resp_len)
{
	return call_sync(rm, msg_id, req, len, resp, resp_len, NULL, false);
}

/* --- receive ---------------------------------------------------------------------------- */

/*
 * Hands the reply's result to its call, under call_lock. @ret 0: a reply with
 * @rm_err and the payload in rm->rx.buf (ownership moves); -EIO: the reply
 * was malformed or aborted.
 */
static void finish_reply(struct gh_rm *rm, uint16_t seq, uint32_t msg_id, int ret, uint32_t rm_err)
{
	struct gh_rm_pending *call;

	gh_os_mutex_lock(rm->call_lock);
	call = find_call(rm, seq, msg_id);
	if (!call) {
		rm->stats.rx_dropped++;
		gh_os_mutex_unlock(rm->call_lock);
		return;
	}
	unlink_call(rm, call);
	if (ret)
		rm->stats.bad_replies++;
	else if (rm_err != GH_RM_ERROR_OK) {
		rm->stats.rm_errors++;
		rm->stats.last_rm_error = rm_err;
		rm->stats.last_rm_error_msg_id = msg_id;
	}
	if (call->state == RM_CALL_ABANDONED) {
		gh_os_mutex_unlock(rm->call_lock);
		call_free(call);
		return;
	}
	call->ret = ret;
	call->rm_err = rm_err;
	if (!ret) {
		call->resp = rm->rx.buf;
		call->resp_len = rm->rx.len;
		rm->rx.buf = NULL;
	}
	call->state = RM_CALL_DONE;
	gh_os_completion_complete(call->done);
	gh_os_mutex_unlock(rm->call_lock);
}

static bool call_exists(struct gh_rm *rm, uint16_t seq, uint32_t msg_id)
{
	bool found;

	gh_os_mutex_lock(rm->call_lock);
	found = find_call(rm, seq, msg_id) != NULL;
	gh_os_mutex_unlock(rm->call_lock);
	return found;
}

static void count_dropped(struct gh_rm *rm)
{
	gh_os_mutex_lock(rm->call_lock);
	rm->stats.rx_dropped++;
	gh_os_mutex_unlock(rm->call_lock);
}

static void rx_reset(struct gh_rm *rm)
{
	gh_os_free(rm->rx.buf);
	__builtin_memset(&rm->rx, 0, sizeof(rm->rx));
}

static void dispatch_notif(struct gh_rm *rm)
{
	struct gh_rm_listener *l;
	struct gh_rm_notif n;

	gh_rm_decode_notif(rm->rx.msg_id, rm->rx.buf, rm->rx.len, &n);
	gh_os_mutex_lock(rm->call_lock);
	rm->stats.notifs++;
	gh_os_mutex_unlock(rm->call_lock);
	gh_os_rwlock_read_lock(rm->listen_lock);
	for (l = rm->listeners; l; l = l->next)
		l->notify(l, &n);
	gh_os_rwlock_read_unlock(rm->listen_lock);
}

static void rx_complete(struct gh_rm *rm)
{
	if (rm->rx.type == GH_RM_RPC_TYPE_REPLY) {
		if (!rm->rx.discard)
			finish_reply(rm, rm->rx.seq, rm->rx.msg_id, 0, rm->rx.rm_err);
	} else {
		dispatch_notif(rm);
	}
	rx_reset(rm);
}

/* A new message, or a continuation that does not fit, ends the one in progress. */
static void rx_abort(struct gh_rm *rm)
{
	if (!rm->rx.active)
		return;
	if (rm->rx.type == GH_RM_RPC_TYPE_REPLY && !rm->rx.discard)
		finish_reply(rm, rm->rx.seq, rm->rx.msg_id, -EIO, GH_RM_ERROR_OK);
	else
		count_dropped(rm);
	rx_reset(rm);
}

static void rx_first(struct gh_rm *rm, uint8_t type, uint8_t fragments, uint16_t seq,
                     uint32_t msg_id, const uint8_t *msg, size_t len)
{
	size_t hdr = GH_RM_RPC_HDR_SIZE, payload;
	uint32_t rm_err = GH_RM_ERROR_OK;
	bool discard = false;

	rx_abort(rm);
	if (type == GH_RM_RPC_TYPE_REPLY) {
		if (!call_exists(rm, seq, msg_id)) {
			discard = true;
		} else if (len < sizeof(struct gh_rm_rpc_reply_hdr) ||
		           fragments > GH_RM_RPC_MAX_FRAGMENTS) {
			/* Truncated or impossible: the call fails rather than waits forever. */
			finish_reply(rm, seq, msg_id, -EIO, GH_RM_ERROR_OK);
			return;
		} else {
			rm_err = rm_get32(msg, RM_OFF(gh_rm_rpc_reply_hdr, err_code));
			hdr = sizeof(struct gh_rm_rpc_reply_hdr);
		}
	} else if (fragments > GH_RM_RPC_MAX_FRAGMENTS) {
		count_dropped(rm);
		return;
	}
	if (discard) {
		count_dropped(rm);
		if (fragments > GH_RM_RPC_MAX_FRAGMENTS)
			return;
	}

	rm->rx.active = true;
	rm->rx.discard = discard;
	rm->rx.type = type;
	rm->rx.fragments = fragments;
	rm->rx.received = 0;
	rm->rx.seq = seq;
	rm->rx.msg_id = msg_id;
	rm->rx.rm_err = rm_err;
	if (!discard) {
		payload = len - hdr;
		rm->rx.cap = payload + (size_t)fragments * GH_RM_RPC_PAYLOAD_SIZE;
		if (rm->rx.cap) {
			rm->rx.buf = gh_os_zalloc(rm->rx.cap);
			if (!rm->rx.buf) {
				/* Fail the call (or lose the notification), drop the rest. */
				if (type == GH_RM_RPC_TYPE_REPLY)
					finish_reply(rm, seq, msg_id, -EIO, GH_RM_ERROR_OK);
				else
					count_dropped(rm);
				rm->rx.discard = true;
				rm->rx.cap = 0;
				payload = 0;
			}
		}
		if (payload)
			__builtin_memcpy(rm->rx.buf, msg + hdr, payload);
		rm->rx.len = payload;
	}
	if (!fragments)
		rx_complete(rm);
}

static void rx_continuation(struct gh_rm *rm, uint8_t fragments, uint16_t seq, uint32_t msg_id,
                            const uint8_t *msg, size_t len)
{
	size_t payload = len - GH_RM_RPC_HDR_SIZE;

	if (!rm->rx.active) {
		count_dropped(rm);
		return;
	}
	if (fragments != rm->rx.fragments || seq != rm->rx.seq || msg_id != rm->rx.msg_id) {
		rx_abort(rm);
		count_dropped(rm);
		return;
	}
	if (!rm->rx.discard) {
		if (payload > rm->rx.cap - rm->rx.len) { /* cannot happen: bounded by 240 */
			rx_abort(rm);
			return;
		}
		if (payload)
			__builtin_memcpy(rm->rx.buf + rm->rx.len, msg + GH_RM_RPC_HDR_SIZE,
			                 payload);
		rm->rx.len += payload;
	}
	if (++rm->rx.received == rm->rx.fragments)
		rx_complete(rm);
}

static void rx_message(struct gh_rm *rm, const uint8_t *msg, size_t len)
{
	uint8_t type, fragments;
	uint16_t seq;
	uint32_t msg_id;

	if (len < GH_RM_RPC_HDR_SIZE || len > GH_RM_RPC_MSG_SIZE ||
	    msg[RM_OFF(gh_rm_rpc_hdr, api)] != GH_RM_RPC_API_BYTE) {
		count_dropped(rm);
		return;
	}
	type = msg[RM_OFF(gh_rm_rpc_hdr, type)] & GH_RM_RPC_TYPE_MASK;
	fragments = msg[RM_OFF(gh_rm_rpc_hdr, type)] >> GH_RM_RPC_FRAGMENTS_SHIFT;
	seq = rm_get16(msg, RM_OFF(gh_rm_rpc_hdr, seq));
	msg_id = rm_get32(msg, RM_OFF(gh_rm_rpc_hdr, msg_id));

	switch (type) {
	case GH_RM_RPC_TYPE_REPLY:
	case GH_RM_RPC_TYPE_NOTIF:
		rx_first(rm, type, fragments, seq, msg_id, msg, len);
		break;
	case GH_RM_RPC_TYPE_CONTINUATION:
		rx_continuation(rm, fragments, seq, msg_id, msg, len);
		break;
	default: /* a request: this client serves none */
		count_dropped(rm);
		break;
	}
}

int gh_rm_rx_ready(struct gh_rm *rm)
{
	size_t len;
	int ret;

	gh_os_mutex_lock(rm->rx_lock);
	for (;;) {
		len = 0;
		ret = rm->ops->recv(rm->ctx, rm->rx_msg, sizeof(rm->rx_msg), &len);
		if (ret)
			break;
		if (len > sizeof(rm->rx_msg))
			len = sizeof(rm->rx_msg) + 1; /* a transport fault: dropped as oversized */
		gh_os_mutex_lock(rm->call_lock);
		rm->stats.rx_msgs++;
		gh_os_mutex_unlock(rm->call_lock);
		rx_message(rm, rm->rx_msg, len);
	}
	gh_os_mutex_unlock(rm->rx_lock);
	if (ret == -EAGAIN)
		return 0;
	return ret > 0 ? -EIO : ret;
}

/* --- listeners and stats ------------------------------------------------------------------- */

int gh_rm_register_listener(struct gh_rm *rm, struct gh_rm_listener *l)
{
	struct gh_rm_listener *it;

	if (!rm || !l || !l->notify)
		return -EINVAL;
	gh_os_rwlock_write_lock(rm->listen_lock);
	for (it = rm->listeners; it; it = it->next) {
		if (it == l) {
			gh_os_rwlock_write_unlock(rm->listen_lock);
			return -EEXIST;
		}
	}
	l->next = rm->listeners;
	rm->listeners = l;
	gh_os_rwlock_write_unlock(rm->listen_lock);
	return 0;
}

int gh_rm_unregister_listener(struct gh_rm *rm, struct gh_rm_listener *l)
{
	struct gh_rm_listener **pp;

	if (!rm || !l)
		return -EINVAL;
	gh_os_rwlock_write_lock(rm->listen_lock);
	for (pp = &rm->listeners; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			l->next = NULL;
			gh_os_rwlock_write_unlock(rm->listen_lock);
			return 0;
		}
	}
	gh_os_rwlock_write_unlock(rm->listen_lock);
	return -ENOENT;
}

void gh_rm_get_stats(struct gh_rm *rm, struct gh_rm_stats *out)
{
	gh_os_mutex_lock(rm->call_lock);
	*out = rm->stats;
	gh_os_mutex_unlock(rm->call_lock);
}

size_t gh_rm_get_call_stats(struct gh_rm *rm, struct gh_rm_call_stat *out, size_t max)
{
	size_t n;

	gh_os_mutex_lock(rm->call_lock);
	n = rm->n_call_stats < max ? rm->n_call_stats : max;
	for (size_t i = 0; i < n; i++)
		out[i] = rm->call_stats[i];
	gh_os_mutex_unlock(rm->call_lock);
	return n;
}
