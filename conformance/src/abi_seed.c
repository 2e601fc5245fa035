// SPDX-License-Identifier: BSD-3-Clause
/*
 * The cases of the seed's ABI (v9), whose functions go by name
 * (struct gh_vm_function): gh_conformance_seed. The peer's list is written
 * for the later ABIs; these are the same checks where the seed has the call.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "check.h"

static long fn(struct gh_conformance *t, int vm, bool add, const char *name,
               const struct gh_vm_function *proto)
{
	struct gh_vm_function f = *proto;

	memset(f.name, 0, sizeof(f.name));
	strncpy(f.name, name, sizeof(f.name) - 1);
	return gh_conf_ioctl(t, vm, add ? GH_VM_ADD_FUNCTION : GH_VM_REMOVE_FUNCTION, &f);
}

static long vcpu_fn(struct gh_conformance *t, int vm, bool add, uint32_t id)
{
	struct gh_vm_function f = { .vcpu = { .vcpu_id = id } };

	return fn(t, vm, add, "vcpu", &f);
}

static long irqfd(struct gh_conformance *t, int vm, bool add, int fd, uint32_t label, bool level)
{
	struct gh_vm_function f = { .irqfd = {
					    .fd = (uint32_t)fd,
					    .label = label,
					    .flags = level ? GH_IRQFD_LEVEL : 0,
				    } };

	return fn(t, vm, add, "irqfd", &f);
}

static long ioeventfd(struct gh_conformance *t, int vm, bool add, int fd, uint64_t addr,
                      uint32_t len, bool datamatch, uint64_t value)
{
	struct gh_vm_function f = { .ioeventfd = {
					    .datamatch = value,
					    .addr = addr,
					    .len = len,
					    .fd = fd,
					    .flags = datamatch ? GH_IOEVENTFD_DATAMATCH : 0,
				    } };

	return fn(t, vm, add, "ioeventfd", &f);
}

static long set_dtb(struct gh_conformance *t, int vm, uint64_t gpa, uint64_t size)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = gpa, .size = size };

	return gh_conf_ioctl(t, vm, GH_VM_SET_DTB_CONFIG, &d);
}

static long set_boot(struct gh_conformance *t, int vm, uint32_t set, uint32_t index, uint64_t value)
{
	struct gh_vm_boot_context b = { .reg = GH_VM_BOOT_CONTEXT_REG(set, index), .value = value };

	return gh_conf_ioctl(t, vm, GH_VM_SET_BOOT_CONTEXT, &b);
}

static long mmap_size(struct gh_conformance *t, int vcpu)
{
	return gh_conf_ioctl(t, vcpu, GH_VCPU_MMAP_SIZE, NULL);
}

#define RUN_STRUCT_SIZE sizeof(struct gh_vcpu_run)
#define EXIT_UNKNOWN    GH_VM_EXIT_UNKNOWN
#define REG_X           GH_VM_BOOT_CONTEXT_REG_SET_X
#define REG_PC          GH_VM_BOOT_CONTEXT_REG_SET_PC
#define REG_SP          GH_VM_BOOT_CONTEXT_REG_SET_SP

static uint32_t run_exit_reason(const void *page)
{
	return ((const struct gh_vcpu_run *)page)->exit_reason;
}

#define HAVE_USER_MEM
#define USER_MEM_RWX GH_MEM_ALLOW_RWX

static long set_user_mem(struct gh_conformance *t, int vm, uint32_t label, uint32_t flags,
                         uint64_t gpa, uint64_t size, void *addr)
{
	struct gh_userspace_memory_region r = {
		.label = label,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)addr,
	};

	return gh_conf_ioctl(t, vm, GH_VM_SET_USER_MEM_REGION, &r);
}

#include "cases_functions.inc"

const struct gh_conformance_case gh_conformance_seed[] = {
	FUNCTION_CASES,
	{ "user memory regions: a taken label or range EEXIST, a bad flag or size EINVAL",
	  "ack-bindings VMs (SET_USER_MEM_REGION)", case_user_memory },
	{ NULL, NULL, NULL },
};
