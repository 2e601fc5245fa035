/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the VMM: the running machine's state and the calls its files share. */
#ifndef GHVMM_VMM_INTERNAL_H
#define GHVMM_VMM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <gunyah/backend.h>
#include <gunyah/devices/bus.h>

#include "boot.h"
#include "console.h"
#include "machine.h"
#include "options.h"

#define GHVMM_RX_BUF_SIZE 4096

struct gh_pl011;
struct gh_pl031;
struct gh_virtio_console;
struct gh_virtio_blk;
struct gh_blk_file;
struct gh_virtio_rng;

/* A device on the bus, wrapped to count its accesses for --stats. */
struct ghvmm_dev {
	struct ghvmm *vmm;
	const struct ghvmm_dev_desc *desc;
	const struct gh_mmio_ops *ops;
	void *dev;
	uint64_t reads, writes, ns; /* atomic; with --stats only (an atomic add per exit) */
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
	struct ghvmm_machine machine;
	struct ghvmm_boot boot;
	struct gh_backend *backend;
	struct gh_backend_vm *vm;
	/* --abi v17: RAM's and the flash's guest memory (their views are
	 * boot.ram.host and boot.flash.host then) */
	struct gh_backend_gmem *gmem[2];
	struct gh_bus *bus;
	struct ghvmm_dev devs[GHVMM_MAX_DEVS];
	unsigned int ndevs;
	struct ghvmm_irq irqs[GHVMM_MAX_DEVS];
	unsigned int nirqs;
	struct gh_pl011 *uart;
	struct gh_pl031 *rtc;
	struct gh_virtio_console *vcon;
	struct gh_virtio_blk *blk[GHVMM_MAX_DISKS];
	struct gh_blk_file *blk_file[GHVMM_MAX_DISKS];
	struct gh_virtio_rng *rng;
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
	uint8_t rx[GHVMM_RX_BUF_SIZE];
	size_t rx_len;
	bool stdin_open;
	struct ghvmm_escape esc;
};

/* vmm.c: the run's life */
uint64_t ghvmm_now_ns(clockid_t clk);
/* A line on the message stream, from the left margin of a raw terminal. */
void ghvmm_message(struct ghvmm *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The first verdict wins; then every vCPU and the I/O thread are stopped. */
void ghvmm_request_stop(struct ghvmm *m, int code);
/* Read on every exit: a plain atomic load, no lock. */
bool ghvmm_stopping(struct ghvmm *m);

/* devices.c: the machine description's devices on the bus, their irqfds */
int ghvmm_devices_create(struct ghvmm *m, char *err, size_t errlen);
void ghvmm_devices_destroy(struct ghvmm *m);

/* vcpu.c: one thread per vCPU */
void *ghvmm_vcpu_thread(void *vcpu);

/* io.c: console input and the RTC's alarm */
void *ghvmm_io_thread(void *vmm);
void ghvmm_wake_io(struct ghvmm *m);

/* stats.c: --stats */
/* The clock for --stats, or 0 without it (clock reads cost a third of an
 * exit; inline: three calls per exit otherwise cost 2% of one). */
static inline uint64_t ghvmm_stats_clock(const struct ghvmm *m)
{
	return m->o->stats ? ghvmm_now_ns(CLOCK_MONOTONIC) : 0;
}
void ghvmm_print_stats(struct ghvmm *m, uint64_t wall_ns);

#endif
