/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARM PrimeCell RTC (PL031), register-level model.
 *
 * The 32-bit counter counts whole seconds of an injected clock. At reset it
 * starts (RTCCR reads 1) from the clock's seconds, so a CLOCK_REALTIME-based
 * clock gives the guest Unix time. The match interrupt fires when the counter
 * steps onto RTCMR. The model has no timer of its own: the owner calls
 * gh_pl031_poll() when gh_pl031_next_event() said so (a missed poll is caught
 * up at the next poll or register access, the interrupt is not lost).
 *
 * Register access: 1-, 2- or 4-byte accesses at a 4-byte aligned offset;
 * anything else, and every unknown or reserved offset, reads 0 / is ignored
 * and counted.
 */
#ifndef GUNYAH_DEVICES_PL031_H
#define GUNYAH_DEVICES_PL031_H

#include <gunyah/devices/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_pl031;

#define GH_PL031_MMIO_SIZE 0x1000u

#define GH_PL031_DR        0x00
#define GH_PL031_MR        0x04
#define GH_PL031_LR        0x08
#define GH_PL031_CR        0x0c
#define GH_PL031_IMSC      0x10
#define GH_PL031_RIS       0x14
#define GH_PL031_MIS       0x18
#define GH_PL031_ICR       0x1c
#define GH_PL031_PERIPHID0 0xfe0

struct gh_pl031_config {
	const struct gh_clock_ops *clock; /* required */
	void *clock_ctx;
	const struct gh_irq_ops *irq; /* optional */
	void *irq_ctx;
};

int gh_pl031_create(const struct gh_pl031_config *cfg, struct gh_pl031 **out);
void gh_pl031_destroy(struct gh_pl031 *rtc);

int gh_pl031_read(struct gh_pl031 *rtc, uint64_t offset, uint32_t size, uint64_t *val);
int gh_pl031_write(struct gh_pl031 *rtc, uint64_t offset, uint32_t size, uint64_t val);
extern const struct gh_mmio_ops gh_pl031_mmio_ops;

/* Bring the match interrupt up to date with the clock. */
int gh_pl031_poll(struct gh_pl031 *rtc);
/* The clock time (ns) at which the counter next reaches RTCMR. */
int gh_pl031_next_event(struct gh_pl031 *rtc, uint64_t *deadline_ns);
int gh_pl031_reset(struct gh_pl031 *rtc);
int gh_pl031_stats(struct gh_pl031 *rtc, struct gh_dev_stats *stats);

#define GH_PL031_STATE_VERSION 1u

/* The counter is saved as a value, not a clock offset: restore resumes
 * counting from it at the restoring host's current clock time. */
struct gh_pl031_state {
	uint32_t version;
	uint32_t counter;
	uint32_t mr;
	uint32_t lr;
	uint32_t cr;
	uint32_t imsc;
	uint32_t ris;
	uint32_t reserved; /* must be 0 */
};

int gh_pl031_save(struct gh_pl031 *rtc, struct gh_pl031_state *state);
int gh_pl031_restore(struct gh_pl031 *rtc, const struct gh_pl031_state *state);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_PL031_H */
