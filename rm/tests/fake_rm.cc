// SPDX-License-Identifier: BSD-3-Clause
// The scripted resource manager of fake_rm.h.
#include "fake_rm.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace rmtest {

void Put16(Bytes &b, uint16_t v)
{
	b.push_back(static_cast<uint8_t>(v));
	b.push_back(static_cast<uint8_t>(v >> 8));
}

void Put32(Bytes &b, uint32_t v)
{
	Put16(b, static_cast<uint16_t>(v));
	Put16(b, static_cast<uint16_t>(v >> 16));
}

void Put64(Bytes &b, uint64_t v)
{
	Put32(b, static_cast<uint32_t>(v));
	Put32(b, static_cast<uint32_t>(v >> 32));
}

uint16_t Get16(const Bytes &b, size_t off)
{
	return static_cast<uint16_t>(b.at(off) | b.at(off + 1) << 8);
}

uint32_t Get32(const Bytes &b, size_t off)
{
	return Get16(b, off) | static_cast<uint32_t>(Get16(b, off + 2)) << 16;
}

uint64_t Get64(const Bytes &b, size_t off)
{
	return Get32(b, off) | static_cast<uint64_t>(Get32(b, off + 4)) << 32;
}

Bytes Header(uint8_t type, uint8_t fragments, uint16_t seq, uint32_t msg_id, uint8_t api)
{
	Bytes h;
	h.push_back(api);
	h.push_back(static_cast<uint8_t>(fragments << 2 | (type & 3)));
	Put16(h, seq);
	Put32(h, msg_id);
	return h;
}

std::vector<Bytes> Frame(uint8_t type, uint16_t seq, uint32_t msg_id, const Bytes &payload)
{
	const size_t chunk = GH_RM_RPC_PAYLOAD_SIZE;
	size_t fragments = payload.empty() ? 0 : (payload.size() - 1) / chunk;
	std::vector<Bytes> out;
	size_t off = 0;

	do {
		Bytes m = Header(off ? GH_RM_RPC_TYPE_CONTINUATION : type,
		                 static_cast<uint8_t>(fragments), seq, msg_id);
		size_t n = std::min(chunk, payload.size() - off);
		m.insert(m.end(), payload.begin() + off, payload.begin() + off + n);
		off += n;
		out.push_back(m);
	} while (off < payload.size());
	return out;
}

const gh_rm_transport_ops FakeRm::kOps = {
	FakeRm::SendOp,
	FakeRm::RecvOp,
};

FakeRm::FakeRm()
{
	if (gh_rm_create(&kOps, this, &rm_))
		std::abort();
}

FakeRm::~FakeRm()
{
	gh_rm_destroy(rm_);
}

int FakeRm::SendOp(void *ctx, const void *msg, size_t len, bool push)
{
	return static_cast<FakeRm *>(ctx)->Send(static_cast<const uint8_t *>(msg), len, push);
}

int FakeRm::RecvOp(void *ctx, void *buf, size_t cap, size_t *len)
{
	return static_cast<FakeRm *>(ctx)->Recv(static_cast<uint8_t *>(buf), cap, len);
}

int FakeRm::Send(const uint8_t *msg, size_t len, bool push)
{
	Request done;
	bool complete = false;

	{
		std::lock_guard<std::mutex> lk(mu_);
		if (fail_err_ && !fail_after_--) {
			int e = fail_err_;
			fail_err_ = 0;
			return e;
		}
		if (tx_full_) {
			eagains_++;
			cv_.notify_all();
			return -EAGAIN;
		}
		sent_++;
		raw_.emplace_back(msg, msg + len);
		// What the RM checks of a message (src/rpc/rm-rpc.c read_rpc_header).
		if (len < GH_RM_RPC_HDR_SIZE || len > GH_RM_RPC_MSG_SIZE ||
		    msg[0] != GH_RM_RPC_API_BYTE)
			std::abort();
		uint8_t type = msg[1] & 3, fragments = msg[1] >> 2;
		uint16_t seq = static_cast<uint16_t>(msg[2] | msg[3] << 8);
		uint32_t id = static_cast<uint32_t>(msg[4] | msg[5] << 8 | msg[6] << 16 |
		                                    static_cast<uint32_t>(msg[7]) << 24);
		if (type == GH_RM_RPC_TYPE_REQUEST) {
			// A new request drops a partial one, as the RM does.
			cur_ = Request();
			cur_.seq = seq;
			cur_.msg_id = id;
			cur_fragments_ = fragments;
			partial_ = true;
		} else if (type != GH_RM_RPC_TYPE_CONTINUATION || !partial_ || seq != cur_.seq ||
		           id != cur_.msg_id || fragments != cur_fragments_) {
			std::abort(); // the client must never send this
		}
		cur_.payload.insert(cur_.payload.end(), msg + GH_RM_RPC_HDR_SIZE, msg + len);
		cur_.messages++;
		bool last = cur_.messages == cur_fragments_ + 1u;
		if (push != last)
			cur_.push_only_last = false;
		if (last) {
			partial_ = false;
			done = cur_;
			complete = true;
			requests_.push_back(cur_);
			cv_.notify_all();
		}
	}
	if (complete && on_request)
		on_request(done);
	return 0;
}

int FakeRm::Recv(uint8_t *buf, size_t cap, size_t *len)
{
	std::lock_guard<std::mutex> lk(mu_);
	if (to_client_.empty())
		return -EAGAIN;
	Bytes m = to_client_.front();
	to_client_.pop_front();
	*len = std::min(cap, m.size());
	if (*len)
		memcpy(buf, m.data(), *len);
	return 0;
}

void FakeRm::Serve(std::function<std::pair<uint32_t, Bytes>(const Request &)> on_reply)
{
	on_request = [this, on_reply](const Request &r) {
		{
			std::lock_guard<std::mutex> lk(mu_);
			requests_.pop_back(); // answered: not left for Pop()
		}
		auto rep = on_reply(r);
		Reply(r.seq, r.msg_id, rep.first, rep.second);
		Deliver();
	};
}

bool FakeRm::WaitRequests(size_t n)
{
	std::unique_lock<std::mutex> lk(mu_);
	return cv_.wait_for(lk, std::chrono::seconds(30), [&] { return requests_.size() >= n; });
}

Request FakeRm::Pop()
{
	std::lock_guard<std::mutex> lk(mu_);
	if (requests_.empty())
		std::abort();
	Request r = requests_.front();
	requests_.pop_front();
	return r;
}

size_t FakeRm::Pending()
{
	std::lock_guard<std::mutex> lk(mu_);
	return requests_.size();
}

void FakeRm::PushRaw(const Bytes &msg)
{
	std::lock_guard<std::mutex> lk(mu_);
	to_client_.push_back(msg);
}

void FakeRm::Reply(uint16_t seq, uint32_t msg_id, uint32_t err, const Bytes &payload)
{
	Bytes p;
	Put32(p, err);
	p.insert(p.end(), payload.begin(), payload.end());
	for (auto &m : Frame(GH_RM_RPC_TYPE_REPLY, seq, msg_id, p))
		PushRaw(m);
}

void FakeRm::Notify(uint32_t msg_id, const Bytes &payload, uint16_t seq)
{
	for (auto &m : Frame(GH_RM_RPC_TYPE_NOTIF, seq, msg_id, payload))
		PushRaw(m);
}

int FakeRm::Deliver()
{
	return gh_rm_rx_ready(rm_);
}

void FakeRm::SetTxFull(bool full)
{
	std::lock_guard<std::mutex> lk(mu_);
	tx_full_ = full;
}

unsigned FakeRm::Eagains()
{
	std::lock_guard<std::mutex> lk(mu_);
	return eagains_;
}

void FakeRm::FailSend(int err, unsigned after)
{
	std::lock_guard<std::mutex> lk(mu_);
	fail_err_ = err;
	fail_after_ = after;
}

std::vector<Bytes> FakeRm::RawSent()
{
	std::lock_guard<std::mutex> lk(mu_);
	return raw_;
}

unsigned FakeRm::MessagesSent()
{
	std::lock_guard<std::mutex> lk(mu_);
	return sent_;
}

} // namespace rmtest
