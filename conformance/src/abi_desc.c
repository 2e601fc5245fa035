// SPDX-License-Identifier: BSD-3-Clause
/*
 * The cases of the two later ABIs, which choose functions by a descriptor
 * (struct gunyah_fn_desc): built once with v17's <linux/gunyah.h> (the
 * table gh_conformance_v17, with guest memory) and once with Android's
 * (gh_conformance_android, with user memory regions, lending and firmware
 * config). GH_CONFORMANCE_TABLE names the table.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "check.h"

#ifndef GH_CONFORMANCE_TABLE
#error "GH_CONFORMANCE_TABLE names the table: gh_conformance_v17 or gh_conformance_android"
#endif

static long fn(struct gh_conformance *t, int vm, bool add, uint32_t type, void *arg, uint32_t size)
{
	struct gunyah_fn_desc d = { .type = type, .arg_size = size, .arg = (uintptr_t)arg };

	return gh_conf_ioctl(t, vm, add ? GUNYAH_VM_ADD_FUNCTION : GUNYAH_VM_REMOVE_FUNCTION, &d);
}

static long vcpu_fn(struct gh_conformance *t, int vm, bool add, uint32_t id)
{
	struct gunyah_fn_vcpu_arg a = { .id = id };

	return fn(t, vm, add, GUNYAH_FN_VCPU, &a, sizeof(a));
}

static long irqfd(struct gh_conformance *t, int vm, bool add, int fd, uint32_t label, bool level)
{
	struct gunyah_fn_irqfd_arg a = {
		.fd = (uint32_t)fd,
		.label = label,
		.flags = level ? GUNYAH_IRQFD_FLAGS_LEVEL : 0,
	};

	return fn(t, vm, add, GUNYAH_FN_IRQFD, &a, sizeof(a));
}

static long ioeventfd(struct gh_conformance *t, int vm, bool add, int fd, uint64_t addr,
                      uint32_t len, bool datamatch, uint64_t value)
{
	struct gunyah_fn_ioeventfd_arg a = {
		.datamatch = value,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = datamatch ? GUNYAH_IOEVENTFD_FLAGS_DATAMATCH : 0,
	};

	return fn(t, vm, add, GUNYAH_FN_IOEVENTFD, &a, sizeof(a));
}

static long set_dtb(struct gh_conformance *t, int vm, uint64_t gpa, uint64_t size)
{
	struct gunyah_vm_dtb_config d = { .guest_phys_addr = gpa, .size = size };

	return gh_conf_ioctl(t, vm, GUNYAH_VM_SET_DTB_CONFIG, &d);
}

static long set_boot(struct gh_conformance *t, int vm, uint32_t set, uint32_t index, uint64_t value)
{
	struct gunyah_vm_boot_context b = { .reg = GUNYAH_VM_BOOT_CONTEXT_REG(set, index),
		                            .value = value };

	return gh_conf_ioctl(t, vm, GUNYAH_VM_SET_BOOT_CONTEXT, &b);
}

static long mmap_size(struct gh_conformance *t, int vcpu)
{
	return gh_conf_ioctl(t, vcpu, GUNYAH_VCPU_MMAP_SIZE, NULL);
}

#define RUN_STRUCT_SIZE sizeof(struct gunyah_vcpu_run)
#define EXIT_UNKNOWN    GUNYAH_VCPU_EXIT_UNKNOWN
#define REG_X           REG_SET_X
#define REG_PC          REG_SET_PC
#define REG_SP          REG_SET_SP

static uint32_t run_exit_reason(const void *page)
{
	return ((const struct gunyah_vcpu_run *)page)->exit_reason;
}

#ifdef GH_VM_SET_USER_MEM_REGION
#define HAVE_USER_MEM
#define USER_MEM_RWX GUNYAH_MEM_ALLOW_RWX

static long user_mem(struct gh_conformance *t, int vm, unsigned int cmd, uint32_t label,
                     uint32_t flags, uint64_t gpa, uint64_t size, void *addr)
{
	struct gunyah_userspace_memory_region r = {
		.label = label,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)addr,
	};

	return gh_conf_ioctl(t, vm, cmd, &r);
}

static long set_user_mem(struct gh_conformance *t, int vm, uint32_t label, uint32_t flags,
                         uint64_t gpa, uint64_t size, void *addr)
{
	return user_mem(t, vm, GH_VM_SET_USER_MEM_REGION, label, flags, gpa, size, addr);
}
#endif

#include "cases_functions.inc"

#ifdef GH_VM_ANDROID_LEND_USER_MEM
/* Android's own memory calls: a lent region and a firmware config (the
 * peer's ack-bindings build; crosvm's protected VMs). */
static int case_android_memory(struct gh_conformance *t)
{
	const uint64_t page = 0x1000, gpa = 0x80000000;
	struct gunyah_vm_firmware_config fw = { .guest_phys_addr = gpa + 2 * page, .size = page };
	uint8_t *mem;
	int vm;

	mem = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	CHECK_OK(vm, gh_conf_create_vm(t));
	CHECK_RET(set_user_mem(t, vm, 0, GUNYAH_MEM_ALLOW_RWX, gpa, 2 * page, mem), 0);
	CHECK_RET(user_mem(t, vm, GH_VM_ANDROID_LEND_USER_MEM, 1, GUNYAH_MEM_ALLOW_RWX,
	                   gpa + 2 * page, 2 * page, mem + 2 * page),
	          0);
	CHECK_RET(user_mem(t, vm, GH_VM_ANDROID_LEND_USER_MEM, 2, GUNYAH_MEM_ALLOW_RWX, gpa, page,
	                   mem),
	          -EEXIST); /* lending what is given already */
	CHECK_RET(gh_conf_ioctl(t, vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), 0);
	gh_conf_close(t, vm);
	munmap(mem, 4 * page);
	return 0;
}
#endif

#ifdef GUNYAH_CREATE_GUEST_MEM
#define MIB(n) ((uint64_t)(n) << 20)

/* ShareType::Share / Lend with GuestMemoryAccess::Rwx, as the peer maps */
#define SHARE_RWX (GUNYAH_MEM_FORCE_SHARE | GUNYAH_MEM_ALLOW_RWX)
#define LEND_RWX  (GUNYAH_MEM_FORCE_LEND | GUNYAH_MEM_ALLOW_RWX)

static int create_gmem(struct gh_conformance *t, uint64_t size, uint64_t flags)
{
	return t->ops->create_guest_mem(t->ops->ctx, size, flags);
}

static long map(struct gh_conformance *t, int vm, int gmem, uint64_t gpa, uint32_t flags,
                uint64_t off, uint64_t size)
{
	struct gunyah_map_mem_args a = {
		.guest_addr = gpa,
		.flags = flags,
		.guest_mem_fd = (uint32_t)gmem,
		.offset = off,
		.size = size,
	};

	return gh_conf_ioctl(t, vm, GUNYAH_VM_MAP_MEM, &a);
}

static long unmap(struct gh_conformance *t, int vm, int gmem, uint64_t gpa, uint32_t flags,
                  uint64_t off, uint64_t size)
{
	return map(t, vm, gmem, gpa, flags | GUNYAH_MEM_UNMAP, off, size);
}

/* gunyah.rs create_mem, create_mem_with_flags, create_mem_with_cloexec (the
 * fd flag itself is the module's selftest's), and flags that are not v17's. */
static int case_guest_mem(struct gh_conformance *t)
{
	static const uint64_t ok[] = { 0, GHMF_CLOEXEC, GHMF_ALLOW_HUGEPAGE,
		                       GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE };
	int m;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_OK(m, create_gmem(t, MIB(10), ok[i]));
		gh_conf_close(t, m);
	}
	CHECK_RET(create_gmem(t, MIB(10), 1U << 2), -EINVAL);
	CHECK_RET(create_gmem(t, MIB(10), 1ULL << 63), -EINVAL);
	CHECK_RET(create_gmem(t, 0, 0), -EINVAL);
	CHECK_RET(create_gmem(t, MIB(1) + 1, 0), -EINVAL);
	return 0;
}

/* vm.rs map_memory */
static int case_map_memory(struct gh_conformance *t)
{
	int vm, m;

	CHECK_OK(m, create_gmem(t, MIB(10), 0));
	CHECK_OK(vm, gh_conf_create_vm(t));
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	gh_conf_close(t, vm);
	gh_conf_close(t, m);
	return 0;
}

/* vm.rs unmap_memory_single: only the mapping as it was made comes back. */
static int case_unmap_exact(struct gh_conformance *t)
{
	const uint32_t rx = GUNYAH_MEM_FORCE_SHARE | GUNYAH_MEM_ALLOW_READ | GUNYAH_MEM_ALLOW_EXEC;
	int vm, m;

	CHECK_OK(m, create_gmem(t, MIB(11), 0));
	CHECK_OK(vm, gh_conf_create_vm(t));
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	CHECK_RET(unmap(t, vm, m, 0x70000000, SHARE_RWX, 0, MIB(10)), -ENOENT);      /* address */
	CHECK_RET(unmap(t, vm, m, 0x80000000, LEND_RWX, 0, MIB(10)), -ENOENT);       /* lend */
	CHECK_RET(unmap(t, vm, m, 0x80000000, rx, 0, MIB(10)), -ENOENT);             /* access */
	CHECK_RET(unmap(t, vm, m, 0x80000000, SHARE_RWX, MIB(1), MIB(10)), -ENOENT); /* offset */
	CHECK_RET(unmap(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	gh_conf_close(t, vm);
	gh_conf_close(t, m);
	return 0;
}

/* vm.rs unmap_memory_single2, 3 and 4: a mapping's end, then its start, or
 * the other way round, comes back in two calls. */
static int case_unmap_ends(struct gh_conformance *t)
{
	int vm, m;

	CHECK_OK(m, create_gmem(t, MIB(10), 0));
	CHECK_OK(vm, gh_conf_create_vm(t));
	/* single2: the end, then the start */
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000 + MIB(1), SHARE_RWX, MIB(1), MIB(9)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(1)), 0);
	/* single3: the start, then the end */
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(1)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000 + MIB(1), SHARE_RWX, MIB(1), MIB(9)), 0);
	/* single4: a mapping that starts 1 MiB into the memory */
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, MIB(1), MIB(5)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000, SHARE_RWX, MIB(1), MIB(1)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000 + MIB(1), SHARE_RWX, MIB(2), MIB(4)), 0);
	/* a middle cannot be taken: v17 cannot split a mapping either */
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	CHECK_RET(unmap(t, vm, m, 0x80000000 + MIB(1), SHARE_RWX, MIB(1), MIB(1)), -EINVAL);
	gh_conf_close(t, vm);
	gh_conf_close(t, m);
	return 0;
}

/* vm.rs unmap_memory_multiple_simple1, 2 and 3: adjacent mappings come back
 * one by one, in any order. */
static int case_unmap_adjacent(struct gh_conformance *t)
{
	static const int orders[][3] = { { 0, 1, -1 }, { 1, 0, -1 }, { 1, 0, 2 } };
	int vm, m;

	CHECK_OK(m, create_gmem(t, MIB(30), 0));
	CHECK_OK(vm, gh_conf_create_vm(t));
	for (size_t o = 0; o < 3; o++) {
		int n = orders[o][2] < 0 ? 2 : 3;

		for (int i = 0; i < n; i++)
			CHECK_RET(map(t, vm, m, 0x80000000 + MIB(10 * i), SHARE_RWX, MIB(10 * i),
			              MIB(10)),
			          0);
		for (int k = 0; k < n; k++) {
			int i = orders[o][k];

			CHECK_RET(unmap(t, vm, m, 0x80000000 + MIB(10 * i), SHARE_RWX, MIB(10 * i),
			                MIB(10)),
			          0);
		}
	}
	gh_conf_close(t, vm);
	gh_conf_close(t, m);
	return 0;
}

/* vm.rs map_memory_ioff: a range of the memory goes to one guest address of
 * one VM. */
static int case_map_once(struct gh_conformance *t)
{
	int vm, vm2, m;

	CHECK_OK(m, create_gmem(t, MIB(20), 0));
	CHECK_OK(vm, gh_conf_create_vm(t));
	CHECK_OK(vm2, gh_conf_create_vm(t));
	CHECK_RET(map(t, vm, m, 0x80000000, SHARE_RWX, 0, MIB(10)), 0);
	CHECK_RET(map(t, vm, m, 0x80000000 + MIB(10), SHARE_RWX, 0, MIB(10)), -EEXIST);
	CHECK_RET(map(t, vm, m, 0x80000000, LEND_RWX, 0, MIB(10)), -EEXIST);
	CHECK_RET(map(t, vm, m, 0x80000000 + MIB(10), LEND_RWX, 0, MIB(10)), -EEXIST);
	CHECK_RET(map(t, vm2, m, 0x80000000 + MIB(10), LEND_RWX, 0, MIB(10)), -EEXIST);
	CHECK_RET(map(t, vm, m, 0x80000000 + MIB(10), SHARE_RWX, MIB(10), MIB(10)), 0);
	gh_conf_close(t, vm2);
	gh_conf_close(t, vm);
	gh_conf_close(t, m);
	return 0;
}
#endif /* GUNYAH_CREATE_GUEST_MEM */

const struct gh_conformance_case GH_CONFORMANCE_TABLE[] = {
	FUNCTION_CASES,
#ifdef HAVE_USER_MEM
	{ "user memory regions: a taken label or range EEXIST, a bad flag or size EINVAL",
	  "ack-bindings VMs (SET_USER_MEM_REGION)", case_user_memory },
#endif
#ifdef GH_VM_ANDROID_LEND_USER_MEM
	{ "LEND_USER_MEM and SET_FW_CONFIG", "ack-bindings VMs, crosvm protected VMs",
	  case_android_memory },
#endif
#ifdef GUNYAH_CREATE_GUEST_MEM
	{ "guest memory: v17's flags accepted, others, size 0 and a part page EINVAL",
	  "gunyah.rs create_mem, create_mem_with_flags, create_mem_with_cloexec", case_guest_mem },
	{ "map memory, shared", "vm.rs map_memory", case_map_memory },
	{ "unmap: another address, share type, access or offset ENOENT",
	  "vm.rs unmap_memory_single", case_unmap_exact },
	{ "unmap a mapping's end, then its start, and the reverse; a middle EINVAL",
	  "vm.rs unmap_memory_single2, single3, single4", case_unmap_ends },
	{ "adjacent mappings unmapped one by one in any order",
	  "vm.rs unmap_memory_multiple_simple1, 2, 3", case_unmap_adjacent },
	{ "a range of guest memory maps once, into one VM (EEXIST)", "vm.rs map_memory_ioff",
	  case_map_once },
#endif
	{ NULL, NULL, NULL },
};
