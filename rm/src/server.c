// SPDX-License-Identifier: BSD-3-Clause
/*
 * The server side of the RM RPC framing: reassembly of requests, fragmented
 * replies and notifications (rm_server.h). Every field is read and written
 * byte by byte in little-endian order.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include <gunyah/rm_server.h>

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void gh_rm_server_rx_init(struct gh_rm_server_rx *rx)
{
	rx->dropped = 0;
	rx->active = false;
	rx->fragments = 0;
	rx->remaining = 0;
	rx->seq = 0;
	rx->msg_id = 0;
	rx->len = 0;
}

static int complete(struct gh_rm_server_rx *rx, struct gh_rm_server_request *req)
{
	rx->active = false;
	req->msg_id = rx->msg_id;
	req->seq = rx->seq;
	req->payload = rx->buf;
	req->len = rx->len;
	return GH_RM_SERVER_REQUEST;
}

int gh_rm_server_rx_feed(struct gh_rm_server_rx *rx, const void *msg, size_t size,
                         struct gh_rm_server_request *req)
{
	const uint8_t *m = msg;
	unsigned int type, fragments;
	uint32_t msg_id;
	uint16_t seq;
	size_t n;

	if (size < GH_RM_RPC_HDR_SIZE) {
		rx->active = false;
		return GH_RM_SERVER_ERR_SHORT;
	}
	if (size > GH_RM_RPC_MSG_SIZE) {
		rx->active = false;
		return GH_RM_SERVER_ERR_OVERSIZE;
	}
	if (m[0] != GH_RM_RPC_API_BYTE) {
		rx->active = false;
		return GH_RM_SERVER_ERR_API;
	}
	type = m[1] & GH_RM_RPC_TYPE_MASK;
	fragments = m[1] >> GH_RM_RPC_FRAGMENTS_SHIFT;
	seq = get_le16(m + 2);
	msg_id = get_le32(m + 4);
	n = size - GH_RM_RPC_HDR_SIZE;

	if (type == GH_RM_RPC_TYPE_CONTINUATION) {
		if (!rx->active)
			return GH_RM_SERVER_ERR_TYPE;
		if (msg_id != rx->msg_id || seq != rx->seq || fragments != rx->fragments) {
			rx->active = false;
			return GH_RM_SERVER_ERR_MISMATCH;
		}
		/* rx->len <= (fragments - remaining + 1) * 232 <= 62 * 232 here */
		memcpy(rx->buf + rx->len, m + GH_RM_RPC_HDR_SIZE, n);
		rx->len += n;
		if (--rx->remaining == 0)
			return complete(rx, req);
		return GH_RM_SERVER_MORE;
	}
	if (type != GH_RM_RPC_TYPE_REQUEST) {
		rx->active = false;
		return GH_RM_SERVER_ERR_TYPE;
	}
	if (fragments > GH_RM_RPC_MAX_FRAGMENTS) {
		rx->active = false;
		return GH_RM_SERVER_ERR_FRAGMENTS;
	}
	if (rx->active)
		rx->dropped++;
	rx->active = true;
	rx->fragments = (uint8_t)fragments;
	rx->remaining = (uint8_t)fragments;
	rx->seq = seq;
	rx->msg_id = msg_id;
	memcpy(rx->buf, m + GH_RM_RPC_HDR_SIZE, n);
	rx->len = n;
	if (!fragments)
		return complete(rx, req);
	return GH_RM_SERVER_MORE;
}

/*
 * @lead (@lead_len bytes, 0 or 4) then @payload, in messages of at most
 * GH_RM_RPC_PAYLOAD_SIZE bytes of payload each.
 */
static int encode(unsigned int type, uint32_t msg_id, uint16_t seq, const uint8_t *lead,
                  size_t lead_len, const uint8_t *payload, size_t len, gh_rm_server_emit_fn emit,
                  void *ctx)
{
	uint8_t msg[GH_RM_RPC_MSG_SIZE];
	size_t total, off = 0, fragments, i;
	int ret;

	if (len > GH_RM_RPC_MAX_PAYLOAD - lead_len || (len && !payload))
		return GH_RM_SERVER_ERR_OVERSIZE;
	total = lead_len + len;
	fragments = total ? (total - 1) / GH_RM_RPC_PAYLOAD_SIZE : 0;
	for (i = 0; i <= fragments; i++) {
		size_t room = GH_RM_RPC_PAYLOAD_SIZE, k = GH_RM_RPC_HDR_SIZE;

		msg[0] = GH_RM_RPC_API_BYTE;
		msg[1] = (uint8_t)((fragments << GH_RM_RPC_FRAGMENTS_SHIFT) |
		                   (i ? GH_RM_RPC_TYPE_CONTINUATION : type));
		put_le16(msg + 2, seq);
		put_le32(msg + 4, msg_id);
		if (i == 0 && lead_len) {
			memcpy(msg + k, lead, lead_len);
			k += lead_len;
			room -= lead_len;
		}
		if (room > len - off)
			room = len - off;
		if (room)
			memcpy(msg + k, payload + off, room);
		off += room;
		ret = emit(ctx, msg, k + room);
		if (ret)
			return ret;
	}
	return 0;
}

int gh_rm_server_reply(uint32_t msg_id, uint16_t seq, uint32_t err_code, const void *payload,
                       size_t len, gh_rm_server_emit_fn emit, void *ctx)
{
	uint8_t err[4];

	put_le32(err, err_code);
	return encode(GH_RM_RPC_TYPE_REPLY, msg_id, seq, err, sizeof(err), payload, len, emit, ctx);
}

int gh_rm_server_notify(uint32_t msg_id, uint16_t seq, const void *payload, size_t len,
                        gh_rm_server_emit_fn emit, void *ctx)
{
	return encode(GH_RM_RPC_TYPE_NOTIF, msg_id, seq, NULL, 0, payload, len, emit, ctx);
}
