// SPDX-License-Identifier: BSD-3-Clause
/* The backend-neutral entry points: argument checks shared by every
 * backend, then dispatch. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
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

int gh_backend_create_guest_mem(struct gh_backend *b, uint64_t size, uint64_t flags,
                                struct gh_backend_gmem **out)
{
	if (!b || !out)
		return -EINVAL;
	if (!b->ops->gmem_create)
		return -ENOTTY;
	return b->ops->gmem_create(b, size, flags, out);
}

void *gh_backend_gmem_view(struct gh_backend_gmem *m)
{
	return m ? m->b->ops->gmem_view(m) : NULL;
}

void gh_backend_gmem_release(struct gh_backend_gmem *m)
{
	if (m)
		m->b->ops->gmem_release(m);
}

int gh_backend_vm_map_mem(struct gh_backend_vm *vm, struct gh_backend_gmem *m, uint64_t guest_addr,
                          uint64_t offset, uint64_t size, uint32_t flags)
{
	struct gh_backend_map_mem a = { guest_addr, flags, 0, offset, size };

	if (!vm)
		return -EBADF;
	if (!m || m->b != vm->b)
		return -EINVAL;
	return vm->b->ops->vm_map_mem(vm, m, &a);
}

int gh_backend_abi_parse(const char *name, enum gh_backend_abi *out)
{
	static const char *const names[] = { "auto", "seed", "v17", "android" };

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum gh_backend_abi)i;
			return 0;
		}
	}
	return -EINVAL;
}

enum gh_backend_abi gh_backend_abi_in_use(const struct gh_backend *b)
{
	return __atomic_load_n(&b->abi, __ATOMIC_RELAXED);
}

/* The later ABIs' function descriptor (uapi/v17's struct gunyah_fn_desc). */
struct fn_desc {
	uint32_t type;
	uint32_t arg_size;
	uint64_t arg;
};
#define FN_DESC_ADD    _IOW('G', 0x4, struct fn_desc)
#define FN_DESC_REMOVE _IOW('G', 0x7, struct fn_desc)

/* @fn as a descriptor pointing into it: -ENOENT for a function the later
 * ABIs have no number for. */
static int to_desc(const struct gh_vm_function *fn, struct fn_desc *d)
{
	static const struct {
		const char *name;
		uint32_t type, size;
	} types[] = {
		{ "vcpu", 1, sizeof(struct gh_fn_vcpu_arg) },
		{ "irqfd", 2, sizeof(struct gh_fn_irqfd_arg) },
		{ "ioeventfd", 3, sizeof(struct gh_fn_ioeventfd_arg) },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strncmp(fn->name, types[i].name, sizeof(fn->name))) {
			*d = (struct fn_desc){ types[i].type, types[i].size,
				               (uint64_t)(uintptr_t)fn->data };
			return 0;
		}
	}
	return -ENOENT;
}

static bool uses_desc(enum gh_backend_abi abi)
{
	return abi == GH_BACKEND_ABI_V17 || abi == GH_BACKEND_ABI_ANDROID;
}

/* ADD (@add) or REMOVE with the ABI in use; AUTO tries the seed's first. */
static int function_ioctl(struct gh_backend_vm *vm, bool add, const struct gh_vm_function *fn,
                          struct gh_backend_vcpu **vcpu)
{
	struct gh_backend *b = vm->b;
	enum gh_backend_abi abi = gh_backend_abi_in_use(b);
	struct fn_desc d;
	int ret;

	if (!uses_desc(abi)) {
		ret = b->ops->vm_ioctl(vm, add ? GH_VM_ADD_FUNCTION : GH_VM_REMOVE_FUNCTION, fn,
		                       add ? vcpu : NULL);
		if (ret != -ENOTTY || abi != GH_BACKEND_ABI_AUTO)
			return ret;
		/* A kernel of a later ABI: it knows the descriptor only. */
		abi = GH_BACKEND_ABI_V17;
		__atomic_store_n(&b->abi, abi, __ATOMIC_RELAXED);
	}
	ret = to_desc(fn, &d);
	if (ret)
		return ret;
	return b->ops->vm_ioctl(vm, add ? FN_DESC_ADD : FN_DESC_REMOVE, &d, add ? vcpu : NULL);
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
	return function_ioctl(vm, true, fn, vcpu);
}

int gh_backend_vm_remove_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn)
{
	if (!vm)
		return -EBADF;
	return fn ? function_ioctl(vm, false, fn, NULL) : -EFAULT;
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

int gh_backend_vm_ioctl(struct gh_backend_vm *vm, unsigned int cmd, void *arg,
                        struct gh_backend_vcpu **vcpu)
{
	if (vcpu)
		*vcpu = NULL;
	if (!vm)
		return -EBADF;
	return vm->b->ops->vm_ioctl(vm, cmd, arg, vcpu);
}

long gh_backend_vcpu_ioctl(struct gh_backend_vcpu *vcpu, unsigned int cmd, unsigned long arg)
{
	return vcpu ? vcpu->b->ops->vcpu_ioctl(vcpu, cmd, arg) : -EBADF;
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
