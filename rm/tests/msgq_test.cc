// SPDX-License-Identifier: BSD-3-Clause
// The message-queue transport: msgq_send/msgq_recv registers, PUSH on the last
// fragment only, FULL and EMPTY, other errors, against a recording hypervisor.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <vector>

extern "C" {
#include <gunyah/hypercall.h>
#include <gunyah/os_posix.h>
#include <gunyah/rm.h>
}

namespace {

using Bytes = std::vector<uint8_t>;

struct Hyp {
	struct Sent {
		uint64_t capid, flags;
		Bytes msg;
	};
	std::vector<Sent> sent;
	std::deque<Bytes> rx;
	uint64_t rx_capid_seen = 0;
	int full = 0;           // this many sends fail with MSGQUEUE_FULL
	int64_t recv_error = 0; // returned instead of a message when set

	static void Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out)
	{
		auto *h = static_cast<Hyp *>(ctx);
		memset(out, 0, sizeof(*out));
		if (in->x[0] == GH_HYPERCALL_MSGQ_SEND) {
			EXPECT_EQ(in->x[5], 0u);
			if (h->full > 0) {
				h->full--;
				out->x[0] = GH_ERROR_MSGQUEUE_FULL;
				return;
			}
			const auto *p = reinterpret_cast<const uint8_t *>(in->x[3]);
			h->sent.push_back({ in->x[1], in->x[4], Bytes(p, p + in->x[2]) });
			out->x[1] = 1; // not full
		} else if (in->x[0] == GH_HYPERCALL_MSGQ_RECV) {
			h->rx_capid_seen = in->x[1];
			if (h->recv_error) {
				out->x[0] = static_cast<uint64_t>(h->recv_error);
				return;
			}
			if (h->rx.empty()) {
				out->x[0] = GH_ERROR_MSGQUEUE_EMPTY;
				return;
			}
			Bytes m = h->rx.front();
			h->rx.pop_front();
			EXPECT_GE(in->x[3], m.size());
			memcpy(reinterpret_cast<void *>(in->x[2]), m.data(), m.size());
			out->x[1] = m.size();
			out->x[2] = !h->rx.empty();
		} else {
			out->x[0] = static_cast<uint64_t>(GH_ERROR_UNIMPLEMENTED);
		}
	}
};

class Msgq : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		backend_ = { "rm-msgq", &Hyp::Call, &hyp_, nullptr };
		ASSERT_EQ(gh_hypercall_register_backend(&backend_), 0);
		ASSERT_EQ(gh_rm_create(&gh_rm_msgq_ops, &q_, &rm_), 0);
	}
	void TearDown() override
	{
		gh_rm_destroy(rm_);
		EXPECT_EQ(gh_hypercall_unregister_backend(&backend_), 0);
	}
	Hyp hyp_;
	gh_hypercall_backend backend_{};
	gh_rm_msgq q_ = { 0x1001, 0x2002 };
	gh_rm *rm_ = nullptr;
};

TEST_F(Msgq, FragmentsPushAndReply)
{
	Bytes req(500, 0x5a);
	gh_rm_pending *call = nullptr;
	ASSERT_EQ(gh_rm_call_begin(rm_, GH_RM_MSG_VM_START, req.data(), req.size(), &call), 0);
	ASSERT_EQ(hyp_.sent.size(), 3u);
	for (size_t i = 0; i < 3; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(hyp_.sent[i].capid, 0x1001u);
		EXPECT_EQ(hyp_.sent[i].flags, i == 2 ? GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH : 0u);
		EXPECT_EQ(hyp_.sent[i].msg[0], 0x21);
	}
	EXPECT_EQ(hyp_.sent[0].msg.size(), 240u);
	EXPECT_EQ(hyp_.sent[2].msg.size(), 8u + 500 - 464);
	uint16_t seq = static_cast<uint16_t>(hyp_.sent[0].msg[2] | hyp_.sent[0].msg[3] << 8);
	// Reply: header (REPLY), err 0, payload 0xab.
	hyp_.rx.push_back({ 0x21, 0x02, static_cast<uint8_t>(seq), static_cast<uint8_t>(seq >> 8),
	                    0x04, 0x00, 0x00, 0x56, 0, 0, 0, 0, 0xab });
	ASSERT_EQ(gh_rm_rx_ready(rm_), 0);
	EXPECT_EQ(hyp_.rx_capid_seen, 0x2002u);
	void *p = nullptr;
	size_t len = 0;
	ASSERT_EQ(gh_rm_call_end(call, &p, &len, nullptr), 0);
	ASSERT_EQ(len, 1u);
	EXPECT_EQ(static_cast<uint8_t *>(p)[0], 0xab);
	gh_os_free(p);
}

TEST_F(Msgq, FullQueueWaitsForTxReady)
{
	// Two FULLs: the send, and the retry after re-arming; then the wait,
	// which the completion (set at create, never re-armed by an IRQ here)
	// would normally block. Signal "not full" beforehand so it proceeds.
	hyp_.full = 1;
	gh_rm_pending *call = nullptr;
	ASSERT_EQ(gh_rm_call_begin(rm_, GH_RM_MSG_VM_INIT, nullptr, 0, &call), 0);
	EXPECT_EQ(hyp_.sent.size(), 1u);
	EXPECT_EQ(gh_rm_call_end(call, nullptr, nullptr, nullptr), -EINTR);
}

TEST_F(Msgq, ReceiveErrors)
{
	hyp_.recv_error = GH_ERROR_ADDR_INVAL;
	EXPECT_EQ(gh_rm_rx_ready(rm_), -EFAULT);
	hyp_.recv_error = GH_ERROR_RETRY; // must not read as "empty, wait for the IRQ"
	EXPECT_EQ(gh_rm_rx_ready(rm_), -EIO);
	hyp_.recv_error = 0;
	EXPECT_EQ(gh_rm_rx_ready(rm_), 0);
}

TEST(MsgqNoBackend, SendFailsCleanly)
{
	// No hypervisor: the hypercall answers UNIMPLEMENTED.
	gh_rm_msgq q = { 1, 2 };
	gh_rm *rm = nullptr;
	ASSERT_EQ(gh_rm_create(&gh_rm_msgq_ops, &q, &rm), 0);
	gh_rm_pending *call = nullptr;
	EXPECT_EQ(gh_rm_call_begin(rm, GH_RM_MSG_VM_INIT, nullptr, 0, &call), -EOPNOTSUPP);
	EXPECT_EQ(gh_rm_rx_ready(rm), -EOPNOTSUPP);
	gh_rm_destroy(rm);
}

} // namespace
