// SPDX-License-Identifier: BSD-3-Clause
// The generated device tree, read back with libfdt.
#include <gtest/gtest.h>

#include <libfdt.h>

#include <cstdio>

#include <string>
#include <vector>

extern "C" {
#include "dtb.h"
#include "machine.h"
}

namespace {

// The machine ghvmm's command line describes: @cpus, @ram bytes, the PL011
// and PL031, then @vcon (a virtio console) and @disks disks in virtio slots.
ghvmm_machine Machine(unsigned int cpus, uint64_t ram, bool vcon = false, unsigned int disks = 0)
{
	ghvmm_options o{};
	o.cpus = cpus;
	o.mem_size = ram;
	o.console = vcon ? GHVMM_CONSOLE_VIRTIO : GHVMM_CONSOLE_UART;
	o.n_disks = disks;
	for (unsigned int i = 0; i < disks; i++)
		o.disks[i].path = "disk.img";
	ghvmm_machine m;
	char err[128];
	EXPECT_EQ(0, ghvmm_machine_describe(&o, &m, err, sizeof(err))) << err;
	return m;
}

std::vector<uint8_t> Build(const ghvmm_dtb_config &c)
{
	std::vector<uint8_t> buf(GHVMM_DTB_MAX_SIZE);
	char err[128];
	int n = ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err));
	EXPECT_GT(n, 0) << err;
	buf.resize(n > 0 ? n : 0);
	return buf;
}

std::string Str(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);
	if (node < 0)
		return "<no node>";
	int len;
	const char *v = (const char *)fdt_getprop(fdt, node, prop, &len);
	return v ? std::string(v, len > 0 ? len - 1 : 0) : "<no prop>";
}

std::vector<uint32_t> Cells(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);
	int len = 0;
	const fdt32_t *v = node < 0 ? nullptr : (const fdt32_t *)fdt_getprop(fdt, node, prop, &len);
	std::vector<uint32_t> out;
	for (int i = 0; v && i < len / 4; i++)
		out.push_back(fdt32_to_cpu(v[i]));
	return out;
}

TEST(Dtb, Machine)
{
	// Two virtio slots: the console and one disk.
	const ghvmm_machine m = Machine(4, 256ULL << 20, true, 1);
	ghvmm_dtb_config c{};
	c.machine = &m;
	c.cmdline = "console=ttyAMA0 earlycon";
	c.initrd_start = 0x48000000;
	c.initrd_end = 0x48100000;
	auto dtb = Build(c);
	const void *fdt = dtb.data();
	char err[128];
	ASSERT_EQ(0, ghvmm_check_dtb(fdt, dtb.size(), err, sizeof(err))) << err;

	EXPECT_EQ("console=ttyAMA0 earlycon", Str(fdt, "/chosen", "bootargs"));
	EXPECT_EQ("/pl011@9000000", Str(fdt, "/chosen", "stdout-path"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 0x48000000 }),
	          Cells(fdt, "/chosen", "linux,initrd-start"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 0x48100000 }),
	          Cells(fdt, "/chosen", "linux,initrd-end"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 0x40000000, 0, 0x10000000 }),
	          Cells(fdt, "/memory@40000000", "reg"));
	for (int i = 0; i < 4; i++) {
		std::string cpu = "/cpus/cpu@" + std::to_string(i);
		EXPECT_EQ("psci", Str(fdt, cpu.c_str(), "enable-method"));
		EXPECT_EQ((std::vector<uint32_t>{ (uint32_t)i }), Cells(fdt, cpu.c_str(), "reg"));
	}
	EXPECT_LT(fdt_path_offset(fdt, "/cpus/cpu@4"), 0);
	EXPECT_EQ("hvc", Str(fdt, "/psci", "method"));
	EXPECT_EQ(std::string("arm,psci-1.0\0arm,psci-0.2\0arm,psci", 34),
	          Str(fdt, "/psci", "compatible"));
	EXPECT_EQ((std::vector<uint32_t>{ 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 }),
	          Cells(fdt, "/timer", "interrupts"));
	EXPECT_EQ("arm,gic-v3", Str(fdt, "/intc@8000000", "compatible"));
	EXPECT_EQ(
		(std::vector<uint32_t>{ 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 4 * 0x20000 }),
		Cells(fdt, "/intc@8000000", "reg"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 1, 4 }), Cells(fdt, "/pl011@9000000", "interrupts"));
	EXPECT_EQ(std::string("uartclk\0apb_pclk", 16), Str(fdt, "/pl011@9000000", "clock-names"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 2, 4 }), Cells(fdt, "/pl031@9010000", "interrupts"));
	EXPECT_EQ((std::vector<uint32_t>{ 0, 17, 1 }),
	          Cells(fdt, "/virtio_mmio@a000200", "interrupts"));
	EXPECT_LT(fdt_path_offset(fdt, "/virtio_mmio@a000400"), 0);

	// One node per device of the description, with its window and interrupt.
	ASSERT_EQ(4u, m.ndevs);
	for (unsigned int i = 0; i < m.ndevs; i++) {
		const ghvmm_dev_desc &d = m.devs[i];
		char path[64];
		snprintf(path, sizeof(path), "/%s@%llx",
		         d.kind == GHVMM_DEV_PL011 ? "pl011" :
		         d.kind == GHVMM_DEV_PL031 ? "pl031" :
		                                     "virtio_mmio",
		         (unsigned long long)d.base);
		SCOPED_TRACE(path);
		EXPECT_EQ((std::vector<uint32_t>{ (uint32_t)(d.base >> 32), (uint32_t)d.base,
		                                  (uint32_t)(d.size >> 32), (uint32_t)d.size }),
		          Cells(fdt, path, "reg"));
		EXPECT_EQ((std::vector<uint32_t>{ 0, d.spi, d.edge ? 1u : 4u }),
		          Cells(fdt, path, "interrupts"));
	}

	// Every phandle reference resolves.
	uint32_t gic = Cells(fdt, "/", "interrupt-parent")[0];
	EXPECT_EQ(gic, Cells(fdt, "/intc@8000000", "phandle")[0]);
	uint32_t clk = Cells(fdt, "/pl011@9000000", "clocks")[0];
	EXPECT_EQ(clk, Cells(fdt, "/apb-pclk", "phandle")[0]);
}

TEST(Dtb, Minimal)
{
	const ghvmm_machine m = Machine(1, 16ULL << 20);
	ghvmm_dtb_config c{};
	c.machine = &m;
	auto dtb = Build(c);
	EXPECT_EQ("<no prop>", Str(dtb.data(), "/chosen", "bootargs"));
	EXPECT_EQ("<no prop>", Str(dtb.data(), "/chosen", "linux,initrd-start"));
}

TEST(Dtb, Refusals)
{
	char err[128];
	std::vector<uint8_t> buf(4096);
	ghvmm_machine m = Machine(1, 16ULL << 20);
	ghvmm_dtb_config c{};
	EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
	c.machine = &m;
	m.cpus = 0;
	EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
	m.cpus = GHVMM_MAX_CPUS + 1;
	EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
	m.cpus = 1;
	m.ndevs = GHVMM_MAX_DEVS + 1;
	EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
	m.ndevs = 2;
	// A device the description cannot mean: unknown kind, empty or wrapping
	// window, an SPI past the GIC's.
	for (int bad = 0; bad < 4; bad++) {
		SCOPED_TRACE(bad);
		ghvmm_machine b = m;
		if (bad == 0)
			b.devs[1].kind = GHVMM_DEV_KINDS;
		else if (bad == 1)
			b.devs[1].size = 0;
		else if (bad == 2)
			b.devs[1].base = ~0ULL - 0x10;
		else
			b.devs[1].spi = GHVMM_MAX_SPI + 1;
		c.machine = &b;
		EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
		EXPECT_NE(nullptr, strstr(err, "device 1")) << err;
	}
	c.machine = &m;
	c.initrd_start = 10;
	c.initrd_end = 5;
	EXPECT_EQ(-EINVAL, ghvmm_build_dtb(&c, buf.data(), buf.size(), err, sizeof(err)));
	c.initrd_end = 0;
	m.cpus = GHVMM_MAX_CPUS;
	EXPECT_EQ(-ENOSPC, ghvmm_build_dtb(&c, buf.data(), 512, err, sizeof(err)));
	EXPECT_NE(nullptr, strstr(err, "512"));
}

TEST(Dtb, CheckRejectsBadBlobs)
{
	char err[128];
	const ghvmm_machine m = Machine(2, 16ULL << 20);
	ghvmm_dtb_config c{};
	c.machine = &m;
	auto dtb = Build(c);
	EXPECT_EQ(0, ghvmm_check_dtb(dtb.data(), dtb.size(), err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(dtb.data(), 10, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(dtb.data(), dtb.size() - 1, err, sizeof(err)));
	EXPECT_NE(nullptr, strstr(err, "truncated"));
	auto bad = dtb;
	bad[0] ^= 0xff;
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(bad.data(), bad.size(), err, sizeof(err)));
	std::vector<uint8_t> zeros(256);
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(zeros.data(), zeros.size(), err, sizeof(err)));

	// Old versions (libfdt 1.6.1's checker crashes on some): refused.
	auto old = dtb;
	fdt_set_version(old.data(), 16);
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(old.data(), old.size(), err, sizeof(err)));
	EXPECT_NE(nullptr, strstr(err, "version 16"));

	// A property whose name is outside the strings block (the same crash).
	auto bad_name = dtb;
	int root = fdt_path_offset(bad_name.data(), "/");
	int prop = fdt_first_property_offset(bad_name.data(), root);
	ASSERT_GE(prop, 0);
	auto *p = (struct fdt_property *)fdt_offset_ptr_w(bad_name.data(), prop,
	                                                  sizeof(struct fdt_property));
	ASSERT_NE(nullptr, p);
	p->nameoff = cpu_to_fdt32(0x7ffffff0);
	EXPECT_EQ(-EINVAL, ghvmm_check_dtb(bad_name.data(), bad_name.size(), err, sizeof(err)));
	EXPECT_NE(nullptr, strstr(err, "malformed"));
}

} // namespace
