/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to vm_mgr/src. */
#ifndef GUNYAH_VM_MGR_INTERNAL_H
#define GUNYAH_VM_MGR_INTERNAL_H

#include <gunyah/hypercall.h>
#include <gunyah/os.h>
#include <gunyah/vm_mgr.h>

/*
 * Locks, outermost first:
 *   start_lock        serializes starters; held across the RM start sequence
 *                     (racing ensure_started callers wait on it)
 *   fn_lock           the function instance list (add/remove/release)
 *   rsc_lock          tickets and resources; populate/unpopulate run under it
 *                     (and take a vCPU's run_lock)
 *   status_lock (rw)  status transitions, start_err, exit_info; write-held only
 *                     briefly (never across a callback), read-held by the
 *                     configuration ioctls so that config freezes exactly when
 *                     status leaves NO_STATE
 *   cfg_lock          regions, dtb, boot context (between config ioctls)
 *   notify_lock       leaf: the vm_status_changed listener list
 *   io_lock (rw)      leaf: the MMIO write bus; read-held by the write path
 *                     and across handlers' write callbacks (nr_io_handlers
 *                     counts the list: the write path takes no lock while 0)
 * A vCPU runner holds its run_lock across vcpu_run hypercalls, from which the
 * RM may call notify_status (status_lock, then notify_lock): neither of those
 * is ever held while a run_lock is taken.
 * status is read lock-free (acquire); it is stored with release after the
 * data it publishes (exit_info, start_err), and stopped states are final.
 */
struct gh_vm {
	struct gh_os_ref ref;
	const struct gh_vm_rm_ops *ops;
	void *ctx;
	uint16_t vmid;

	struct gh_os_mutex *start_lock;
	struct gh_os_rwlock *status_lock;
	enum gh_vm_mgr_status status; /* written with GH_STORE_RELEASE under status_lock */
	int start_err;
	struct gh_vm_exit_info exit_info;
	bool rm_initialized; /* vm_init called: reset at release */
	bool rm_started;     /* vm_start succeeded: stop at release */
	/* Regions given to the RM at start (index as regions[]): reclaimed and
	 * unpinned at release. Written under start_lock, read at release. */
	struct gh_os_pinned *pinned[GH_VM_MAX_MEM_REGIONS];
	uint32_t parcel[GH_VM_MAX_MEM_REGIONS];
	bool shared[GH_VM_MAX_MEM_REGIONS];

	struct gh_os_mutex *cfg_lock;
	struct gh_userspace_memory_region regions[GH_VM_MAX_MEM_REGIONS];
	bool lent[GH_VM_MAX_MEM_REGIONS]; /* LEND_USER_MEM, or lent guest memory */
	/* Regions from GUNYAH_VM_MAP_MEM: their guest memory (with a binding
	 * and a reference), its offset and the map flags; NULL for user memory.
	 * gmem_lent: the host's access is taken away (from a share at start
	 * until its reclaim). */
	struct gh_gmem *gmem[GH_VM_MAX_MEM_REGIONS];
	uint64_t gmem_off[GH_VM_MAX_MEM_REGIONS];
	uint32_t gmem_flags[GH_VM_MAX_MEM_REGIONS];
	bool gmem_lent[GH_VM_MAX_MEM_REGIONS];
	size_t nr_regions;
	bool fw_set; /* Android's SET_FW_CONFIG */
	struct gh_vm_fw_config fw;
	bool dtb_set;
	struct gh_vm_dtb_config dtb;
	struct gh_vm_boot_context boot[GH_VM_MAX_BOOT_CONTEXT];
	size_t nr_boot;

	struct gh_os_mutex *fn_lock;
	struct gh_vm_function_instance *functions;

	struct gh_os_mutex *rsc_lock;
	struct gh_vm_resource_ticket *tickets;
	struct gh_os_mutex *notify_lock;
	struct gh_vm_resource_ticket *listeners;
	struct gh_vm_resource *resources; /* GH_VM_MAX_RESOURCES entries */
	size_t nr_resources;

	struct gh_os_rwlock *io_lock;
	struct gh_vm_io_handler *io_handlers;
	struct gh_os_atomic nr_io_handlers; /* entries in io_handlers */
};

/* fn_desc.c: ADD (@add) or REMOVE_FUNCTION with a function descriptor */
int gh_vm_mgr_fn_desc_ioctl(struct gh_vm *vm, bool add, const void *arg,
                            struct gh_vm_function_handle **handle);

/* guest_mem.c: a range of @g for @vm; -EEXIST when any binding overlaps it
 * (a page goes to one VM), -EINVAL outside @g. A binding holds a reference. */
int gh_gmem_bind(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size);
void gh_gmem_unbind(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size);
void gh_gmem_trim(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size,
                  uint64_t new_off, uint64_t new_size);

/* functions.c: the registry and the bound functions (vm->functions) */
const struct gh_vm_function_type *gh_vm_fn_lookup(const char *name);
void gh_vm_fn_release_all(struct gh_vm *vm);

#endif /* GUNYAH_VM_MGR_INTERNAL_H */
