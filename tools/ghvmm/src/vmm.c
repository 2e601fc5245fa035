// SPDX-License-Identifier: BSD-3-Clause
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <gunyah/backend.h>
#include <gunyah/devices/backends.h>
#include <gunyah/devices/bus.h>
#include <gunyah/devices/pl011.h>
#include <gunyah/devices/pl031.h>
#include <gunyah/devices/virtio_blk.h>
#include <gunyah/devices/virtio_console.h>
#include <gunyah/devices/virtio_mmio.h>
#include <gunyah/devices/virtio_rng.h>
#include <gunyah/sim.h>

#include "boot.h"
#include "console.h"
#include "machine.h"

#define MAX_DEVS	(4 + GHVMM_VIRTIO_SLOTS)
#define MAX_IRQS	MAX_DEVS
#define RX_BUF_SIZE	4096
#define SIM_DOORBELLS	32	/* irqfd labels 0..31 = SPIs 0..31 */

/* A device on the bus, wrapped to count its accesses for --stats. */
struct ghvmm_dev {
	struct ghvmm *vmm;
	const char *name;
	uint64_t base, size;
	const struct gh_mmio_ops *ops;
	void *dev;
	uint64_t reads, writes, ns;
};

/* A device's interrupt line, delivered as Gunyah does: an irqfd whose
 * doorbell asserts the SPI. Signalled on each rising edge. */
struct ghvmm_irq {
	uint32_t spi;
	int efd;
	bool level;
};

struct ghvmm_vcpu {
	struct ghvmm *vmm;
	uint32_t id;
	struct gh_backend_vcpu *bv;
	struct gh_vcpu_run *run;
	pthread_t thread;
	bool thread_started;
	uint64_t exits_mmio_read, exits_mmio_write, exits_status, exits_intr;
	uint64_t unhandled;
	uint64_t ns_run, ns_exit;
};

struct ghvmm {
	const struct ghvmm_options *o;
	FILE *msg;
	int in_fd, out_fd;
	struct ghvmm_boot boot;
	struct gh_backend *backend;
	bool sim;
	struct gh_backend_vm *vm;
	struct gh_bus *bus;
	struct ghvmm_dev devs[MAX_DEVS];
	unsigned int ndevs;
	struct ghvmm_irq irqs[MAX_IRQS];
	unsigned int nirqs;
	struct gh_pl011 *uart;
	struct gh_pl031 *rtc;
	struct gh_virtio_console *vcon;
	struct gh_virtio_blk *blk[GHVMM_MAX_DISKS];
	struct gh_blk_file *blk_file[GHVMM_MAX_DISKS];
	struct gh_virtio_rng *rng;
	unsigned int virtio_slots;
	struct ghvmm_vcpu vcpus[GHVMM_MAX_CPUS];
	unsigned int nvcpus;

	pthread_mutex_t lock;
	bool stopping;
	int exit_code;
	bool exit_set;
	bool unhandled_warned;

	pthread_t io_thread;
	bool io_started;
	int wake[2];
	uint8_t rx[RX_BUF_SIZE];
	size_t rx_len;
	bool stdin_open;
	struct ghvmm_escape esc;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void message(struct ghvmm *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void message(struct ghvmm *m, const char *fmt, ...)
{
	va_list ap;

	/* Raw terminal: \r\n, so a message starts at the left margin. */
	fputs("\r\nghvmm: ", m->msg);
	va_start(ap, fmt);
	vfprintf(m->msg, fmt, ap);
	va_end(ap);
	fputs("\r\n", m->msg);
	fflush(m->msg);
}

static void wake_io(struct ghvmm *m)
{
	const uint8_t b = 1;

	if (m->wake[1] >= 0 && write(m->wake[1], &b, 1) < 0) {
		/* Full pipe: a wake-up is pending already. */
	}
}

/* The first verdict wins; then every vCPU and the I/O thread are stopped. */
static void request_stop(struct ghvmm *m, int code)
{
	pthread_mutex_lock(&m->lock);
	if (!m->exit_set) {
		m->exit_set = true;
		m->exit_code = code;
	}
	__atomic_store_n(&m->stopping, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->lock);
	for (unsigned int i = 0; i < m->nvcpus; i++)
		if (m->vcpus[i].bv)
			gh_backend_vcpu_kick(m->vcpus[i].bv);
	wake_io(m);
}

/* Read on every exit: a plain atomic load, no lock. */
static bool stopping(struct ghvmm *m)
{
	return __atomic_load_n(&m->stopping, __ATOMIC_ACQUIRE);
}

/* --- device plumbing ------------------------------------------------------------ */

/* Clock reads cost a third of an MMIO exit here: only --stats pays for them. */
static uint64_t stats_clock(const struct ghvmm *m)
{
	return m->o->stats ? now_ns(CLOCK_MONOTONIC) : 0;
}

static int dev_read(void *ctx, uint64_t offset, uint32_t size, uint64_t *val)
{
	struct ghvmm_dev *d = ctx;
	uint64_t t0 = stats_clock(d->vmm);
	int r = d->ops->read(d->dev, offset, size, val);

	if (t0)
		__atomic_add_fetch(&d->ns, stats_clock(d->vmm) - t0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&d->reads, 1, __ATOMIC_RELAXED);
	return r;
}

static int dev_write(void *ctx, uint64_t offset, uint32_t size, uint64_t val)
{
	struct ghvmm_dev *d = ctx;
	uint64_t t0 = stats_clock(d->vmm);
	int r = d->ops->write(d->dev, offset, size, val);

	if (t0)
		__atomic_add_fetch(&d->ns, stats_clock(d->vmm) - t0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&d->writes, 1, __ATOMIC_RELAXED);
	return r;
}

static const struct gh_mmio_ops counted_ops = { dev_read, dev_write };

static int add_device(struct ghvmm *m, const char *name, uint64_t base, uint64_t size,
		      const struct gh_mmio_ops *ops, void *dev)
{
	struct ghvmm_dev *d = &m->devs[m->ndevs];
	int r;

	if (m->ndevs == MAX_DEVS)
		return -ENOSPC;
	*d = (struct ghvmm_dev){ m, name, base, size, ops, dev, 0, 0, 0 };
	r = gh_bus_register(m->bus, base, size, &counted_ops, d);
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

	if (m->nirqs == MAX_IRQS || spi >= SIM_DOORBELLS)
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
	wake_io(ctx);
}

static const struct gh_chardev_ops chr_ops = { chr_write, chr_rx_ready };

static uint64_t rtc_now(void *ctx)
{
	(void)ctx;
	return now_ns(CLOCK_REALTIME);
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

static int add_virtio(struct ghvmm *m, const char *name, struct gh_virtio_mmio *t)
{
	uint64_t base = GHVMM_VIRTIO_BASE + m->virtio_slots * GHVMM_VIRTIO_STRIDE;

	m->virtio_slots++;
	return add_device(m, name, base, GH_VIRTIO_MMIO_SIZE, &gh_virtio_mmio_ops, t);
}

static int create_devices(struct ghvmm *m, char *err, size_t errlen)
{
	const struct ghvmm_options *o = m->o;
	struct gh_guest_mem mem = { &ram_ops, &m->boot.ram };
	struct ghvmm_irq *irq;
	struct gh_virtio_mmio *t;
	int r;

	r = gh_bus_create(&m->bus);
	if (r)
		goto fail;

	r = add_irq(m, GHVMM_UART_SPI, &irq);
	if (r)
		goto fail;
	{
		struct gh_pl011_config c = {
			.chr = &chr_ops,
			.chr_ctx = m,
			.irq = &irq_ops,
			.irq_ctx = irq,
			/* Early consoles write before enabling the UART. */
			.flags = GH_PL011_F_TX_WHEN_DISABLED,
		};
		r = gh_pl011_create(&c, &m->uart);
		if (r)
			goto fail;
	}
	r = add_device(m, "pl011", GHVMM_UART_BASE, GH_PL011_MMIO_SIZE, &gh_pl011_mmio_ops,
		       m->uart);
	if (r)
		goto fail;

	r = add_irq(m, GHVMM_RTC_SPI, &irq);
	if (r)
		goto fail;
	{
		struct gh_pl031_config c = { &rtc_clock, NULL, &irq_ops, irq };

		r = gh_pl031_create(&c, &m->rtc);
		if (r)
			goto fail;
	}
	r = add_device(m, "pl031", GHVMM_RTC_BASE, GH_PL031_MMIO_SIZE, &gh_pl031_mmio_ops,
		       m->rtc);
	if (r)
		goto fail;

	/* virtio-mmio slots, in the order ghvmm_virtio_slots() counts them. */
	if (o->console == GHVMM_CONSOLE_VIRTIO) {
		r = add_irq(m, GHVMM_VIRTIO_SPI0 + m->virtio_slots, &irq);
		if (r)
			goto fail;
		struct gh_virtio_console_config c = { &chr_ops, m, mem, &irq_ops, irq };

		r = gh_virtio_console_create(&c, &m->vcon);
		if (!r)
			r = gh_virtio_console_transport(m->vcon, &t);
		if (!r)
			r = add_virtio(m, "virtio-console", t);
		if (r)
			goto fail;
	}
	for (unsigned int i = 0; i < o->n_disks; i++) {
		uint64_t bytes;

		r = gh_blk_file_open(o->disks[i].path, o->disks[i].read_only, &m->blk_file[i]);
		if (!r)
			r = gh_blk_file_size(m->blk_file[i], &bytes);
		if (r) {
			snprintf(err, errlen, "--disk %s: %s", o->disks[i].path, strerror(-r));
			return r;
		}
		r = add_irq(m, GHVMM_VIRTIO_SPI0 + m->virtio_slots, &irq);
		if (r)
			goto fail;
		struct gh_virtio_blk_config c = {
			.blk = &gh_blk_file_ops,
			.blk_ctx = m->blk_file[i],
			.capacity = bytes,
			.read_only = o->disks[i].read_only,
			.mem = mem,
			.irq = &irq_ops,
			.irq_ctx = irq,
		};
		snprintf(c.serial, sizeof(c.serial), "ghvmm-disk%u", i);
		r = gh_virtio_blk_create(&c, &m->blk[i]);
		if (!r)
			r = gh_virtio_blk_transport(m->blk[i], &t);
		if (!r)
			r = add_virtio(m, "virtio-blk", t);
		if (r)
			goto fail;
	}
	if (o->rng) {
		r = add_irq(m, GHVMM_VIRTIO_SPI0 + m->virtio_slots, &irq);
		if (r)
			goto fail;
		struct gh_virtio_rng_config c = { &gh_rng_getrandom_ops, NULL, mem, &irq_ops, irq };

		r = gh_virtio_rng_create(&c, &m->rng);
		if (!r)
			r = gh_virtio_rng_transport(m->rng, &t);
		if (!r)
			r = add_virtio(m, "virtio-rng", t);
		if (r)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "creating the devices: %s", strerror(-r));
	return r;
}

static void destroy_devices(struct ghvmm *m)
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

/* --- vCPU threads ------------------------------------------------------------------ */

static void handle_mmio(struct ghvmm_vcpu *v)
{
	struct ghvmm *m = v->vmm;
	struct gh_vcpu_run *run = v->run;
	uint64_t addr = run->mmio.phys_addr, val = 0;
	uint32_t len = run->mmio.len;
	int r;

	if (len < 1 || len > 8) {
		run->mmio.resume_action = GH_VM_RESUME_FAULT;
		return;
	}
	if (run->mmio.is_write) {
		v->exits_mmio_write++;
		for (uint32_t i = 0; i < len; i++)
			val |= (uint64_t)run->mmio.data[i] << (8 * i);
		r = gh_bus_write(m->bus, addr, len, val);
	} else {
		v->exits_mmio_read++;
		r = gh_bus_read(m->bus, addr, len, &val);
		for (uint32_t i = 0; i < 8; i++)
			run->mmio.data[i] = i < len ? (uint8_t)(val >> (8 * i)) : 0;
	}
	if (r) {
		/* No device there (reads are 0, writes are dropped), or an access
		 * running past a device's end. Writes to the flash are how
		 * firmware probes it: expected, not worth a word. */
		v->unhandled++;
		if (!(m->boot.flash.size && addr < m->boot.flash.gpa + m->boot.flash.size) &&
		    !__atomic_exchange_n(&m->unhandled_warned, true, __ATOMIC_RELAXED))
			message(m, "vCPU %u: %s of %u bytes at 0x%" PRIx64
				   " hits no device (ignored; --stats counts them)",
				v->id, run->mmio.is_write ? "write" : "read", len, addr);
	}
	run->mmio.resume_action = GH_VM_RESUME_HANDLED;
}

static const char *exit_type_name(uint16_t type)
{
	static const char *const names[] = {
		"VM exit", "PSCI power off", "PSCI system reset", "PSCI system reset2",
		"watchdog bite", "hypervisor error", "asynchronous external abort", "force stopped",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown exit type";
}

static void handle_status(struct ghvmm_vcpu *v)
{
	struct ghvmm *m = v->vmm;
	const struct gh_vcpu_run *run = v->run;
	const struct gh_vm_exit_info *info = &run->status.exit_info;
	int code;

	v->exits_status++;
	switch (run->status.status) {
	case GH_VM_STATUS_EXITED:
		if (info->type == GH_VM_EXIT_TYPE_PSCI_POWER_OFF ||
		    info->type == GH_VM_EXIT_TYPE_VM_EXIT) {
			code = GHVMM_EXIT_POWEROFF;
		} else if (info->type == GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET ||
			   info->type == GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2) {
			message(m, "the guest asked for a reset");
			code = GHVMM_EXIT_RESET;
		} else if (info->type == GH_VM_EXIT_TYPE_VM_FORCE_STOPPED && stopping(m)) {
			code = GHVMM_EXIT_QUIT;
		} else {
			message(m, "the guest stopped: %s", exit_type_name(info->type));
			code = GHVMM_EXIT_CRASH;
		}
		break;
	case GH_VM_STATUS_CRASHED: {
		uint32_t what = 0, pc = 0;

		for (unsigned int i = 0; i < 4 && i < info->reason_size; i++)
			what |= (uint32_t)info->reason[i] << (8 * i);
		for (unsigned int i = 4; i < 8 && i < info->reason_size; i++)
			pc |= (uint32_t)info->reason[i] << (8 * (i - 4));
		message(m, "the guest crashed (vCPU %u): %s, reason code %u, pc 0x%x", v->id,
			exit_type_name(info->type), what, pc);
		code = GHVMM_EXIT_CRASH;
		break;
	}
	case GH_VM_STATUS_LOAD_FAILED:
		message(m, "the hypervisor could not start the VM");
		code = GHVMM_EXIT_LOAD;
		break;
	default:
		message(m, "unknown VM status %u", run->status.status);
		code = GHVMM_EXIT_INTERNAL;
		break;
	}
	request_stop(m, code);
}

static void *vcpu_thread(void *arg)
{
	struct ghvmm_vcpu *v = arg;
	struct ghvmm *m = v->vmm;

	while (!stopping(m)) {
		uint64_t t0 = stats_clock(m), t1;
		int r = gh_backend_vcpu_run(v->bv);

		t1 = stats_clock(m);
		v->ns_run += t1 - t0;
		if (r == -EINTR) {
			v->exits_intr++;
			continue;
		}
		if (r) {
			message(m, "vCPU %u: GH_VCPU_RUN: %s", v->id, strerror(-r));
			request_stop(m, GHVMM_EXIT_INTERNAL);
			break;
		}
		switch (v->run->exit_reason) {
		case GH_VM_EXIT_MMIO:
			handle_mmio(v);
			break;
		case GH_VM_EXIT_STATUS:
			handle_status(v);
			break;
		default:
			message(m, "vCPU %u: unknown exit reason %u", v->id, v->run->exit_reason);
			request_stop(m, GHVMM_EXIT_INTERNAL);
			break;
		}
		v->ns_exit += stats_clock(m) - t1;
	}
	return NULL;
}

/* --- console input and the RTC's timer: one I/O thread ---------------------------------- */

static void push_rx(struct ghvmm *m)
{
	size_t taken = 0;
	int r;

	if (!m->rx_len)
		return;
	if (m->vcon)
		r = gh_virtio_console_receive(m->vcon, m->rx, m->rx_len, &taken);
	else
		r = gh_pl011_receive(m->uart, m->rx, m->rx_len, &taken);
	if (r || taken > m->rx_len)
		taken = 0;
	memmove(m->rx, m->rx + taken, m->rx_len - taken);
	m->rx_len -= taken;
}

static void read_stdin(struct ghvmm *m)
{
	uint8_t buf[256];
	ssize_t n;

	n = read(m->in_fd, buf, sizeof(buf) < RX_BUF_SIZE - m->rx_len ? sizeof(buf)
								      : RX_BUF_SIZE - m->rx_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		m->stdin_open = false;	/* piped input ended: the guest keeps running */
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		uint8_t out;
		size_t len;

		if (ghvmm_escape_feed(&m->esc, buf[i], &out, &len) == GHVMM_ESCAPE_QUIT) {
			message(m, "quit (Ctrl-A x)");
			request_stop(m, GHVMM_EXIT_QUIT);
			return;
		}
		if (len && m->rx_len < RX_BUF_SIZE)
			m->rx[m->rx_len++] = out;
	}
}

static void *io_thread(void *arg)
{
	struct ghvmm *m = arg;

	while (!stopping(m)) {
		struct pollfd pfd[2] = {
			{ .fd = m->wake[0], .events = POLLIN },
			{ .fd = m->in_fd, .events = POLLIN },
		};
		uint64_t deadline;
		int timeout = -1, nfds = 1;

		if (m->stdin_open && m->rx_len < RX_BUF_SIZE)
			nfds = 2;
		if (!gh_pl031_next_event(m->rtc, &deadline)) {
			uint64_t now = now_ns(CLOCK_REALTIME);

			timeout = deadline <= now ? 0 : (int)((deadline - now) / 1000000 + 1);
		}
		if (poll(pfd, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			uint8_t drain[64];

			while (read(m->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_stdin(m);
		push_rx(m);
		gh_pl031_poll(m->rtc);
	}
	return NULL;
}

/* --- the VM ------------------------------------------------------------------------------ */

static int open_backend(struct ghvmm *m, char *err, size_t errlen)
{
	const struct ghvmm_options *o = m->o;
	struct gh_backend_sim_config cfg = {
		.default_vcpus = o->cpus,
		.doorbells = SIM_DOORBELLS,
		.timing = o->stats,
	};
	enum ghvmm_backend_kind kind = o->backend;
	int r;

	if (kind == GHVMM_BACKEND_AUTO)
		kind = access("/dev/gunyah", F_OK) == 0 ? GHVMM_BACKEND_DEV : GHVMM_BACKEND_SIM;
	if (kind == GHVMM_BACKEND_DEV) {
		r = gh_backend_open_dev(NULL, &m->backend);
		if (r)
			snprintf(err, errlen, "--backend dev: /dev/gunyah: %s", strerror(-r));
		return r;
	}
	if (o->cpus > GH_SIM_MAX_VCPUS) {
		snprintf(err, errlen, "--cpus %u: the simulator runs at most %d vCPUs", o->cpus,
			 GH_SIM_MAX_VCPUS);
		return -EINVAL;
	}
	m->sim = true;
	r = gh_backend_open_sim(&cfg, &m->backend);
	if (r)
		snprintf(err, errlen, "the simulator: %s", strerror(-r));
	return r;
}

static int configure_vm(struct ghvmm *m, char *err, size_t errlen)
{
	const struct ghvmm_boot *b = &m->boot;
	struct gh_userspace_memory_region ram = {
		.label = 0,
		.flags = GH_MEM_ALLOW_RWX,
		.guest_phys_addr = b->ram.gpa,
		.memory_size = b->ram.size,
		.userspace_addr = (uint64_t)(uintptr_t)b->ram.host,
	};
	struct gh_vm_dtb_config dtb = { b->dtb_gpa, b->dtb_size };
	struct gh_vm_boot_context pc = {
		GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0), 0, b->entry
	};
	struct gh_vm_boot_context x0 = {
		GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0), 0, b->dtb_gpa
	};
	const char *what;
	int r;

	what = "GH_CREATE_VM";
	r = gh_backend_create_vm(m->backend, &m->vm);
	if (r)
		goto fail;
	what = "the RAM region";
	r = gh_backend_vm_set_user_mem_region(m->vm, &ram);
	if (r)
		goto fail;
	if (b->flash.size) {
		struct gh_userspace_memory_region flash = {
			.label = 1,
			.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC,	/* writes exit */
			.guest_phys_addr = b->flash.gpa,
			.memory_size = b->flash.size,
			.userspace_addr = (uint64_t)(uintptr_t)b->flash.host,
		};

		what = "the flash region";
		r = gh_backend_vm_set_user_mem_region(m->vm, &flash);
		if (r)
			goto fail;
	}
	what = "the DTB config";
	r = gh_backend_vm_set_dtb_config(m->vm, &dtb);
	if (r)
		goto fail;
	what = "the boot context";
	r = gh_backend_vm_set_boot_context(m->vm, &pc);
	if (!r)
		r = gh_backend_vm_set_boot_context(m->vm, &x0);
	if (r)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(-r));
	return r;
}

static int create_vcpus(struct ghvmm *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < m->o->cpus; i++) {
		struct ghvmm_vcpu *v = &m->vcpus[i];
		struct gh_vm_function fn;
		int r;

		memset(&fn, 0, sizeof(fn));
		strcpy(fn.name, "vcpu");
		fn.vcpu.vcpu_id = i;
		v->vmm = m;
		v->id = i;
		r = gh_backend_vm_add_function(m->vm, &fn, &v->bv);
		if (r) {
			snprintf(err, errlen, "vCPU %u: %s", i, strerror(-r));
			return r;
		}
		v->run = gh_backend_vcpu_run_page(v->bv);
		m->nvcpus++;
	}
	return 0;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/*
 * Like perf kvm stat: exits by reason, by vCPU and by device, and where the
 * time went. Time in RUN splits into guest, hypervisor and run loop when the
 * backend can tell (the simulator); devices are timed inside the bus.
 */
static void print_stats(struct ghvmm *m, uint64_t wall_ns)
{
	uint64_t mr = 0, mw = 0, st = 0, in = 0, un = 0, run = 0, ex = 0, dev_ns = 0;
	uint64_t guest = 0, hyp = 0;
	bool split = true;

	fprintf(m->msg, "\r\n== ghvmm statistics (%s backend, %.3f s)\r\n",
		gh_backend_name(m->backend), (double)wall_ns / 1e9);
	fprintf(m->msg, "%-5s %11s %11s %6s %6s %9s %10s %10s %10s %10s %9s\r\n", "vCPU",
		"MMIO reads", "MMIO writes", "status", "EINTR", "unhandled", "RUN (ms)",
		"guest", "hypervisor", "run loop", "VMM (ms)");
	for (unsigned int i = 0; i < m->nvcpus; i++) {
		struct ghvmm_vcpu *v = &m->vcpus[i];
		struct gh_backend_vcpu_times t = { 0, 0 };
		char g[16] = "-", h[16] = "-", l[16] = "-";

		if (!gh_backend_vcpu_times(v->bv, &t)) {
			snprintf(g, sizeof(g), "%.1f", ms(t.ns_guest));
			snprintf(h, sizeof(h), "%.1f", ms(t.ns_hypervisor));
			snprintf(l, sizeof(l), "%.1f",
				 ms(v->ns_run > t.ns_guest + t.ns_hypervisor
					    ? v->ns_run - t.ns_guest - t.ns_hypervisor
					    : 0));
			guest += t.ns_guest;
			hyp += t.ns_hypervisor;
		} else {
			split = false;
		}
		fprintf(m->msg, "%-5u %11" PRIu64 " %11" PRIu64 " %6" PRIu64 " %6" PRIu64
				" %9" PRIu64 " %10.1f %10s %10s %10s %9.1f\r\n",
			v->id, v->exits_mmio_read, v->exits_mmio_write, v->exits_status,
			v->exits_intr, v->unhandled, ms(v->ns_run), g, h, l, ms(v->ns_exit));
		mr += v->exits_mmio_read;
		mw += v->exits_mmio_write;
		st += v->exits_status;
		in += v->exits_intr;
		un += v->unhandled;
		run += v->ns_run;
		ex += v->ns_exit;
	}
	fprintf(m->msg, "%-5s %11" PRIu64 " %11" PRIu64 " %6" PRIu64 " %6" PRIu64 " %9" PRIu64
			" %10.1f\r\n",
		"all", mr, mw, st, in, un, ms(run));
	fprintf(m->msg, "%-16s %12s %12s %14s\r\n", "device", "reads", "writes", "time (ms)");
	for (unsigned int i = 0; i < m->ndevs; i++) {
		struct ghvmm_dev *d = &m->devs[i];

		fprintf(m->msg, "%-16s %12" PRIu64 " %12" PRIu64 " %14.3f\r\n", d->name, d->reads,
			d->writes, ms(d->ns));
		dev_ns += d->ns;
	}
	if (split && m->nvcpus)
		fprintf(m->msg, "time: guest %.1f ms, hypervisor %.1f ms, run loop (cores, backend, "
				"waits for wake-ups) %.1f ms, devices %.1f ms, rest of the VMM's "
				"exit handling %.1f ms\r\n",
			ms(guest), ms(hyp), ms(run > guest + hyp ? run - guest - hyp : 0), ms(dev_ns),
			ms(ex > dev_ns ? ex - dev_ns : 0));
	else
		fprintf(m->msg, "time: in RUN (guest, hypervisor, run loop) %.1f ms, devices %.1f ms, "
				"rest of the VMM's exit handling %.1f ms\r\n",
			ms(run), ms(dev_ns), ms(ex > dev_ns ? ex - dev_ns : 0));
	if (mr + mw)
		fprintf(m->msg, "exits/s: %.0f MMIO exits per second of wall time\r\n",
			(double)(mr + mw) / ((double)wall_ns / 1e9));
	fflush(m->msg);
}

int ghvmm_run(const struct ghvmm_options *o, int in_fd, int out_fd, FILE *msg)
{
	struct ghvmm *m;
	char err[320];
	uint64_t t0;
	int r, code = GHVMM_EXIT_INTERNAL;
	unsigned int slots;

	m = calloc(1, sizeof(*m));
	if (!m)
		return GHVMM_EXIT_INTERNAL;
	m->o = o;
	m->msg = msg;
	m->in_fd = in_fd;
	m->out_fd = out_fd;
	m->wake[0] = m->wake[1] = -1;
	m->stdin_open = in_fd >= 0;
	pthread_mutex_init(&m->lock, NULL);

	slots = (o->console == GHVMM_CONSOLE_VIRTIO) + o->n_disks + (o->rng ? 1 : 0);
	r = ghvmm_boot_prepare(o, slots, &m->boot, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = GHVMM_EXIT_LOAD;
		goto out_free;
	}
	if (o->dump_dtb) {
		r = ghvmm_boot_dump_dtb(&m->boot, o->dump_dtb, err, sizeof(err));
		if (r)
			fprintf(msg, "ghvmm: %s\n", err);
		code = r ? GHVMM_EXIT_INTERNAL : GHVMM_EXIT_POWEROFF;
		goto out_boot;
	}
	r = open_backend(m, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = r == -EINVAL ? GHVMM_EXIT_USAGE : GHVMM_EXIT_INTERNAL;
		goto out_boot;
	}
	r = configure_vm(m, err, sizeof(err));
	if (!r)
		r = create_devices(m, err, sizeof(err));
	if (!r)
		r = create_vcpus(m, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = GHVMM_EXIT_INTERNAL;
		goto out_vm;
	}
	r = gh_backend_vm_start(m->vm);
	if (r) {
		fprintf(msg, "ghvmm: GH_VM_START: %s\n", strerror(-r));
		code = GHVMM_EXIT_LOAD;
		goto out_vm;
	}
	if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(msg, "ghvmm: pipe: %s\n", strerror(errno));
		goto out_vm;
	}

	ghvmm_terminal_raw(in_fd);
	t0 = now_ns(CLOCK_MONOTONIC);
	if (pthread_create(&m->io_thread, NULL, io_thread, m) == 0)
		m->io_started = true;
	for (unsigned int i = 0; i < m->nvcpus; i++) {
		if (pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i])) {
			message(m, "cannot start the thread of vCPU %u", i);
			request_stop(m, GHVMM_EXIT_INTERNAL);
			break;
		}
		m->vcpus[i].thread_started = true;
	}
	for (unsigned int i = 0; i < m->nvcpus; i++)
		if (m->vcpus[i].thread_started)
			pthread_join(m->vcpus[i].thread, NULL);
	request_stop(m, GHVMM_EXIT_INTERNAL);	/* no-op when a verdict exists */
	if (m->io_started)
		pthread_join(m->io_thread, NULL);
	ghvmm_terminal_restore();
	code = m->exit_code;
	if (o->stats)
		print_stats(m, now_ns(CLOCK_MONOTONIC) - t0);

out_vm:
	for (unsigned int i = 0; i < m->nvcpus; i++)
		gh_backend_vcpu_release(m->vcpus[i].bv);
	if (m->vm)
		gh_backend_vm_release(m->vm);
	destroy_devices(m);
	if (m->backend)
		gh_backend_close(m->backend);
	for (int i = 0; i < 2; i++)
		if (m->wake[i] >= 0)
			close(m->wake[i]);
out_boot:
	ghvmm_boot_release(&m->boot);
out_free:
	pthread_mutex_destroy(&m->lock);
	free(m);
	return code;
}
