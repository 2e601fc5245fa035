// SPDX-License-Identifier: BSD-3-Clause
/* The backend-neutral entry points: argument checks shared by every
 * backend, then dispatch. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

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
	/* Whether the function has a handle is the function's business: with
	 * @vcpu NULL, the backend refuses one that has (-EINVAL, none bound). */
	return vm->b->ops->vm_ioctl(vm, GH_VM_ADD_FUNCTION, fn, vcpu);
}

int gh_backend_vm_remove_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn)
{
	return fn ? vm_ioctl(vm, GH_VM_REMOVE_FUNCTION, fn) : -EFAULT;
}

/* The UAPI's VM exit info in words, for backends that know no better. It
 * lives here, with the entry points, so that every build of the backend
 * interface (kmod's selftest compiles backend.c and dev_backend.c) has it. */
static const char *const type_names[] = {
	[GH_VM_EXIT_TYPE_VM_EXIT] = "VM exit",
	[GH_VM_EXIT_TYPE_PSCI_POWER_OFF] = "PSCI power off",
	[GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET] = "PSCI system reset",
	[GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2] = "PSCI system reset2",
	[GH_VM_EXIT_TYPE_WDT_BITE] = "watchdog bite",
	[GH_VM_EXIT_TYPE_HYP_ERROR] = "hypervisor error",
	[GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT] = "asynchronous external abort",
	[GH_VM_EXIT_TYPE_VM_FORCE_STOPPED] = "force stopped",
};

void gh_backend_describe_exit_info(const struct gh_vm_exit_info *info, char *buf, size_t len)
{
	uint32_t n = info->reason_size;
	size_t at;
	int w;

	if (info->type < sizeof(type_names) / sizeof(type_names[0]) && type_names[info->type])
		w = snprintf(buf, len, "%s", type_names[info->type]);
	else
		w = snprintf(buf, len, "exit type %u", info->type);
	if (n > GH_VM_LAST_EXIT_INFO_SIZE)
		n = GH_VM_LAST_EXIT_INFO_SIZE;
	at = w < 0 ? 0 : (size_t)w;
	for (uint32_t i = 0; i < n && at < len; i++) {
		w = snprintf(buf + at, len - at, "%s%02x", i ? " " : ", reason ", info->reason[i]);
		at += w < 0 ? 0 : (size_t)w;
	}
	if (info->reason_size > GH_VM_LAST_EXIT_INFO_SIZE && at < len)
		snprintf(buf + at, len - at, " (of %u bytes)", info->reason_size);
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

int gh_backend_rm_call_stats(struct gh_backend *b, struct gh_rm_call_stat *out, size_t max)
{
	if (!b || (!out && max))
		return -EINVAL;
	if (!b->ops->rm_call_stats)
		return -EOPNOTSUPP;
	return b->ops->rm_call_stats(b, out, max);
}
