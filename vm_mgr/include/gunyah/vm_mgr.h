/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Gunyah VM manager core: the VM object and its status, memory regions,
 * DTB and boot context, the resource-manager (RM) seam, resource tickets, the
 * MMIO write bus, the VM function registry and function handles; and, as
 * clients of that API, the VM functions "irqfd" and "ioeventfd".
 *
 * Portable C: it uses <gunyah/os.h> for everything the OS provides. The ioctl
 * entry points take the uapi structs as already copied into the caller's
 * memory; kmod/ (after copy_from_user) and the in-process UAPI (directly) call
 * the same functions and so get identical validation and errno. See README.md.
 */
#ifndef GUNYAH_VM_MGR_H
#define GUNYAH_VM_MGR_H

#include <gunyah/os.h>
#include <linux/gunyah.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_vm;

/* --- resources ------------------------------------------------------------- */

enum gh_resource_type {
	GH_RESOURCE_TYPE_BELL_TX = 0, /* doorbell the host rings: irqfd */
	GH_RESOURCE_TYPE_BELL_RX = 1,
	GH_RESOURCE_TYPE_MSGQ_TX = 2,
	GH_RESOURCE_TYPE_MSGQ_RX = 3,
	GH_RESOURCE_TYPE_VCPU = 4, /* label = vcpu_id, irq = wake-up IRQ */
};

/**
 * struct gh_vm_resource - a capability the RM hands to the host for this VM
 * @type: enum gh_resource_type
 * @label: matched against tickets' labels (vCPU: its vcpu_id; doorbell: irqfd label)
 * @capid: capability id for hypercalls
 * @irq: host interrupt that belongs to the resource (vCPU: the wake-up IRQ;
 *       the host calls gh_vcpu_wakeup_irq() when it fires), or 0
 */
struct gh_vm_resource {
	uint32_t type;
	uint32_t label;
	uint64_t capid;
	uint32_t irq;
	uint32_t reserved;
};

/**
 * struct gh_vm_resource_ticket - a VM function's claim on a resource
 * @resource_type, @label: which resource it wants
 * @populate: the resource arrived; 0 or -errno (the resource then stays unclaimed)
 * @unpopulate: the resource is going away (VM stop/release, or ticket removal);
 *              must make every user of it return
 * @vm_status_changed: optional; the VM's status left RUNNING. Runs under a
 *                     leaf lock: it may only wake things up (no VM calls, no
 *                     locks that are held across VM calls)
 *
 * populate/unpopulate run with the VM's resource lock held: they must not call
 * back into ticket or resource functions of the same VM. Because unpopulate
 * may wait for a vCPU's runner, resource functions (add/remove_resource) must
 * not be called from inside a vcpu_run hypercall of the same VM;
 * gh_vm_mgr_notify_status() may.
 */
struct gh_vm_resource_ticket {
	uint32_t resource_type;
	uint32_t label;
	int (*populate)(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res);
	void (*unpopulate)(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res);
	void (*vm_status_changed)(struct gh_vm_resource_ticket *t);

	/* private to vm_mgr */
	struct gh_vm_resource_ticket *next;
	struct gh_vm_resource_ticket *next_listener;
	bool populated;
	struct gh_vm_resource res;
};

/* Adds @t; -EEXIST when a ticket for (type, label) is already there. When the
 * resource is already present, @t is populated at once; if that fails, @t is
 * not added and populate's error is returned. */
int gh_vm_mgr_add_ticket(struct gh_vm *vm, struct gh_vm_resource_ticket *t);
/* Removes @t, unpopulating it first when populated. */
void gh_vm_mgr_remove_ticket(struct gh_vm *vm, struct gh_vm_resource_ticket *t);

/*
 * A resource arrives (from the RM's hand-out after start, or any time later):
 * the matching ticket, if any, is populated. -EEXIST when a resource with that
 * (type, label) is already present; -ENOSPC past GH_VM_MAX_RESOURCES.
 */
#define GH_VM_MAX_RESOURCES 256
int gh_vm_mgr_add_resource(struct gh_vm *vm, const struct gh_vm_resource *res);
/* The resource goes away; its ticket is unpopulated. -ENOENT when not present. */
int gh_vm_mgr_remove_resource(struct gh_vm *vm, uint32_t type, uint32_t label);

/* --- the resource manager seam --------------------------------------------------- */

/**
 * struct gh_vm_mem_parcel - one memory region as the resource manager gets it
 * @region: the region as configured (label, access flags, guest address, size)
 * @ranges: its pages, pinned (gh_os_mem_pin()) and described as host-physical
 *          ranges in address order, @n_ranges of them (at least one)
 */
struct gh_vm_mem_parcel {
	const struct gh_userspace_memory_region *region;
	const struct gh_os_mem_range *ranges;
	size_t n_ranges;
	bool lend; /* the host gives the memory up (Android's LEND_USER_MEM); else shared */
};

/**
 * struct gh_vm_image_layout - where the VM's image, DTB and firmware are
 * @image_handle: the parcel of the region holding the DTB (without a DTB: the
 *                region at the lowest guest address), at guest-physical
 *                @image_base, @image_size bytes
 * @dtb_offset, @dtb_size: the DTB within that parcel (0, 0 without a DTB)
 * @has_firmware: another region is the firmware (the one holding Android's
 *                SET_FW_CONFIG range, else the lowest of the others): parcel
 *                @fw_handle at @fw_base, @fw_size bytes; the firmware itself
 *                @fw_image_size bytes at @fw_offset of it
 */
struct gh_vm_image_layout {
	uint32_t image_handle;
	uint64_t image_base;
	uint64_t image_size;
	uint64_t dtb_offset;
	uint64_t dtb_size;
	bool has_firmware;
	uint32_t fw_handle;
	uint64_t fw_base;
	uint64_t fw_size;
	uint64_t fw_offset;
	uint64_t fw_image_size;
};

/**
 * struct gh_vm_rm_ops - what the VM manager asks of the resource manager
 *
 * Implemented over RM RPC by gh_vm_rm_client_ops (rm_client.c, the module and
 * the in-process backend) and by tests (fakes). Each returns 0 or -errno (a
 * positive return counts as -EIO); a NULL member is skipped as if it
 * succeeded (alloc_vmid: vmid 0; mem_share: handle 0). Called without VM
 * locks held except as noted; @ctx is the pointer given to gh_vm_mgr_create().
 *
 * @alloc_vmid: at create: a new VM; *vmid receives its id. @vm is the VM being
 *              created (not usable yet): the RM side keeps it to report the
 *              VM's exit with gh_vm_mgr_notify_status() until dealloc_vmid
 * @dealloc_vmid: at release, last; cannot fail
 * @mem_share: at start, once per region in the order they were set: the
 *             region's pages go to the VM; *handle receives the parcel's handle
 * @mem_reclaim: at release (after vm_stop, before vm_reset), once per parcel
 *               that mem_share gave; the pages are unpinned once it succeeds.
 *               A parcel it refuses is tried again after vm_reset; refused
 *               again, its pages stay pinned (leaked, with a warning)
 * @config_image: at start, after every mem_share
 * @vm_init: at start, after config_image
 * @set_boot_context: at start, after vm_init, once per register set (in the
 *                    order they were set)
 * @get_resources: at start, after the above: fills up to @max resources, *n
 *                 their number (may be 0: resources can also arrive later
 *                 through gh_vm_mgr_add_resource())
 * @vm_start: at start, last
 * @vm_stop: at release of a VM that was started and has not stopped
 * @vm_reset: at release of a VM that reached vm_init
 *
 * Start runs under the VM's start lock (racing starters wait on it) with the
 * status STARTING: these callbacks must not call gh_vm_mgr_ensure_started()
 * (deadlock) and gh_vm_mgr_notify_status() returns -EALREADY during start;
 * gh_vm_mgr_add_resource() is fine.
 */
struct gh_vm_rm_ops {
	int (*alloc_vmid)(void *ctx, struct gh_vm *vm, uint16_t *vmid);
	void (*dealloc_vmid)(void *ctx, uint16_t vmid);
	int (*mem_share)(void *ctx, uint16_t vmid, const struct gh_vm_mem_parcel *parcel,
	                 uint32_t *handle);
	int (*mem_reclaim)(void *ctx, uint16_t vmid, uint32_t handle);
	int (*config_image)(void *ctx, uint16_t vmid, const struct gh_vm_image_layout *layout);
	int (*vm_init)(void *ctx, uint16_t vmid);
	int (*set_boot_context)(void *ctx, uint16_t vmid, const struct gh_vm_boot_context *bc);
	int (*get_resources)(void *ctx, uint16_t vmid, struct gh_vm_resource *out, size_t max,
	                     size_t *n);
	int (*vm_start)(void *ctx, uint16_t vmid);
	int (*vm_stop)(void *ctx, uint16_t vmid);
	int (*vm_reset)(void *ctx, uint16_t vmid);
};

/* --- the RM RPC client as the seam (rm_client.c) ------------------------------------ */

struct gh_rm;
struct gh_vm_rm_client;

/*
 * The ops over the RM RPC client @rm (which outlives the result): create with
 * gh_vm_rm_client_create(), pass gh_vm_rm_client_ops and the client as
 * gh_vm_mgr_create()'s ops and ctx. It listens for VM_EXITED and VM_STATUS
 * and reports exits of its VMs through gh_vm_mgr_notify_status().
 * -ENOMEM, or the RM's error for VM_GET_VMID (the host's own vmid, which a
 * share's ACL names).
 *
 * The start sequence as RPC: MEM_SHARE per region (ACL: the VM with the
 * region's access, the host RWX), VM_CONFIG_IMAGE, VM_SET_FIRMWARE_MEM and
 * VM_SET_ADDRESS_LAYOUT (IMAGE, FIRMWARE; an RM that does not implement it
 * reads the layout from the DTB's vm-config, so UNIMPLEMENTED is accepted),
 * VM_INIT, VM_SET_BOOT_CONTEXT per register, VM_GET_HYP_RESOURCES, VM_START.
 * Teardown: VM_STOP (forced), MEM_RECLAIM per parcel, VM_RESET (then waits for
 * the VM_STATUS notification RESET), VM_DEALLOC_VMID.
 */
int gh_vm_rm_client_create(struct gh_rm *rm, struct gh_vm_rm_client **out);
/* No VM of the client may remain. NULL is ignored. */
void gh_vm_rm_client_destroy(struct gh_vm_rm_client *c);
extern const struct gh_vm_rm_ops gh_vm_rm_client_ops;

/* --- VM lifetime and status -------------------------------------------------------- */

enum gh_vm_mgr_status {
	GH_VM_MGR_STATUS_NO_STATE = 0,
	GH_VM_MGR_STATUS_STARTING = 1, /* only inside a start */
	GH_VM_MGR_STATUS_RUNNING = 2,
	GH_VM_MGR_STATUS_EXITED = 3,
	GH_VM_MGR_STATUS_CRASHED = 4,
	GH_VM_MGR_STATUS_LOAD_FAILED = 5,
};

/* GH_CREATE_VM: a VM with one reference for the caller. @ops must outlive it. */
int gh_vm_mgr_create(const struct gh_vm_rm_ops *ops, void *ctx, struct gh_vm **out);
void gh_vm_get(struct gh_vm *vm);
/* The last put stops and resets a started VM, unbinds every function,
 * unpopulates every resource and frees the VM. */
void gh_vm_put(struct gh_vm *vm);

uint16_t gh_vm_mgr_vmid(const struct gh_vm *vm);
enum gh_vm_mgr_status gh_vm_mgr_status(struct gh_vm *vm);
/* Status and, once stopped, its exit info (lock-free: a stopped status and
 * its exit info never change again). @info may be NULL; zeroed while running. */
enum gh_vm_mgr_status gh_vm_mgr_get_exit(struct gh_vm *vm, struct gh_vm_exit_info *info);

/*
 * Starts the VM once: the first caller runs the RM sequence (mem_share* ,
 * set_dtb, set_boot_context*, vm_init, get_resources, vm_start) while racing
 * callers wait; afterwards every caller gets 0 while RUNNING, the start's own
 * error after a failed start (status LOAD_FAILED), and -ENODEV once the VM
 * has EXITED or CRASHED.
 */
int gh_vm_mgr_ensure_started(struct gh_vm *vm);

/*
 * The RM reports that the VM stopped: @status is EXITED or CRASHED (or
 * LOAD_FAILED), @info its exit info (may be NULL; reason_size is clamped to 8).
 * Tickets' vm_status_changed callbacks run. -EINVAL for other statuses,
 * -EALREADY when the VM is not RUNNING.
 */
int gh_vm_mgr_notify_status(struct gh_vm *vm, enum gh_vm_mgr_status status,
                            const struct gh_vm_exit_info *info);

/* --- configuration ioctls (all -EBUSY once the VM has started) ----------------------- */

#define GH_VM_MAX_MEM_REGIONS 32

/* Android's 'A' ioctls (uapi/android), accepted beside the seed's. */
struct gh_vm_fw_config {
	uint64_t guest_phys_addr;
	uint64_t size;
};
#define GH_VM_ANDROID_LEND_USER_MEM 0x40204111U /* _IOW('A', 0x11, the region) */
#define GH_VM_ANDROID_SET_FW_CONFIG 0x40104112U /* _IOW('A', 0x12, gh_vm_fw_config) */

/* GH_VM_ANDROID_LEND_USER_MEM: as GH_VM_SET_USER_MEM_REGION, but the region
 * is lent (MEM_LEND: only the VM in its ACL), not shared with the host. */
int gh_vm_mgr_lend_user_mem(struct gh_vm *vm, const struct gh_userspace_memory_region *r);
/* GH_VM_ANDROID_SET_FW_CONFIG: where the firmware is; at start it must lie in
 * one region other than the DTB's (-EINVAL then). -EINVAL: size 0 or a range
 * that wraps; -EBUSY after start. */
int gh_vm_mgr_set_fw_config(struct gh_vm *vm, const struct gh_vm_fw_config *fw);
#define GH_VM_MAX_BOOT_CONTEXT 64

/*
 * GH_VM_SET_USER_MEM_REGION. -EINVAL: unknown flags, size 0, a size, guest or
 * user address that is not page aligned, a range that wraps; -EEXIST: the
 * label is taken or the guest range overlaps another region; -ENOSPC: more than
 * GH_VM_MAX_MEM_REGIONS. (A region cannot be removed or resized: -EEXIST.)
 */
int gh_vm_mgr_set_user_mem_region(struct gh_vm *vm, const struct gh_userspace_memory_region *r);
/* GH_VM_SET_DTB_CONFIG: -EINVAL when size is 0, the range wraps or does not lie
 * inside one memory region (set the region first). Replaces an earlier config. */
int gh_vm_mgr_set_dtb_config(struct gh_vm *vm, const struct gh_vm_dtb_config *dtb);
/* GH_VM_SET_BOOT_CONTEXT: -EINVAL for reserved bits, unknown set or index out
 * of range (X: 0..30, PC: 0, SP: 0..1); setting a register again replaces its
 * value; -ENOSPC past GH_VM_MAX_BOOT_CONTEXT distinct registers. */
int gh_vm_mgr_set_boot_context(struct gh_vm *vm, const struct gh_vm_boot_context *bc);
/* GH_VM_START: gh_vm_mgr_ensure_started(). */
int gh_vm_mgr_start(struct gh_vm *vm);

/* --- guest memory (v17's GUNYAH_CREATE_GUEST_MEM and GUNYAH_VM_MAP_MEM) ---------------- */

/* v17's gunyah_create_mem_args and gunyah_map_mem_args (uapi/v17), under the
 * cores' names: layouts checked against that header in the tests. */
struct gh_gmem_create_args {
	uint64_t flags; /* GH_GMEM_* */
	uint64_t size;
	uint64_t reserved[6];
};
#define GH_GMEM_CLOEXEC        (1ULL << 0)
#define GH_GMEM_ALLOW_HUGEPAGE (1ULL << 1)
#define GH_CREATE_GUEST_MEM    0x40404708U /* _IOW('G', 8, 64 bytes), on /dev/gunyah */

struct gh_vm_map_mem {
	uint64_t guest_addr;
	uint32_t flags; /* GH_VM_MAP_MEM_* */
	uint32_t guest_mem_fd;
	uint64_t offset;
	uint64_t size;
};
#define GH_VM_MAP_MEM_DEFAULT_ACCESS 0U /* lend: the RM isolates every VM */
#define GH_VM_MAP_MEM_FORCE_LEND     1U
#define GH_VM_MAP_MEM_FORCE_SHARE    2U
#define GH_VM_MAP_MEM_ACCESS_MASK    0x7U
#define GH_VM_MAP_MEM_ALLOW_READ     (1U << 4)
#define GH_VM_MAP_MEM_ALLOW_WRITE    (1U << 5)
#define GH_VM_MAP_MEM_ALLOW_EXEC     (1U << 6)
#define GH_VM_MAP_MEM_ALLOW_RWX      (7U << 4)
#define GH_VM_MAP_MEM_UNMAP          (1U << 8)
#define GH_VM_MAP_MEM                0x40204709U /* _IOW('G', 9, 32 bytes) */

/*
 * Guest memory: what GUNYAH_CREATE_GUEST_MEM's file stands for, a store the
 * OS owns (gh_os_gmem_create()), refcounted; the file holds one reference
 * and every mapping into a VM one more, so it outlives the file while a VM
 * uses it. -EINVAL: unknown flags, a reserved word not 0, size 0 or not a
 * page multiple; -ENOMEM; the OS's error (-EOPNOTSUPP where it has none).
 */
struct gh_gmem;
int gh_gmem_create(const struct gh_gmem_create_args *args, struct gh_gmem **out);
void gh_gmem_get(struct gh_gmem *g);
void gh_gmem_put(struct gh_gmem *g); /* NULL is ignored */
uint64_t gh_gmem_size(const struct gh_gmem *g);
uint64_t gh_gmem_flags(const struct gh_gmem *g);
/* The store, for the OS's mappings of the file (kmod's mmap, the POSIX view). */
struct gh_os_gmem *gh_gmem_store(struct gh_gmem *g);

/*
 * GUNYAH_VM_MAP_MEM, with @g the guest memory @args->guest_mem_fd names (the
 * caller resolves the file: one that is not guest memory is -EINVAL, v17's
 * answer). Maps [offset, offset + size) of @g at guest_addr with the access
 * ALLOW_* gives; lent (DEFAULT_ACCESS, FORCE_LEND: the host cannot touch it
 * while the VM has it) or shared (FORCE_SHARE). With UNMAP: removes exactly
 * such a mapping (same range, offset and flags), -ENOENT when there is none.
 * -EINVAL: unknown flags, no ALLOW_* bit, an access value other than the
 * three, a guest address, offset or size not page aligned, size 0, a range
 * that wraps or leaves @g; -EEXIST: the guest range overlaps another region
 * or the range of @g is mapped already (into any VM: a page goes to one VM
 * only); -ENOSPC: GH_VM_MAX_MEM_REGIONS regions; -EBUSY once started (the
 * memory is given to the RM at start, as with user memory regions).
 */
int gh_vm_mgr_map_mem(struct gh_vm *vm, const struct gh_vm_map_mem *args, struct gh_gmem *g);

/* --- VM functions ------------------------------------------------------------------------ */

/* --- function handles ---------------------------------------------------------------------- */

struct gh_vm_function_handle;

/**
 * struct gh_vm_function_handle_ops - what a function's handle does (the file
 * kmod wraps it in, or the in-process backend's object)
 * @name: what the handle is, for messages and its anon inode ("gunyah-vcpu")
 * @release: drops the reference the handle stands for (the file's release)
 * @ioctl: an ioctl on the handle, 0 / a positive result / -errno; unknown
 *         @cmd -ENOTTY. @arg is the raw argument: the cores never touch user
 *         memory, so a type's ioctls take values, not pointers
 * @map_page: optional (NULL: the handle cannot be mmap'd, -ENODEV); the page
 *            at @pgoff, or NULL when there is none (the fault is SIGBUS)
 */
struct gh_vm_function_handle_ops {
	const char *name;
	void (*release)(struct gh_vm_function_handle *h);
	long (*ioctl)(struct gh_vm_function_handle *h, unsigned int cmd, unsigned long arg);
	void *(*map_page)(struct gh_vm_function_handle *h, uint64_t pgoff);
};

/* What ADD_FUNCTION hands out for a function type with handle_ops: embedded
 * in the type's object (vcpu/: struct gh_vcpu). One reference per handle. */
struct gh_vm_function_handle {
	const struct gh_vm_function_handle_ops *ops;
};

/* The ops through the handle. release accepts NULL; ioctl on NULL is -EBADF;
 * map_page is NULL for a handle without pages. */
void gh_vm_mgr_handle_release(struct gh_vm_function_handle *h);
long gh_vm_mgr_handle_ioctl(struct gh_vm_function_handle *h, unsigned int cmd, unsigned long arg);
bool gh_vm_mgr_handle_mappable(const struct gh_vm_function_handle *h);
void *gh_vm_mgr_handle_map_page(struct gh_vm_function_handle *h, uint64_t pgoff);
const char *gh_vm_mgr_handle_name(const struct gh_vm_function_handle *h);

/* --- VM functions ------------------------------------------------------------------------ */

/*
 * GH_VM_ADD_FUNCTION. Name validation, in this order:
 *  - name not NUL-terminated within GUNYAH_FUNCTION_NAME_SIZE, or non-zero
 *    bytes after the NUL: -EINVAL (a malformed request);
 *  - a well-formed name that no function type has: -ENOENT (KVM's
 *    KVM_CREATE_DEVICE returns -ENODEV for an unknown type; we keep -ENODEV
 *    for "the VM is gone" and use -ENOENT, "no such function");
 *  - non-zero bytes in the argument's padding or beyond the argument's size,
 *    unknown flags: -EINVAL;
 *  - a type that hands out a handle ("vcpu") with @handle NULL: -EINVAL.
 * Then per type: "vcpu": duplicate vcpu_id -EEXIST; *handle receives the
 * vCPU's handle (gh_vcpu_from_handle()). "irqfd": bad fd -EBADF/-EINVAL,
 * duplicate label -EEXIST. "ioeventfd": len not 0/1/2/4/8 (0: any length,
 * without datamatch, the later ABIs' rule crosvm relies on), addr+len wraps,
 * a datamatch that does not fit in len bytes, or a non-zero datamatch without
 * GH_IOEVENTFD_DATAMATCH: -EINVAL; the same (addr, len) as a bound ioeventfd
 * when either has no datamatch or both have the same one, or the same addr
 * when either has len 0: -EEXIST (KVM's rule).
 * For functions without a handle *handle is set to NULL; @handle may be NULL.
 */
int gh_vm_mgr_add_function(struct gh_vm *vm, const struct gh_vm_function *fn,
                           struct gh_vm_function_handle **handle);

/*
 * Which ABI a function was added through, kept in its instance
 * (gh_vm_function_instance.abi) for types whose behaviour differs by ABI:
 * a vCPU added by descriptor has the later ABIs' run page (their
 * PAGE_FAULT exit), one added by name the seed's.
 */
enum gh_vm_fn_abi {
	GH_VM_FN_ABI_SEED = 0, /* GH_VM_ADD_FUNCTION, the name string */
	GH_VM_FN_ABI_DESC = 1, /* the 16-byte descriptor (v17, Android) */
};
/* gh_vm_mgr_add_function() (which is this with GH_VM_FN_ABI_SEED); -EINVAL
 * for an unknown @abi. */
int gh_vm_mgr_add_function_abi(struct gh_vm *vm, const struct gh_vm_function *fn,
                               enum gh_vm_fn_abi abi, struct gh_vm_function_handle **handle);
/* GH_VM_REMOVE_FUNCTION: same name/argument validation; -ENOENT when no bound
 * function of that type matches the argument. */
int gh_vm_mgr_remove_function(struct gh_vm *vm, const struct gh_vm_function *fn);

/*
 * The VM ioctls in one place. @arg points to the argument already copied into
 * the caller's memory (_IOC_SIZE(cmd) bytes, gh_vm_mgr_ioctl_arg_size()), or
 * is ignored for argument-less ioctls. Unknown @cmd: -ENOTTY. For
 * GH_VM_ADD_FUNCTION, @handle as in gh_vm_mgr_add_function().
 *
 * ADD_FUNCTION and REMOVE_FUNCTION are also taken with the later ABIs'
 * 16-byte function descriptor (v10 onwards, Android's, v17: {u32 type: 1
 * vcpu, 2 irqfd, 3 ioeventfd; u32 arg_size; u64 arg pointer}), whose ioctl
 * numbers differ from the seed's: the argument is read from the pointer
 * (gh_os_copy_from_user(); -EFAULT), arg_size must be the type's (-EINVAL),
 * an unknown type is -ENOENT; then as above.
 * gh_vm_mgr_function_from_desc() is that translation alone (the argument read
 * once, into @fn): a caller that must undo an ADD (no fd could be made for
 * the handle) translates first and issues the seed's ADD and REMOVE with
 * @fn. GH_VM_ADD_FUNCTION_DESC is the descriptor's ADD number.
 */
size_t gh_vm_mgr_ioctl_arg_size(unsigned int cmd);
#define GH_VM_ADD_FUNCTION_DESC    0x40104704U /* _IOW('G', 4, 16-byte descriptor) */
#define GH_VM_REMOVE_FUNCTION_DESC 0x40104707U /* _IOW('G', 7, 16-byte descriptor) */
int gh_vm_mgr_function_from_desc(const void *desc, struct gh_vm_function *fn);
int gh_vm_mgr_ioctl(struct gh_vm *vm, unsigned int cmd, const void *arg,
                    struct gh_vm_function_handle **handle);

/* --- the MMIO write bus (ioeventfd sits on it, as KVM's eventfd.c on kvm_io_bus) ---------- */

/**
 * struct gh_vm_io_handler - an in-kernel handler of guest MMIO writes
 * @addr, @len: the range it covers; the bus offers it only accesses that lie
 *              inside [addr, addr + len)
 * @write: a guest write of @size bytes of @data (masked to @size) at @addr:
 *         0 when it completed the access, -ENODEV to pass it on. Runs in a
 *         vCPU's RUN under the bus's read lock: it may only wake things up
 *         (no VM calls, nothing that waits)
 */
struct gh_vm_io_handler {
	uint64_t addr;
	uint64_t len;
	int (*write)(struct gh_vm_io_handler *h, uint64_t addr, uint32_t size, uint64_t data);

	/* private to vm_mgr */
	struct gh_vm_io_handler *next;
};

/* Puts @h on @vm's bus, ahead of the handlers already there. -EINVAL for no
 * write callback, len 0 or a range that wraps. */
int gh_vm_mgr_io_register(struct gh_vm *vm, struct gh_vm_io_handler *h);
/* Takes @h off the bus; returns when no call of @h->write is running. */
void gh_vm_mgr_io_unregister(struct gh_vm *vm, struct gh_vm_io_handler *h);

/*
 * A guest write of @len bytes of @data at @addr, offered to the bus's
 * handlers, newest first: 0 when one completed it, -ENODEV when none did (or
 * @len is not 1..8). Takes no lock while the bus is empty.
 */
int gh_vm_mgr_mmio_write(struct gh_vm *vm, uint64_t addr, uint32_t len, uint64_t data);

/* --- function types (how vcpu/ plugs in without vm_mgr depending on it) ---------------- */

struct gh_vm_function_instance;

/**
 * struct gh_vm_function_type - one kind of VM function
 * @name: as in gh_vm_function.name
 * @arg_size: bytes of the union that belong to the argument (the rest must be 0)
 * @handle_ops: the ops of the handle bind hands out, or NULL when the type has
 *               no handle
 * @validate: optional; checks the argument's fields (flags, padding): 0/-EINVAL
 * @bind: creates the function; may set inst->data. With handle_ops, @handle
 *        is not NULL and bind sets *handle to a handle with those ops (its
 *        reference goes to the caller); without, @handle is NULL
 * @unbind: destroys it (at remove or VM release)
 * @matches: true when @arg (of a remove request) names this instance
 * @conflicts: optional; -EEXIST when @arg clashes with the bound instance
 */
struct gh_vm_function_type {
	const char *name;
	size_t arg_size;
	const struct gh_vm_function_handle_ops *handle_ops;
	int (*validate)(const void *arg);
	int (*bind)(struct gh_vm_function_instance *inst, struct gh_vm_function_handle **handle);
	void (*unbind)(struct gh_vm_function_instance *inst);
	bool (*matches)(const struct gh_vm_function_instance *inst, const void *arg);
	int (*conflicts)(const struct gh_vm_function_instance *inst, const void *arg);
};

struct gh_vm_function_instance {
	const struct gh_vm_function_type *type;
	struct gh_vm *vm;                          /* valid while bound */
	void *data;                                /* the type's own */
	uint8_t arg[GUNYAH_FUNCTION_MAX_ARG_SIZE]; /* copy of the argument (8-aligned) */
	enum gh_vm_fn_abi abi;                     /* how it was added */
	struct gh_vm_function_instance *next;      /* private to vm_mgr */
};

/*
 * Registers a function type (vcpu/ registers "vcpu" through
 * gh_vcpu_register_function(); "irqfd" and "ioeventfd" are built in, written
 * against this header only). Process-wide; @type must stay valid until
 * unregistered. -EEXIST for a name already registered, -ENOSPC when full.
 */
int gh_vm_mgr_register_function_type(const struct gh_vm_function_type *type);
void gh_vm_mgr_unregister_function_type(const struct gh_vm_function_type *type);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_VM_MGR_H */
