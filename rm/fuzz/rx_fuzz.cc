// SPDX-License-Identifier: BSD-3-Clause
// Whatever the RM sends: arbitrary message streams into the client's receive
// path, interleaved with calls begun and ended, and arbitrary bytes into the
// reply and notification decoders. No crash, no out-of-bounds access, and
// every allocation freed at the end.
//
// Input: records { u8 op, args... }:
//   0 begin a call          { id index, request length / 100 }
//   1 a raw message         { length, bytes... }
//   2 a framed message      { type, fragments, seq (a call's, or raw), id index,
//                             payload length, payload... }
//   3 drain RX
//   4 end a call            { call index }: a reply's payload goes to the decoders
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

extern "C" {
#include <gunyah/os_posix.h>
#include <gunyah/rm.h>
}

namespace {

using Bytes = std::vector<uint8_t>;

const uint32_t kIds[] = {
	GH_RM_MSG_VM_ALLOC_VMID,
	GH_RM_MSG_VM_GET_HYP_RESOURCES,
	GH_RM_MSG_MEM_LEND,
	GH_RM_NOTIF_VM_STATUS,
	GH_RM_NOTIF_VM_EXITED,
	0x56100080,
	0,
	0xffffffff,
};
constexpr size_t kNumIds = sizeof(kIds) / sizeof(kIds[0]);

std::deque<Bytes> g_rx;

int Send(void *, const void *, size_t, bool)
{
	return 0;
}

int Recv(void *, void *buf, size_t cap, size_t *len)
{
	if (g_rx.empty())
		return -EAGAIN;
	Bytes m = g_rx.front();
	g_rx.pop_front();
	*len = m.size() < cap ? m.size() : cap;
	if (*len)
		memcpy(buf, m.data(), *len);
	return 0;
}

const gh_rm_transport_ops kOps = { Send, Recv };

volatile uint8_t g_sink;

void Touch(const void *p, size_t len)
{
	const uint8_t *b = static_cast<const uint8_t *>(p);
	uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= b[i];
	g_sink = x;
}

void Decode(const void *p, size_t len)
{
	gh_rm_hyp_resource out[8];
	size_t n = 0;
	int ret = gh_rm_decode_hyp_resources(p, len, out, 8, &n);
	if (ret == 0 && n > 8)
		abort();
	gh_rm_notif nt;
	for (uint32_t id :
	     { uint32_t(GH_RM_NOTIF_VM_STATUS), uint32_t(GH_RM_NOTIF_VM_EXITED), 0x56100002u }) {
		gh_rm_decode_notif(id, p, len, &nt);
		if (nt.err == 0 && id == GH_RM_NOTIF_VM_EXITED &&
		    nt.u.exited.reason_size + 8 != len)
			abort();
	}
}

struct Listener : gh_rm_listener {
	static void Cb(gh_rm_listener *, const gh_rm_notif *n)
	{
		if (n->len > GH_RM_RPC_MAX_PAYLOAD)
			abort();
		Touch(n->payload, n->len);
	}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init = [] {
		gh_os_posix_warn_quiet(true);
		return true;
	}();
	(void)init;
	long allocs = gh_os_posix_live_allocs();
	gh_rm *rm = nullptr;
	if (gh_rm_create(&kOps, nullptr, &rm))
		abort();
	Listener l;
	l.notify = Listener::Cb;
	l.next = nullptr;
	gh_rm_register_listener(rm, &l);
	std::vector<gh_rm_pending *> calls;
	std::vector<uint16_t> seqs;
	uint16_t next_seq = 0; // a fresh client numbers its calls 0, 1, 2...

	Decode(data, size);
	size_t i = 0;
	auto byte = [&]() -> uint8_t { return i < size ? data[i++] : 0; };
	while (i < size) {
		switch (byte() % 5) {
		case 0: {
			uint32_t id = kIds[byte() % kNumIds];
			Bytes req(static_cast<size_t>(byte() % 4) * 100, 0x5a);
			gh_rm_pending *c = nullptr;
			if (calls.size() < 64 && id &&
			    gh_rm_call_begin(rm, id, req.data(), req.size(), &c) == 0) {
				calls.push_back(c);
				seqs.push_back(next_seq++);
			}
			break;
		}
		case 1: {
			size_t n = byte() % 250;
			Bytes m;
			while (n-- && i < size)
				m.push_back(byte());
			g_rx.push_back(m);
			break;
		}
		case 2: {
			uint8_t type = byte() & 3, frags = byte() % 64, s = byte();
			uint16_t seq = seqs.empty() || (s & 0x80) ? s : seqs[s % seqs.size()];
			uint32_t id = kIds[byte() % kNumIds];
			size_t n = byte() % 233;
			Bytes m = { GH_RM_RPC_API_BYTE,
				    static_cast<uint8_t>(frags << 2 | type),
				    static_cast<uint8_t>(seq),
				    static_cast<uint8_t>(seq >> 8),
				    static_cast<uint8_t>(id),
				    static_cast<uint8_t>(id >> 8),
				    static_cast<uint8_t>(id >> 16),
				    static_cast<uint8_t>(id >> 24) };
			while (n-- && i < size)
				m.push_back(byte());
			g_rx.push_back(m);
			break;
		}
		case 3:
			gh_rm_rx_ready(rm);
			break;
		case 4: {
			if (calls.empty())
				break;
			size_t k = byte() % calls.size();
			void *p = nullptr;
			size_t len = 0;
			uint32_t rm_err = 0;
			int ret = gh_rm_call_end(calls[k], &p, &len, &rm_err);
			if (ret == 0) {
				if (len > GH_RM_RPC_MAX_PAYLOAD - 4 || (len && !p))
					abort();
				Touch(p, len);
				Decode(p, len);
			} else if (rm_err && ret != gh_rm_remap_error(rm_err)) {
				abort();
			}
			gh_os_free(p);
			calls.erase(calls.begin() + static_cast<long>(k));
			seqs.erase(seqs.begin() + static_cast<long>(k));
			break;
		}
		}
	}
	gh_rm_rx_ready(rm);
	for (auto *c : calls)
		gh_rm_call_end(c, nullptr, nullptr, nullptr);
	g_rx.clear();
	gh_rm_unregister_listener(rm, &l);
	gh_rm_destroy(rm);
	if (gh_os_posix_live_allocs() != allocs)
		abort();
	return 0;
}
