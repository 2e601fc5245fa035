// SPDX-License-Identifier: BSD-3-Clause
/* The machine description's devices: models on the bus, IRQ lines as irqfds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gunyah/devices/backends.h>
#include <gunyah/devices/pl011.h>
#include <gunyah/devices/pl031.h>
#include <gunyah/devices/virtio_blk.h>
#include <gunyah/devices/virtio_console.h>
#include <gunyah/devices/virtio_mmio.h>
#include <gunyah/devices/virtio_rng.h>

#include "vmm_internal.h"

/* The register window of each model: a description must match it. */
static const uint64_t model_window[GHVMM_DEV_KINDS] = {
	[GHVMM_DEV_PL011] = GH_PL011_MMIO_SIZE,
	[GHVMM_DEV_PL031] = GH_PL031_MMIO_SIZE,
	[GHVMM_DEV_VIRTIO_CONSOLE] = GH_VIRTIO_MMIO_SIZE,
	[GHVMM_DEV_VIRTIO_BLK] = GH_VIRTIO_MMIO_SIZE,
	[GHVMM_DEV_VIRTIO_RNG] = GH_VIRTIO_MMIO_SIZE,
};

static int dev_read(void *ctx, uint64_t offset, uint32_t size, uint64_t *val)
{
	struct ghvmm_dev *d = ctx;
	uint64_t t0 = ghvmm_stats_clock(d->vmm);
	int r = d->ops->read(d->dev, offset, size, val);

	if (t0) {
		__atomic_add_fetch(&d->ns, ghvmm_stats_clock(d->vmm) - t0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&d->reads, 1, __ATOMIC_RELAXED);
	}
	return r;
}

static int dev_write(void *ctx, uint64_t offset, uint32_t size, uint64_t val)
{
	struct ghvmm_dev *d = ctx;
	uint64_t t0 = ghvmm_stats_clock(d->vmm);
	int r = d->ops->write(d->dev, offset, size, val);

	if (t0) {
		__atomic_add_fetch(&d->ns, ghvmm_stats_clock(d->vmm) - t0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&d->writes, 1, __ATOMIC_RELAXED);
	}
	return r;
}

static const struct gh_mmio_ops counted_ops = { dev_read, dev_write };

/* Puts model @dev (@ops) on the bus in @desc's window. */
static int add_device(struct ghvmm *m, const struct ghvmm_dev_desc *desc,
                      const struct gh_mmio_ops *ops, void *dev)
{
	struct ghvmm_dev *d = &m->devs[m->ndevs];
	int r;

	if (m->ndevs == GHVMM_MAX_DEVS)
		return -ENOSPC;
	*d = (struct ghvmm_dev){ m, desc, ops, dev, 0, 0, 0 };
	r = gh_bus_register(m->bus, desc->base, desc->size, &counted_ops, d);
	if (r)
		return r;
	m->ndevs++;
	return 0;
}

static void irq_set_level(void *ctx, bool level)
{
	struct ghvmm_irq *irq = ctx;
	bool rising = level && !__atomic_exchange_n(&irq->level, level, __ATOMIC_ACQ_REL);
	const uint64_t one = 1;

	if (!level)
		__atomic_store_n(&irq->level, false, __ATOMIC_RELEASE);
	if (rising && write(irq->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the doorbell rings anyway. */
	}
}

static const struct gh_irq_ops irq_ops = { irq_set_level };

/* An irqfd for SPI @spi (label = SPI number: the doorbell raising it). */
static int add_irq(struct ghvmm *m, uint32_t spi, struct ghvmm_irq **out)
{
	struct ghvmm_irq *irq = &m->irqs[m->nirqs];
	struct gh_vm_function fn;
	int r;

	if (m->nirqs == GHVMM_MAX_DEVS || spi >= GHVMM_DOORBELLS)
		return -ENOSPC;
	irq->spi = spi;
	irq->level = false;
	irq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (irq->efd < 0)
		return -errno;
	memset(&fn, 0, sizeof(fn));
	strcpy(fn.name, "irqfd");
	fn.irqfd.fd = (uint32_t)irq->efd;
	fn.irqfd.label = spi;
	r = gh_backend_vm_add_function(m->vm, &fn, NULL);
	if (r) {
		close(irq->efd);
		return r;
	}
	m->nirqs++;
	*out = irq;
	return 0;
}

static void chr_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct ghvmm *m = ctx;

	ghvmm_write_all(m->out_fd, buf, len);
}

static void chr_rx_ready(void *ctx)
{
	ghvmm_wake_io(ctx);
}

static const struct gh_chardev_ops chr_ops = { chr_write, chr_rx_ready };

static uint64_t rtc_now(void *ctx)
{
	(void)ctx;
	return ghvmm_now_ns(CLOCK_REALTIME);
}

static const struct gh_clock_ops rtc_clock = { rtc_now };

static int ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const struct ghvmm_mem *ram = ctx;

	if (!ghvmm_mem_contains(ram, gpa, len))
		return -EFAULT;
	memcpy(buf, ram->host + (gpa - ram->gpa), len);
	return 0;
}

static int ram_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return ghvmm_mem_write(ctx, gpa, buf, len) ? -EFAULT : 0;
}

static int ram_check(void *ctx, uint64_t gpa, uint64_t len)
{
	return ghvmm_mem_contains(ctx, gpa, len) ? 0 : -EFAULT;
}

static const struct gh_guest_mem_ops ram_ops = { ram_read, ram_write, ram_check };

/*
 * The model @d describes, its interrupt on @irq: *ops and *dev for the bus.
 * A virtio-blk's disk file is open already, @disk_bytes long.
 */
static int create_model(struct ghvmm *m, const struct ghvmm_dev_desc *d, struct ghvmm_irq *irq,
                        uint64_t disk_bytes, const struct gh_mmio_ops **ops, void **dev)
{
	struct gh_guest_mem mem = { &ram_ops, &m->boot.ram };
	struct gh_virtio_mmio *t = NULL;
	int r;

	switch (d->kind) {
	case GHVMM_DEV_PL011: {
		struct gh_pl011_config c = {
			.chr = &chr_ops,
			.chr_ctx = m,
			.irq = &irq_ops,
			.irq_ctx = irq,
			/* Early consoles write before enabling the UART. */
			.flags = GH_PL011_F_TX_WHEN_DISABLED,
		};

		if (m->uart)
			return -EEXIST;
		r = gh_pl011_create(&c, &m->uart);
		*ops = &gh_pl011_mmio_ops;
		*dev = m->uart;
		return r;
	}
	case GHVMM_DEV_PL031: {
		struct gh_pl031_config c = { &rtc_clock, NULL, &irq_ops, irq };

		if (m->rtc)
			return -EEXIST;
		r = gh_pl031_create(&c, &m->rtc);
		*ops = &gh_pl031_mmio_ops;
		*dev = m->rtc;
		return r;
	}
	case GHVMM_DEV_VIRTIO_CONSOLE: {
		struct gh_virtio_console_config c = { &chr_ops, m, mem, &irq_ops, irq };

		if (m->vcon)
			return -EEXIST;
		r = gh_virtio_console_create(&c, &m->vcon);
		if (!r)
			r = gh_virtio_console_transport(m->vcon, &t);
		break;
	}
	case GHVMM_DEV_VIRTIO_BLK: {
		const struct ghvmm_disk *disk = &m->o->disks[d->index];
		struct gh_virtio_blk_config c = {
			.blk = &gh_blk_file_ops,
			.blk_ctx = m->blk_file[d->index],
			.capacity = disk_bytes,
			.read_only = disk->read_only,
			.mem = mem,
			.irq = &irq_ops,
			.irq_ctx = irq,
		};

		if (m->blk[d->index])
			return -EEXIST;
		snprintf(c.serial, sizeof(c.serial), "ghvmm-disk%u", d->index);
		r = gh_virtio_blk_create(&c, &m->blk[d->index]);
		if (!r)
			r = gh_virtio_blk_transport(m->blk[d->index], &t);
		break;
	}
	case GHVMM_DEV_VIRTIO_RNG: {
		struct gh_virtio_rng_config c = { &gh_rng_getrandom_ops, NULL, mem, &irq_ops, irq };

		if (m->rng)
			return -EEXIST;
		r = gh_virtio_rng_create(&c, &m->rng);
		if (!r)
			r = gh_virtio_rng_transport(m->rng, &t);
		break;
	}
	default:
		return -EINVAL;
	}
	*ops = &gh_virtio_mmio_ops;
	*dev = t;
	return r;
}

int ghvmm_devices_create(struct ghvmm *m, char *err, size_t errlen)
{
	int r;

	r = gh_bus_create(&m->bus);
	if (r)
		goto fail;
	for (unsigned int i = 0; i < m->machine.ndevs; i++) {
		const struct ghvmm_dev_desc *d = &m->machine.devs[i];
		const struct gh_mmio_ops *ops = NULL;
		struct ghvmm_irq *irq;
		uint64_t bytes = 0;
		void *dev = NULL;

		if ((unsigned int)d->kind >= GHVMM_DEV_KINDS || d->size != model_window[d->kind] ||
		    (d->kind == GHVMM_DEV_VIRTIO_BLK &&
		     (d->index >= m->o->n_disks || d->index >= GHVMM_MAX_DISKS))) {
			r = -EINVAL;
			goto fail;
		}
		if (d->kind == GHVMM_DEV_VIRTIO_BLK) {
			const struct ghvmm_disk *disk = &m->o->disks[d->index];

			r = gh_blk_file_open(disk->path, disk->read_only, &m->blk_file[d->index]);
			if (!r)
				r = gh_blk_file_size(m->blk_file[d->index], &bytes);
			if (r) {
				snprintf(err, errlen, "--disk %s: %s", disk->path, strerror(-r));
				return r;
			}
		}
		r = add_irq(m, d->spi, &irq);
		if (!r)
			r = create_model(m, d, irq, bytes, &ops, &dev);
		if (!r)
			r = add_device(m, d, ops, dev);
		if (r)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "creating the devices: %s", strerror(-r));
	return r;
}

void ghvmm_devices_destroy(struct ghvmm *m)
{
	/* The vCPU threads have stopped: no dispatch can be running. */
	gh_bus_destroy(m->bus);
	gh_pl011_destroy(m->uart);
	gh_pl031_destroy(m->rtc);
	gh_virtio_console_destroy(m->vcon);
	for (unsigned int i = 0; i < GHVMM_MAX_DISKS; i++) {
		gh_virtio_blk_destroy(m->blk[i]);
		gh_blk_file_close(m->blk_file[i]);
	}
	gh_virtio_rng_destroy(m->rng);
	for (unsigned int i = 0; i < m->nirqs; i++)
		close(m->irqs[i].efd);
}
