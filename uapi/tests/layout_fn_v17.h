/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What v17 and Android share: the function descriptor and arguments, the
 * DTB and boot-context structs, the run page. Included by both layout tests.
 */
#ifndef GH_UAPI_LAYOUT_FN_V17_H
#define GH_UAPI_LAYOUT_FN_V17_H

SIZE(gunyah_vm_dtb_config, 16);
OFF(gunyah_vm_dtb_config, guest_phys_addr, 0);
OFF(gunyah_vm_dtb_config, size, 8);

SIZE(gunyah_fn_desc, 16);
OFF(gunyah_fn_desc, type, 0);
OFF(gunyah_fn_desc, arg_size, 4);
OFF(gunyah_fn_desc, arg, 8);
_Static_assert(GUNYAH_FN_VCPU == 1 && GUNYAH_FN_IRQFD == 2 && GUNYAH_FN_IOEVENTFD == 3,
               "function types");
_Static_assert(GUNYAH_FN_MAX_ARG_SIZE == 256, "GUNYAH_FN_MAX_ARG_SIZE");

SIZE(gunyah_fn_vcpu_arg, 4);
OFF(gunyah_fn_vcpu_arg, id, 0);

SIZE(gunyah_fn_irqfd_arg, 16);
OFF(gunyah_fn_irqfd_arg, fd, 0);
OFF(gunyah_fn_irqfd_arg, label, 4);
OFF(gunyah_fn_irqfd_arg, flags, 8);
OFF(gunyah_fn_irqfd_arg, padding, 12);
_Static_assert(GUNYAH_IRQFD_FLAGS_LEVEL == 1, "GUNYAH_IRQFD_FLAGS_LEVEL");

SIZE(gunyah_fn_ioeventfd_arg, 32);
OFF(gunyah_fn_ioeventfd_arg, datamatch, 0);
OFF(gunyah_fn_ioeventfd_arg, addr, 8);
OFF(gunyah_fn_ioeventfd_arg, len, 16);
OFF(gunyah_fn_ioeventfd_arg, fd, 20);
OFF(gunyah_fn_ioeventfd_arg, flags, 24);
OFF(gunyah_fn_ioeventfd_arg, padding, 28);
_Static_assert(GUNYAH_IOEVENTFD_FLAGS_DATAMATCH == 1, "GUNYAH_IOEVENTFD_FLAGS_DATAMATCH");

SIZE(gunyah_vm_boot_context, 16);
OFF(gunyah_vm_boot_context, reg, 0);
OFF(gunyah_vm_boot_context, reserved, 4);
OFF(gunyah_vm_boot_context, value, 8);
_Static_assert(REG_SET_X == 0 && REG_SET_PC == 1 && REG_SET_SP == 2, "boot context sets");
_Static_assert(GUNYAH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0) == 0x100, "PC");
_Static_assert(GUNYAH_VM_BOOT_CONTEXT_REG(REG_SET_X, 31) == 31, "X31");
_Static_assert(GUNYAH_VM_BOOT_CONTEXT_REG(REG_SET_SP, 2) == 0x202, "SP index 2");

SIZE(gunyah_vm_exit_info, 16);
OFF(gunyah_vm_exit_info, type, 0);
OFF(gunyah_vm_exit_info, padding, 2);
OFF(gunyah_vm_exit_info, reason_size, 4);
OFF(gunyah_vm_exit_info, reason, 8);
_Static_assert(GUNYAH_VM_STATUS_LOAD_FAILED == 1 && GUNYAH_VM_STATUS_EXITED == 2 &&
                       GUNYAH_VM_STATUS_CRASHED == 3,
               "VM status");

/* The run page: the series leaves the union unsized (24 bytes) at 16. */
SIZE(gunyah_vcpu_run, 40);
OFF(gunyah_vcpu_run, immediate_exit, 0);
OFF(gunyah_vcpu_run, padding, 1);
OFF(gunyah_vcpu_run, exit_reason, 8);
OFF(gunyah_vcpu_run, padding2, 12);
OFF(gunyah_vcpu_run, mmio.phys_addr, 16);
OFF(gunyah_vcpu_run, mmio.data, 24);
OFF(gunyah_vcpu_run, mmio.len, 32);
OFF(gunyah_vcpu_run, mmio.is_write, 36);
OFF(gunyah_vcpu_run, mmio.resume_action, 37);
OFF(gunyah_vcpu_run, mmio.padding, 38);
OFF(gunyah_vcpu_run, status.status, 16);
OFF(gunyah_vcpu_run, status.exit_info, 20);
OFF(gunyah_vcpu_run, page_fault.phys_addr, 16);
OFF(gunyah_vcpu_run, page_fault.attempt, 24);
OFF(gunyah_vcpu_run, page_fault.resume_action, 28);
OFF(gunyah_vcpu_run, page_fault.padding, 29);
_Static_assert(GUNYAH_VCPU_EXIT_UNKNOWN == 0 && GUNYAH_VCPU_EXIT_MMIO == 1 &&
                       GUNYAH_VCPU_EXIT_STATUS == 2 && GUNYAH_VCPU_EXIT_PAGE_FAULT == 3,
               "exit reasons");
_Static_assert(GUNYAH_VCPU_RESUME_HANDLED == 0 && GUNYAH_VCPU_RESUME_FAULT == 1 &&
                       GUNYAH_VCPU_RESUME_RETRY == 2,
               "resume actions");

#endif
