/* SPDX-License-Identifier: BSD-3-Clause */
/* In-memory guest RAM and a driver-side split ring for the virtio tests. */
#ifndef GH_DEVICES_TESTS_VIRTIO_FAKES_H
#define GH_DEVICES_TESTS_VIRTIO_FAKES_H

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include "devices/tests/fakes.h"

extern "C" {
#include <gunyah/devices/virtio_mmio.h>
#include <gunyah/devices/virtqueue.h>
}

namespace ghtest {

struct GuestRam {
	uint64_t base;
	std::vector<uint8_t> bytes;
	std::mutex mu;

	explicit GuestRam(uint64_t b = 0x40000000, size_t size = 1 << 20) : base(b), bytes(size) {}

	bool in(uint64_t gpa, uint64_t len) const
	{
		return gpa >= base && gpa - base <= bytes.size() &&
		       len <= bytes.size() - (gpa - base);
	}
	static int read(void *ctx, uint64_t gpa, void *buf, size_t len)
	{
		auto *r = static_cast<GuestRam *>(ctx);
		if (!r->in(gpa, len))
			return -EFAULT;
		if (!len)
			return 0;
		std::lock_guard<std::mutex> g(r->mu);
		memcpy(buf, r->bytes.data() + (gpa - r->base), len);
		return 0;
	}
	static int write(void *ctx, uint64_t gpa, const void *buf, size_t len)
	{
		auto *r = static_cast<GuestRam *>(ctx);
		if (!r->in(gpa, len))
			return -EFAULT;
		if (!len)
			return 0;
		std::lock_guard<std::mutex> g(r->mu);
		memcpy(r->bytes.data() + (gpa - r->base), buf, len);
		return 0;
	}
	static int check(void *ctx, uint64_t gpa, uint64_t len)
	{
		return static_cast<GuestRam *>(ctx)->in(gpa, len) ? 0 : -EFAULT;
	}
	static const struct gh_guest_mem_ops ops;
	struct gh_guest_mem mem() { return { &ops, this }; }

	template <typename T> void put(uint64_t gpa, T v) { write(this, gpa, &v, sizeof(v)); }
	template <typename T> T get(uint64_t gpa)
	{
		T v{};
		read(this, gpa, &v, sizeof(v));
		return v;
	}
	void fill(uint64_t gpa, const void *p, size_t n) { write(this, gpa, p, n); }
	std::vector<uint8_t> dump(uint64_t gpa, size_t n)
	{
		std::vector<uint8_t> v(n);
		read(this, gpa, v.data(), n);
		return v;
	}
};
inline const struct gh_guest_mem_ops GuestRam::ops = { GuestRam::read, GuestRam::write,
	                                               GuestRam::check };

struct Desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

// The driver's view of one split ring in GuestRam.
struct Ring {
	GuestRam *ram;
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t next_desc = 0;
	uint16_t avail_idx = 0;
	uint16_t used_seen = 0;

	Ring(GuestRam *r, uint16_t sz, uint64_t at) : ram(r), size(sz)
	{
		desc = at;
		avail = at + 16ull * sz;
		used = (avail + 6 + 2ull * sz + 3) & ~3ull;
		used = (used + 0xfff) & ~0xfffull;
	}
	void put_desc(uint16_t i, const Desc &d) { ram->fill(desc + 16ull * i, &d, 16); }
	// Write descs linked by NEXT at consecutive indices; returns the head.
	uint16_t chain(const std::vector<Desc> &ds)
	{
		uint16_t head = next_desc;
		for (size_t i = 0; i < ds.size(); i++) {
			Desc d = ds[i];
			uint16_t idx = (uint16_t)((head + i) % size);
			if (i + 1 < ds.size()) {
				d.flags |= GH_VIRTQ_DESC_F_NEXT;
				d.next = (uint16_t)((idx + 1) % size);
			}
			put_desc(idx, d);
		}
		next_desc = (uint16_t)((head + ds.size()) % size);
		return head;
	}
	void publish(uint16_t head)
	{
		ram->put<uint16_t>(avail + 4 + 2ull * (avail_idx % size), head);
		avail_idx++;
		ram->put<uint16_t>(avail + 2, avail_idx);
	}
	uint16_t add(const std::vector<Desc> &ds)
	{
		uint16_t h = chain(ds);
		publish(h);
		return h;
	}
	uint16_t used_idx() { return ram->get<uint16_t>(used + 2); }
	// Next used element (id, len); false if none.
	bool pop_used(uint32_t *id, uint32_t *len)
	{
		if (used_seen == used_idx())
			return false;
		uint64_t e = used + 4 + 8ull * (used_seen % size);
		*id = ram->get<uint32_t>(e);
		*len = ram->get<uint32_t>(e + 4);
		used_seen++;
		return true;
	}
};

// Drive a transport through the Linux virtio_mmio probe sequence.
struct MmioDriver {
	struct gh_virtio_mmio *t;
	uint32_t R(uint64_t off, uint32_t size = 4)
	{
		uint64_t v = 0xdead;
		if (gh_virtio_mmio_read(t, off, size, &v))
			abort();
		return (uint32_t)v;
	}
	void W(uint64_t off, uint64_t v, uint32_t size = 4)
	{
		if (gh_virtio_mmio_write(t, off, size, v))
			abort();
	}
	uint64_t DeviceFeatures()
	{
		W(GH_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
		uint64_t f = R(GH_VIRTIO_MMIO_DEVICE_FEATURES);
		W(GH_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		return f | (uint64_t)R(GH_VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	}
	void DriverFeatures(uint64_t f)
	{
		W(GH_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		W(GH_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
		W(GH_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		W(GH_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	}
	// Returns the status after FEATURES_OK.
	uint32_t Negotiate(uint64_t f)
	{
		W(GH_VIRTIO_MMIO_STATUS, 0);
		W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE);
		W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_DRIVER);
		DriverFeatures(f);
		W(GH_VIRTIO_MMIO_STATUS, GH_VIRTIO_STATUS_ACKNOWLEDGE | GH_VIRTIO_STATUS_DRIVER |
		                                 GH_VIRTIO_STATUS_FEATURES_OK);
		return R(GH_VIRTIO_MMIO_STATUS);
	}
	void SetupQueue(uint16_t q, const Ring &r)
	{
		W(GH_VIRTIO_MMIO_QUEUE_SEL, q);
		W(GH_VIRTIO_MMIO_QUEUE_NUM, r.size);
		W(GH_VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)r.desc);
		W(GH_VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(r.desc >> 32));
		W(GH_VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r.avail);
		W(GH_VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(r.avail >> 32));
		W(GH_VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r.used);
		W(GH_VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(r.used >> 32));
		W(GH_VIRTIO_MMIO_QUEUE_READY, 1);
	}
	void DriverOk()
	{
		W(GH_VIRTIO_MMIO_STATUS, R(GH_VIRTIO_MMIO_STATUS) | GH_VIRTIO_STATUS_DRIVER_OK);
	}
	void Notify(uint16_t q) { W(GH_VIRTIO_MMIO_QUEUE_NOTIFY, q); }
};

} // namespace ghtest

#endif
