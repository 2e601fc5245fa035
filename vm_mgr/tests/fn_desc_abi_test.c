/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The function descriptor vm_mgr accepts (src/fn_desc.h) is the later ABIs'
 * exactly: numbers, layout and type values checked against v17's and
 * Android's headers (uapi/v17, uapi/android), built once with each; with
 * Android's, also the numbers vm_mgr.h gives its 'A' ioctls.
 */
#include <stddef.h>

#include <linux/gunyah.h>

#include "vm_mgr/src/fn_desc.h"

#define SAME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f), #f " offset")

_Static_assert(sizeof(struct gh_vm_fn_desc) == sizeof(struct gunyah_fn_desc), "size");
SAME_FIELD(gh_vm_fn_desc, gunyah_fn_desc, type);
SAME_FIELD(gh_vm_fn_desc, gunyah_fn_desc, arg_size);
SAME_FIELD(gh_vm_fn_desc, gunyah_fn_desc, arg);
_Static_assert(GH_VM_FN_DESC_ADD == GUNYAH_VM_ADD_FUNCTION, "ADD number");
_Static_assert(GH_VM_FN_DESC_REMOVE == GUNYAH_VM_REMOVE_FUNCTION, "REMOVE number");
_Static_assert(GH_VM_FN_DESC_VCPU == GUNYAH_FN_VCPU, "vcpu type");
_Static_assert(GH_VM_FN_DESC_IRQFD == GUNYAH_FN_IRQFD, "irqfd type");
_Static_assert(GH_VM_FN_DESC_IOEVENTFD == GUNYAH_FN_IOEVENTFD, "ioeventfd type");

#ifdef GH_VM_ANDROID_LEND_USER_MEM
/* Android's header: the values vm_mgr.h gives its 'A' ioctls. */
_Static_assert(GH_VM_ANDROID_LEND_USER_MEM == 0x40204111U, "LEND_USER_MEM number");
_Static_assert(GH_VM_ANDROID_SET_FW_CONFIG == 0x40104112U, "SET_FW_CONFIG number");
_Static_assert(sizeof(struct gunyah_vm_firmware_config) == 16, "firmware config size");
#endif

int main(void)
{
	return 0;
}
