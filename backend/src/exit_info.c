// SPDX-License-Identifier: BSD-3-Clause
/* The UAPI's VM exit info in words, for backends that know no better. */
#include <stdio.h>

#include <backend_internal.h>

static const char *const type_names[] = {
	[GH_VM_EXIT_TYPE_VM_EXIT] = "VM exit",
	[GH_VM_EXIT_TYPE_PSCI_POWER_OFF] = "PSCI power off",
	[GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET] = "PSCI system reset",
	[GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2] = "PSCI system reset2",
	[GH_VM_EXIT_TYPE_WDT_BITE] = "watchdog bite",
	[GH_VM_EXIT_TYPE_HYP_ERROR] = "hypervisor error",
	[GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT] = "asynchronous external abort",
	[GH_VM_EXIT_TYPE_VM_FORCE_STOPPED] = "force stopped",
};

void gh_backend_describe_exit_info(const struct gh_vm_exit_info *info, char *buf, size_t len)
{
	uint32_t n = info->reason_size;
	size_t at;
	int w;

	if (info->type < sizeof(type_names) / sizeof(type_names[0]) && type_names[info->type])
		w = snprintf(buf, len, "%s", type_names[info->type]);
	else
		w = snprintf(buf, len, "exit type %u", info->type);
	if (n > GH_VM_LAST_EXIT_INFO_SIZE)
		n = GH_VM_LAST_EXIT_INFO_SIZE;
	at = w < 0 ? 0 : (size_t)w;
	for (uint32_t i = 0; i < n && at < len; i++) {
		w = snprintf(buf + at, len - at, "%s%02x", i ? " " : ", reason ", info->reason[i]);
		at += w < 0 ? 0 : (size_t)w;
	}
	if (info->reason_size > GH_VM_LAST_EXIT_INFO_SIZE && at < len)
		snprintf(buf + at, len - at, " (of %u bytes)", info->reason_size);
}
