/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a VM ends: its exit status, crash reasons and the host's vm_exited notification.
 */
#ifndef GH_SIM_VM_EXIT_H
#define GH_SIM_VM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

struct gh_sim_vcpu;
struct gh_sim_vm;

/* Reason codes in exit_info.reason[0..3] of a crashed VM (little-endian),
 * with reason[4..7] the low 32 bits of the PC. */
enum gh_sim_crash {
	GH_SIM_CRASH_MMIO_NO_SYNDROME = 1,
	GH_SIM_CRASH_UNDEFINED = 2,
	GH_SIM_CRASH_EXCEPTION = 3,
	GH_SIM_CRASH_EMULATOR = 4,
	GH_SIM_CRASH_VMMIO_FAULT = 5,
	GH_SIM_CRASH_BAD_MEMORY = 6,
};

struct gh_sim_vm_exit {
	int exited; /* atomic */
	int notify; /* atomic: vm_exited callback still owed */
	uint16_t type;
	bool crashed;
	uint8_t reason[8];
	char text[160]; /* the description */
};

/* Ends the VM (once): every vCPU stops and reports POWERED_OFF + EXITED. */
void gh_sim_vm_end(struct gh_sim_vm *vm, uint16_t type, bool crashed, uint32_t code, uint64_t pc,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* @v crashed the VM at @pc (it will report FAULT). */
void gh_sim_crash(struct gh_sim_vcpu *v, uint32_t code, uint64_t pc, const char *what);
/* The host's vm_exited callback, once, when owed (no lock held). */
void gh_sim_vm_notify_exit(struct gh_sim_vm *vm);

#endif /* GH_SIM_VM_EXIT_H */
