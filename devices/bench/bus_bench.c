// SPDX-License-Identifier: BSD-3-Clause
/*
 * Bus dispatch cost per access, in ns/op, with 1, 16 and 256 devices
 * registered (QEMU virt-like layout: 0x200-byte slots). The baseline, timed
 * in the same run, calls the device's read function directly through its
 * ops pointer, so the ratio is the cost of the lookup and the grace-period
 * counters. Addresses cycle through every registered device.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gunyah/devices/bus.h>

#define ITERS 4000000u
#define BASE  0x0a000000ull

static uint64_t sink;

static int dev_read(void *dev, uint64_t offset, uint32_t size, uint64_t *val)
{
	*val = (uint64_t)(uintptr_t)dev + offset + size;
	return 0;
}

static int dev_write(void *dev, uint64_t offset, uint32_t size, uint64_t val)
{
	(void)dev;
	(void)offset;
	(void)size;
	sink += val;
	return 0;
}

static const struct gh_mmio_ops ops = { dev_read, dev_write };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The best of a few runs, to be robust against a busy machine. */
static double time_direct(const struct gh_mmio_ops *volatile o, unsigned int ndev)
{
	double best = 1e30;

	for (int run = 0; run < 5; run++) {
		double t0 = now_ns();

		for (uint32_t i = 0; i < ITERS; i++) {
			uint64_t v;

			o->read((void *)(uintptr_t)(i % ndev), 0x10, 4, &v);
			sink += v;
		}
		double dt = (now_ns() - t0) / ITERS;
		if (dt < best)
			best = dt;
	}
	return best;
}

static double time_bus(struct gh_bus *bus, unsigned int ndev)
{
	double best = 1e30;

	for (int run = 0; run < 5; run++) {
		double t0 = now_ns();

		for (uint32_t i = 0; i < ITERS; i++) {
			uint64_t v;

			if (gh_bus_read(bus, BASE + 0x200ull * (i % ndev) + 0x10, 4, &v))
				abort();
			sink += v;
		}
		double dt = (now_ns() - t0) / ITERS;
		if (dt < best)
			best = dt;
	}
	return best;
}

int main(void)
{
	static const unsigned int counts[] = { 1, 16, 256 };

	printf("%-8s %12s %12s %8s\n", "devices", "direct ns/op", "bus ns/op", "ratio");
	for (unsigned int c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned int n = counts[c];
		struct gh_bus *bus;

		if (gh_bus_create(&bus))
			return 1;
		for (unsigned int i = 0; i < n; i++)
			if (gh_bus_register(bus, BASE + 0x200ull * i, 0x200, &ops,
			                    (void *)(uintptr_t)i))
				return 1;
		double direct = time_direct(&ops, n);
		double viabus = time_bus(bus, n);
		printf("%-8u %12.2f %12.2f %7.1fx\n", n, direct, viabus, viabus / direct);
		gh_bus_destroy(bus);
	}
	fprintf(stderr, "(checksum %llu)\n", (unsigned long long)sink);
	return 0;
}
