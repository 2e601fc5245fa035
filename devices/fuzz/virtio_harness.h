/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A scripted virtio driver for the device fuzzers: raw register accesses,
 * raw guest-memory writes, and higher-level steps (the Linux bring-up, add a
 * chain, notify) so the fuzzer reaches the request paths quickly. After
 * every step the IRQ line must match InterruptStatus.
 */
#ifndef GH_DEVICES_FUZZ_VIRTIO_HARNESS_H
#define GH_DEVICES_FUZZ_VIRTIO_HARNESS_H

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <vector>

#include "devices/fuzz/fuzz_input.h"
#include "devices/tests/virtio_fakes.h"

namespace ghfuzz {

constexpr uint64_t kRamBase = 0x40000000;
constexpr size_t kRamSize = 0x40000;

/*
 * Guest RAM for one input: one buffer for the process, zeroed before each
 * input. A fresh 256 KiB vector per input cost far more than the input
 * itself (ASan maps and unmaps an allocation that large every time: page
 * faults, ~600 exec/s).
 */
inline ghtest::GuestRam &fresh_ram()
{
	static auto *ram = new ghtest::GuestRam(kRamBase, kRamSize);

	std::fill(ram->bytes.begin(), ram->bytes.end(), 0);
	return *ram;
}

inline void run_virtio_script(Input &in, ghtest::GuestRam &ram, ghtest::IrqLine &irq,
                              struct gh_virtio_mmio *t, uint16_t nq,
                              const std::function<void(Input &)> &device_step)
{
	ghtest::MmioDriver drv{ t };
	std::vector<ghtest::Ring> rings;
	for (uint16_t q = 0; q < nq; q++)
		rings.emplace_back(&ram, 16, kRamBase + 0x2000ull * q);

	for (int steps = 0; !in.empty() && steps < 512; steps++) {
		uint64_t v;
		switch (in.u8() % 8) {
		case 0: {
			uint64_t off = in.u16() & 0x1ff;
			uint32_t sz = in.size();
			gh_virtio_mmio_write(t, off, sz, in.u32());
			break;
		}
		case 1: {
			uint64_t off = in.u16() & 0x1ff;
			gh_virtio_mmio_read(t, off, in.size(), &v);
			break;
		}
		case 2: {
			uint32_t off = (in.u16() * 4u) % kRamSize;
			uint8_t len = in.u8();
			for (uint8_t i = 0; i < len && off + i < kRamSize; i++)
				ram.bytes[off + i] = in.u8();
			break;
		}
		case 3: {
			uint64_t f = in.u64();
			drv.Negotiate(f);
			for (uint16_t q = 0; q < nq; q++) {
				rings[q] = ghtest::Ring(&ram, 16, kRamBase + 0x2000ull * q);
				drv.SetupQueue(q, rings[q]);
			}
			drv.DriverOk();
			break;
		}
		case 4: {
			uint16_t q = in.u8() % nq;
			unsigned n = 1 + in.u8() % 8;
			std::vector<ghtest::Desc> ds;
			for (unsigned i = 0; i < n; i++) {
				uint64_t addr = kRamBase + 0x10000 + (in.u16() & 0x3fff) * 8ull;
				uint32_t len = in.u16();
				uint16_t flags = in.u8() & 6; // WRITE, INDIRECT
				ds.push_back({ addr, len, flags, 0 });
			}
			rings[q].add(ds);
			break;
		}
		case 5:
			drv.Notify(in.u8() % (nq + 1));
			break;
		case 6:
			device_step(in);
			break;
		default:
			drv.W(GH_VIRTIO_MMIO_STATUS, 0);
			break;
		}
		gh_virtio_mmio_read(t, GH_VIRTIO_MMIO_INTERRUPT_STATUS, 4, &v);
		if (irq.level.load() != (v != 0))
			abort();
	}
}

} // namespace ghfuzz

#endif
