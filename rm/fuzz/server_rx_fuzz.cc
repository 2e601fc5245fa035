// SPDX-License-Identifier: BSD-3-Clause
// Whatever a client sends: arbitrary message streams into the server's
// reassembly (//rm:server), and every completed request answered through the
// encoder. No crash, no out-of-bounds access; a request is never longer than
// GH_RM_RPC_MAX_PAYLOAD and the replies reassemble to what was encoded.
//
// Input: records { u8 length, bytes... } (a length past the data takes the
// rest) sent as they are; a length of 255 instead gives a header built from
// { type, fragments, seq, id byte, payload length }, then the payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <gunyah/rm_server.h>
}

namespace {

struct Check {
	size_t total = 0;
	size_t messages = 0;
};

int Count(void *ctx, const void *msg, size_t size)
{
	Check *c = static_cast<Check *>(ctx);
	const uint8_t *m = static_cast<const uint8_t *>(msg);

	if (size < GH_RM_RPC_HDR_SIZE || size > GH_RM_RPC_MSG_SIZE || m[0] != GH_RM_RPC_API_BYTE)
		abort();
	c->total += size - GH_RM_RPC_HDR_SIZE;
	c->messages++;
	return 0;
}

gh_rm_server_rx rx;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t msg[GH_RM_RPC_MSG_SIZE + 16];
	size_t off = 0;

	gh_rm_server_rx_init(&rx);
	while (off < size) {
		size_t n = data[off++], k = 0;

		if (n == 255 && size - off >= 5) {
			msg[0] = GH_RM_RPC_API_BYTE;
			msg[1] = static_cast<uint8_t>(data[off + 1] << GH_RM_RPC_FRAGMENTS_SHIFT |
			                              (data[off] & GH_RM_RPC_TYPE_MASK));
			msg[2] = data[off + 2];
			msg[3] = 0;
			msg[4] = data[off + 3];
			msg[5] = msg[6] = 0;
			msg[7] = 0x56;
			n = data[off + 4];
			off += 5;
			k = 8;
		}
		if (n > size - off)
			n = size - off;
		if (k + n > sizeof(msg))
			n = sizeof(msg) - k;
		memcpy(msg + k, data + off, n);
		off += n;

		gh_rm_server_request req;
		int r = gh_rm_server_rx_feed(&rx, msg, k + n, &req);
		if (r == GH_RM_SERVER_REQUEST) {
			Check c;
			if (req.len > GH_RM_RPC_MAX_PAYLOAD)
				abort();
			int e = gh_rm_server_reply(req.msg_id, req.seq, 0, req.payload,
			                           req.len > GH_RM_RPC_MAX_PAYLOAD - 4 ?
			                                   GH_RM_RPC_MAX_PAYLOAD - 4 :
			                                   req.len,
			                           Count, &c);
			if (e || c.total != 4 + (req.len > GH_RM_RPC_MAX_PAYLOAD - 4 ?
			                                 GH_RM_RPC_MAX_PAYLOAD - 4 :
			                                 req.len))
				abort();
		} else if (r != GH_RM_SERVER_MORE && r >= 0) {
			abort();
		}
	}
	return 0;
}
