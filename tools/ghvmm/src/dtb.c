// SPDX-License-Identifier: BSD-3-Clause
/* ghvmm's device tree, generated from the machine description with libfdt. */
#include "dtb.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define PHANDLE_GIC 1
#define PHANDLE_CLK 2

/* GIC interrupt specifier: type, number, flags. */
#define GIC_SPI         0
#define GIC_PPI         1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH  4

/* Properties built from a list of cells. */
static int prop_cells(void *fdt, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[16];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, n * (int)sizeof(fdt32_t));
}

static int prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
	const uint32_t cells[4] = { (uint32_t)(addr >> 32), (uint32_t)addr, (uint32_t)(size >> 32),
		                    (uint32_t)size };

	return prop_cells(fdt, "reg", cells, 4);
}

static int prop_irq(void *fdt, uint32_t type, uint32_t num, uint32_t flags)
{
	const uint32_t cells[3] = { type, num, flags };

	return prop_cells(fdt, "interrupts", cells, 3);
}

/* Strings lists: "a\0b\0" with the final NUL counted. */
#define PROP_STRS(fdt, name, strs) fdt_property(fdt, name, strs, sizeof(strs))

#define T(x)                      \
	do {                      \
		r = (x);          \
		if (r < 0)        \
			return r; \
	} while (0)

/* Node names: "<prefix>@<base in hex>". */
static const char *const node_prefix[GHVMM_DEV_KINDS] = {
	[GHVMM_DEV_PL011] = "pl011",
	[GHVMM_DEV_PL031] = "pl031",
	[GHVMM_DEV_VIRTIO_CONSOLE] = "virtio_mmio",
	[GHVMM_DEV_VIRTIO_BLK] = "virtio_mmio",
	[GHVMM_DEV_VIRTIO_RNG] = "virtio_mmio",
};

static int dev_node(void *fdt, const struct ghvmm_dev_desc *d)
{
	char name[64];
	int r = 0;

	snprintf(name, sizeof(name), "%s@%llx", node_prefix[d->kind], (unsigned long long)d->base);
	T(fdt_begin_node(fdt, name));
	switch (d->kind) {
	case GHVMM_DEV_PL011:
		T(PROP_STRS(fdt, "compatible", "arm,pl011\0arm,primecell"));
		break;
	case GHVMM_DEV_PL031:
		T(PROP_STRS(fdt, "compatible", "arm,pl031\0arm,primecell"));
		break;
	default:
		T(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		break;
	}
	T(prop_reg(fdt, d->base, d->size));
	T(prop_irq(fdt, GIC_SPI, d->spi, d->edge ? IRQ_EDGE_RISING : IRQ_LEVEL_HIGH));
	switch (d->kind) {
	case GHVMM_DEV_PL011: {
		const uint32_t clks[2] = { PHANDLE_CLK, PHANDLE_CLK };

		T(prop_cells(fdt, "clocks", clks, 2));
		T(PROP_STRS(fdt, "clock-names", "uartclk\0apb_pclk"));
		break;
	}
	case GHVMM_DEV_PL031:
		T(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
		T(fdt_property_string(fdt, "clock-names", "apb_pclk"));
		break;
	default:
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		break;
	}
	return fdt_end_node(fdt);
}

static int build(void *fdt, const struct ghvmm_dtb_config *c)
{
	const struct ghvmm_machine *m = c->machine;
	char name[64];
	int r = 0;

	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_string(fdt, "model", "ghvmm"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	T(fdt_begin_node(fdt, "chosen"));
	for (unsigned int i = 0; i < m->ndevs; i++) {
		if (m->devs[i].kind != GHVMM_DEV_PL011)
			continue;
		snprintf(name, sizeof(name), "/%s@%llx", node_prefix[GHVMM_DEV_PL011],
		         (unsigned long long)m->devs[i].base);
		T(fdt_property_string(fdt, "stdout-path", name));
		break;
	}
	if (c->cmdline)
		T(fdt_property_string(fdt, "bootargs", c->cmdline));
	if (c->initrd_end) {
		T(fdt_property_u64(fdt, "linux,initrd-start", c->initrd_start));
		T(fdt_property_u64(fdt, "linux,initrd-end", c->initrd_end));
	}
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)GHVMM_RAM_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(prop_reg(fdt, GHVMM_RAM_BASE, m->ram_size));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_u32(fdt, "#address-cells", 1));
	T(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < m->cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_property_string(fdt, "compatible", "arm,cortex-a57"));
		T(fdt_property_u32(fdt, "reg", i));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_end_node(fdt));
	}
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "psci"));
	T(PROP_STRS(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	T(fdt_property_string(fdt, "method", "hvc"));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "timer"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	{
		const uint32_t irqs[12] = {
			GIC_PPI, GHVMM_TIMER_PPI_SEC_PHYS, IRQ_LEVEL_HIGH,
			GIC_PPI, GHVMM_TIMER_PPI_PHYS,     IRQ_LEVEL_HIGH,
			GIC_PPI, GHVMM_TIMER_PPI_VIRT,     IRQ_LEVEL_HIGH,
			GIC_PPI, GHVMM_TIMER_PPI_HYP,      IRQ_LEVEL_HIGH,
		};
		T(prop_cells(fdt, "interrupts", irqs, 12));
	}
	T(fdt_property(fdt, "always-on", NULL, 0));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)GHVMM_GICD_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	{
		uint64_t gicr_size = (uint64_t)m->cpus * GHVMM_GICR_STRIDE;
		const uint32_t regs[8] = {
			(uint32_t)(GHVMM_GICD_BASE >> 32),
			(uint32_t)GHVMM_GICD_BASE,
			0,
			(uint32_t)GHVMM_GICD_SIZE,
			(uint32_t)(GHVMM_GICR_BASE >> 32),
			(uint32_t)GHVMM_GICR_BASE,
			(uint32_t)(gicr_size >> 32),
			(uint32_t)gicr_size,
		};
		T(prop_cells(fdt, "reg", regs, 8));
	}
	T(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "apb-pclk"));
	T(fdt_property_string(fdt, "compatible", "fixed-clock"));
	T(fdt_property_u32(fdt, "#clock-cells", 0));
	T(fdt_property_u32(fdt, "clock-frequency", GHVMM_APB_CLOCK_HZ));
	T(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	T(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	T(fdt_end_node(fdt));

	for (unsigned int i = 0; i < m->ndevs; i++)
		T(dev_node(fdt, &m->devs[i]));

	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
#undef T
	return 0;
}

int ghvmm_build_dtb(const struct ghvmm_dtb_config *c, void *buf, size_t size, char *err,
                    size_t errlen)
{
	int r;

	const struct ghvmm_machine *m = c->machine;

	if (!m)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB: no machine");
	if (!m->cpus || m->cpus > GHVMM_MAX_CPUS)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB: %u CPUs (1..%d)", m->cpus,
		                  GHVMM_MAX_CPUS);
	if (m->ndevs > GHVMM_MAX_DEVS)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB: %u devices (at most %d)", m->ndevs,
		                  GHVMM_MAX_DEVS);
	for (unsigned int i = 0; i < m->ndevs; i++) {
		const struct ghvmm_dev_desc *d = &m->devs[i];

		if ((unsigned int)d->kind >= GHVMM_DEV_KINDS || !d->size ||
		    d->base + d->size < d->base || d->spi > GHVMM_MAX_SPI)
			return ghvmm_fail(err, errlen, -EINVAL,
			                  "DTB: device %u (kind %d, 0x%llx, SPI %u) out of range",
			                  i, (int)d->kind, (unsigned long long)d->base, d->spi);
	}
	if (c->initrd_end && c->initrd_end <= c->initrd_start)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB: empty initrd range");
	if (size > INT32_MAX)
		size = INT32_MAX;
	r = fdt_create(buf, (int)size);
	if (!r)
		r = build(buf, c);
	if (r == -FDT_ERR_NOSPACE)
		return ghvmm_fail(err, errlen, -ENOSPC, "DTB: more than %zu bytes", size);
	if (r < 0)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB: %s", fdt_strerror(r));
	return (int)fdt_totalsize(buf);
}

/*
 * Every property's name must resolve in the strings block. libfdt 1.6.1's
 * fdt_check_full() dereferences the NULL it gets for a bad name offset (a
 * crash the loader fuzzer found), so this walk runs first.
 */
static int check_property_names(const void *fdt)
{
	int offset = 0, next, depth = 0;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return next;
		switch (tag) {
		case FDT_BEGIN_NODE:
			depth++;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_PROP: {
			const struct fdt_property *prop;
			int len, namelen;

			prop = fdt_get_property_by_offset(fdt, offset, &len);
			if (!prop)
				return len;
			if (!fdt_get_string(fdt, (int)fdt32_to_cpu(prop->nameoff), &namelen))
				return namelen < 0 ? namelen : -FDT_ERR_BADSTRUCTURE;
			break;
		}
		case FDT_NOP:
		case FDT_END:
			break;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
		offset = next;
	} while (tag != FDT_END);
	return depth ? -FDT_ERR_BADSTRUCTURE : 0;
}

int ghvmm_check_dtb(const void *blob, size_t len, char *err, size_t errlen)
{
	int r;

	if (len < sizeof(struct fdt_header))
		return ghvmm_fail(err, errlen, -EINVAL, "too short for a DTB (%zu bytes)", len);
	r = fdt_check_header(blob);
	if (r)
		return ghvmm_fail(err, errlen, -EINVAL, "not a DTB: %s", fdt_strerror(r));
	if (fdt_totalsize(blob) > len)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "truncated DTB: header says %u bytes, file has %zu",
		                  fdt_totalsize(blob), len);
	/* Versions before 17 have no struct size and path-style names; libfdt
	 * 1.6.1's checker crashes on some of them. Every dtc writes 17. */
	if (fdt_version(blob) < 17)
		return ghvmm_fail(err, errlen, -EINVAL, "DTB version %u is not supported (17 is)",
		                  fdt_version(blob));
	r = check_property_names(blob);
	if (!r)
		r = fdt_check_full(blob, len);
	if (r)
		return ghvmm_fail(err, errlen, -EINVAL, "malformed DTB: %s", fdt_strerror(r));
	return 0;
}
