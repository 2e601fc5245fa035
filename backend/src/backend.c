// SPDX-License-Identifier: BSD-3-Clause
/* The backend-neutral entry points: argument checks shared by every
 * backend, then dispatch. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <backend_internal.h>

void gh_backend_close(struct gh_backend *b)
{
	if (b)
		b->ops->close(b);
}

const char *gh_backend_name(const struct gh_backend *b)
{
	return b->ops->name;
}

int gh_backend_create_vm(struct gh_backend *b, struct gh_backend_vm **out)
{
	if (!b || !out)
		return -EINVAL;
	return b->ops->create_vm(b, out);
}

void gh_backend_vm_release(struct gh_backend_vm *vm)
{
	if (vm)
		vm->b->ops->vm_release(vm);
}

static int vm_ioctl(struct gh_backend_vm *vm, unsigned int cmd, const void *arg)
{
	if (!vm)
		return -EBADF;
	return vm->b->ops->vm_ioctl(vm, cmd, arg, NULL);
}

int gh_backend_vm_set_user_mem_region(struct gh_backend_vm *vm,
				      const struct gh_userspace_memory_region *r)
{
	return r ? vm_ioctl(vm, GH_VM_SET_USER_MEM_REGION, r) : -EFAULT;
}

int gh_backend_vm_set_dtb_config(struct gh_backend_vm *vm, const struct gh_vm_dtb_config *c)
{
	return c ? vm_ioctl(vm, GH_VM_SET_DTB_CONFIG, c) : -EFAULT;
}

int gh_backend_vm_set_boot_context(struct gh_backend_vm *vm, const struct gh_vm_boot_context *bc)
{
	return bc ? vm_ioctl(vm, GH_VM_SET_BOOT_CONTEXT, bc) : -EFAULT;
}

int gh_backend_vm_start(struct gh_backend_vm *vm)
{
	return vm_ioctl(vm, GH_VM_START, NULL);
}

int gh_backend_vm_add_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn,
			       struct gh_backend_vcpu **vcpu)
{
	if (!vm)
		return -EBADF;
	if (!fn)
		return -EFAULT;
	if (vcpu)
		*vcpu = NULL;
	if (!strncmp(fn->name, "vcpu", sizeof(fn->name)) && !vcpu)
		return -EINVAL;
	return vm->b->ops->vm_ioctl(vm, GH_VM_ADD_FUNCTION, fn, vcpu);
}

int gh_backend_vm_remove_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn)
{
	return fn ? vm_ioctl(vm, GH_VM_REMOVE_FUNCTION, fn) : -EFAULT;
}

int gh_backend_vm_exit_description(struct gh_backend_vm *vm, const struct gh_vm_exit_info *info,
				   char *buf, size_t len)
{
	if (!vm)
		return -EBADF;
	if (!info || !buf || !len)
		return -EINVAL;
	if (vm->b->ops->vm_exit_description)
		vm->b->ops->vm_exit_description(vm, info, buf, len);
	else
		gh_backend_describe_exit_info(info, buf, len);
	return 0;
}

struct gh_vcpu_run *gh_backend_vcpu_run_page(struct gh_backend_vcpu *vcpu)
{
	return vcpu ? vcpu->b->ops->run_page(vcpu) : NULL;
}

int gh_backend_vcpu_run(struct gh_backend_vcpu *vcpu)
{
	return vcpu ? vcpu->b->ops->vcpu_run(vcpu) : -EBADF;
}

void gh_backend_vcpu_kick(struct gh_backend_vcpu *vcpu)
{
	if (vcpu)
		vcpu->b->ops->vcpu_kick(vcpu);
}

int gh_backend_vcpu_times(struct gh_backend_vcpu *vcpu, struct gh_backend_vcpu_times *out)
{
	if (!vcpu || !out)
		return -EINVAL;
	if (!vcpu->b->ops->vcpu_times)
		return -EOPNOTSUPP;
	return vcpu->b->ops->vcpu_times(vcpu, out);
}

void gh_backend_vcpu_release(struct gh_backend_vcpu *vcpu)
{
	if (vcpu)
		vcpu->b->ops->vcpu_release(vcpu);
}
