// SPDX-License-Identifier: BSD-3-Clause
/* The description of ghvmm's machine, made once from the command line. */
#include "machine.h"

#include <errno.h>
#include <string.h>

#include "report.h"

bool ghvmm_dev_is_virtio(enum ghvmm_dev_kind kind)
{
	return kind == GHVMM_DEV_VIRTIO_CONSOLE || kind == GHVMM_DEV_VIRTIO_BLK ||
	       kind == GHVMM_DEV_VIRTIO_RNG;
}

static void add(struct ghvmm_machine *m, enum ghvmm_dev_kind kind, const char *name, uint64_t base,
                uint64_t size, uint32_t spi, bool edge, unsigned int index)
{
	m->devs[m->ndevs++] = (struct ghvmm_dev_desc){ kind, name, base, size, spi, edge, index };
}

/* The next virtio-mmio slot for @kind; false when they are all taken. */
static bool add_virtio(struct ghvmm_machine *m, unsigned int *slot, enum ghvmm_dev_kind kind,
                       const char *name, unsigned int index)
{
	if (*slot == GHVMM_VIRTIO_SLOTS)
		return false;
	add(m, kind, name, GHVMM_VIRTIO_BASE + *slot * GHVMM_VIRTIO_STRIDE, GHVMM_VIRTIO_STRIDE,
	    GHVMM_VIRTIO_SPI0 + *slot, true, index);
	(*slot)++;
	return true;
}

int ghvmm_machine_describe(const struct ghvmm_options *o, struct ghvmm_machine *m, char *err,
                           size_t errlen)
{
	unsigned int slot = 0;
	bool ok = true;

	memset(m, 0, sizeof(*m));
	m->cpus = o->cpus;
	m->ram_size = o->mem_size;
	add(m, GHVMM_DEV_PL011, "pl011", GHVMM_UART_BASE, GHVMM_UART_SIZE, GHVMM_UART_SPI, false,
	    0);
	add(m, GHVMM_DEV_PL031, "pl031", GHVMM_RTC_BASE, GHVMM_RTC_SIZE, GHVMM_RTC_SPI, false, 0);
	if (o->console == GHVMM_CONSOLE_VIRTIO)
		ok = add_virtio(m, &slot, GHVMM_DEV_VIRTIO_CONSOLE, "virtio-console", 0);
	for (unsigned int i = 0; ok && i < o->n_disks && i < GHVMM_MAX_DISKS; i++)
		ok = add_virtio(m, &slot, GHVMM_DEV_VIRTIO_BLK, "virtio-blk", i);
	if (ok && o->rng)
		ok = add_virtio(m, &slot, GHVMM_DEV_VIRTIO_RNG, "virtio-rng", 0);
	if (!ok)
		return ghvmm_fail(err, errlen, -EINVAL, "more virtio devices than the %d slots",
		                  GHVMM_VIRTIO_SLOTS);
	for (unsigned int i = 0; i < m->ndevs; i++)
		if (m->devs[i].spi >= GHVMM_DOORBELLS)
			return ghvmm_fail(err, errlen, -EINVAL, "%s: SPI %u has no doorbell (%d)",
			                  m->devs[i].name, m->devs[i].spi, GHVMM_DOORBELLS);
	return 0;
}
