/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Types shared by the bus and every device model: the register-access
 * interface a device exposes, and the backends a device is given.
 *
 * All backends are "const ops + context" pairs. A model never calls a backend
 * while it holds its own register-state lock, so a backend may block (a slow
 * console, a file). A backend must not call back into the *same* device from
 * inside an irq set_level() call (that call is serialised per line).
 */
#ifndef GUNYAH_DEVICES_TYPES_H
#define GUNYAH_DEVICES_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The register interface of a device on the MMIO bus. @offset is relative to
 * the device's base, @size is 1, 2, 4 or 8 and the bus has checked that the
 * access lies inside the registered range. Devices return 0 for any access
 * inside their range (unknown registers read 0); a non-zero return is a
 * -errno for a broken call (NULL device), never a guest-triggered error.
 */
struct gh_mmio_ops {
	int (*read)(void *dev, uint64_t offset, uint32_t size, uint64_t *val);
	int (*write)(void *dev, uint64_t offset, uint32_t size, uint64_t val);
};

/* An interrupt line. set_level() is only called when the level changes. */
struct gh_irq_ops {
	void (*set_level)(void *ctx, bool level);
};

/*
 * A byte stream (a console). write() receives bytes the guest sent, in order.
 * rx_ready() (optional) tells the owner that the device can accept input
 * again after a receive call accepted less than it was given.
 */
struct gh_chardev_ops {
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	void (*rx_ready)(void *ctx);
};

/* A clock in nanoseconds. The PL031 counts whole seconds of it. */
struct gh_clock_ops {
	uint64_t (*now_ns)(void *ctx);
};

/* Counters every model keeps; all of them are guest-triggerable events. */
struct gh_dev_stats {
	uint64_t bad_reads;  /* unknown offset, bad size or misaligned read */
	uint64_t bad_writes; /* unknown/read-only offset, bad size or misaligned write */
};

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_TYPES_H */
