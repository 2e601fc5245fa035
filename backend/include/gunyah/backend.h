/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one interface a VMM drives Gunyah through, whatever is underneath:
 *
 *  - "dev": the kernel driver, /dev/gunyah, with plain ioctls and mmap on
 *    its file descriptors (gh_backend_open_dev);
 *  - "sim": the in-process UAPI, the very same vm_mgr and vcpu cores called
 *    directly on the POSIX OS glue, above the embedded hypervisor simulator
 *    (gh_backend_open_sim).
 *
 * Each call is one UAPI operation with the UAPI's structs and the kernel's
 * errno (0 or -errno): the in-process calls go through the cores' ioctl entry
 * points, which is what the kernel module calls after copy_from_user. Handles
 * stand for file descriptors: a VM and a vCPU live until released (like
 * close()), independently of each other, as the kernel's files do.
 */
#ifndef GUNYAH_BACKEND_H
#define GUNYAH_BACKEND_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/gunyah.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_backend;
struct gh_backend_vm;
struct gh_backend_vcpu;

/**
 * enum gh_backend_abi - which /dev/gunyah ABI VM functions are added with
 * @GH_BACKEND_ABI_AUTO: the seed's; when the kernel does not know it
 *                       (ENOTTY), the later ABIs' descriptor from then on
 * @GH_BACKEND_ABI_SEED: ADD/REMOVE_FUNCTION with the name string (uapi/)
 * @GH_BACKEND_ABI_V17, @GH_BACKEND_ABI_ANDROID: with the 16-byte function
 *                       descriptor (uapi/v17, uapi/android); everything else
 *                       this interface issues has the same number in all three
 *                       (memory regions: the seed's and Android's)
 */
enum gh_backend_abi {
	GH_BACKEND_ABI_AUTO = 0,
	GH_BACKEND_ABI_SEED,
	GH_BACKEND_ABI_V17,
	GH_BACKEND_ABI_ANDROID,
};

/* "auto", "seed", "v17", "android" -> the ABI; -EINVAL otherwise. */
int gh_backend_abi_parse(const char *name, enum gh_backend_abi *out);
/* The ABI functions are added with now (AUTO before the first decides). */
enum gh_backend_abi gh_backend_abi_in_use(const struct gh_backend *b);

/**
 * struct gh_backend_sim_config - the simulated machine
 * @default_vcpus: vCPUs of a VM whose DTB has no /cpus (0: 1)
 * @doorbells: irqfd doorbells per VM, label L raising SPI 32 + L (0: 16)
 * @timing: time every RUN (two clock reads per exit) for gh_backend_vcpu_times()
 */
struct gh_backend_sim_config {
	uint32_t default_vcpus;
	uint32_t doorbells;
	bool timing;             /* time every RUN for gh_backend_vcpu_times() */
	enum gh_backend_abi abi; /* the in-process UAPI takes all three */
};

/* The most vCPUs a VM of the in-process backend can have (MPIDR Aff0 below it). */
#define GH_BACKEND_SIM_MAX_VCPUS 8

/* The in-process backend (link //backend:sim). One at a time per process
 * (-EBUSY): the simulator is registered as the process's hypercall
 * transport. @cfg may be NULL. */
int gh_backend_open_sim(const struct gh_backend_sim_config *cfg, struct gh_backend **out);

/*
 * The kernel backend (//backend) on @path (NULL: "/dev/gunyah"): -errno of open() when it
 * is absent. A kick interrupts a RUN with GH_BACKEND_KICK_SIGNAL, for which a
 * no-op handler (without SA_RESTART) is installed at open.
 */
#define GH_BACKEND_KICK_SIGNAL SIGUSR2
int gh_backend_open_dev(const char *path, struct gh_backend **out);
/* The same, speaking @abi (gh_backend_open_dev: GH_BACKEND_ABI_AUTO). */
int gh_backend_open_dev_abi(const char *path, enum gh_backend_abi abi, struct gh_backend **out);

/* Closes the backend; every VM and vCPU of it must have been released. */
void gh_backend_close(struct gh_backend *b);
const char *gh_backend_name(const struct gh_backend *b);

/* GH_CREATE_VM */
int gh_backend_create_vm(struct gh_backend *b, struct gh_backend_vm **out);
/* close() of the VM fd */
void gh_backend_vm_release(struct gh_backend_vm *vm);

int gh_backend_vm_set_user_mem_region(struct gh_backend_vm *vm,
                                      const struct gh_userspace_memory_region *r);
int gh_backend_vm_set_dtb_config(struct gh_backend_vm *vm, const struct gh_vm_dtb_config *c);
int gh_backend_vm_set_boot_context(struct gh_backend_vm *vm, const struct gh_vm_boot_context *bc);
int gh_backend_vm_start(struct gh_backend_vm *vm);
/*
 * Guest memory, v17's way (GUNYAH_CREATE_GUEST_MEM on /dev/gunyah, then
 * GUNYAH_VM_MAP_MEM): @size bytes (a page multiple) with @flags
 * (GHMF_CLOEXEC 1, GHMF_ALLOW_HUGEPAGE 2). Its view is the host's access to
 * it (for "dev" an mmap of the fd, shared, the whole size; for "sim" the
 * memfd store's view): write the images there before start. While a VM has
 * pages of it lent (the default), the host's access to them is taken away
 * (the kernel: SIGBUS; in-process: SIGSEGV), until the VM is released. The
 * memory lives until released and every VM mapping it is gone. A kernel
 * without guest memory (of the seed's or Android's ABI) answers -ENOTTY.
 */
struct gh_backend_gmem;
int gh_backend_create_guest_mem(struct gh_backend *b, uint64_t size, uint64_t flags,
                                struct gh_backend_gmem **out);
void *gh_backend_gmem_view(struct gh_backend_gmem *m); /* NULL: it cannot be mapped */
void gh_backend_gmem_release(struct gh_backend_gmem *m);
/* GUNYAH_VM_MAP_MEM of [@offset, @offset + @size) of @m at @guest_addr;
 * @flags as v17's (access R/W/X 1 << 4..6, FORCE_LEND 1, FORCE_SHARE 2,
 * UNMAP 1 << 8); the errors of gh_vm_mgr_map_mem() (vm_mgr.h). */
int gh_backend_vm_map_mem(struct gh_backend_vm *vm, struct gh_backend_gmem *m, uint64_t guest_addr,
                          uint64_t offset, uint64_t size, uint32_t flags);

/* GH_VM_ADD_FUNCTION: a function with a handle ("vcpu") puts it in *vcpu
 * (@vcpu NULL: -EINVAL, nothing bound); for others @vcpu may be NULL and
 * receives NULL. */
int gh_backend_vm_add_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn,
                               struct gh_backend_vcpu **vcpu);
int gh_backend_vm_remove_function(struct gh_backend_vm *vm, const struct gh_vm_function *fn);

/*
 * A VM ioctl by its number, for what the calls above do not wrap (another
 * ABI's numbers, a peer's test list): @arg is the argument in the caller's
 * memory, and addresses inside it (a function descriptor's argument, a
 * region's userspace_addr) are the caller's. For "dev" it is ioctl() on the
 * VM fd; for "sim" the cores' dispatcher, which takes the same numbers. An
 * ADD_FUNCTION (either ABI) whose function has a handle puts it in *@vcpu as
 * gh_backend_vm_add_function() does. Not for GUNYAH_VM_MAP_MEM, whose
 * guest_mem_fd is a file descriptor: gh_backend_vm_map_mem(). 0 or -errno.
 */
int gh_backend_vm_ioctl(struct gh_backend_vm *vm, unsigned int cmd, void *arg,
                        struct gh_backend_vcpu **vcpu);
/* An ioctl on a vCPU's handle by its number (GH_VCPU_MMAP_SIZE: the run
 * page's size); for GH_VCPU_RUN use gh_backend_vcpu_run(), which a kick can
 * interrupt. >= 0 or -errno. */
long gh_backend_vcpu_ioctl(struct gh_backend_vcpu *vcpu, unsigned int cmd, unsigned long arg);

/*
 * One line saying why @vm stopped, for a VMM's messages: @info is what a
 * vCPU's run page reported (status.exit_info after GH_VM_EXIT_STATUS). The
 * simulator gives its own account ("vCPU 0 at pc 0x40000004: ..."); for
 * /dev/gunyah, whose reason bytes have no layout the UAPI defines, the exit
 * type's name and the reason bytes in hex ("hypervisor error, reason 01 00
 * 00 00"). @buf (@len bytes, @len > 0) is always NUL-terminated, the text
 * cut to fit. 0, -EBADF without @vm, -EINVAL without @info or @buf.
 */
int gh_backend_vm_exit_description(struct gh_backend_vm *vm, const struct gh_vm_exit_info *info,
                                   char *buf, size_t len);

/* The vCPU's run page (mmap of the vCPU fd at offset 0). */
struct gh_vcpu_run *gh_backend_vcpu_run_page(struct gh_backend_vcpu *vcpu);
/* GH_VCPU_RUN: 0 with the run page's exit filled in, or -errno. */
int gh_backend_vcpu_run(struct gh_backend_vcpu *vcpu);
/*
 * Sets immediate_exit in the run page and interrupts a RUN in progress on
 * another thread (a signal for "dev", a kick of the task and of the simulated
 * vCPU for "sim"): that RUN, or the next, returns -EINTR. The VMM clears
 * immediate_exit when it wants the vCPU to run again (KVM's protocol).
 */
void gh_backend_vcpu_kick(struct gh_backend_vcpu *vcpu);
/* close() of the vCPU fd */
void gh_backend_vcpu_release(struct gh_backend_vcpu *vcpu);

/**
 * struct gh_backend_vcpu_times - where a vCPU's time in RUN went
 * @ns_guest: executing guest code (for the simulator: inside its engine,
 *            including the MMIO and trap handling done in its hooks)
 * @ns_hypervisor: in the hypervisor's vcpu_run outside the guest
 * The rest of the time in RUN is the run loop (cores and backend).
 */
struct gh_backend_vcpu_times {
	uint64_t ns_guest;
	uint64_t ns_hypervisor;
};

/* -EOPNOTSUPP where the backend cannot tell (/dev/gunyah), or when the
 * simulator was opened without @timing. */
int gh_backend_vcpu_times(struct gh_backend_vcpu *vcpu, struct gh_backend_vcpu_times *out);

/*
 * The RM RPC calls made so far, by message id (rm.h's struct gh_rm_call_stat):
 * up to @max rows, returns their number. -EOPNOTSUPP where the RM client is
 * not in this process (the dev backend: it is in the kernel).
 */
struct gh_rm_call_stat;
int gh_backend_rm_call_stats(struct gh_backend *b, struct gh_rm_call_stat *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_BACKEND_H */
