/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traps out of the engine by exception class: a table for Unicorn's interrupt hook, and WFx.
 */
#ifndef GH_SIM_HANDLE_EXIT_H
#define GH_SIM_HANDLE_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

struct gh_sim_vcpu;

/* UC_HOOK_INTR. */
void gh_sim_hook_intr(uc_engine *uc, uint32_t intno, void *user);
/* uc_emu_start returned by itself (WFI or WFE before the PC): WFE ends
 * the slice, WFI sleeps (EXPECTS_WAKEUP) unless an interrupt is pending. */
void gh_sim_handle_wfx(struct gh_sim_vcpu *v);

#endif /* GH_SIM_HANDLE_EXIT_H */
