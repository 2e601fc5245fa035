/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note OR BSD-3-Clause */
/*
 * Userspace interface of the Gunyah VM manager and its proxy-scheduled vCPUs.
 *
 * Every struct here has an explicit layout: fixed-width members only, every
 * pad byte named, unions sized. uapi/tests/layout_test.c asserts each size and
 * offset on x86_64, i386 and aarch64. uapi/README.md documents each ioctl.
 */
#ifndef _UAPI_LINUX_GUNYAH_H
#define _UAPI_LINUX_GUNYAH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define GH_IOCTL_TYPE 'G'

/* ioctls on /dev/gunyah */

/* Returns a new VM file descriptor. The argument must be 0. */
#define GH_CREATE_VM _IO(GH_IOCTL_TYPE, 0x0)

/* ioctls on a VM file descriptor */

#define GH_MEM_ALLOW_READ  (1U << 0)
#define GH_MEM_ALLOW_WRITE (1U << 1)
#define GH_MEM_ALLOW_EXEC  (1U << 2)
#define GH_MEM_ALLOW_RWX   (GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC)
#define GH_MEM_VALID_FLAGS GH_MEM_ALLOW_RWX

/**
 * struct gh_userspace_memory_region - guest memory backed by host memory
 * @label: identifies the region; unique within a VM
 * @flags: GH_MEM_ALLOW_* access the guest gets
 * @guest_phys_addr: where the guest sees it; page aligned
 * @memory_size: bytes; a non-zero multiple of the page size
 * @userspace_addr: the host mapping that backs it; page aligned
 */
struct gh_userspace_memory_region {
	__u32 label;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

#define GH_VM_SET_USER_MEM_REGION _IOW(GH_IOCTL_TYPE, 0x1, struct gh_userspace_memory_region)

/**
 * struct gh_vm_dtb_config - where the guest's device tree is
 * @guest_phys_addr: start of the DTB; inside one memory region by the start
 * @size: bytes reserved for it; the whole range lies inside that region
 */
struct gh_vm_dtb_config {
	__u64 guest_phys_addr;
	__u64 size;
};

#define GH_VM_SET_DTB_CONFIG _IOW(GH_IOCTL_TYPE, 0x2, struct gh_vm_dtb_config)

#define GH_VM_START _IO(GH_IOCTL_TYPE, 0x3)

/* VM functions, selected by name. */
#define GUNYAH_FUNCTION_NAME_SIZE    32
#define GUNYAH_FUNCTION_MAX_ARG_SIZE 1024

/**
 * struct gh_fn_vcpu_arg - argument of the "vcpu" function
 * @vcpu_id: the vCPU's index in the VM (its MPIDR Aff0)
 *
 * GH_VM_ADD_FUNCTION returns a vCPU file descriptor.
 */
struct gh_fn_vcpu_arg {
	__u32 vcpu_id;
};

#define GH_IRQFD_LEVEL       (1U << 0)
#define GH_IRQFD_VALID_FLAGS GH_IRQFD_LEVEL

/**
 * struct gh_fn_irqfd_arg - argument of the "irqfd" function
 * @fd: an eventfd; a signal on it asserts the doorbell's interrupt
 * @label: the doorbell's label, matched against the VM's resources
 * @flags: GH_IRQFD_LEVEL for a level-triggered interrupt
 * @padding: must be zero
 */
struct gh_fn_irqfd_arg {
	__u32 fd;
	__u32 label;
	__u32 flags;
	__u32 padding;
};

#define GH_IOEVENTFD_DATAMATCH   (1U << 0)
#define GH_IOEVENTFD_VALID_FLAGS GH_IOEVENTFD_DATAMATCH

/**
 * struct gh_fn_ioeventfd_arg - argument of the "ioeventfd" function
 * @datamatch: with GH_IOEVENTFD_DATAMATCH, only a write of this value matches
 * @addr: guest physical address of the write
 * @len: 1, 2, 4 or 8; 0 for a write of any length at @addr (then no datamatch)
 * @fd: an eventfd, signalled on every matching write
 * @flags: GH_IOEVENTFD_DATAMATCH
 * @padding: must be zero
 */
struct gh_fn_ioeventfd_arg {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u32 padding;
};

/**
 * struct gh_vm_function - argument of GH_VM_ADD_FUNCTION / GH_VM_REMOVE_FUNCTION
 * @name: "vcpu", "irqfd" or "ioeventfd", NUL-terminated, the rest zero
 * @data: the function's argument; bytes beyond the argument's size are zero
 */
struct gh_vm_function {
	char name[GUNYAH_FUNCTION_NAME_SIZE];
	union {
		struct gh_fn_vcpu_arg vcpu;
		struct gh_fn_irqfd_arg irqfd;
		struct gh_fn_ioeventfd_arg ioeventfd;
		char data[GUNYAH_FUNCTION_MAX_ARG_SIZE];
	};
};

#define GH_VM_ADD_FUNCTION    _IOW(GH_IOCTL_TYPE, 0x4, struct gh_vm_function)
#define GH_VM_REMOVE_FUNCTION _IOW(GH_IOCTL_TYPE, 0x7, struct gh_vm_function)

/* Boot context: register values the boot vCPU starts with. */
#define GH_VM_BOOT_CONTEXT_REG_SET_X  0 /* index 0..31 */
#define GH_VM_BOOT_CONTEXT_REG_SET_PC 1 /* index 0 */
#define GH_VM_BOOT_CONTEXT_REG_SET_SP 2 /* index 0..2 (SP_EL0..SP_EL2) */
#define GH_VM_BOOT_CONTEXT_REG_SHIFT  8
#define GH_VM_BOOT_CONTEXT_REG(set, index) \
	((((__u32)(set)&0xff) << GH_VM_BOOT_CONTEXT_REG_SHIFT) | ((__u32)(index)&0xff))

/**
 * struct gh_vm_boot_context - one register of the boot vCPU
 * @reg: GH_VM_BOOT_CONTEXT_REG(set, index); bits 31:16 must be zero
 * @reserved: must be zero
 * @value: the register's value
 */
struct gh_vm_boot_context {
	__u32 reg;
	__u32 reserved;
	__u64 value;
};

#define GH_VM_SET_BOOT_CONTEXT _IOW(GH_IOCTL_TYPE, 0xa, struct gh_vm_boot_context)

/* ioctls on a vCPU file descriptor */

/* Exit reasons in gh_vcpu_run.exit_reason */
#define GH_VM_EXIT_UNKNOWN 0
#define GH_VM_EXIT_MMIO    1
#define GH_VM_EXIT_STATUS  2

/* gh_vcpu_run.status.status */
#define GH_VM_STATUS_LOAD_FAILED 1
#define GH_VM_STATUS_EXITED      2
#define GH_VM_STATUS_CRASHED     3

/* gh_vcpu_run.mmio.resume_action: how the guest's access completes */
#define GH_VM_RESUME_HANDLED 0 /* done; for a read, data holds the value */
#define GH_VM_RESUME_FAULT   1 /* inject a fault into the guest */
#define GH_VM_RESUME_RETRY   2 /* re-execute the access */

/* gh_vm_exit_info.type, as the resource manager reports it */
#define GH_VM_EXIT_TYPE_VM_EXIT            0
#define GH_VM_EXIT_TYPE_PSCI_POWER_OFF     1
#define GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET  2
#define GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2 3
#define GH_VM_EXIT_TYPE_WDT_BITE           4
#define GH_VM_EXIT_TYPE_HYP_ERROR          5
#define GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT    6
#define GH_VM_EXIT_TYPE_VM_FORCE_STOPPED   7

#define GH_VM_LAST_EXIT_INFO_SIZE 8

/**
 * struct gh_vm_exit_info - why the VM stopped
 * @type: GH_VM_EXIT_TYPE_*
 * @padding: zero
 * @reason_size: bytes of @reason that are valid (at most 8)
 * @reason: type-specific detail
 */
struct gh_vm_exit_info {
	__u16 type;
	__u16 padding;
	__u32 reason_size;
	__u8 reason[GH_VM_LAST_EXIT_INFO_SIZE];
};

#define GH_VCPU_RUN_EXIT_SIZE 256

/**
 * struct gh_vcpu_run - the page shared by mmap(vcpu_fd, offset 0)
 * @immediate_exit: in: when non-zero, GH_VCPU_RUN returns -EINTR at once
 * @padding1: zero
 * @exit_reason: out: GH_VM_EXIT_*
 * @padding2: zero
 * @mmio: GH_VM_EXIT_MMIO. Out: phys_addr, len (1..8), is_write, data for a
 *        write. In: data for a read, resume_action. The kernel keeps its own
 *        copy of the request; changing phys_addr, len or is_write has no effect.
 * @status: GH_VM_EXIT_STATUS: the VM has stopped for good
 * @exit_padding: sizes the union; room for future exits
 */
struct gh_vcpu_run {
	__u8 immediate_exit;
	__u8 padding1[7];
	__u32 exit_reason;
	__u32 padding2;

	union {
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 resume_action;
			__u8 padding[2];
		} mmio;

		struct {
			__u32 status;
			struct gh_vm_exit_info exit_info;
		} status;

		__u8 exit_padding[GH_VCPU_RUN_EXIT_SIZE];
	};
};

#define GH_VCPU_RUN       _IO(GH_IOCTL_TYPE, 0x5)
#define GH_VCPU_MMAP_SIZE _IO(GH_IOCTL_TYPE, 0x6)

#endif /* _UAPI_LINUX_GUNYAH_H */
