// SPDX-License-Identifier: BSD-3-Clause
/*
 * VM functions: the type registry, GH_VM_ADD/REMOVE_FUNCTION validation and
 * binding, and the function handles' entry points. The types themselves
 * (irqfd.c, ioeventfd.c, vcpu/) sit on the public API.
 */
#include "builtin_functions.h"
#include "vm_mgr_internal.h"

/* Types read their argument in place as their struct (ioeventfd's has u64s). */
_Static_assert(__builtin_offsetof(struct gh_vm_function_instance, arg) % 8 == 0,
               "a function's argument copy is 8-byte aligned");

/* --- registry ----------------------------------------------------------------------- */

#define GH_VM_MAX_FN_TYPES 8

/* Extra types (e.g. "vcpu"); lock-free: slots are claimed with a CAS. */
static const void *fn_types[GH_VM_MAX_FN_TYPES]; /* const struct gh_vm_function_type * */

static bool name_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct gh_vm_function_type *gh_vm_fn_lookup(const char *name)
{
	if (name_eq(name, gh_irqfd_function_type.name))
		return &gh_irqfd_function_type;
	if (name_eq(name, gh_ioeventfd_function_type.name))
		return &gh_ioeventfd_function_type;
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++) {
		const struct gh_vm_function_type *t = gh_os_ptr_load_acquire(&fn_types[i]);

		if (t && name_eq(name, t->name))
			return t;
	}
	return NULL;
}

int gh_vm_mgr_register_function_type(const struct gh_vm_function_type *type)
{
	if (!type || !type->name || !type->bind || !type->unbind || !type->matches ||
	    type->arg_size > GUNYAH_FUNCTION_MAX_ARG_SIZE)
		return -EINVAL;
	if (type->handle_ops && (!type->handle_ops->release || !type->handle_ops->ioctl))
		return -EINVAL;
	if (gh_vm_fn_lookup(type->name))
		return -EEXIST;
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++) {
		const struct gh_vm_function_type *expected =
			gh_os_ptr_cmpxchg(&fn_types[i], NULL, type);

		if (!expected)
			return 0;
		if (name_eq(expected->name, type->name))
			return -EEXIST;
	}
	return -ENOSPC;
}

void gh_vm_mgr_unregister_function_type(const struct gh_vm_function_type *type)
{
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++)
		gh_os_ptr_cmpxchg(&fn_types[i], type, NULL);
}

/* --- validation ------------------------------------------------------------------------ */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
}

/* Name and argument checks shared by add and remove; the type in *out. */
static int fn_validate(const struct gh_vm_function *fn, const struct gh_vm_function_type **out)
{
	const struct gh_vm_function_type *type;
	size_t len = 0;

	while (len < GUNYAH_FUNCTION_NAME_SIZE && fn->name[len])
		len++;
	if (len == 0 || len == GUNYAH_FUNCTION_NAME_SIZE)
		return -EINVAL;
	if (!all_zero(fn->name + len, GUNYAH_FUNCTION_NAME_SIZE - len))
		return -EINVAL;
	type = gh_vm_fn_lookup(fn->name);
	if (!type)
		return -ENOENT;
	if (!all_zero(fn->data + type->arg_size, GUNYAH_FUNCTION_MAX_ARG_SIZE - type->arg_size))
		return -EINVAL;
	if (type->validate) {
		int ret = type->validate(fn->data);

		if (ret)
			return ret;
	}
	*out = type;
	return 0;
}

int gh_vm_mgr_add_function(struct gh_vm *vm, const struct gh_vm_function *fn,
                           struct gh_vm_function_handle **handle)
{
	return gh_vm_mgr_add_function_abi(vm, fn, GH_VM_FN_ABI_SEED, handle);
}

int gh_vm_mgr_add_function_abi(struct gh_vm *vm, const struct gh_vm_function *fn,
                               enum gh_vm_fn_abi abi, struct gh_vm_function_handle **handle)
{
	const struct gh_vm_function_type *type;
	struct gh_vm_function_instance *inst, *o;
	struct gh_vm_function_handle *h = NULL;
	int ret;

	if (handle)
		*handle = NULL;
	if (!fn)
		return -EFAULT;
	if (abi != GH_VM_FN_ABI_SEED && abi != GH_VM_FN_ABI_DESC)
		return -EINVAL;
	ret = fn_validate(fn, &type);
	if (ret)
		return ret;
	/* Nowhere to put the handle: refused before anything is bound. */
	if (type->handle_ops && !handle)
		return -EINVAL;
	inst = gh_os_zalloc(sizeof(*inst));
	if (!inst)
		return -ENOMEM;
	inst->type = type;
	inst->vm = vm;
	inst->abi = abi;
	__builtin_memcpy(inst->arg, fn->data, type->arg_size);

	gh_os_mutex_lock(vm->fn_lock);
	for (o = vm->functions; o; o = o->next) {
		if (o->type != type)
			continue;
		ret = type->conflicts ? type->conflicts(o, inst->arg) : 0;
		if (ret)
			goto err_unlock;
	}
	ret = type->bind(inst, type->handle_ops ? &h : NULL);
	if (ret)
		goto err_unlock;
	inst->next = vm->functions;
	vm->functions = inst;
	gh_os_mutex_unlock(vm->fn_lock);

	if (handle)
		*handle = h;
	return 0;

err_unlock:
	gh_os_mutex_unlock(vm->fn_lock);
	gh_os_free(inst);
	return ret;
}

int gh_vm_mgr_remove_function(struct gh_vm *vm, const struct gh_vm_function *fn)
{
	const struct gh_vm_function_type *type;
	struct gh_vm_function_instance **pp, *inst = NULL;
	int ret;

	if (!fn)
		return -EFAULT;
	ret = fn_validate(fn, &type);
	if (ret)
		return ret;
	gh_os_mutex_lock(vm->fn_lock);
	for (pp = &vm->functions; *pp; pp = &(*pp)->next) {
		if ((*pp)->type == type && type->matches(*pp, fn->data)) {
			inst = *pp;
			*pp = inst->next;
			break;
		}
	}
	if (inst)
		type->unbind(inst);
	gh_os_mutex_unlock(vm->fn_lock);
	if (!inst)
		return -ENOENT;
	gh_os_free(inst);
	return 0;
}

void gh_vm_fn_release_all(struct gh_vm *vm)
{
	struct gh_vm_function_instance *inst, *next;

	gh_os_mutex_lock(vm->fn_lock);
	inst = vm->functions;
	vm->functions = NULL;
	for (; inst; inst = next) {
		next = inst->next;
		inst->type->unbind(inst);
		gh_os_free(inst);
	}
	gh_os_mutex_unlock(vm->fn_lock);
}

/* --- handles --------------------------------------------------------------------------- */

void gh_vm_mgr_handle_release(struct gh_vm_function_handle *h)
{
	if (h)
		h->ops->release(h);
}

long gh_vm_mgr_handle_ioctl(struct gh_vm_function_handle *h, unsigned int cmd, unsigned long arg)
{
	if (!h)
		return -EBADF;
	return h->ops->ioctl(h, cmd, arg);
}

bool gh_vm_mgr_handle_mappable(const struct gh_vm_function_handle *h)
{
	return h && h->ops->map_page;
}

void *gh_vm_mgr_handle_map_page(struct gh_vm_function_handle *h, uint64_t pgoff)
{
	if (!gh_vm_mgr_handle_mappable(h))
		return NULL;
	return h->ops->map_page(h, pgoff);
}

const char *gh_vm_mgr_handle_name(const struct gh_vm_function_handle *h)
{
	return h ? h->ops->name : NULL;
}
