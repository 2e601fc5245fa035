/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PSCI 1.1 over SMCCC: vCPU power states and the VM's SYSTEM_OFF/RESET.
 */
#ifndef GH_SIM_PSCI_H
#define GH_SIM_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/hypercall.h>

struct gh_sim_vcpu;

/* PSCI 1.1 and SMCCC function ids */
#define PSCI_VERSION           0x84000000U
#define PSCI_CPU_SUSPEND       0x84000001U
#define PSCI_CPU_OFF           0x84000002U
#define PSCI_CPU_ON            0x84000003U
#define PSCI_AFFINITY_INFO     0x84000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF        0x84000008U
#define PSCI_SYSTEM_RESET      0x84000009U
#define PSCI_FEATURES          0x8400000aU
#define PSCI_SYSTEM_RESET2     0x84000012U
#define PSCI_SMC64             0x40000000U
#define SMCCC_VERSION          0x80000000U

#define PSCI_SUCCESS        0
#define PSCI_NOT_SUPPORTED  (-1)
#define PSCI_INVALID_PARAMS (-2)
#define PSCI_ALREADY_ON     (-4)
#define PSCI_ON_PENDING     (-5)

enum gh_sim_power {
	POWER_OFF = 0,
	POWER_ON_PENDING, /* CPU_ON accepted; the fiber resets the CPU */
	POWER_ON,
};

/* A vCPU's power state (under vm->lock). */
struct gh_sim_psci_cpu {
	enum gh_sim_power power;
	uint64_t on_entry;
	uint64_t on_ctx;
};

/* One PSCI (or SMCCC_VERSION) call of @v, x0..x3 in @in: the number of
 * result registers written to @out (0 for calls that do not return). */
unsigned int gh_sim_psci_call(struct gh_sim_vcpu *v, const struct gh_hypercall_regs *in,
                              struct gh_hypercall_regs *out);

#endif /* GH_SIM_PSCI_H */
