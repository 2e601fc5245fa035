// SPDX-License-Identifier: BSD-3-Clause
/*
 * The UAPI's layout, asserted at compile time. Built natively as a test and
 * cross-checked for i386 and aarch64 with -Wpadded by cross_layout_test.sh,
 * so any implicit hole or size difference between ABIs fails the build.
 */
#include <linux/gunyah.h>
#include <stddef.h>

#include "layout_common.h"

SIZE(gh_userspace_memory_region, 32);
OFF(gh_userspace_memory_region, label, 0);
OFF(gh_userspace_memory_region, flags, 4);
OFF(gh_userspace_memory_region, guest_phys_addr, 8);
OFF(gh_userspace_memory_region, memory_size, 16);
OFF(gh_userspace_memory_region, userspace_addr, 24);

SIZE(gh_vm_dtb_config, 16);
OFF(gh_vm_dtb_config, guest_phys_addr, 0);
OFF(gh_vm_dtb_config, size, 8);

SIZE(gh_fn_vcpu_arg, 4);
OFF(gh_fn_vcpu_arg, vcpu_id, 0);

SIZE(gh_fn_irqfd_arg, 16);
OFF(gh_fn_irqfd_arg, fd, 0);
OFF(gh_fn_irqfd_arg, label, 4);
OFF(gh_fn_irqfd_arg, flags, 8);
OFF(gh_fn_irqfd_arg, padding, 12);

SIZE(gh_fn_ioeventfd_arg, 32);
OFF(gh_fn_ioeventfd_arg, datamatch, 0);
OFF(gh_fn_ioeventfd_arg, addr, 8);
OFF(gh_fn_ioeventfd_arg, len, 16);
OFF(gh_fn_ioeventfd_arg, fd, 20);
OFF(gh_fn_ioeventfd_arg, flags, 24);
OFF(gh_fn_ioeventfd_arg, padding, 28);

SIZE(gh_vm_function, 32 + 1024);
OFF(gh_vm_function, name, 0);
OFF(gh_vm_function, vcpu, 32);
OFF(gh_vm_function, irqfd, 32);
OFF(gh_vm_function, ioeventfd, 32);
OFF(gh_vm_function, data, 32);

SIZE(gh_vm_boot_context, 16);
OFF(gh_vm_boot_context, reg, 0);
OFF(gh_vm_boot_context, reserved, 4);
OFF(gh_vm_boot_context, value, 8);

SIZE(gh_vm_exit_info, 16);
OFF(gh_vm_exit_info, type, 0);
OFF(gh_vm_exit_info, padding, 2);
OFF(gh_vm_exit_info, reason_size, 4);
OFF(gh_vm_exit_info, reason, 8);

SIZE(gh_vcpu_run, 16 + 256);
OFF(gh_vcpu_run, immediate_exit, 0);
OFF(gh_vcpu_run, padding1, 1);
OFF(gh_vcpu_run, exit_reason, 8);
OFF(gh_vcpu_run, padding2, 12);
OFF(gh_vcpu_run, mmio.phys_addr, 16);
OFF(gh_vcpu_run, mmio.data, 24);
OFF(gh_vcpu_run, mmio.len, 32);
OFF(gh_vcpu_run, mmio.is_write, 36);
OFF(gh_vcpu_run, mmio.resume_action, 37);
OFF(gh_vcpu_run, mmio.padding, 38);
OFF(gh_vcpu_run, status.status, 16);
OFF(gh_vcpu_run, status.exit_info, 20);
OFF(gh_vcpu_run, status.exit_info.reason, 28);
OFF(gh_vcpu_run, exit_padding, 16);

/* The ioctl numbers are ABI too: type 'G', and the argument sizes above. */
_Static_assert(GH_CREATE_VM == 0x4700, "GH_CREATE_VM");
_Static_assert(GH_VM_SET_USER_MEM_REGION == 0x40204701, "GH_VM_SET_USER_MEM_REGION");
_Static_assert(GH_VM_SET_DTB_CONFIG == 0x40104702, "GH_VM_SET_DTB_CONFIG");
_Static_assert(GH_VM_START == 0x4703, "GH_VM_START");
_Static_assert(GH_VM_ADD_FUNCTION == 0x44204704, "GH_VM_ADD_FUNCTION");
_Static_assert(GH_VCPU_RUN == 0x4705, "GH_VCPU_RUN");
_Static_assert(GH_VCPU_MMAP_SIZE == 0x4706, "GH_VCPU_MMAP_SIZE");
_Static_assert(GH_VM_REMOVE_FUNCTION == 0x44204707, "GH_VM_REMOVE_FUNCTION");
_Static_assert(GH_VM_SET_BOOT_CONTEXT == 0x4010470a, "GH_VM_SET_BOOT_CONTEXT");
_Static_assert(GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0) == 0x100, "PC");
_Static_assert(GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 30) == 30, "X30");

#ifndef GH_LAYOUT_SYNTAX_ONLY
int main(void)
{
	return 0;
}
#endif
