// SPDX-License-Identifier: BSD-3-Clause
// The server framing (//rm:server): reassembly of fragmented requests, its
// limits, malformed messages, and replies and notifications split into
// messages that the real client (//rm) decodes.
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/os_posix.h>
#include <gunyah/rm.h>
#include <gunyah/rm_server.h>
}

namespace {

using Bytes = std::vector<uint8_t>;

Bytes Hdr(uint8_t type, uint8_t fragments, uint16_t seq, uint32_t msg_id,
          uint8_t api = GH_RM_RPC_API_BYTE)
{
	return { api,
		 static_cast<uint8_t>(fragments << GH_RM_RPC_FRAGMENTS_SHIFT | type),
		 static_cast<uint8_t>(seq),
		 static_cast<uint8_t>(seq >> 8),
		 static_cast<uint8_t>(msg_id),
		 static_cast<uint8_t>(msg_id >> 8),
		 static_cast<uint8_t>(msg_id >> 16),
		 static_cast<uint8_t>(msg_id >> 24) };
}

Bytes Msg(uint8_t type, uint8_t fragments, uint16_t seq, uint32_t msg_id, size_t n,
          uint8_t fill = 0)
{
	Bytes m = Hdr(type, fragments, seq, msg_id);
	for (size_t i = 0; i < n; i++)
		m.push_back(static_cast<uint8_t>(fill + i));
	return m;
}

struct Rx {
	gh_rm_server_rx rx;
	gh_rm_server_request req;
	Rx() { gh_rm_server_rx_init(&rx); }
	int Feed(const Bytes &m) { return gh_rm_server_rx_feed(&rx, m.data(), m.size(), &req); }
};

TEST(RmServerRx, OneMessageRequest)
{
	Rx r;
	ASSERT_EQ(GH_RM_SERVER_REQUEST, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 0, 7, 0x56000001, 4)));
	EXPECT_EQ(0x56000001U, r.req.msg_id);
	EXPECT_EQ(7, r.req.seq);
	ASSERT_EQ(4U, r.req.len);
	EXPECT_EQ(3, r.req.payload[3]);
	// an empty request (VM_GET_VMID)
	ASSERT_EQ(GH_RM_SERVER_REQUEST, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 0, 8, 0x56000024, 0)));
	EXPECT_EQ(0U, r.req.len);
}

TEST(RmServerRx, FragmentsReassembleUpToTheLimit)
{
	Rx r;
	const uint8_t f = GH_RM_RPC_MAX_FRAGMENTS;

	ASSERT_EQ(GH_RM_SERVER_MORE,
	          r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, f, 1, 0x51000013, GH_RM_RPC_PAYLOAD_SIZE, 0)));
	for (unsigned i = 1; i < f; i++)
		ASSERT_EQ(GH_RM_SERVER_MORE,
		          r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, f, 1, 0x51000013,
		                     GH_RM_RPC_PAYLOAD_SIZE, uint8_t(i))));
	ASSERT_EQ(GH_RM_SERVER_REQUEST, r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, f, 1, 0x51000013,
	                                           GH_RM_RPC_PAYLOAD_SIZE, uint8_t(f))));
	ASSERT_EQ(size_t(GH_RM_RPC_MAX_PAYLOAD), r.req.len);
	for (unsigned i = 0; i <= f; i++)
		EXPECT_EQ(uint8_t(i), r.req.payload[i * GH_RM_RPC_PAYLOAD_SIZE]) << i;
}

TEST(RmServerRx, ShortContinuationsAreAccepted)
{
	Rx r;
	ASSERT_EQ(GH_RM_SERVER_MORE, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 2, 3, 9, 10)));
	ASSERT_EQ(GH_RM_SERVER_MORE, r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, 2, 3, 9, 0)));
	ASSERT_EQ(GH_RM_SERVER_REQUEST, r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, 2, 3, 9, 5)));
	EXPECT_EQ(15U, r.req.len);
}

TEST(RmServerRx, MalformedMessages)
{
	Rx r;
	Bytes m = Msg(GH_RM_RPC_TYPE_REQUEST, 0, 1, 9, 4);

	EXPECT_EQ(GH_RM_SERVER_ERR_SHORT, r.Feed(Bytes(m.begin(), m.begin() + 7)));
	EXPECT_EQ(GH_RM_SERVER_ERR_SHORT, r.Feed(Bytes()));
	EXPECT_EQ(GH_RM_SERVER_ERR_OVERSIZE, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 0, 1, 9, 233)));
	Bytes bad = m;
	bad[0] = 0x11; // header words 1
	EXPECT_EQ(GH_RM_SERVER_ERR_API, r.Feed(bad));
	bad[0] = 0x22; // version 2
	EXPECT_EQ(GH_RM_SERVER_ERR_API, r.Feed(bad));
	EXPECT_EQ(GH_RM_SERVER_ERR_TYPE, r.Feed(Msg(GH_RM_RPC_TYPE_REPLY, 0, 1, 9, 4)));
	EXPECT_EQ(GH_RM_SERVER_ERR_TYPE, r.Feed(Msg(GH_RM_RPC_TYPE_NOTIF, 0, 1, 9, 4)));
	EXPECT_EQ(GH_RM_SERVER_ERR_TYPE, r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, 0, 1, 9, 4)));
	EXPECT_EQ(GH_RM_SERVER_ERR_FRAGMENTS, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 63, 1, 9, 4)));
	// still usable
	EXPECT_EQ(GH_RM_SERVER_REQUEST, r.Feed(m));
}

TEST(RmServerRx, ContinuationMismatchDropsTheRequest)
{
	const struct {
		uint8_t fragments;
		uint16_t seq;
		uint32_t id;
	} cases[] = { { 2, 1, 10 }, { 1, 2, 9 }, { 1, 1, 10 } };

	for (const auto &c : cases) {
		Rx r;
		ASSERT_EQ(GH_RM_SERVER_MORE, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 1, 1, 9, 232)));
		EXPECT_EQ(GH_RM_SERVER_ERR_MISMATCH,
		          r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, c.fragments, c.seq, c.id, 4)));
		// the request is gone: its proper continuation is now unexpected
		EXPECT_EQ(GH_RM_SERVER_ERR_TYPE,
		          r.Feed(Msg(GH_RM_RPC_TYPE_CONTINUATION, 1, 1, 9, 4)));
	}
}

TEST(RmServerRx, ANewRequestDropsAnUnfinishedOne)
{
	Rx r;
	ASSERT_EQ(GH_RM_SERVER_MORE, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 3, 1, 9, 232)));
	ASSERT_EQ(GH_RM_SERVER_REQUEST, r.Feed(Msg(GH_RM_RPC_TYPE_REQUEST, 0, 2, 9, 4)));
	EXPECT_EQ(2, r.req.seq);
	EXPECT_EQ(4U, r.req.len);
	EXPECT_EQ(1U, r.rx.dropped);
}

struct Sink {
	std::vector<Bytes> msgs;
	int fail_at = -1;
	static int Emit(void *ctx, const void *msg, size_t size)
	{
		Sink *s = static_cast<Sink *>(ctx);
		if (s->fail_at == int(s->msgs.size()))
			return -42;
		const uint8_t *p = static_cast<const uint8_t *>(msg);
		s->msgs.emplace_back(p, p + size);
		return 0;
	}
};

TEST(RmServerEncode, ReplyFraming)
{
	Sink s;
	Bytes payload(500);
	for (size_t i = 0; i < payload.size(); i++)
		payload[i] = uint8_t(i);

	ASSERT_EQ(0, gh_rm_server_reply(0x56000020, 0x1234, 6, payload.data(), payload.size(),
	                                Sink::Emit, &s));
	// 4 + 500 = 504 bytes: 232 + 232 + 40
	ASSERT_EQ(3U, s.msgs.size());
	EXPECT_EQ(240U, s.msgs[0].size());
	EXPECT_EQ(240U, s.msgs[1].size());
	EXPECT_EQ(48U, s.msgs[2].size());
	EXPECT_EQ(Hdr(GH_RM_RPC_TYPE_REPLY, 2, 0x1234, 0x56000020),
	          Bytes(s.msgs[0].begin(), s.msgs[0].begin() + 8));
	EXPECT_EQ(Hdr(GH_RM_RPC_TYPE_CONTINUATION, 2, 0x1234, 0x56000020),
	          Bytes(s.msgs[2].begin(), s.msgs[2].begin() + 8));
	EXPECT_EQ(6, s.msgs[0][8]);
	EXPECT_EQ(0, s.msgs[0][12]);
	EXPECT_EQ(228, s.msgs[1][8]);

	Sink e;
	ASSERT_EQ(0, gh_rm_server_reply(1, 2, 0, nullptr, 0, Sink::Emit, &e));
	ASSERT_EQ(1U, e.msgs.size());
	EXPECT_EQ(12U, e.msgs[0].size());

	Sink n;
	ASSERT_EQ(0, gh_rm_server_notify(GH_RM_NOTIF_VM_STATUS, 5, payload.data(), 232, Sink::Emit,
	                                 &n));
	ASSERT_EQ(1U, n.msgs.size());
	EXPECT_EQ(Hdr(GH_RM_RPC_TYPE_NOTIF, 0, 5, GH_RM_NOTIF_VM_STATUS),
	          Bytes(n.msgs[0].begin(), n.msgs[0].begin() + 8));
}

TEST(RmServerEncode, LimitsAndEmitErrors)
{
	static uint8_t big[GH_RM_RPC_MAX_PAYLOAD + 1];
	Sink s;

	EXPECT_EQ(GH_RM_SERVER_ERR_OVERSIZE,
	          gh_rm_server_reply(1, 1, 0, big, GH_RM_RPC_MAX_PAYLOAD - 3, Sink::Emit, &s));
	EXPECT_EQ(0, gh_rm_server_reply(1, 1, 0, big, GH_RM_RPC_MAX_PAYLOAD - 4, Sink::Emit, &s));
	EXPECT_EQ(63U, s.msgs.size());
	EXPECT_EQ(GH_RM_SERVER_ERR_OVERSIZE,
	          gh_rm_server_notify(1, 1, big, GH_RM_RPC_MAX_PAYLOAD + 1, Sink::Emit, &s));
	Sink f;
	f.fail_at = 1;
	EXPECT_EQ(-42, gh_rm_server_notify(1, 1, big, 300, Sink::Emit, &f));
	EXPECT_EQ(1U, f.msgs.size());
}

// The real client on a transport whose far end is this library.
struct Loop {
	gh_rm_server_rx rx;
	std::deque<Bytes> to_client;
	uint32_t err = 0;
	Bytes reply;
	Bytes last_request;

	static int Send(void *ctx, const void *msg, size_t len, bool push)
	{
		(void)push;
		Loop *l = static_cast<Loop *>(ctx);
		gh_rm_server_request req;
		int r = gh_rm_server_rx_feed(&l->rx, msg, len, &req);
		if (r == GH_RM_SERVER_REQUEST) {
			l->last_request.assign(req.payload, req.payload + req.len);
			return gh_rm_server_reply(req.msg_id, req.seq, l->err, l->reply.data(),
			                          l->reply.size(), Queue, l);
		}
		return r == GH_RM_SERVER_MORE ? 0 : -EIO;
	}
	static int Queue(void *ctx, const void *msg, size_t size)
	{
		const uint8_t *p = static_cast<const uint8_t *>(msg);
		static_cast<Loop *>(ctx)->to_client.emplace_back(p, p + size);
		return 0;
	}
	static int Recv(void *ctx, void *buf, size_t cap, size_t *len)
	{
		Loop *l = static_cast<Loop *>(ctx);
		if (l->to_client.empty())
			return -EAGAIN;
		Bytes m = l->to_client.front();
		l->to_client.pop_front();
		if (m.size() > cap)
			return -EIO;
		memcpy(buf, m.data(), m.size());
		*len = m.size();
		return 0;
	}
};

const gh_rm_transport_ops kLoopOps = { Loop::Send, Loop::Recv };

TEST(RmServerEncode, RoundTripThroughTheClient)
{
	for (size_t n : { size_t(0), size_t(4), size_t(228), size_t(229), size_t(5000),
	                  size_t(GH_RM_RPC_MAX_PAYLOAD - 4) }) {
		Loop l;
		gh_rm_server_rx_init(&l.rx);
		l.reply.resize(n);
		for (size_t i = 0; i < n; i++)
			l.reply[i] = uint8_t(i * 7);
		gh_rm *rm = nullptr;
		ASSERT_EQ(0, gh_rm_create(&kLoopOps, &l, &rm));
		Bytes req(3000, 0x5a);
		gh_rm_pending *call = nullptr;
		ASSERT_EQ(0, gh_rm_call_begin(rm, GH_RM_MSG_VM_GET_HYP_RESOURCES, req.data(),
		                              req.size(), &call));
		EXPECT_EQ(req, l.last_request);
		ASSERT_EQ(0, gh_rm_rx_ready(rm));
		ASSERT_EQ(0, gh_rm_call_wait(call));
		void *resp = nullptr;
		size_t resp_len = 0;
		ASSERT_EQ(0, gh_rm_call_end(call, &resp, &resp_len, nullptr)) << n;
		ASSERT_EQ(n, resp_len);
		if (n)
			EXPECT_EQ(0, memcmp(resp, l.reply.data(), n));
		gh_os_free(resp);

		// an error code comes back as the client's -errno and raw code
		l.err = GH_RM_ERROR_VM_STATE;
		uint32_t rm_err = 0;
		ASSERT_EQ(0, gh_rm_call_begin(rm, GH_RM_MSG_VM_START, req.data(), 4, &call));
		ASSERT_EQ(0, gh_rm_rx_ready(rm));
		ASSERT_EQ(0, gh_rm_call_wait(call));
		EXPECT_GT(0, gh_rm_call_end(call, nullptr, nullptr, &rm_err));
		EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), rm_err);
		gh_rm_destroy(rm);
	}
}

} // namespace
