// SPDX-License-Identifier: BSD-3-Clause
// The machine description made from the command line, table-driven: which
// devices, in which order, at which window and interrupt.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "machine.h"
}

namespace {

struct Dev {
	ghvmm_dev_kind kind;
	std::string name;
	uint64_t base, size;
	uint32_t spi;
	bool edge;
	unsigned int index;

	bool operator==(const Dev &o) const
	{
		return kind == o.kind && name == o.name && base == o.base && size == o.size &&
		       spi == o.spi && edge == o.edge && index == o.index;
	}
};

std::ostream &operator<<(std::ostream &os, const Dev &d)
{
	return os << d.name << "(kind " << d.kind << ") @0x" << std::hex << d.base << "+0x"
	          << d.size << std::dec << " spi " << d.spi << (d.edge ? " edge" : " level") << " #"
	          << d.index;
}

const Dev kUart = { GHVMM_DEV_PL011, "pl011", 0x09000000, 0x1000, 1, false, 0 };
const Dev kRtc = { GHVMM_DEV_PL031, "pl031", 0x09010000, 0x1000, 2, false, 0 };

Dev Virtio(ghvmm_dev_kind kind, const char *name, unsigned int slot, unsigned int index = 0)
{
	return { kind, name, 0x0a000000 + slot * 0x200ULL, 0x200, 16 + slot, true, index };
}

std::vector<Dev> Devs(const ghvmm_machine &m)
{
	std::vector<Dev> out;
	for (unsigned int i = 0; i < m.ndevs; i++) {
		const ghvmm_dev_desc &d = m.devs[i];
		out.push_back({ d.kind, d.name, d.base, d.size, d.spi, d.edge, d.index });
	}
	return out;
}

TEST(Machine, FromTheCommandLine)
{
	struct Case {
		const char *name;
		bool vcon;
		unsigned int disks;
		bool rng;
		std::vector<Dev> want;
	};
	const std::vector<Case> cases = {
		{ "UART console only", false, 0, false, { kUart, kRtc } },
		{ "virtio console",
		  true,
		  0,
		  false,
		  { kUart, kRtc, Virtio(GHVMM_DEV_VIRTIO_CONSOLE, "virtio-console", 0) } },
		{ "two disks and the rng",
		  false,
		  2,
		  true,
		  { kUart, kRtc, Virtio(GHVMM_DEV_VIRTIO_BLK, "virtio-blk", 0, 0),
		    Virtio(GHVMM_DEV_VIRTIO_BLK, "virtio-blk", 1, 1),
		    Virtio(GHVMM_DEV_VIRTIO_RNG, "virtio-rng", 2) } },
		{ "everything: console first, then disks, then rng", true, GHVMM_MAX_DISKS, true,
		  [] {
			  std::vector<Dev> d = {
				  kUart, kRtc, Virtio(GHVMM_DEV_VIRTIO_CONSOLE, "virtio-console", 0)
			  };
			  for (unsigned int i = 0; i < GHVMM_MAX_DISKS; i++)
				  d.push_back(Virtio(GHVMM_DEV_VIRTIO_BLK, "virtio-blk", 1 + i, i));
			  d.push_back(
				  Virtio(GHVMM_DEV_VIRTIO_RNG, "virtio-rng", 1 + GHVMM_MAX_DISKS));
			  return d;
		  }() },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		ghvmm_options o{};
		o.cpus = 3;
		o.mem_size = 512ULL << 20;
		o.console = c.vcon ? GHVMM_CONSOLE_VIRTIO : GHVMM_CONSOLE_UART;
		o.n_disks = c.disks;
		o.rng = c.rng;
		ghvmm_machine m;
		char err[128] = "";

		ASSERT_EQ(0, ghvmm_machine_describe(&o, &m, err, sizeof(err))) << err;
		EXPECT_EQ(3u, m.cpus);
		EXPECT_EQ(512ULL << 20, m.ram_size);
		EXPECT_EQ(c.want, Devs(m));

		// Windows apart, interrupts distinct and each with a doorbell.
		for (unsigned int i = 0; i < m.ndevs; i++) {
			const ghvmm_dev_desc &a = m.devs[i];
			EXPECT_LT(a.spi, (uint32_t)GHVMM_DOORBELLS) << a.name;
			EXPECT_EQ(ghvmm_dev_is_virtio(a.kind), a.edge) << a.name;
			for (unsigned int j = i + 1; j < m.ndevs; j++) {
				const ghvmm_dev_desc &b = m.devs[j];
				EXPECT_TRUE(a.base + a.size <= b.base || b.base + b.size <= a.base)
					<< a.name << " and " << b.name << " overlap";
				EXPECT_NE(a.spi, b.spi) << a.name << " and " << b.name;
			}
		}
	}
}

TEST(Machine, VirtioKinds)
{
	EXPECT_FALSE(ghvmm_dev_is_virtio(GHVMM_DEV_PL011));
	EXPECT_FALSE(ghvmm_dev_is_virtio(GHVMM_DEV_PL031));
	EXPECT_TRUE(ghvmm_dev_is_virtio(GHVMM_DEV_VIRTIO_CONSOLE));
	EXPECT_TRUE(ghvmm_dev_is_virtio(GHVMM_DEV_VIRTIO_BLK));
	EXPECT_TRUE(ghvmm_dev_is_virtio(GHVMM_DEV_VIRTIO_RNG));
	EXPECT_FALSE(ghvmm_dev_is_virtio(GHVMM_DEV_KINDS));
}

} // namespace
