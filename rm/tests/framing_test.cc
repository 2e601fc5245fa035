// SPDX-License-Identifier: BSD-3-Clause
// The RPC framing: headers, fragments, reassembly, sequence numbers, malformed
// and interleaved messages, signals, a full TX queue, dead objects.
#include <gtest/gtest.h>

#include <chrono>

#include <atomic>
#include <thread>

extern "C" {
#include <gunyah/os_posix.h>
}

#include "fake_rm.h"

namespace rmtest {
namespace {

constexpr uint32_t kId = GH_RM_MSG_VM_START;
constexpr uint32_t kId2 = GH_RM_MSG_VM_INIT;

Bytes Pattern(size_t n, uint8_t seed)
{
	Bytes b(n);
	for (size_t i = 0; i < n; i++)
		b[i] = static_cast<uint8_t>(seed + i * 7);
	return b;
}

struct Collect : gh_rm_listener {
	std::vector<uint32_t> ids;
	std::vector<Bytes> payloads;
	std::vector<int> errs;
	static void Cb(gh_rm_listener *l, const gh_rm_notif *n)
	{
		auto *c = static_cast<Collect *>(l);
		c->ids.push_back(n->msg_id);
		c->payloads.emplace_back(n->payload, n->payload + n->len);
		c->errs.push_back(n->err);
	}
	Collect()
	{
		notify = Cb;
		next = nullptr;
	}
};

// The call's result once its reply is in.
int End(gh_rm_pending *c, Bytes *resp = nullptr, uint32_t *rm_err = nullptr)
{
	void *p = nullptr;
	size_t len = 0;
	int ret = gh_rm_call_end(c, &p, &len, rm_err);
	if (resp)
		resp->assign(static_cast<uint8_t *>(p), static_cast<uint8_t *>(p) + len);
	gh_os_free(p);
	return ret;
}

class Framing : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		allocs_ = gh_os_posix_live_allocs();
		fake_ = new FakeRm();
	}
	void TearDown() override
	{
		delete fake_;
		EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
	}
	gh_rm_pending *Begin(uint32_t id, const Bytes &req = {})
	{
		gh_rm_pending *c = nullptr;
		EXPECT_EQ(gh_rm_call_begin(fake_->rm(), id, req.data(), req.size(), &c), 0);
		return c;
	}
	gh_rm_stats Stats()
	{
		gh_rm_stats s;
		gh_rm_get_stats(fake_->rm(), &s);
		return s;
	}
	FakeRm *fake_ = nullptr;
	long allocs_ = 0;
};

TEST_F(Framing, RequestFragments)
{
	struct Case {
		size_t len;
		unsigned messages;
	} cases[] = { { 0, 1 },
		      { 1, 1 },
		      { 232, 1 },
		      { 233, 2 },
		      { 464, 2 },
		      { 500, 3 },
		      { GH_RM_RPC_MAX_PAYLOAD, 63 } };
	for (const auto &c : cases) {
		SCOPED_TRACE(c.len);
		Bytes req = Pattern(c.len, 3);
		gh_rm_pending *call = Begin(kId, req);
		ASSERT_TRUE(fake_->WaitRequests(1));
		Request r = fake_->Pop();
		EXPECT_EQ(r.msg_id, kId);
		EXPECT_EQ(r.payload, req);
		EXPECT_EQ(r.messages, c.messages);
		EXPECT_TRUE(r.push_only_last);
		fake_->Reply(r.seq, r.msg_id, 0);
		ASSERT_EQ(fake_->Deliver(), 0);
		ASSERT_EQ(gh_rm_call_wait(call), 0);
		EXPECT_EQ(End(call), 0);
	}
	gh_rm_pending *call = nullptr;
	Bytes big(GH_RM_RPC_MAX_PAYLOAD + 1);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, big.data(), big.size(), &call), -E2BIG);
}

TEST_F(Framing, HeaderBytesOnTheWire)
{
	Bytes req = Pattern(300, 1);
	gh_rm_pending *call = Begin(0x12345678, req);
	Request r = fake_->Pop();
	auto raw = fake_->RawSent();
	ASSERT_EQ(raw.size(), 2u);
	// api: 2 header words << 4 | version 1; type: 1 continuation << 2 | REQUEST.
	EXPECT_EQ(raw[0].size(), 240u);
	EXPECT_EQ(raw[0][0], 0x21);
	EXPECT_EQ(raw[0][1], (1 << 2) | 1);
	EXPECT_EQ(Get16(raw[0], 2), r.seq);
	EXPECT_EQ(Get32(raw[0], 4), 0x12345678u);
	// The continuation repeats fragment count, seq and id, with type 0.
	EXPECT_EQ(raw[1].size(), 8u + 300 - 232);
	EXPECT_EQ(raw[1][0], 0x21);
	EXPECT_EQ(raw[1][1], (1 << 2) | 0);
	EXPECT_EQ(Get16(raw[1], 2), r.seq);
	EXPECT_EQ(Get32(raw[1], 4), 0x12345678u);
	fake_->Reply(r.seq, r.msg_id, 0);
	fake_->Deliver();
	EXPECT_EQ(End(call), 0);
}

TEST_F(Framing, ReplyReassembly)
{
	for (size_t len : { 0u, 4u, 228u, 229u, 1000u, 14612u }) {
		SCOPED_TRACE(len);
		gh_rm_pending *call = Begin(kId);
		Request r = fake_->Pop();
		Bytes payload = Pattern(len, 9);
		fake_->Reply(r.seq, r.msg_id, 0, payload);
		ASSERT_EQ(fake_->Deliver(), 0);
		Bytes got;
		EXPECT_EQ(End(call, &got), 0);
		EXPECT_EQ(got, payload);
	}
}

TEST_F(Framing, OutOfOrderReplies)
{
	gh_rm_pending *a = Begin(kId), *b = Begin(kId2), *c = Begin(kId);
	Request ra = fake_->Pop(), rb = fake_->Pop(), rc = fake_->Pop();
	EXPECT_NE(ra.seq, rb.seq);
	EXPECT_NE(rb.seq, rc.seq);
	EXPECT_NE(ra.seq, rc.seq);
	fake_->Reply(rc.seq, rc.msg_id, 0, Pattern(300, 3));
	fake_->Reply(ra.seq, ra.msg_id, 0, Pattern(10, 1));
	fake_->Reply(rb.seq, rb.msg_id, 0, Pattern(500, 2));
	ASSERT_EQ(fake_->Deliver(), 0);
	Bytes pa, pb, pc;
	EXPECT_EQ(End(b, &pb), 0);
	EXPECT_EQ(End(a, &pa), 0);
	EXPECT_EQ(End(c, &pc), 0);
	EXPECT_EQ(pa, Pattern(10, 1));
	EXPECT_EQ(pb, Pattern(500, 2));
	EXPECT_EQ(pc, Pattern(300, 3));
}

TEST_F(Framing, DuplicateAndStrayRepliesAreDropped)
{
	gh_rm_pending *a = Begin(kId);
	Request ra = fake_->Pop();
	fake_->Reply(static_cast<uint16_t>(ra.seq + 1), ra.msg_id, 0); // no such seq
	fake_->Reply(ra.seq, kId2, 0);                                 // seq right, id wrong
	ASSERT_EQ(fake_->Deliver(), 0);
	EXPECT_EQ(Stats().rx_dropped, 2u);
	fake_->Reply(ra.seq, ra.msg_id, 0, Pattern(5, 5));
	fake_->Reply(ra.seq, ra.msg_id, 0, Pattern(300, 6)); // duplicate, fragmented
	ASSERT_EQ(fake_->Deliver(), 0);
	Bytes pa;
	EXPECT_EQ(End(a, &pa), 0);
	EXPECT_EQ(pa, Pattern(5, 5));
	EXPECT_EQ(Stats().rx_dropped, 3u);
	// The next call is not confused by what came before.
	gh_rm_pending *b = Begin(kId);
	Request rb = fake_->Pop();
	fake_->Reply(rb.seq, rb.msg_id, 0, Pattern(7, 7));
	fake_->Deliver();
	Bytes pb;
	EXPECT_EQ(End(b, &pb), 0);
	EXPECT_EQ(pb, Pattern(7, 7));
}

TEST_F(Framing, MalformedRepliesFailTheCall)
{
	struct Case {
		const char *name;
		std::function<void(FakeRm *, const Request &)> send;
	} cases[] = {
		{ "header only",
		  [](FakeRm *f, const Request &r) {
			  f->PushRaw(Header(GH_RM_RPC_TYPE_REPLY, 0, r.seq, r.msg_id));
		  } },
		{ "error code cut short",
		  [](FakeRm *f, const Request &r) {
			  Bytes m = Header(GH_RM_RPC_TYPE_REPLY, 0, r.seq, r.msg_id);
			  m.push_back(0);
			  m.push_back(0);
			  f->PushRaw(m);
		  } },
		{ "63 fragments",
		  [](FakeRm *f, const Request &r) {
			  Bytes m = Header(GH_RM_RPC_TYPE_REPLY, 63, r.seq, r.msg_id);
			  Put32(m, 0);
			  f->PushRaw(m);
		  } },
		{ "continuation of another seq",
		  [](FakeRm *f, const Request &r) {
			  Bytes m = Header(GH_RM_RPC_TYPE_REPLY, 2, r.seq, r.msg_id);
			  Put32(m, 0);
			  f->PushRaw(m);
			  f->PushRaw(Header(GH_RM_RPC_TYPE_CONTINUATION, 2,
		                            static_cast<uint16_t>(r.seq + 1), r.msg_id));
			  f->PushRaw(Header(GH_RM_RPC_TYPE_CONTINUATION, 2, r.seq, r.msg_id));
		  } },
		{ "continuation with another fragment count",
		  [](FakeRm *f, const Request &r) {
			  Bytes m = Header(GH_RM_RPC_TYPE_REPLY, 2, r.seq, r.msg_id);
			  Put32(m, 0);
			  f->PushRaw(m);
			  f->PushRaw(Header(GH_RM_RPC_TYPE_CONTINUATION, 3, r.seq, r.msg_id));
		  } },
		{ "a new reply before the last fragment",
		  [](FakeRm *f, const Request &r) {
			  Bytes m = Header(GH_RM_RPC_TYPE_REPLY, 1, r.seq, r.msg_id);
			  Put32(m, 0);
			  f->PushRaw(m);
			  f->Reply(static_cast<uint16_t>(r.seq + 100), r.msg_id, 0);
		  } },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		gh_rm_pending *call = Begin(kId);
		Request r = fake_->Pop();
		c.send(fake_, r);
		ASSERT_EQ(fake_->Deliver(), 0);
		ASSERT_EQ(gh_rm_call_wait(call), 0);
		uint32_t rm_err = 1;
		EXPECT_EQ(End(call, nullptr, &rm_err), -EIO);
		EXPECT_EQ(rm_err, 0u);
	}
	EXPECT_EQ(Stats().bad_replies, sizeof(cases) / sizeof(cases[0]));
}

TEST_F(Framing, JunkIsDroppedAndCallsStillComplete)
{
	gh_rm_pending *call = Begin(kId);
	Request r = fake_->Pop();
	Bytes bad_api = Header(GH_RM_RPC_TYPE_REPLY, 0, r.seq, r.msg_id, 0x11);
	Put32(bad_api, 0);
	fake_->PushRaw(bad_api);
	fake_->PushRaw({ 0x21, 0x02, 0x00 }); // shorter than a header
	fake_->PushRaw(
		Header(GH_RM_RPC_TYPE_CONTINUATION, 0, r.seq, r.msg_id)); // nothing to continue
	fake_->PushRaw(
		Header(GH_RM_RPC_TYPE_REQUEST, 0, r.seq, r.msg_id)); // the client serves none
	Bytes huge_notif = Header(GH_RM_RPC_TYPE_NOTIF, 63, 0, GH_RM_NOTIF_VM_STATUS);
	fake_->PushRaw(huge_notif);
	ASSERT_EQ(fake_->Deliver(), 0);
	EXPECT_EQ(Stats().rx_dropped, 5u);
	fake_->Reply(r.seq, r.msg_id, 0, Pattern(3, 3));
	fake_->Deliver();
	Bytes got;
	EXPECT_EQ(End(call, &got), 0);
	EXPECT_EQ(got, Pattern(3, 3));
}

TEST_F(Framing, NotificationInterleavedWithReplies)
{
	Collect l;
	ASSERT_EQ(gh_rm_register_listener(fake_->rm(), &l), 0);
	EXPECT_EQ(gh_rm_register_listener(fake_->rm(), &l), -EEXIST);
	gh_rm_pending *call = Begin(kId);
	Request r = fake_->Pop();
	Bytes status;
	Put16(status, 5);
	Put16(status, 0);
	status.push_back(GH_RM_VM_STATUS_RESET);
	status.push_back(0);
	Put16(status, 0);
	fake_->Notify(GH_RM_NOTIF_VM_STATUS, status);
	fake_->Notify(0x56100080, Pattern(700, 1)); // fragmented, unknown id
	ASSERT_EQ(fake_->Deliver(), 0);
	ASSERT_EQ(l.ids.size(), 2u);
	EXPECT_EQ(l.ids[0], GH_RM_NOTIF_VM_STATUS);
	EXPECT_EQ(l.errs[0], 0);
	EXPECT_EQ(l.payloads[0], status);
	EXPECT_EQ(l.ids[1], 0x56100080u);
	EXPECT_EQ(l.errs[1], -ENOENT);
	EXPECT_EQ(l.payloads[1], Pattern(700, 1));
	// The reply, a notification, the reply's duplicate: the call is unaffected.
	fake_->Reply(r.seq, r.msg_id, 0, Pattern(400, 4));
	fake_->Notify(GH_RM_NOTIF_VM_STATUS, status);
	ASSERT_EQ(fake_->Deliver(), 0);
	Bytes got;
	EXPECT_EQ(End(call, &got), 0);
	EXPECT_EQ(got, Pattern(400, 4));
	EXPECT_EQ(l.ids.size(), 3u);
	// A notification that starts while a reply is in fragments aborts the reply.
	call = Begin(kId);
	r = fake_->Pop();
	auto msgs = Frame(GH_RM_RPC_TYPE_REPLY, r.seq, r.msg_id, Pattern(600, 8));
	fake_->PushRaw(msgs[0]);
	fake_->Notify(GH_RM_NOTIF_VM_STATUS, status);
	fake_->PushRaw(msgs[1]);
	fake_->PushRaw(msgs[2]);
	ASSERT_EQ(fake_->Deliver(), 0);
	EXPECT_EQ(End(call), -EIO);
	EXPECT_EQ(l.ids.size(), 4u);
	EXPECT_EQ(gh_rm_unregister_listener(fake_->rm(), &l), 0);
	EXPECT_EQ(gh_rm_unregister_listener(fake_->rm(), &l), -ENOENT);
	fake_->Notify(GH_RM_NOTIF_VM_STATUS, status);
	fake_->Deliver();
	EXPECT_EQ(l.ids.size(), 4u);
	EXPECT_EQ(Stats().notifs, 5u);
}

TEST_F(Framing, RmErrorCodes)
{
	struct Case {
		uint32_t code;
		int err;
	} cases[] = {
		{ GH_RM_ERROR_UNIMPLEMENTED, -EOPNOTSUPP },
		{ GH_RM_ERROR_NOMEM, -ENOMEM },
		{ GH_RM_ERROR_NORESOURCE, -ENODEV },
		{ GH_RM_ERROR_DENIED, -EPERM },
		{ GH_RM_ERROR_MSG_INVALID, -EINVAL },
		{ GH_RM_ERROR_BUSY, -EBUSY },
		{ GH_RM_ERROR_ARGUMENT_INVALID, -EINVAL },
		{ GH_RM_ERROR_HANDLE_INVALID, -EINVAL },
		{ GH_RM_ERROR_VMID_INVALID, -EINVAL },
		{ GH_RM_ERROR_IN_USE, -EBUSY },
		{ GH_RM_ERROR_VM_STATE, -EINVAL },
		{ 0x15, -EIO },
		{ 0x7fffffff, -EIO },
		{ 0xfffffffe, -EIO },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.code);
		EXPECT_EQ(gh_rm_remap_error(c.code), c.err);
		gh_rm_pending *call = Begin(kId);
		Request r = fake_->Pop();
		fake_->Reply(r.seq, r.msg_id, c.code, Pattern(20, 1)); // payload is not returned
		fake_->Deliver();
		uint32_t rm_err = 0;
		Bytes got;
		EXPECT_EQ(End(call, &got, &rm_err), c.err);
		EXPECT_EQ(rm_err, c.code);
		EXPECT_TRUE(got.empty());
		EXPECT_EQ(Stats().last_rm_error, c.code);
		EXPECT_EQ(Stats().last_rm_error_msg_id, kId);
	}
	EXPECT_EQ(gh_rm_remap_error(0), 0);
}

// A signal during the wait: -EINTR, the call is abandoned, its sequence
// number stays reserved until the reply comes, and nothing leaks.
TEST_F(Framing, SignalDuringCall)
{
	std::atomic<gh_os_task *> task{ nullptr };
	std::atomic<int> ret{ 1 };
	std::thread t([&] {
		task = gh_os_posix_task_self();
		ret = gh_rm_call(fake_->rm(), kId, nullptr, 0, nullptr, nullptr, nullptr);
		gh_os_posix_clear_kick();
	});
	ASSERT_TRUE(fake_->WaitRequests(1));
	while (!task.load())
		std::this_thread::yield();
	gh_os_posix_kick(task.load());
	t.join();
	gh_os_posix_task_put(task.load());
	EXPECT_EQ(ret.load(), -EINTR);
	EXPECT_EQ(Stats().abandoned, 1u);
	Request r = fake_->Pop();

	// While the abandoned call waits for its reply, no call gets its seq.
	for (int i = 0; i < 3; i++) {
		gh_rm_pending *c = Begin(r.msg_id);
		Request r2 = fake_->Pop();
		EXPECT_NE(r2.seq, r.seq);
		fake_->Reply(r2.seq, r2.msg_id, 0);
		fake_->Deliver();
		EXPECT_EQ(End(c), 0);
	}
	// The late reply is consumed; the slot is freed (TearDown checks allocations).
	fake_->Reply(r.seq, r.msg_id, 0, Pattern(300, 1));
	ASSERT_EQ(fake_->Deliver(), 0);
	EXPECT_EQ(Stats().rx_dropped, 0u);
}

// A typed call waits through a signal (the soak's defect: a kick during a
// VM's start abandoned VM_START, and the VM could be neither used nor reset).
TEST_F(Framing, TypedCallWaitsThroughASignal)
{
	std::atomic<gh_os_task *> task{ nullptr };
	std::atomic<int> ret{ 1 };
	std::thread t([&] {
		task = gh_os_posix_task_self();
		ret = gh_rm_vm_start(fake_->rm(), 7);
		gh_os_posix_clear_kick();
	});
	ASSERT_TRUE(fake_->WaitRequests(1));
	while (!task.load())
		std::this_thread::yield();
	gh_os_posix_kick(task.load());
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_EQ(ret.load(), 1); // still waiting
	Request r = fake_->Pop();
	fake_->Reply(r.seq, r.msg_id, 0);
	fake_->Deliver();
	t.join();
	gh_os_posix_task_put(task.load());
	EXPECT_EQ(ret.load(), 0);
	EXPECT_EQ(Stats().abandoned, 0u);
}

// The three-step call resumes after a signal and still gets the reply.
TEST_F(Framing, WaitResumesAfterSignal)
{
	gh_rm_pending *call = Begin(kId);
	Request r = fake_->Pop();
	gh_os_task *self = gh_os_posix_task_self();
	gh_os_posix_kick(self);
	EXPECT_EQ(gh_rm_call_wait(call), -EINTR);
	gh_os_posix_clear_kick();
	gh_os_posix_task_put(self);
	fake_->Reply(r.seq, r.msg_id, 0, Pattern(50, 2));
	fake_->Deliver();
	EXPECT_EQ(gh_rm_call_wait(call), 0);
	EXPECT_EQ(gh_rm_call_wait(call), 0); // done stays done
	Bytes got;
	EXPECT_EQ(End(call, &got), 0);
	EXPECT_EQ(got, Pattern(50, 2));
}

TEST_F(Framing, AbandonedCallsAreFreedAtDestroy)
{
	gh_rm_pending *a = Begin(kId);
	gh_rm_pending *b = Begin(kId);
	EXPECT_EQ(End(a), -EINTR);
	EXPECT_EQ(End(b), -EINTR);
	EXPECT_EQ(Stats().abandoned, 2u);
}

TEST_F(Framing, TxQueueFull)
{
	fake_->SetTxFull(true);
	std::atomic<int> ret{ 1 };
	Bytes req = Pattern(600, 1);
	std::thread t([&] {
		gh_rm_pending *c = nullptr;
		ret = gh_rm_call_begin(fake_->rm(), kId, req.data(), req.size(), &c);
		if (!ret.load())
			ret = End(c) == -EINTR ? 0 : 99;
	});
	// The sender tried, re-armed and tried again: now it waits.
	while (fake_->Eagains() < 2)
		std::this_thread::yield();
	fake_->SetTxFull(false);
	gh_rm_tx_ready(fake_->rm());
	t.join();
	EXPECT_EQ(ret.load(), 0);
	ASSERT_EQ(fake_->Pending(), 1u);
	EXPECT_EQ(fake_->Pop().payload, req);
}

TEST_F(Framing, SignalWhileTxFull)
{
	fake_->SetTxFull(true);
	std::atomic<gh_os_task *> task{ nullptr };
	std::atomic<int> ret{ 1 };
	std::thread t([&] {
		task = gh_os_posix_task_self();
		gh_rm_pending *c = nullptr;
		ret = gh_rm_call_begin(fake_->rm(), kId, nullptr, 0, &c);
		gh_os_posix_clear_kick();
	});
	while (fake_->Eagains() < 2 || !task.load())
		std::this_thread::yield();
	gh_os_posix_kick(task.load());
	t.join();
	gh_os_posix_task_put(task.load());
	EXPECT_EQ(ret.load(), -EINTR);
	EXPECT_EQ(fake_->Pending(), 0u);
	// Nothing is left behind: the next call works once the queue drains.
	fake_->SetTxFull(false);
	fake_->Serve([](const Request &) { return std::make_pair(0u, Bytes{ 1 }); });
	Bytes got;
	void *p = nullptr;
	size_t len = 0;
	EXPECT_EQ(gh_rm_call(fake_->rm(), kId, nullptr, 0, &p, &len, nullptr), 0);
	EXPECT_EQ(len, 1u);
	gh_os_free(p);
}

TEST_F(Framing, TransportErrors)
{
	gh_rm_pending *c = nullptr;
	fake_->FailSend(-EIO);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, nullptr, 0, &c), -EIO);
	// Part-way through a fragmented request: the RM is left a partial
	// message, which the next request replaces.
	Bytes req = Pattern(500, 1);
	fake_->FailSend(-EFAULT, 1);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, req.data(), req.size(), &c), -EFAULT);
	EXPECT_EQ(fake_->Pending(), 0u);
	c = Begin(kId2, req);
	Request r = fake_->Pop();
	EXPECT_EQ(r.msg_id, kId2);
	EXPECT_EQ(r.payload, req);
	fake_->Reply(r.seq, r.msg_id, 0);
	fake_->Deliver();
	EXPECT_EQ(End(c), 0);
}

int SendNop(void *, const void *, size_t, bool)
{
	return 0;
}

TEST_F(Framing, DeadObjectsAndBadArguments)
{
	static const gh_rm_transport_ops no_recv = { SendNop, nullptr };
	gh_rm *rm = nullptr;
	EXPECT_EQ(gh_rm_create(nullptr, nullptr, &rm), -EINVAL);
	EXPECT_EQ(gh_rm_create(&no_recv, nullptr, &rm), -EINVAL);
	gh_rm_pending *c = nullptr;
	EXPECT_EQ(gh_rm_call_begin(nullptr, kId, nullptr, 0, &c), -EINVAL);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), 0, nullptr, 0, &c), -EINVAL);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, nullptr, 4, &c), -EINVAL);
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, nullptr, 0, nullptr), -EINVAL);
	EXPECT_EQ(gh_rm_call_wait(nullptr), -EINVAL);
	EXPECT_EQ(gh_rm_call_end(nullptr, nullptr, nullptr, nullptr), -EINVAL);
	EXPECT_EQ(gh_rm_register_listener(fake_->rm(), nullptr), -EINVAL);
	gh_rm_listener empty{};
	EXPECT_EQ(gh_rm_register_listener(fake_->rm(), &empty), -EINVAL);
	gh_rm_destroy(nullptr);
	EXPECT_EQ(fake_->MessagesSent(), 0u);
}

TEST_F(Framing, OutstandingCallsAreBounded)
{
	fake_->on_request = nullptr;
	std::vector<gh_rm_pending *> calls;
	for (int i = 0; i < GH_RM_MAX_CALLS; i++)
		calls.push_back(Begin(kId));
	gh_rm_pending *c = nullptr;
	EXPECT_EQ(gh_rm_call_begin(fake_->rm(), kId, nullptr, 0, &c), -EBUSY);
	for (size_t i = 0; i < calls.size(); i++) {
		Request r = fake_->Pop();
		fake_->Reply(r.seq, r.msg_id, 0);
	}
	fake_->Deliver();
	for (auto *call : calls)
		EXPECT_EQ(End(call), 0);
}

// Sequence numbers wrap around 16 bits and skip one still in use.
TEST_F(Framing, SequenceNumbersWrapAndSkipTheBusyOne)
{
	gh_rm_pending *held = Begin(kId);
	Request rh = fake_->Pop();
	fake_->Serve([](const Request &) { return std::make_pair(0u, Bytes{}); });
	for (int i = 0; i < 65536; i++) {
		ASSERT_EQ(gh_rm_call(fake_->rm(), kId2, nullptr, 0, nullptr, nullptr, nullptr), 0);
	}
	fake_->on_request = nullptr;
	gh_rm_pending *c = Begin(kId2);
	Request r = fake_->Pop();
	EXPECT_NE(r.seq, rh.seq);
	fake_->Reply(r.seq, r.msg_id, 0);
	fake_->Reply(rh.seq, rh.msg_id, 0);
	fake_->Deliver();
	EXPECT_EQ(End(c), 0);
	EXPECT_EQ(End(held), 0);
}

} // namespace
} // namespace rmtest
