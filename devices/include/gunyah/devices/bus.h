/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MMIO bus: a registry of non-overlapping address ranges, each backed by
 * a device's struct gh_mmio_ops.
 *
 * Concurrency: gh_bus_read()/gh_bus_write() may run on any number of threads
 * at once and take no lock: the map is an immutable sorted array published
 * through an atomic pointer. gh_bus_register()/gh_bus_unregister() are
 * serialised by a mutex, publish a new array, then wait for a grace period
 * (every dispatch that could still see the old array has returned) before
 * freeing the old one. So when gh_bus_unregister() returns, no thread is
 * inside, or will enter, the removed device through this bus: its owner may
 * free it. Calling register/unregister from inside a device callback would
 * wait for itself and is refused with -EDEADLK.
 */
#ifndef GUNYAH_DEVICES_BUS_H
#define GUNYAH_DEVICES_BUS_H

#include <gunyah/devices/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_bus;

/* An upper bound on registered ranges; the map is copied on every change. */
#define GH_BUS_MAX_DEVICES 4096u

int gh_bus_create(struct gh_bus **out);
/* The caller guarantees no dispatch is running. NULL is accepted. */
void gh_bus_destroy(struct gh_bus *bus);

/*
 * Register [base, base + len) for @ops/@dev.
 * -EINVAL: NULL bus/ops, ops without read or write, len == 0.
 * -EOVERFLOW: base + len - 1 wraps past 2^64 - 1.
 * -EEXIST: the range overlaps one already registered.
 * -ENOSPC: GH_BUS_MAX_DEVICES reached. -ENOMEM. -EDEADLK: see above.
 */
int gh_bus_register(struct gh_bus *bus, uint64_t base, uint64_t len, const struct gh_mmio_ops *ops,
                    void *dev);
/* Remove the range that starts exactly at @base. -ENOENT if none. */
int gh_bus_unregister(struct gh_bus *bus, uint64_t base);

/* Number of registered ranges. */
int gh_bus_count(struct gh_bus *bus, size_t *count);

/*
 * Dispatch one access at absolute address @addr.
 * 0: the device handled it (a read stores its value in *val).
 * -ENOENT: no device at @addr (a read stores 0): the caller decides
 *          whether to ignore it, log it once or inject a fault.
 * -ERANGE: a device starts at @addr but the access runs past its end.
 * -EINVAL: NULL arguments or @size not 1, 2, 4 or 8.
 */
int gh_bus_read(struct gh_bus *bus, uint64_t addr, uint32_t size, uint64_t *val);
int gh_bus_write(struct gh_bus *bus, uint64_t addr, uint32_t size, uint64_t val);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_BUS_H */
