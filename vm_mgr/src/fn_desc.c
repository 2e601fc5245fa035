// SPDX-License-Identifier: BSD-3-Clause
/*
 * GH_VM_ADD_FUNCTION / GH_VM_REMOVE_FUNCTION with the function descriptor of
 * the later ABIs (fn_desc.h): the type number names the function, the
 * argument is copied from the caller's pointer, and then it is the same
 * function as the seed's name-string form, through the same validation.
 */
#include "fn_desc.h"
#include "vm_mgr_internal.h"

static const char *desc_type_name(uint32_t type)
{
	switch (type) {
	case GH_VM_FN_DESC_VCPU:
		return "vcpu";
	case GH_VM_FN_DESC_IRQFD:
		return "irqfd";
	case GH_VM_FN_DESC_IOEVENTFD:
		return "ioeventfd";
	default:
		return NULL;
	}
}

int gh_vm_mgr_function_from_desc(const void *desc, struct gh_vm_function *fn)
{
	const struct gh_vm_fn_desc *d = desc;
	const struct gh_vm_function_type *type;
	const char *name = desc_type_name(d->type);
	size_t i;

	if (!d || !fn)
		return -EFAULT;
	if (!name)
		return -ENOENT;
	type = gh_vm_fn_lookup(name);
	if (!type)
		return -ENOENT;
	if (d->arg_size != type->arg_size || d->arg_size > GH_VM_FN_DESC_MAX_ARG)
		return -EINVAL;
	__builtin_memset(fn, 0, sizeof(*fn));
	for (i = 0; name[i]; i++)
		fn->name[i] = name[i];
	return gh_os_copy_from_user(fn->data, d->arg, d->arg_size);
}

int gh_vm_mgr_fn_desc_ioctl(struct gh_vm *vm, bool add, const void *arg,
                            struct gh_vm_function_handle **handle)
{
	struct gh_vm_function *fn;
	int ret;

	if (!arg)
		return -EFAULT;
	fn = gh_os_zalloc(sizeof(*fn));
	if (!fn)
		return -ENOMEM;
	ret = gh_vm_mgr_function_from_desc(arg, fn);
	if (!ret)
		ret = add ? gh_vm_mgr_add_function_abi(vm, fn, GH_VM_FN_ABI_DESC, handle) :
		            gh_vm_mgr_remove_function(vm, fn);
	gh_os_free(fn);
	return ret;
}
