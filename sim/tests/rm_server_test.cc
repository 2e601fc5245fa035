// SPDX-License-Identifier: BSD-3-Clause
// The simulator's RM server spoken to in raw RPC through msgq_send /
// msgq_recv hypercalls: framing, a multi-fragment request, each handler's
// answers, a VM's whole life booting the psci guest to a VM_EXITED
// notification, RX back-pressure and the TX queue's FULL and not-full IRQ.
#include <sys/mman.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

extern "C" {
#include <gunyah/hypercall.h>
#include <gunyah/rm_rpc.h>
#include <linux/gunyah.h>
#include <gunyah/sim.h>
}

namespace {

using Bytes = std::vector<uint8_t>;

void P16(Bytes &b, uint16_t v)
{
	b.push_back(uint8_t(v));
	b.push_back(uint8_t(v >> 8));
}
void P32(Bytes &b, uint32_t v)
{
	P16(b, uint16_t(v));
	P16(b, uint16_t(v >> 16));
}
void P64(Bytes &b, uint64_t v)
{
	P32(b, uint32_t(v));
	P32(b, uint32_t(v >> 32));
}
uint32_t G32(const Bytes &b, size_t o)
{
	return uint32_t(b[o]) | uint32_t(b[o + 1]) << 8 | uint32_t(b[o + 2]) << 16 |
	       uint32_t(b[o + 3]) << 24;
}
uint16_t G16(const Bytes &b, size_t o)
{
	return uint16_t(b[o] | b[o + 1] << 8);
}

struct Rpc {
	uint8_t type = 0;
	uint16_t seq = 0;
	uint32_t msg_id = 0;
	uint32_t err = 0;
	Bytes payload; // after the error word for a reply
	unsigned messages = 0;
};

class RmServer : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_sim_host_ops ops = {};
		ops.wakeup_irq = &RmServer::Irq;
		ops.ctx = this;
		ASSERT_EQ(0, gh_sim_create(&ops, &sim_));
		ASSERT_EQ(0, gh_sim_register(sim_));
		gh_sim_rm_endpoint(sim_, &ep_);
	}
	void TearDown() override { gh_sim_destroy(sim_); }

	static void Irq(void *ctx, uint32_t irq)
	{
		auto *t = static_cast<RmServer *>(ctx);
		std::lock_guard<std::mutex> g(t->mu_);
		t->irqs_[irq]++;
		t->cv_.notify_all();
	}
	unsigned Irqs(uint32_t irq)
	{
		std::lock_guard<std::mutex> g(mu_);
		return irqs_[irq];
	}
	bool WaitIrq(uint32_t irq, unsigned above,
	             std::chrono::milliseconds limit = std::chrono::seconds(10))
	{
		std::unique_lock<std::mutex> l(mu_);
		return cv_.wait_for(l, limit, [&] { return irqs_[irq] > above; });
	}

	int64_t Send(const Bytes &m, uint64_t *not_full = nullptr, uint64_t capid = 0)
	{
		gh_hypercall_regs in = {}, out;
		in.x[0] = GH_HYPERCALL_MSGQ_SEND;
		in.x[1] = capid ? capid : ep_.tx_capid;
		in.x[2] = m.size();
		in.x[3] = reinterpret_cast<uintptr_t>(m.data());
		in.x[4] = GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH;
		gh_sim_hypercall(sim_, &in, &out);
		if (not_full)
			*not_full = out.x[1];
		return int64_t(out.x[0]);
	}
	int64_t RecvRaw(Bytes &m, uint64_t max = 240, uint64_t *not_empty = nullptr)
	{
		uint8_t buf[256];
		gh_hypercall_regs in = {}, out;
		in.x[0] = GH_HYPERCALL_MSGQ_RECV;
		in.x[1] = ep_.rx_capid;
		in.x[2] = reinterpret_cast<uintptr_t>(buf);
		in.x[3] = max;
		gh_sim_hypercall(sim_, &in, &out);
		if (int64_t(out.x[0]) == GH_ERROR_OK)
			m.assign(buf, buf + out.x[1]);
		if (not_empty)
			*not_empty = out.x[2];
		return int64_t(out.x[0]);
	}
	// One message, waiting for the RX IRQ while the queue is empty.
	Bytes Recv()
	{
		for (;;) {
			unsigned before = Irqs(ep_.rx_irq);
			Bytes m;
			if (RecvRaw(m) == GH_ERROR_OK)
				return m;
			if (!WaitIrq(ep_.rx_irq, before)) {
				ADD_FAILURE() << "no message from the RM";
				return Bytes();
			}
		}
	}
	// One whole RPC from RX (reply or notification), reassembled.
	Rpc RecvRpc()
	{
		Rpc r;
		Bytes m = Recv();
		if (m.size() < 8)
			return r;
		EXPECT_EQ(GH_RM_RPC_API_BYTE, m[0]);
		r.type = m[1] & 3;
		unsigned frags = m[1] >> 2;
		r.seq = G16(m, 2);
		r.msg_id = G32(m, 4);
		r.payload.assign(m.begin() + 8, m.end());
		r.messages = 1;
		for (unsigned i = 0; i < frags; i++) {
			Bytes c = Recv();
			EXPECT_EQ(m[1] & ~3, c[1]); // CONTINUATION, same count
			EXPECT_EQ(r.seq, G16(c, 2));
			EXPECT_EQ(r.msg_id, G32(c, 4));
			r.payload.insert(r.payload.end(), c.begin() + 8, c.end());
			r.messages++;
		}
		if (r.type == GH_RM_RPC_TYPE_REPLY && r.payload.size() >= 4) {
			r.err = G32(r.payload, 0);
			r.payload.erase(r.payload.begin(), r.payload.begin() + 4);
		}
		return r;
	}
	static std::vector<Bytes> Frame(uint16_t seq, uint32_t id, const Bytes &p)
	{
		std::vector<Bytes> out;
		size_t frags = p.empty() ? 0 : (p.size() - 1) / 232;
		for (size_t i = 0; i <= frags; i++) {
			Bytes m = { GH_RM_RPC_API_BYTE,
				    uint8_t(frags << 2 | (i ? 0 : GH_RM_RPC_TYPE_REQUEST)) };
			P16(m, seq);
			P32(m, id);
			size_t off = i * 232, n = std::min<size_t>(232, p.size() - off);
			m.insert(m.end(), p.begin() + off, p.begin() + off + n);
			out.push_back(m);
		}
		return out;
	}
	// A call: its reply (notifications that come first are kept).
	Rpc Call(uint32_t id, const Bytes &p, unsigned *messages = nullptr)
	{
		uint16_t seq = seq_++;
		auto msgs = Frame(seq, id, p);
		if (messages)
			*messages = unsigned(msgs.size());
		for (auto &m : msgs)
			EXPECT_EQ(GH_ERROR_OK, Send(m));
		for (;;) {
			Rpc r = RecvRpc();
			if (r.type == GH_RM_RPC_TYPE_NOTIF) {
				notifs_.push_back(r);
				continue;
			}
			EXPECT_EQ(GH_RM_RPC_TYPE_REPLY, r.type);
			EXPECT_EQ(seq, r.seq);
			EXPECT_EQ(id, r.msg_id);
			return r;
		}
	}
	uint32_t Err(uint32_t id, const Bytes &p) { return Call(id, p).err; }
	Rpc Notif()
	{
		if (!notifs_.empty()) {
			Rpc r = notifs_.front();
			notifs_.pop_front();
			return r;
		}
		Rpc r = RecvRpc();
		EXPECT_EQ(GH_RM_RPC_TYPE_NOTIF, r.type);
		return r;
	}

	static Bytes Vm(uint16_t vmid, uint16_t reserved = 0)
	{
		Bytes b;
		P16(b, vmid);
		P16(b, reserved);
		return b;
	}
	uint16_t Alloc()
	{
		Rpc r = Call(GH_RM_MSG_VM_ALLOC_VMID, Vm(0));
		EXPECT_EQ(0U, r.err);
		EXPECT_EQ(4U, r.payload.size());
		return r.payload.size() == 4 ? uint16_t(G32(r.payload, 0)) : 0;
	}
	static Bytes Share(uint16_t vmid, uint8_t perms,
	                   const std::vector<std::pair<uint64_t, uint64_t>> &sgl, uint8_t flags = 0,
	                   bool host_too = true)
	{
		Bytes b = { GH_RM_MEM_TYPE_NORMAL, 0, flags, 0 };
		P32(b, 7);
		P16(b, uint16_t(host_too ? 2 : 1));
		P16(b, 0);
		P16(b, vmid);
		b.push_back(perms);
		b.push_back(0);
		if (host_too) {
			P16(b, GH_SIM_RM_HOST_VMID);
			b.push_back(GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X);
			b.push_back(0);
		}
		P16(b, uint16_t(sgl.size()));
		P16(b, 0);
		for (auto &e : sgl) {
			P64(b, e.first);
			P64(b, e.second);
		}
		P16(b, 0); // no attributes
		P16(b, 0);
		return b;
	}
	static Bytes ConfigImage(uint16_t vmid, uint32_t handle, uint64_t size,
	                         uint64_t dtb_off = 0, uint64_t dtb_size = 0, uint16_t auth = 0)
	{
		Bytes b;
		P16(b, vmid);
		P16(b, auth);
		P32(b, handle);
		P64(b, 0);
		P64(b, size);
		P64(b, dtb_off);
		P64(b, dtb_size);
		return b;
	}
	static Bytes Layout(uint16_t vmid, uint32_t range, uint64_t base, uint64_t size)
	{
		Bytes b;
		P16(b, vmid);
		P16(b, 0);
		P32(b, range);
		P64(b, base);
		P64(b, size);
		return b;
	}
	static Bytes BootReg(uint16_t vmid, uint8_t set, uint8_t index, uint64_t value)
	{
		Bytes b;
		P16(b, vmid);
		b.push_back(set);
		b.push_back(index);
		P32(b, 0);
		P64(b, value);
		return b;
	}
	static Bytes Stop(uint16_t vmid, uint8_t flags = GH_RM_VM_STOP_FLAG_FORCE)
	{
		Bytes b;
		P16(b, vmid);
		b.push_back(flags);
		b.push_back(0);
		P32(b, GH_RM_VM_STOP_REASON_FORCE);
		return b;
	}
	static Bytes Handle(uint32_t h, uint8_t flags = 0)
	{
		Bytes b;
		P32(b, h);
		b.push_back(flags);
		b.insert(b.end(), 3, 0);
		return b;
	}

	// Guest RAM: 2 MiB, page aligned, in 32 parcel ranges of 64 KiB.
	uint8_t *Ram(const std::string &guest)
	{
		ram_ = static_cast<uint8_t *>(mmap(nullptr, kRam, PROT_READ | PROT_WRITE,
		                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		auto img = simtest::LoadGuest(guest);
		EXPECT_FALSE(img.empty());
		memcpy(ram_, img.data(), img.size());
		return ram_;
	}
	std::vector<std::pair<uint64_t, uint64_t>> RamSgl(unsigned n = 32)
	{
		std::vector<std::pair<uint64_t, uint64_t>> sgl;
		for (unsigned i = 0; i < n; i++)
			sgl.push_back(
				{ reinterpret_cast<uintptr_t>(ram_) + i * (kRam / n), kRam / n });
		return sgl;
	}
	~RmServer() override
	{
		if (ram_)
			munmap(ram_, kRam);
	}

	static constexpr uint64_t kRam = 2 << 20;
	static constexpr uint64_t kBase = 0x40000000;
	gh_sim *sim_ = nullptr;
	struct gh_sim_rm_endpoint ep_ = {};
	uint16_t seq_ = 1;
	std::deque<Rpc> notifs_;
	uint8_t *ram_ = nullptr;
	std::mutex mu_;
	std::condition_variable cv_;
	std::map<uint32_t, unsigned> irqs_;
};

TEST_F(RmServer, EndpointAndFraming)
{
	EXPECT_NE(0U, ep_.tx_capid);
	EXPECT_NE(ep_.tx_capid, ep_.rx_capid);
	EXPECT_EQ(GH_SIM_RM_TX_IRQ, ep_.tx_irq);
	EXPECT_EQ(GH_SIM_RM_RX_IRQ, ep_.rx_irq);
	EXPECT_EQ(GH_SIM_RM_HOST_VMID, ep_.host_vmid);

	Rpc r = Call(GH_RM_MSG_VM_GET_VMID, {});
	EXPECT_EQ(0U, r.err);
	ASSERT_EQ(4U, r.payload.size());
	EXPECT_EQ(GH_SIM_RM_HOST_VMID, G32(r.payload, 0));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MSG_INVALID), Err(GH_RM_MSG_VM_GET_VMID, Vm(0)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_UNIMPLEMENTED), Err(0x56000099, Vm(1)));

	// malformed messages are dropped; the next request is answered
	Bytes bad = Frame(99, GH_RM_MSG_VM_GET_VMID, {})[0];
	bad[0] = 0x22;
	EXPECT_EQ(GH_ERROR_OK, Send(bad));
	Bytes cont = Frame(98, GH_RM_MSG_VM_GET_VMID, {})[0];
	cont[1] = 0;
	EXPECT_EQ(GH_ERROR_OK, Send(cont));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_GET_VMID, {}));
}

TEST_F(RmServer, QueueHypercallErrors)
{
	Bytes m(8), big(241);
	EXPECT_EQ(GH_ERROR_CSPACE_CAP_NULL, Send(m, nullptr, ep_.rx_capid));
	EXPECT_EQ(GH_ERROR_CSPACE_CAP_NULL, Send(m, nullptr, 0x999));
	EXPECT_EQ(GH_ERROR_ARG_SIZE, Send(Bytes(), nullptr));
	EXPECT_EQ(GH_ERROR_ARG_SIZE, Send(big, nullptr));
	Bytes got;
	uint64_t not_empty = 1;
	EXPECT_EQ(GH_ERROR_MSGQUEUE_EMPTY, RecvRaw(got, 240, &not_empty));
	EXPECT_EQ(0U, not_empty);
	// a reply too big for the buffer stays queued
	for (auto &f : Frame(1, GH_RM_MSG_VM_GET_VMID, {}))
		ASSERT_EQ(GH_ERROR_OK, Send(f));
	ASSERT_TRUE(WaitIrq(ep_.rx_irq, 0));
	EXPECT_EQ(GH_ERROR_ADDR_OVFL, RecvRaw(got, 8));
	EXPECT_EQ(GH_ERROR_OK, RecvRaw(got));
	EXPECT_EQ(16U, got.size());
}

TEST_F(RmServer, ParcelsAndTheirErrors)
{
	Ram("psci");
	uint16_t vmid = Alloc();
	ASSERT_NE(0, vmid);
	EXPECT_NE(GH_SIM_RM_HOST_VMID, vmid);

	// 16 ranges (> 14): a request of 2 messages; 32: of 3
	unsigned msgs = 0;
	Rpc r = Call(GH_RM_MSG_MEM_SHARE, Share(vmid, GH_RM_ACL_R | GH_RM_ACL_W, RamSgl(16)),
	             &msgs);
	EXPECT_EQ(2U, msgs);
	EXPECT_EQ(0U, r.err);
	r = Call(GH_RM_MSG_MEM_LEND, Share(vmid, GH_RM_ACL_R, RamSgl(32)), &msgs);
	EXPECT_EQ(3U, msgs);
	EXPECT_EQ(0U, r.err);
	ASSERT_EQ(4U, r.payload.size());
	uint32_t h = G32(r.payload, 0);

	auto sgl = RamSgl(2);
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VMID_INVALID), Err(GH_RM_MSG_MEM_SHARE, Share(77, 4, sgl)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_MEM_SHARE, Share(vmid, 0x8, sgl)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_MEM_SHARE, Share(vmid, 4, { { 0x1001, 0x1000 } })));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_MEM_SHARE, Share(vmid, 4, sgl, 0x80)));
	Bytes cut = Share(vmid, 4, sgl);
	cut.resize(cut.size() - 6);
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MSG_INVALID), Err(GH_RM_MSG_MEM_SHARE, cut));

	// APPEND until END; before that the parcel is not usable
	r = Call(GH_RM_MSG_MEM_SHARE, Share(vmid, 7, RamSgl(2), GH_RM_MEM_SHARE_FLAG_APPEND));
	ASSERT_EQ(0U, r.err);
	uint32_t ha = G32(r.payload, 0);
	EXPECT_EQ(uint32_t(GH_RM_ERROR_HANDLE_INVALID),
	          Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, ha, 4096)));
	Bytes app = Handle(ha, GH_RM_MEM_APPEND_FLAG_END);
	P16(app, 1);
	P16(app, 0);
	P64(app, reinterpret_cast<uintptr_t>(ram_) + kRam);
	P64(app, 4096);
	EXPECT_EQ(0U, Err(GH_RM_MSG_MEM_APPEND, app));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_HANDLE_INVALID), Err(GH_RM_MSG_MEM_APPEND, app));

	EXPECT_EQ(uint32_t(GH_RM_ERROR_HANDLE_INVALID), Err(GH_RM_MSG_MEM_RECLAIM, Handle(12345)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_MEM_RECLAIM, Handle(h, 2)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_MEM_RECLAIM, Handle(h)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_HANDLE_INVALID), Err(GH_RM_MSG_MEM_RECLAIM, Handle(h)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_MEM_RECLAIM, Handle(ha)));
}

TEST_F(RmServer, VmRequestErrors)
{
	Ram("psci");
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VMID_INVALID), Err(GH_RM_MSG_VM_START, Vm(42)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_VM_ALLOC_VMID, Vm(5)));
	uint16_t vmid = Alloc();
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MSG_INVALID), Err(GH_RM_MSG_VM_START, Bytes{ 1, 0 }));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_VM_INIT, Vm(vmid, 1)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_START, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE),
	          Err(GH_RM_MSG_VM_SET_BOOT_CONTEXT, BootReg(vmid, 1, 0, kBase)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_GET_HYP_RESOURCES, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_STOP, Stop(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_HANDLE_INVALID),
	          Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, 999, 4096)));
	Rpc r = Call(GH_RM_MSG_MEM_SHARE, Share(vmid, 7, RamSgl(1)));
	uint32_t h = G32(r.payload, 0);
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, 4096, 0, 0, 1)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam + 1)));
	Bytes short_cfg = ConfigImage(vmid, h, 4096);
	short_cfg.pop_back();
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MSG_INVALID), Err(GH_RM_MSG_VM_CONFIG_IMAGE, short_cfg));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, Layout(vmid, 2, kBase, kRam)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, Layout(vmid, 0, kBase + 1, kRam)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE),
	          Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam)));
	// the layout must be given (checked before anything is done) and
	// cover the parcel (a failed init: INIT_FAILED)
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, Layout(vmid, 0, kBase, 4096)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VMID_INVALID), Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
}

TEST_F(RmServer, LifecycleBootsTheGuestToVmExited)
{
	Ram("psci");
	uint16_t vmid = Alloc();
	unsigned msgs = 0;
	Rpc r = Call(GH_RM_MSG_MEM_LEND, Share(vmid, 7, RamSgl(32)), &msgs);
	ASSERT_EQ(0U, r.err);
	EXPECT_EQ(3U, msgs);
	uint32_t h = G32(r.payload, 0);
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT,
	                  Layout(vmid, GH_RM_RANGE_ID_IMAGE, kBase, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	// x0 = 0: the guest ends with SYSTEM_OFF over HVC
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_SET_BOOT_CONTEXT, BootReg(vmid, 0, 0, 0)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_SET_BOOT_CONTEXT, BootReg(vmid, 1, 0, kBase)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID),
	          Err(GH_RM_MSG_VM_SET_BOOT_CONTEXT, BootReg(vmid, 1, 1, kBase)));

	r = Call(GH_RM_MSG_VM_GET_HYP_RESOURCES, Vm(vmid));
	ASSERT_EQ(0U, r.err);
	ASSERT_EQ(4U + 17 * 44, r.payload.size());
	EXPECT_EQ(17U, G32(r.payload, 0));
	const size_t e0 = 4;
	EXPECT_EQ(GH_RM_RESOURCE_VCPU, r.payload[e0]);
	EXPECT_EQ(0U, G32(r.payload, e0 + 8));
	uint64_t vcpu = G32(r.payload, e0 + 12) | uint64_t(G32(r.payload, e0 + 16)) << 32;
	EXPECT_EQ(vcpu, gh_sim_vm_vcpu_capid(gh_sim_vm_lookup(sim_, vmid), 0));
	EXPECT_GE(G32(r.payload, e0 + 24), 64U); // its wake-up IRQ
	for (unsigned i = 0; i < 16; i++) {
		EXPECT_EQ(GH_RM_RESOURCE_BELL_TX, r.payload[e0 + 44 * (i + 1)]);
		EXPECT_EQ(i, G32(r.payload, e0 + 44 * (i + 1) + 8));
	}
	// mapped into a VM that is READY: in use
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MEM_INUSE), Err(GH_RM_MSG_MEM_RECLAIM, Handle(h)));

	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_START, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_START, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_RESET, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));

	gh_hypercall_vcpu_run_resp resp = {};
	for (int i = 0; i < 100000; i++) {
		uint64_t resume[3] = { 0, GH_VMMIO_ACTION_EMULATE, 0 };
		ASSERT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(vcpu, resume, &resp));
		if (resp.state == GH_VCPU_STATE_POWERED_OFF &&
		    (resp.state_data[0] & GH_VCPU_POWEROFF_EXITED))
			break;
	}
	ASSERT_EQ(GH_VCPU_STATE_POWERED_OFF, resp.state);

	Rpc n = Notif();
	EXPECT_EQ(uint32_t(GH_RM_NOTIF_VM_EXITED), n.msg_id);
	ASSERT_EQ(12U, n.payload.size());
	EXPECT_EQ(vmid, G16(n.payload, 0));
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, G16(n.payload, 2));
	EXPECT_EQ(4U, G32(n.payload, 4));
	EXPECT_EQ(0U, G32(n.payload, 8)); // NORMAL, no flags

	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_STOP, Stop(vmid))); // already over: no second notification
	EXPECT_EQ(uint32_t(GH_RM_ERROR_VM_STATE), Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_RESET, Vm(vmid)));
	n = Notif();
	EXPECT_EQ(uint32_t(GH_RM_NOTIF_VM_STATUS), n.msg_id);
	ASSERT_EQ(8U, n.payload.size());
	EXPECT_EQ(vmid, G16(n.payload, 0));
	EXPECT_EQ(GH_RM_VM_STATUS_RESET, n.payload[4]);
	EXPECT_EQ(0U, Err(GH_RM_MSG_MEM_RECLAIM, Handle(h)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
	EXPECT_TRUE(notifs_.empty());
}

TEST_F(RmServer, ForcedStopNotifies)
{
	Ram("spin");
	uint16_t vmid = Alloc();
	Rpc r = Call(GH_RM_MSG_MEM_SHARE, Share(vmid, 7, RamSgl(4)));
	uint32_t h = G32(r.payload, 0);
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, Layout(vmid, 0, kBase, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_START, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_ARGUMENT_INVALID), Err(GH_RM_MSG_VM_STOP, Stop(vmid, 2)));
	EXPECT_EQ(uint32_t(GH_RM_ERROR_MEM_INUSE), Err(GH_RM_MSG_MEM_RECLAIM, Handle(h)));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_STOP, Stop(vmid)));
	Rpc n = Notif();
	EXPECT_EQ(uint32_t(GH_RM_NOTIF_VM_EXITED), n.msg_id);
	ASSERT_EQ(12U, n.payload.size());
	EXPECT_EQ(GH_VM_EXIT_TYPE_VM_FORCE_STOPPED, G16(n.payload, 2));
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_RESET, Vm(vmid)));
	EXPECT_EQ(uint32_t(GH_RM_NOTIF_VM_STATUS), Notif().msg_id);
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
}

TEST_F(RmServer, BackPressureNeverDropsAReply)
{
	// Nobody reads RX: the server fills it and waits; then TX fills and
	// stays full (no not-full IRQ for a while).
	Bytes req = Frame(0, GH_RM_MSG_VM_GET_VMID, {})[0];
	unsigned sent = 0, fulls = 0;
	for (;;) {
		req[2] = uint8_t(sent);
		req[3] = uint8_t(sent >> 8);
		unsigned before = Irqs(ep_.tx_irq);
		int64_t e = Send(req);
		if (e == GH_ERROR_OK) {
			sent++;
			continue;
		}
		ASSERT_EQ(GH_ERROR_MSGQUEUE_FULL, e);
		fulls++;
		if (!WaitIrq(ep_.tx_irq, before, std::chrono::milliseconds(500)))
			break; // the server is stuck on a full RX
		ASSERT_LT(sent, 1000U);
	}
	EXPECT_GE(sent, 128U); // 64 replies in RX, 64 requests in TX
	unsigned tx_irqs = Irqs(ep_.tx_irq);

	for (unsigned i = 0; i < sent; i++) {
		Rpc r = RecvRpc();
		ASSERT_EQ(GH_RM_RPC_TYPE_REPLY, r.type);
		ASSERT_EQ(uint16_t(i), r.seq) << "in order, none dropped";
		ASSERT_EQ(GH_SIM_RM_HOST_VMID, G32(r.payload, 0));
	}
	// draining RX let the server take from the full TX: not full again
	EXPECT_GT(Irqs(ep_.tx_irq), tx_irqs);
	req[2] = req[3] = 0xff;
	EXPECT_EQ(GH_ERROR_OK, Send(req));
	EXPECT_EQ(0xffffU, RecvRpc().seq);
	Bytes m;
	EXPECT_EQ(GH_ERROR_MSGQUEUE_EMPTY, RecvRaw(m));
}

TEST_F(RmServer, TxFullThenNotFullIrq)
{
	// Sends until FULL; the server drains TX until RX is full, and TX
	// fills for good (no not-full IRQ for a while).
	Bytes req = Frame(0, GH_RM_MSG_VM_GET_VMID, {})[0];
	unsigned sent = 0, before;
	for (;;) {
		before = Irqs(ep_.tx_irq);
		int64_t e = Send(req);
		if (e == GH_ERROR_OK) {
			sent++;
			continue;
		}
		ASSERT_EQ(GH_ERROR_MSGQUEUE_FULL, e);
		if (!WaitIrq(ep_.tx_irq, before, std::chrono::milliseconds(500)))
			break;
	}
	Bytes m;
	ASSERT_EQ(GH_ERROR_OK, RecvRaw(m)); // room in RX: the server takes from TX
	ASSERT_TRUE(WaitIrq(ep_.tx_irq, before));
	EXPECT_EQ(GH_ERROR_OK, Send(req));
	for (unsigned i = 0; i < sent; i++)
		RecvRpc();
}

TEST_F(RmServer, ConfigureBeforeAnyVm)
{
	EXPECT_EQ(-EINVAL, gh_sim_rm_configure(sim_, 9, 0));
	ASSERT_EQ(0, gh_sim_rm_configure(sim_, 2, 4));
	Ram("psci");
	uint16_t vmid = Alloc();
	EXPECT_EQ(-EBUSY, gh_sim_rm_configure(sim_, 1, 1));
	Rpc r = Call(GH_RM_MSG_MEM_SHARE, Share(vmid, 7, RamSgl(1)));
	uint32_t h = G32(r.payload, 0);
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_CONFIG_IMAGE, ConfigImage(vmid, h, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, Layout(vmid, 0, kBase, kRam)));
	ASSERT_EQ(0U, Err(GH_RM_MSG_VM_INIT, Vm(vmid)));
	r = Call(GH_RM_MSG_VM_GET_HYP_RESOURCES, Vm(vmid));
	EXPECT_EQ(6U, G32(r.payload, 0)); // 2 vCPUs, 4 doorbells
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_RESET, Vm(vmid)));
	Notif();
	EXPECT_EQ(0U, Err(GH_RM_MSG_VM_DEALLOC_VMID, Vm(vmid)));
}

} // namespace
