/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exceptions into the guest: IRQs and synchronous exceptions taken to EL1's vectors.
 */
#ifndef GH_SIM_INJECT_FAULT_H
#define GH_SIM_INJECT_FAULT_H

#include <stdbool.h>
#include <stdint.h>

struct gh_sim_vcpu;

#define PSTATE_EL1H_MASKED 0x3c5ULL
#define PSTATE_I           (1ULL << 7)

/* ESR_ELx fields */
#define ESR_EC_SHIFT       26
#define ESR_IL             (1ULL << 25)
#define ESR_EC_UNKNOWN     0x00
#define ESR_EC_SVC64       0x15
#define ESR_EC_DABT_LOW    0x24
#define ESR_EC_DABT_CUR    0x25
#define ISS_DABT_ISV       (1ULL << 24)
#define ISS_DABT_SAS_SHIFT 22
#define ISS_DABT_SSE       (1ULL << 21)
#define ISS_DABT_SRT_SHIFT 16
#define ISS_DABT_SF        (1ULL << 15)
#define ISS_DABT_AR        (1ULL << 14)
#define ISS_DABT_WNR       (1ULL << 6)
#define ISS_DFSC_SEA       0x10        /* synchronous external abort */
#define ISS_DABT_CM        (1ULL << 8) /* cache maintenance */
#define ESR_EC_IABT_LOW    0x20
#define ESR_EC_IABT_CUR    0x21
#define ESR_EC_BRK64       0x3c
#define FSC_TRANSLATION    0x04 /* + level */
#define FSC_ACCESS_FLAG    0x08 /* + level */
#define FSC_PERMISSION     0x0c /* + level */
#define FSC_ALIGNMENT      0x21
#define ESR_DABT           (1ULL << 63) /* internal: EC chosen at delivery */
#define ESR_IABT           (1ULL << 62) /* internal: EC chosen at delivery */

/*
 * A synchronous exception requested from inside Unicorn (a hook), to be
 * taken once uc_emu_start has returned: ESR/FAR/ELR as delivered; a
 * faulted load's transfer register is restored (Unicorn completes the
 * instruction with the callback's value before it stops).
 */
struct gh_sim_exc_cpu {
	bool pending;
	uint32_t crash; /* enum gh_sim_crash if it can't be delivered */
	uint64_t esr;
	uint64_t far;
	bool far_valid;
	uint64_t elr;
	int rt; /* -1: none to restore */
	uint64_t rt_val;
	char what[64]; /* for the crash reason */
};

/* Requests a synchronous exception from inside a hook (stops the engine). */
void gh_sim_request_sync(struct gh_sim_vcpu *v, uint64_t esr, uint64_t elr, uint32_t crash_code,
                         const char *what);
/* Takes the requested exception once uc_emu_start has returned: false when
 * the guest has no vector table (the VM has ended instead). */
bool gh_sim_deliver_sync(struct gh_sim_vcpu *v);
/* The VMM answered an MMIO access with FAULT: a synchronous external abort
 * on the decoded instruction (false when there is none). */
bool gh_sim_request_data_abort(struct gh_sim_vcpu *v);
/* Before (re)entering the engine: an IRQ if one is pending and unmasked. */
void gh_sim_maybe_inject(struct gh_sim_vcpu *v);

#endif /* GH_SIM_INJECT_FAULT_H */
