/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The function descriptor vm_mgr accepts (src/fn_desc.h) is the later ABIs'
 * exactly: numbers, layout and type values checked against v17's and
 * Android's headers (uapi/v17, uapi/android), built once with each.
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

int main(void)
{
	return 0;
}
