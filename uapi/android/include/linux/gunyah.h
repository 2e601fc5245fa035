/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/gunyah as Android's common kernels ship it (android15-6.6 and later;
 * the header bionic exports, and gunyah-test-vmm's ack-bindings): v17's VM
 * functions, boot context and run page, but guest memory as regions of the
 * VMM's own address space (GH_VM_SET_USER_MEM_REGION, or lent with
 * GH_VM_ANDROID_LEND_USER_MEM) and the Android-only 'A' ioctls. The map
 * flags keep v17's names with other values. uapi/README.md cites each fact;
 * uapi/tests/layout_android_test.c asserts every layout on x86_64, i386 and
 * aarch64 with -Wpadded.
 *
 * It is not the seed's <linux/gunyah.h> (uapi/include/) nor v17's
 * (uapi/v17/include/): each ABI has its own directory, and the three are
 * never included together.
 */
#ifndef _UAPI_LINUX_GUNYAH_H
#define _UAPI_LINUX_GUNYAH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define GUNYAH_IOCTL_TYPE 'G'

/* On /dev/gunyah: a new VM's file descriptor. The argument must be 0. */
#define GUNYAH_CREATE_VM _IO(GUNYAH_IOCTL_TYPE, 0x0)

/* On a VM: where the DTB is, and how much room it (and the RM's overlay) has. */
struct gunyah_vm_dtb_config {
	__u64 guest_phys_addr;
	__u64 size;
};

#define GUNYAH_VM_SET_DTB_CONFIG _IOW(GUNYAH_IOCTL_TYPE, 0x2, struct gunyah_vm_dtb_config)

#define GUNYAH_VM_START _IO(GUNYAH_IOCTL_TYPE, 0x3)

/* VM functions: @type says which, @arg points at @arg_size bytes of its argument. */
enum gunyah_fn_type {
	GUNYAH_FN_VCPU = 1,
	GUNYAH_FN_IRQFD,
	GUNYAH_FN_IOEVENTFD
};

#define GUNYAH_FN_MAX_ARG_SIZE 256

/* GUNYAH_FN_VCPU: ADD returns the vCPU's file descriptor. @id: its RM label. */
struct gunyah_fn_vcpu_arg {
	__u32 id;
};

/* GUNYAH_FN_IRQFD: signalling @fd rings doorbell @label. REMOVE matches the label. */
enum gunyah_irqfd_flags {
	GUNYAH_IRQFD_FLAGS_LEVEL = (1UL << 0)
};

struct gunyah_fn_irqfd_arg {
	__u32 fd;
	__u32 label;
	__u32 flags;
	__u32 padding;
};

/* GUNYAH_FN_IOEVENTFD: a guest write of @len bytes (0: any length) to @addr
 * signals @fd instead of exiting, if it equals @datamatch when flagged. */
enum gunyah_ioeventfd_flags {
	GUNYAH_IOEVENTFD_FLAGS_DATAMATCH = (1UL << 0)
};

struct gunyah_fn_ioeventfd_arg {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u32 padding;
};

struct gunyah_fn_desc {
	__u32 type;
	__u32 arg_size;
	__u64 arg;
};

#define GUNYAH_VM_ADD_FUNCTION    _IOW(GUNYAH_IOCTL_TYPE, 0x4, struct gunyah_fn_desc)
#define GUNYAH_VM_REMOVE_FUNCTION _IOW(GUNYAH_IOCTL_TYPE, 0x7, struct gunyah_fn_desc)

/*
 * Memory flags: the access bits of GH_VM_SET_USER_MEM_REGION (the seed's
 * values), and the sharing choice of GUNYAH_VM_MAP_MEM (defined by this
 * header; Android's driver serves memory through user regions instead).
 */
enum gunyah_map_flags {
	GUNYAH_MEM_ALLOW_READ = (1UL << 0),
	GUNYAH_MEM_ALLOW_WRITE = (1UL << 1),
	GUNYAH_MEM_ALLOW_EXEC = (1UL << 2),
	GUNYAH_MEM_ALLOW_RWX =
		(GUNYAH_MEM_ALLOW_READ | GUNYAH_MEM_ALLOW_WRITE | GUNYAH_MEM_ALLOW_EXEC),
	GUNYAH_MEM_DEFAULT_ACCESS = 0x00,
	GUNYAH_MEM_FORCE_LEND = 0x10,
	GUNYAH_MEM_FORCE_SHARE = 0x20,
	GUNYAH_MEM_UNMAP = (1UL << 8)
};

#define GUNYAH_MEM_ACCESS_MASK 0x70

struct gunyah_map_mem_args {
	__u64 guest_addr;
	__u32 flags;
	__u32 guest_mem_fd;
	__u64 offset;
	__u64 size;
};

#define GUNYAH_VM_MAP_MEM _IOW(GUNYAH_IOCTL_TYPE, 0x9, struct gunyah_map_mem_args)

/* GUNYAH_VM_SET_BOOT_CONTEXT: one register of the boot vCPU, before start. */
enum gunyah_vm_boot_context_reg {
	REG_SET_X = 0,
	REG_SET_PC = 1,
	REG_SET_SP = 2
};

#define GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT 8
#define GUNYAH_VM_BOOT_CONTEXT_REG(reg, idx) \
	((((reg)&0xff) << GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT) | ((idx)&0xff))

struct gunyah_vm_boot_context {
	__u32 reg;
	__u32 reserved;
	__u64 value;
};

#define GUNYAH_VM_SET_BOOT_CONTEXT _IOW(GUNYAH_IOCTL_TYPE, 0xa, struct gunyah_vm_boot_context)

/* The run page: mmap of a vCPU's file descriptor at offset 0. */
enum gunyah_vm_status {
	GUNYAH_VM_STATUS_LOAD_FAILED = 1,
	GUNYAH_VM_STATUS_EXITED = 2,
	GUNYAH_VM_STATUS_CRASHED = 3
};

#define GUNYAH_VM_MAX_EXIT_REASON_SIZE 8U

struct gunyah_vm_exit_info {
	__u16 type;
	__u16 padding;
	__u32 reason_size;
	__u8 reason[GUNYAH_VM_MAX_EXIT_REASON_SIZE];
};

enum gunyah_vcpu_exit {
	GUNYAH_VCPU_EXIT_UNKNOWN,
	GUNYAH_VCPU_EXIT_MMIO,
	GUNYAH_VCPU_EXIT_STATUS,
	GUNYAH_VCPU_EXIT_PAGE_FAULT
};

enum gunyah_vcpu_resume_action {
	GUNYAH_VCPU_RESUME_HANDLED = 0,
	GUNYAH_VCPU_RESUME_FAULT,
	GUNYAH_VCPU_RESUME_RETRY
};

/*
 * @immediate_exit: in; GUNYAH_VCPU_RUN returns -EINTR at once when set.
 * @exit_reason: out, a GUNYAH_VCPU_EXIT_*; the union member it names:
 *  mmio: the guest's access (@data for writes, filled in for reads), and
 *        @resume_action (GUNYAH_VCPU_RESUME_*) for the next RUN;
 *  status: @status a GUNYAH_VM_STATUS_* (an enum in the series: 4 bytes);
 *  page_fault: @phys_addr the guest could not access, @attempt, @resume_action.
 * The holes the series leaves to the compiler are named here (@padding2,
 * mmio's and page_fault's @padding); the offsets are the series'.
 */
struct gunyah_vcpu_run {
	__u8 immediate_exit;
	__u8 padding[7];
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
			struct gunyah_vm_exit_info exit_info;
		} status;
		struct {
			__u64 phys_addr;
			__s32 attempt;
			__u8 resume_action;
			__u8 padding[3];
		} page_fault;
	};
};

#define GUNYAH_VCPU_RUN       _IO(GUNYAH_IOCTL_TYPE, 0x5)
#define GUNYAH_VCPU_MMAP_SIZE _IO(GUNYAH_IOCTL_TYPE, 0x6)

/*
 * Memory as the VMM's own pages: @memory_size bytes at @userspace_addr
 * appear at @guest_phys_addr; @flags: GUNYAH_MEM_ALLOW_*. @label names the
 * region to the RM and is unique per VM. SET shares it with the guest; the
 * Android ioctl lends it (the host loses access while the VM runs).
 */
struct gunyah_userspace_memory_region {
	__u32 label;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

#define GH_VM_SET_USER_MEM_REGION \
	_IOW(GUNYAH_IOCTL_TYPE, 0x1, struct gunyah_userspace_memory_region)

/* Android-only ioctls, on their own type so they never meet upstream numbers. */
#define GH_ANDROID_IOCTL_TYPE 'A'

#define GH_VM_ANDROID_LEND_USER_MEM \
	_IOW(GH_ANDROID_IOCTL_TYPE, 0x11, struct gunyah_userspace_memory_region)

/* Where the guest's firmware image is, for the RM to set up before start. */
struct gunyah_vm_firmware_config {
	__u64 guest_phys_addr;
	__u64 size;
};

#define GH_VM_ANDROID_SET_FW_CONFIG \
	_IOW(GH_ANDROID_IOCTL_TYPE, 0x12, struct gunyah_vm_firmware_config)

#endif /* _UAPI_LINUX_GUNYAH_H */
