/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to vm_mgr/src: the function descriptor of every later Gunyah ABI
 * (v10 onwards, Android's, the last posted v17), which GH_VM_ADD_FUNCTION and
 * GH_VM_REMOVE_FUNCTION also accept. Its numbers differ from the seed's (the
 * argument is 16 bytes, not 1056), so one device takes both. Layout and
 * values: uapi/v17/include/linux/gunyah.h's struct gunyah_fn_desc (checked
 * equal by tests/fn_desc_abi_test.c); this header must not include any
 * <linux/gunyah.h>, so that the test can put it beside v17's.
 */
#ifndef GUNYAH_VM_MGR_FN_DESC_H
#define GUNYAH_VM_MGR_FN_DESC_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct gh_vm_fn_desc {
	__u32 type;     /* GH_VM_FN_DESC_* */
	__u32 arg_size; /* exactly the type's argument size */
	__u64 arg;      /* the caller's pointer to the argument */
};

#define GH_VM_FN_DESC_VCPU      1U
#define GH_VM_FN_DESC_IRQFD     2U
#define GH_VM_FN_DESC_IOEVENTFD 3U
#define GH_VM_FN_DESC_MAX_ARG   256U

/* vm_mgr.h gives their values to the glue as GH_VM_{ADD,REMOVE}_FUNCTION_DESC. */
#define GH_VM_FN_DESC_ADD    _IOW('G', 0x4, struct gh_vm_fn_desc)
#define GH_VM_FN_DESC_REMOVE _IOW('G', 0x7, struct gh_vm_fn_desc)

#endif /* GUNYAH_VM_MGR_FN_DESC_H */
