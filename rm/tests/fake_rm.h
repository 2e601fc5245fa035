// SPDX-License-Identifier: BSD-3-Clause
// A scripted resource manager on the client's injected transport: it
// reassembles the client's requests, and frames replies and notifications the
// way the RM does (or any malformed way a test asks for).
#ifndef GUNYAH_RM_TESTS_FAKE_RM_H
#define GUNYAH_RM_TESTS_FAKE_RM_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

extern "C" {
#include <gunyah/rm.h>
}

namespace rmtest {

using Bytes = std::vector<uint8_t>;

struct Request {
	uint16_t seq = 0;
	uint32_t msg_id = 0;
	Bytes payload;
	unsigned messages = 0;      // how many msgq messages carried it
	bool push_only_last = true; // PUSH on the last message and no other
};

// Little-endian builders for payloads.
void Put16(Bytes &b, uint16_t v);
void Put32(Bytes &b, uint32_t v);
void Put64(Bytes &b, uint64_t v);
uint16_t Get16(const Bytes &b, size_t off);
uint32_t Get32(const Bytes &b, size_t off);
uint64_t Get64(const Bytes &b, size_t off);

// One 8-byte header.
Bytes Header(uint8_t type, uint8_t fragments, uint16_t seq, uint32_t msg_id,
             uint8_t api = GH_RM_RPC_API_BYTE);
// A whole RPC as the RM frames it: first message of @type, then continuations.
std::vector<Bytes> Frame(uint8_t type, uint16_t seq, uint32_t msg_id, const Bytes &payload);

class FakeRm {
public:
	FakeRm();
	~FakeRm();
	FakeRm(const FakeRm &) = delete;
	FakeRm &operator=(const FakeRm &) = delete;

	gh_rm *rm() const { return rm_; }

	// Called in the sending thread for every complete request, before
	// the client's send returns (no fake lock held). Default: queue only.
	std::function<void(const Request &)> on_request;
	// Answers every request with on_reply's (err, payload), delivered at once.
	void Serve(std::function<std::pair<uint32_t, Bytes>(const Request &)> on_reply);

	// Requests seen so far (and not yet popped); waits at most a generous bound.
	bool WaitRequests(size_t n);
	Request Pop();
	size_t Pending();

	// Messages for the client; Deliver() runs the client's receive path.
	void PushRaw(const Bytes &msg);
	void Reply(uint16_t seq, uint32_t msg_id, uint32_t err, const Bytes &payload = {});
	void Notify(uint32_t msg_id, const Bytes &payload, uint16_t seq = 0);
	int Deliver();

	// TX queue model: while full, send returns -EAGAIN.
	void SetTxFull(bool full);
	unsigned Eagains();
	// The send after the next @after successful ones fails with @err (once).
	void FailSend(int err, unsigned after = 0);
	unsigned MessagesSent();
	// Every message the client sent, as sent.
	std::vector<Bytes> RawSent();

private:
	static int SendOp(void *ctx, const void *msg, size_t len, bool push);
	static int RecvOp(void *ctx, void *buf, size_t cap, size_t *len);
	int Send(const uint8_t *msg, size_t len, bool push);
	int Recv(uint8_t *buf, size_t cap, size_t *len);

	static const gh_rm_transport_ops kOps;
	gh_rm *rm_ = nullptr;
	std::mutex mu_;
	std::condition_variable cv_;
	std::deque<Request> requests_;
	std::deque<Bytes> to_client_;
	bool partial_ = false;
	Request cur_;
	uint8_t cur_fragments_ = 0;
	bool tx_full_ = false;
	unsigned eagains_ = 0;
	int fail_err_ = 0;
	unsigned fail_after_ = 0;
	unsigned sent_ = 0;
	std::vector<Bytes> raw_;
};

} // namespace rmtest

#endif
