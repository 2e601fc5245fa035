// SPDX-License-Identifier: BSD-3-Clause
// Each call's request payload byte for byte, its reply decoding, its errors;
// memory parcels split over messages and MEM_APPEND; the notification decoders.
#include <gtest/gtest.h>

#include <deque>

extern "C" {
#include <gunyah/os_posix.h>
}

#include "fake_rm.h"

namespace rmtest {
namespace {

class Calls : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		allocs_ = gh_os_posix_live_allocs();
		fake_ = new FakeRm();
		fake_->Serve([this](const Request &r) {
			seen_.push_back(r);
			if (script_.empty())
				return std::make_pair(0u, Bytes{});
			auto rep = script_.front();
			script_.pop_front();
			return rep;
		});
	}
	void TearDown() override
	{
		delete fake_;
		EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
	}
	void Answer(uint32_t err, const Bytes &payload = {}) { script_.emplace_back(err, payload); }
	gh_rm *rm() { return fake_->rm(); }
	const Request &Last()
	{
		EXPECT_FALSE(seen_.empty());
		return seen_.back();
	}

	FakeRm *fake_ = nullptr;
	long allocs_ = 0;
	std::vector<Request> seen_;
	std::deque<std::pair<uint32_t, Bytes>> script_;
};

Bytes Vmid(uint16_t vmid)
{
	Bytes b;
	Put16(b, vmid);
	Put16(b, 0);
	return b;
}

TEST_F(Calls, AllocVmidDynamic)
{
	Bytes rep;
	Put32(rep, 0x45);
	Answer(0, rep);
	uint16_t vmid = 0;
	ASSERT_EQ(gh_rm_vm_alloc_vmid(rm(), 0, &vmid), 0);
	EXPECT_EQ(vmid, 0x45);
	EXPECT_EQ(Last().msg_id, 0x56000001u);
	EXPECT_EQ(Last().payload, Vmid(0));

	struct Case {
		const char *name;
		Bytes reply;
	} bad[] = {
		{ "empty", {} },
		{ "short", { 0x45, 0 } },
		{ "long", { 0x45, 0, 0, 0, 0 } },
		{ "vmid 0", { 0, 0, 0, 0 } },
		{ "17 bits", { 1, 0, 1, 0 } },
	};
	for (const auto &c : bad) {
		SCOPED_TRACE(c.name);
		Answer(0, c.reply);
		vmid = 7;
		EXPECT_EQ(gh_rm_vm_alloc_vmid(rm(), 0, &vmid), -EIO);
		EXPECT_EQ(vmid, 7);
	}
	Answer(GH_RM_ERROR_NORESOURCE);
	EXPECT_EQ(gh_rm_vm_alloc_vmid(rm(), 0, &vmid), -ENODEV);
	EXPECT_EQ(gh_rm_vm_alloc_vmid(rm(), 0, nullptr), -EINVAL);
}

TEST_F(Calls, AllocVmidRequested)
{
	uint16_t vmid = 0;
	Answer(0);
	ASSERT_EQ(gh_rm_vm_alloc_vmid(rm(), 3, &vmid), 0);
	EXPECT_EQ(vmid, 3);
	EXPECT_EQ(Last().payload, Vmid(3));
	Answer(0, { 3, 0, 0, 0 }); // a requested vmid is confirmed by an empty reply
	EXPECT_EQ(gh_rm_vm_alloc_vmid(rm(), 3, &vmid), -EIO);
}

TEST_F(Calls, VmidOnlyCalls)
{
	struct Case {
		const char *name;
		int (*call)(gh_rm *, uint16_t);
		uint32_t id;
	} cases[] = {
		{ "dealloc", gh_rm_vm_dealloc_vmid, 0x56000002 },
		{ "start", gh_rm_vm_start, 0x56000004 },
		{ "reset", gh_rm_vm_reset, 0x56000006 },
		{ "init", gh_rm_vm_init, 0x5600000b },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		EXPECT_EQ(c.call(rm(), 0x1234), 0);
		EXPECT_EQ(Last().msg_id, c.id);
		EXPECT_EQ(Last().payload, Vmid(0x1234));
		Answer(GH_RM_ERROR_VM_STATE);
		EXPECT_EQ(c.call(rm(), 1), -EINVAL);
		Answer(0, { 1, 2, 3 }); // an unexpected payload is ignored
		EXPECT_EQ(c.call(rm(), 1), 0);
	}
}

TEST_F(Calls, Stop)
{
	ASSERT_EQ(gh_rm_vm_stop(rm(), 0x22, GH_RM_VM_STOP_FLAG_FORCE, GH_RM_VM_STOP_REASON_FORCE),
	          0);
	EXPECT_EQ(Last().msg_id, 0x56000005u);
	EXPECT_EQ(Last().payload, (Bytes{ 0x22, 0, 1, 0, 3, 0, 0, 0 }));
	ASSERT_EQ(gh_rm_vm_stop(rm(), 0x22, 0, 0xaabbccdd), 0);
	EXPECT_EQ(Last().payload, (Bytes{ 0x22, 0, 0, 0, 0xdd, 0xcc, 0xbb, 0xaa }));
	size_t n = seen_.size();
	EXPECT_EQ(gh_rm_vm_stop(rm(), 0x22, 2, 0), -EINVAL);
	EXPECT_EQ(seen_.size(), n);
}

TEST_F(Calls, ConfigImage)
{
	gh_rm_vm_image_config cfg = { 9,     GH_RM_VM_AUTH_NONE, 0x01020304, 0x1000, 0x2000, 0x3000,
		                      0x4000 };
	ASSERT_EQ(gh_rm_vm_config_image(rm(), &cfg), 0);
	const Request &r = Last();
	EXPECT_EQ(r.msg_id, 0x56000009u);
	ASSERT_EQ(r.payload.size(), 40u);
	EXPECT_EQ(Get16(r.payload, 0), 9);
	EXPECT_EQ(Get16(r.payload, 2), 0);
	EXPECT_EQ(Get32(r.payload, 4), 0x01020304u);
	EXPECT_EQ(Get64(r.payload, 8), 0x1000u);
	EXPECT_EQ(Get64(r.payload, 16), 0x2000u);
	EXPECT_EQ(Get64(r.payload, 24), 0x3000u);
	EXPECT_EQ(Get64(r.payload, 32), 0x4000u);
	size_t n = seen_.size();
	gh_rm_vm_image_config bad = cfg;
	bad.auth_mech = 3;
	EXPECT_EQ(gh_rm_vm_config_image(rm(), &bad), -EINVAL);
	bad = cfg;
	bad.dtb_offset = ~0ull;
	EXPECT_EQ(gh_rm_vm_config_image(rm(), &bad), -EINVAL);
	bad = cfg;
	bad.image_size = ~0ull;
	EXPECT_EQ(gh_rm_vm_config_image(rm(), &bad), -EINVAL);
	EXPECT_EQ(gh_rm_vm_config_image(rm(), nullptr), -EINVAL);
	EXPECT_EQ(seen_.size(), n);
}

TEST_F(Calls, SetBootContext)
{
	ASSERT_EQ(gh_rm_vm_set_boot_context(rm(), 4, GH_RM_BOOT_CONTEXT_REG_SET_PC, 0,
	                                    0x8000000040080000ull),
	          0);
	const Request &r = Last();
	EXPECT_EQ(r.msg_id, 0x56000031u);
	EXPECT_EQ(r.payload, (Bytes{ 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0, 0, 0, 0x80 }));
	struct Case {
		uint8_t set, index;
		int ret;
	} cases[] = { { 0, 0, 0 }, { 0, 31, 0 },      { 0, 32, -EINVAL }, { 1, 1, -EINVAL },
		      { 2, 2, 0 }, { 2, 3, -EINVAL }, { 3, 0, -EINVAL },  { 0xff, 0, -EINVAL } };
	for (const auto &c : cases) {
		SCOPED_TRACE(testing::Message() << int(c.set) << "/" << int(c.index));
		EXPECT_EQ(gh_rm_vm_set_boot_context(rm(), 4, c.set, c.index, 1), c.ret);
	}
	Answer(GH_RM_ERROR_UNIMPLEMENTED); // the open-source RM does not implement it
	EXPECT_EQ(gh_rm_vm_set_boot_context(rm(), 4, 1, 0, 0), -EOPNOTSUPP);
}

Bytes Entry(uint8_t type, uint16_t partner, uint32_t handle, uint32_t label, uint64_t capid,
            uint32_t virq_handle, uint32_t virq, uint64_t base, uint64_t size)
{
	Bytes e;
	e.push_back(type);
	e.push_back(0);
	Put16(e, partner);
	Put32(e, handle);
	Put32(e, label);
	Put64(e, capid);
	Put32(e, virq_handle);
	Put32(e, virq);
	Put64(e, base);
	Put64(e, size);
	return e;
}

Bytes Resources(const std::vector<Bytes> &entries, uint32_t count)
{
	Bytes b;
	Put32(b, count);
	for (const auto &e : entries)
		b.insert(b.end(), e.begin(), e.end());
	return b;
}

TEST_F(Calls, GetHypResources)
{
	std::vector<Bytes> es = {
		Entry(GH_RM_RESOURCE_VCPU, 3, 11, 0, 0x1122334455667788ull, 12, 45, 0, 0),
		Entry(GH_RM_RESOURCE_BELL_TX, 3, 13, 7, 0x20, 0, 0, 0, 0),
		Entry(GH_RM_RESOURCE_MSGQ_RX, 3, 14, 1, 0x21, 15, 46, 0x40000000, 0x1000),
		Entry(8, 3, 16, 0, 0x22, 0, 0, 0, 0), // watchdog: kept raw
	};
	Answer(0, Resources(es, 4));
	gh_rm_hyp_resource out[8];
	size_t n = 0;
	ASSERT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, out, 8, &n), 0);
	EXPECT_EQ(Last().msg_id, 0x56000020u);
	EXPECT_EQ(Last().payload, Vmid(3));
	ASSERT_EQ(n, 4u);
	EXPECT_EQ(out[0].type, 4u);
	EXPECT_EQ(out[0].label, 0u);
	EXPECT_EQ(out[0].capid, 0x1122334455667788ull);
	EXPECT_EQ(out[0].virq, 45u);
	EXPECT_EQ(out[0].virq_handle, 12u);
	EXPECT_EQ(out[0].handle, 11u);
	EXPECT_EQ(out[0].partner_vmid, 3);
	EXPECT_EQ(out[1].type, 0u);
	EXPECT_EQ(out[1].label, 7u);
	EXPECT_EQ(out[1].capid, 0x20u);
	EXPECT_EQ(out[2].type, 3u);
	EXPECT_EQ(out[2].base, 0x40000000u);
	EXPECT_EQ(out[2].size, 0x1000u);
	EXPECT_EQ(out[3].type, 8u);

	// Too many for the caller: -ENOSPC with the RM's count.
	Answer(0, Resources(es, 4));
	EXPECT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, out, 2, &n), -ENOSPC);
	EXPECT_EQ(n, 4u);
	// None.
	Answer(0, Resources({}, 0));
	EXPECT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, nullptr, 0, &n), 0);
	EXPECT_EQ(n, 0u);
	// Many: a reply of several fragments.
	std::vector<Bytes> many;
	for (uint32_t i = 0; i < GH_RM_MAX_HYP_RESOURCES; i++)
		many.push_back(Entry(GH_RM_RESOURCE_VCPU, 3, i, i, 0x100 + i, 0, 32 + i, 0, 0));
	Answer(0, Resources(many, GH_RM_MAX_HYP_RESOURCES));
	std::vector<gh_rm_hyp_resource> big(GH_RM_MAX_HYP_RESOURCES);
	ASSERT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, big.data(), big.size(), &n), 0);
	ASSERT_EQ(n, GH_RM_MAX_HYP_RESOURCES);
	EXPECT_EQ(big[331].capid, 0x100u + 331);

	Bytes reserved = Entry(GH_RM_RESOURCE_VCPU, 3, 0, 0, 1, 0, 0, 0, 0);
	reserved[1] = 1;
	struct Case {
		const char *name;
		Bytes reply;
	} bad[] = {
		{ "empty", {} },
		{ "short count", { 1, 0 } },
		{ "count above entries", Resources(es, 5) },
		{ "count below entries", Resources(es, 3) },
		{ "count wraps", Resources(es, 0xffffffffu) },
		{ "trailing bytes",
		  [&] {
			  Bytes b = Resources(es, 4);
			  b.push_back(0);
			  return b;
		  }() },
		{ "reserved byte", Resources({ reserved }, 1) },
	};
	for (const auto &c : bad) {
		SCOPED_TRACE(c.name);
		Answer(0, c.reply);
		EXPECT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, out, 8, &n), -EIO);
		EXPECT_EQ(n, 0u);
	}
	EXPECT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, out, 8, nullptr), -EINVAL);
	EXPECT_EQ(gh_rm_vm_get_hyp_resources(rm(), 3, nullptr, 8, &n), -EINVAL);
}

// The request bytes of a parcel, built independently from the RM's layout.
Bytes ParcelBytes(const gh_rm_mem_parcel &p, size_t first, bool append)
{
	Bytes b;
	b.push_back(p.mem_type);
	b.push_back(0);
	b.push_back(static_cast<uint8_t>(p.flags | (append ? 2 : 0)));
	b.push_back(0);
	Put32(b, p.label);
	Put16(b, static_cast<uint16_t>(p.n_acl));
	Put16(b, 0);
	for (size_t i = 0; i < p.n_acl; i++) {
		Put16(b, p.acl[i].vmid);
		b.push_back(p.acl[i].perms);
		b.push_back(0);
	}
	Put16(b, static_cast<uint16_t>(first));
	Put16(b, 0);
	for (size_t i = 0; i < first; i++) {
		Put64(b, p.ranges[i].addr);
		Put64(b, p.ranges[i].size);
	}
	Put16(b, static_cast<uint16_t>(p.n_attrs));
	Put16(b, 0);
	for (size_t i = 0; i < p.n_attrs; i++) {
		Put16(b, p.attrs[i].attr);
		Put16(b, p.attrs[i].vmid);
	}
	return b;
}

Bytes AppendBytes(uint32_t handle, bool end, const gh_rm_mem_range *r, size_t n)
{
	Bytes b;
	Put32(b, handle);
	b.push_back(end ? 1 : 0);
	b.push_back(0);
	Put16(b, 0);
	Put16(b, static_cast<uint16_t>(n));
	Put16(b, 0);
	for (size_t i = 0; i < n; i++) {
		Put64(b, r[i].addr);
		Put64(b, r[i].size);
	}
	return b;
}

Bytes Handle(uint32_t h)
{
	Bytes b;
	Put32(b, h);
	return b;
}

// A region with holes: three discontiguous ranges, one small message.
TEST_F(Calls, LendRegionWithHoles)
{
	const gh_rm_mem_acl acl[] = { { 5, GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X, 0 } };
	const gh_rm_mem_range ranges[] = { { 0x80000000, 0x200000 },
		                           { 0x80400000, 0x1000 },
		                           { 0x90000000, 0x10000 } };
	gh_rm_mem_parcel p = {};
	p.label = 0x11;
	p.n_acl = 1;
	p.acl = acl;
	p.n_ranges = 3;
	p.ranges = ranges;
	Answer(0, Handle(0x77));
	uint32_t h = 0;
	ASSERT_EQ(gh_rm_mem_lend(rm(), &p, &h), 0);
	EXPECT_EQ(h, 0x77u);
	ASSERT_EQ(seen_.size(), 1u);
	EXPECT_EQ(Last().msg_id, 0x51000012u);
	EXPECT_EQ(Last().payload, ParcelBytes(p, 3, false));
	EXPECT_EQ(Last().payload.size(), 8u + 4 + 4 + 4 + 48 + 4);
	EXPECT_EQ(Last().messages, 1u);
}

// Share with two ACL entries and attributes, in a request of several messages.
TEST_F(Calls, ShareLargerThanOneMessage)
{
	const gh_rm_mem_acl acl[] = { { 3, GH_RM_ACL_R | GH_RM_ACL_W, 0 },
		                      { 5, GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X, 0 } };
	const gh_rm_mem_attr attrs[] = { { GH_RM_MEM_ATTR_CACHED, 5 } };
	std::vector<gh_rm_mem_range> ranges;
	for (uint64_t i = 0; i < 40; i++)
		ranges.push_back({ 0x40000000 + i * 0x3000, 0x1000 }); // every third page
	gh_rm_mem_parcel p = {};
	p.flags = GH_RM_MEM_SHARE_FLAG_SANITIZE;
	p.label = 2;
	p.n_acl = 2;
	p.acl = acl;
	p.n_ranges = ranges.size();
	p.ranges = ranges.data();
	p.n_attrs = 1;
	p.attrs = attrs;
	Answer(0, Handle(9));
	uint32_t h = 0;
	ASSERT_EQ(gh_rm_mem_share(rm(), &p, &h), 0);
	EXPECT_EQ(h, 9u);
	EXPECT_EQ(Last().msg_id, 0x51000013u);
	EXPECT_EQ(Last().payload, ParcelBytes(p, 40, false));
	EXPECT_EQ(Last().messages, 3u); // 684 bytes
}

// More ranges than one list: the rest follow in MEM_APPEND, END on the last.
TEST_F(Calls, LendWithAppends)
{
	const gh_rm_mem_acl acl[] = { { 5, GH_RM_ACL_R | GH_RM_ACL_W, 0 } };
	for (size_t total : { 513u, 1024u, 1100u }) {
		SCOPED_TRACE(total);
		seen_.clear();
		std::vector<gh_rm_mem_range> ranges;
		for (uint64_t i = 0; i < total; i++)
			ranges.push_back({ 0x100000000ull + i * 0x2000, 0x1000 });
		gh_rm_mem_parcel p = {};
		p.n_acl = 1;
		p.acl = acl;
		p.n_ranges = total;
		p.ranges = ranges.data();
		Answer(0, Handle(0x31));
		uint32_t h = 0;
		ASSERT_EQ(gh_rm_mem_lend(rm(), &p, &h), 0);
		EXPECT_EQ(h, 0x31u);
		size_t appends = (total - 1) / 512;
		ASSERT_EQ(seen_.size(), 1 + appends);
		EXPECT_EQ(seen_[0].msg_id, 0x51000012u);
		EXPECT_EQ(seen_[0].payload, ParcelBytes(p, 512, true));
		for (size_t i = 0; i < appends; i++) {
			size_t off = 512 * (i + 1), n = std::min<size_t>(512, total - off);
			EXPECT_EQ(seen_[1 + i].msg_id, 0x51000018u);
			EXPECT_EQ(seen_[1 + i].payload,
			          AppendBytes(0x31, i + 1 == appends, &ranges[off], n));
		}
	}
}

TEST_F(Calls, FailedAppendReclaims)
{
	const gh_rm_mem_acl acl[] = { { 5, GH_RM_ACL_R, 0 } };
	std::vector<gh_rm_mem_range> ranges(600, gh_rm_mem_range{ 0x1000, 0x1000 });
	gh_rm_mem_parcel p = {};
	p.n_acl = 1;
	p.acl = acl;
	p.n_ranges = ranges.size();
	p.ranges = ranges.data();
	Answer(0, Handle(0x44));
	Answer(GH_RM_ERROR_MEM_INVALID);
	uint32_t h = 0;
	EXPECT_EQ(gh_rm_mem_lend(rm(), &p, &h), -EINVAL);
	EXPECT_EQ(h, GH_RM_MEM_HANDLE_INVALID);
	ASSERT_EQ(seen_.size(), 3u);
	EXPECT_EQ(seen_[2].msg_id, 0x51000015u);
	EXPECT_EQ(seen_[2].payload, (Bytes{ 0x44, 0, 0, 0, 0, 0, 0, 0 }));
}

TEST_F(Calls, BadParcels)
{
	const gh_rm_mem_acl acl[] = { { 5, GH_RM_ACL_R, 0 } };
	const gh_rm_mem_range range[] = { { 0x1000, 0x1000 } };
	const gh_rm_mem_acl no_perms[] = { { 5, 0, 0 } };
	const gh_rm_mem_acl bad_perms[] = { { 5, 8, 0 } };
	const gh_rm_mem_acl acl_res[] = { { 5, GH_RM_ACL_R, 1 } };
	const gh_rm_mem_range empty[] = { { 0x1000, 0 } };
	const gh_rm_mem_range wraps[] = { { ~0ull - 0xfff, 0x2000 } };
	const gh_rm_mem_attr bad_attr[] = { { 4, 5 } };
	gh_rm_mem_parcel good = {};
	good.n_acl = 1;
	good.acl = acl;
	good.n_ranges = 1;
	good.ranges = range;
	std::vector<gh_rm_mem_acl> many_acl(513, acl[0]);
	struct Case {
		const char *name;
		std::function<void(gh_rm_mem_parcel &)> edit;
	} cases[] = {
		{ "mem type", [](gh_rm_mem_parcel &p) { p.mem_type = 2; } },
		{ "append flag",
		  [](gh_rm_mem_parcel &p) { p.flags = GH_RM_MEM_SHARE_FLAG_APPEND; } },
		{ "reserved", [](gh_rm_mem_parcel &p) { p.reserved = 1; } },
		{ "no acl", [](gh_rm_mem_parcel &p) { p.n_acl = 0; } },
		{ "acl null", [](gh_rm_mem_parcel &p) { p.acl = nullptr; } },
		{ "too many acl",
		  [&](gh_rm_mem_parcel &p) {
			  p.n_acl = 513;
			  p.acl = many_acl.data();
		  } },
		{ "no perms", [&](gh_rm_mem_parcel &p) { p.acl = no_perms; } },
		{ "unknown perms", [&](gh_rm_mem_parcel &p) { p.acl = bad_perms; } },
		{ "acl reserved", [&](gh_rm_mem_parcel &p) { p.acl = acl_res; } },
		{ "no ranges", [](gh_rm_mem_parcel &p) { p.n_ranges = 0; } },
		{ "too many ranges",
		  [](gh_rm_mem_parcel &p) { p.n_ranges = GH_RM_MEM_MAX_RANGES + 1; } },
		{ "empty range", [&](gh_rm_mem_parcel &p) { p.ranges = empty; } },
		{ "range wraps", [&](gh_rm_mem_parcel &p) { p.ranges = wraps; } },
		{ "attrs null", [](gh_rm_mem_parcel &p) { p.n_attrs = 1; } },
		{ "unknown attr",
		  [&](gh_rm_mem_parcel &p) {
			  p.n_attrs = 1;
			  p.attrs = bad_attr;
		  } },
		{ "too many attrs", [](gh_rm_mem_parcel &p) { p.n_attrs = 513; } },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.name);
		gh_rm_mem_parcel p = good;
		c.edit(p);
		uint32_t h = 1;
		EXPECT_EQ(gh_rm_mem_lend(rm(), &p, &h), -EINVAL);
		EXPECT_EQ(gh_rm_mem_share(rm(), &p, &h), -EINVAL);
		EXPECT_EQ(h, GH_RM_MEM_HANDLE_INVALID);
	}
	EXPECT_TRUE(seen_.empty());
	uint32_t h;
	EXPECT_EQ(gh_rm_mem_lend(rm(), nullptr, &h), -EINVAL);
	EXPECT_EQ(gh_rm_mem_lend(rm(), &good, nullptr), -EINVAL);
	// Malformed handle replies.
	for (const Bytes &rep : { Bytes{}, Bytes{ 1, 0 }, Bytes{ 1, 0, 0, 0, 0 }, Handle(~0u) }) {
		Answer(0, rep);
		EXPECT_EQ(gh_rm_mem_lend(rm(), &good, &h), -EIO);
	}
	Answer(GH_RM_ERROR_DENIED);
	EXPECT_EQ(gh_rm_mem_share(rm(), &good, &h), -EPERM);
}

TEST_F(Calls, Reclaim)
{
	ASSERT_EQ(gh_rm_mem_reclaim(rm(), 0x01020304, GH_RM_MEM_RECLAIM_FLAG_SANITIZE), 0);
	EXPECT_EQ(Last().msg_id, 0x51000015u);
	EXPECT_EQ(Last().payload, (Bytes{ 4, 3, 2, 1, 1, 0, 0, 0 }));
	size_t n = seen_.size();
	EXPECT_EQ(gh_rm_mem_reclaim(rm(), 1, 2), -EINVAL);
	EXPECT_EQ(seen_.size(), n);
	Answer(GH_RM_ERROR_MEM_INUSE);
	EXPECT_EQ(gh_rm_mem_reclaim(rm(), 1, 0), -EINVAL);
}

// --- notifications -------------------------------------------------------------

Bytes Status(uint16_t vmid, uint16_t res, uint8_t vm, uint8_t os, uint16_t app)
{
	Bytes b;
	Put16(b, vmid);
	Put16(b, res);
	b.push_back(vm);
	b.push_back(os);
	Put16(b, app);
	return b;
}

Bytes Exited(uint16_t vmid, uint16_t type, uint32_t size, const Bytes &reason)
{
	Bytes b;
	Put16(b, vmid);
	Put16(b, type);
	Put32(b, size);
	b.insert(b.end(), reason.begin(), reason.end());
	return b;
}

TEST(Notifications, VmStatus)
{
	gh_rm_notif n;
	Bytes b = Status(7, 0, GH_RM_VM_STATUS_RESET, 2, 0x1234);
	gh_rm_decode_notif(GH_RM_NOTIF_VM_STATUS, b.data(), b.size(), &n);
	EXPECT_EQ(n.err, 0);
	EXPECT_EQ(n.u.status.vmid, 7);
	EXPECT_EQ(n.u.status.vm_status, GH_RM_VM_STATUS_RESET);
	EXPECT_EQ(n.u.status.os_status, 2);
	EXPECT_EQ(n.u.status.app_status, 0x1234);
	b = Status(7, 0, 0xee, 0, 0); // an unknown status is data
	gh_rm_decode_notif(GH_RM_NOTIF_VM_STATUS, b.data(), b.size(), &n);
	EXPECT_EQ(n.err, 0);
	EXPECT_EQ(n.u.status.vm_status, 0xee);
	for (const Bytes &bad : { Bytes{}, Bytes(7, 0), Bytes(9, 0), Status(7, 1, 3, 0, 0) }) {
		gh_rm_decode_notif(GH_RM_NOTIF_VM_STATUS, bad.data(), bad.size(), &n);
		EXPECT_EQ(n.err, -EIO);
		EXPECT_EQ(n.u.status.vmid, 0);
	}
	gh_rm_decode_notif(GH_RM_NOTIF_VM_STATUS, nullptr, 8, &n);
	EXPECT_EQ(n.err, -EIO);
}

TEST(Notifications, VmExited)
{
	gh_rm_notif n;
	// Word 0: restart flag | exit code 1 << 16; then two more words.
	Bytes reason;
	Put32(reason, 0x00010001);
	Put32(reason, 0xaabbccdd);
	Put32(reason, 0x11223344);
	Bytes b = Exited(9, GH_RM_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2, 12, reason);
	gh_rm_decode_notif(GH_RM_NOTIF_VM_EXITED, b.data(), b.size(), &n);
	ASSERT_EQ(n.err, 0);
	EXPECT_EQ(n.u.exited.vmid, 9);
	EXPECT_EQ(n.u.exited.exit_type, 3);
	EXPECT_EQ(n.u.exited.reason_size, 12u);
	EXPECT_TRUE(n.u.exited.has_code);
	EXPECT_EQ(n.u.exited.reason_flags, GH_RM_VM_EXIT_REASON_FLAG_RESTART);
	EXPECT_EQ(n.u.exited.exit_code, 1);
	EXPECT_EQ(Bytes(n.u.exited.reason, n.u.exited.reason + 8),
	          Bytes(reason.begin(), reason.begin() + 8));
	// No reason at all.
	b = Exited(9, GH_RM_VM_EXIT_TYPE_VM_STOP_FORCED, 0, {});
	gh_rm_decode_notif(GH_RM_NOTIF_VM_EXITED, b.data(), b.size(), &n);
	ASSERT_EQ(n.err, 0);
	EXPECT_FALSE(n.u.exited.has_code);
	EXPECT_EQ(n.u.exited.exit_type, 7);
	// Size and payload disagree, or the header is cut short.
	for (const Bytes &bad : { Exited(9, 0, 8, reason), Exited(9, 0, 16, reason),
	                          Exited(9, 0, 0xffffffff, reason), Bytes(7, 0) }) {
		gh_rm_decode_notif(GH_RM_NOTIF_VM_EXITED, bad.data(), bad.size(), &n);
		EXPECT_EQ(n.err, -EIO);
	}
	gh_rm_decode_notif(0x56100002, b.data(), b.size(), &n);
	EXPECT_EQ(n.err, -ENOENT);
	EXPECT_EQ(n.len, b.size());
}

TEST_F(Calls, GetVmid)
{
	Bytes rep;
	Put32(rep, 3);
	Answer(0, rep);
	uint16_t vmid = 0;
	ASSERT_EQ(gh_rm_get_vmid(rm(), &vmid), 0);
	EXPECT_EQ(vmid, 3);
	EXPECT_EQ(Last().msg_id, 0x56000024u);
	EXPECT_TRUE(Last().payload.empty());

	for (const Bytes &bad :
	     { Bytes{}, Bytes{ 3, 0 }, Bytes{ 0, 0, 0, 0 }, Bytes{ 3, 0, 1, 0 } }) {
		Answer(0, bad);
		EXPECT_EQ(gh_rm_get_vmid(rm(), &vmid), -EIO);
	}
	EXPECT_EQ(gh_rm_get_vmid(rm(), nullptr), -EINVAL);
}

TEST_F(Calls, SetFirmwareMem)
{
	ASSERT_EQ(gh_rm_vm_set_firmware_mem(rm(), 0x45, 0x1234, 0x1000, 0x20000), 0);
	EXPECT_EQ(Last().msg_id, 0x56000032u);
	Bytes want;
	Put16(want, 0x45);
	Put16(want, 0);
	Put32(want, 0x1234);
	Put64(want, 0x1000);
	Put64(want, 0x20000);
	EXPECT_EQ(Last().payload, want);
	size_t before = seen_.size();
	EXPECT_EQ(gh_rm_vm_set_firmware_mem(rm(), 0x45, 1, ~0ULL, 2), -EINVAL);
	EXPECT_EQ(seen_.size(), before);
}

TEST_F(Calls, SetAddressLayout)
{
	ASSERT_EQ(gh_rm_vm_set_address_layout(rm(), 0x45, GH_RM_RANGE_ID_FIRMWARE, 0, 0x4000000),
	          0);
	EXPECT_EQ(Last().msg_id, 0x56000034u);
	Bytes want;
	Put16(want, 0x45);
	Put16(want, 0);
	Put32(want, 1);
	Put64(want, 0);
	Put64(want, 0x4000000);
	EXPECT_EQ(Last().payload, want);
	size_t before = seen_.size();
	EXPECT_EQ(gh_rm_vm_set_address_layout(rm(), 0x45, 2, 0, 1), -EINVAL);
	EXPECT_EQ(gh_rm_vm_set_address_layout(rm(), 0x45, 0, ~0ULL, 2), -EINVAL);
	EXPECT_EQ(seen_.size(), before);
	// The open-source RM does not implement it: the caller sees -EOPNOTSUPP.
	Answer(GH_RM_ERROR_UNIMPLEMENTED);
	EXPECT_EQ(gh_rm_vm_set_address_layout(rm(), 0x45, 0, 0x40000000, 0x1000), -EOPNOTSUPP);
}

TEST_F(Calls, CallStatsByMessageId)
{
	ASSERT_EQ(gh_rm_vm_start(rm(), 1), 0);
	ASSERT_EQ(gh_rm_vm_start(rm(), 1), 0);
	Answer(GH_RM_ERROR_VM_STATE);
	EXPECT_NE(gh_rm_vm_init(rm(), 1), 0);

	gh_rm_call_stat st[GH_RM_MAX_CALL_STATS];
	size_t n = gh_rm_get_call_stats(rm(), st, GH_RM_MAX_CALL_STATS);
	ASSERT_EQ(n, 2u);
	EXPECT_EQ(st[0].msg_id, (uint32_t)GH_RM_MSG_VM_START);
	EXPECT_EQ(st[0].calls, 2u);
	EXPECT_EQ(st[0].failed, 0u);
	EXPECT_EQ(st[1].msg_id, (uint32_t)GH_RM_MSG_VM_INIT);
	EXPECT_EQ(st[1].calls, 1u);
	EXPECT_EQ(st[1].failed, 1u);
	EXPECT_EQ(gh_rm_get_call_stats(rm(), st, 1), 1u);
	EXPECT_STREQ(gh_rm_msg_name(st[0].msg_id), "VM_START");
	EXPECT_EQ(gh_rm_msg_name(0x5600ffff), nullptr);

	// More distinct ids than rows: the rest are counted, not lost silently.
	for (uint32_t id = 1; id <= GH_RM_MAX_CALL_STATS; id++)
		EXPECT_EQ(gh_rm_call(rm(), 0x7f000000 + id, nullptr, 0, nullptr, nullptr, nullptr),
		          0);
	EXPECT_EQ(gh_rm_get_call_stats(rm(), st, GH_RM_MAX_CALL_STATS),
	          (size_t)GH_RM_MAX_CALL_STATS);
	gh_rm_stats s;
	gh_rm_get_stats(rm(), &s);
	EXPECT_EQ(s.uncounted_calls, 2u);
}

} // namespace
} // namespace rmtest
