/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to backend/: the operations each backend implements. */
#ifndef GH_BACKEND_INTERNAL_H
#define GH_BACKEND_INTERNAL_H

#include <gunyah/backend.h>

struct gh_backend_map_mem;

struct gh_backend_ops {
	const char *name;
	void (*close)(struct gh_backend *b);
	int (*create_vm)(struct gh_backend *b, struct gh_backend_vm **out);
	void (*vm_release)(struct gh_backend_vm *vm);
	/*
	 * A VM ioctl with its argument. ADD_FUNCTION of a function that hands
	 * out a handle (whatever its name) wraps it in *vcpu; with @vcpu NULL
	 * that is -EINVAL and nothing stays bound.
	 */
	int (*vm_ioctl)(struct gh_backend_vm *vm, unsigned int cmd, const void *arg,
	                struct gh_backend_vcpu **vcpu);
	struct gh_vcpu_run *(*run_page)(struct gh_backend_vcpu *vcpu);
	int (*vcpu_run)(struct gh_backend_vcpu *vcpu);
	void (*vcpu_kick)(struct gh_backend_vcpu *vcpu);
	void (*vcpu_release)(struct gh_backend_vcpu *vcpu);
	long (*vcpu_ioctl)(struct gh_backend_vcpu *vcpu, unsigned int cmd, unsigned long arg);
	/* guest memory (optional: NULL means -ENOTTY) */
	int (*gmem_create)(struct gh_backend *b, uint64_t size, uint64_t flags,
	                   struct gh_backend_gmem **out);
	void *(*gmem_view)(struct gh_backend_gmem *m);
	void (*gmem_release)(struct gh_backend_gmem *m);
	int (*vm_map_mem)(struct gh_backend_vm *vm, struct gh_backend_gmem *m,
	                  const struct gh_backend_map_mem *args);
	/* optional: NULL means -EOPNOTSUPP */
	int (*vcpu_times)(struct gh_backend_vcpu *vcpu, struct gh_backend_vcpu_times *out);
	int (*rm_call_stats)(struct gh_backend *b, struct gh_rm_call_stat *out, size_t max);
	/* optional: NULL means gh_backend_describe_exit_info(); the arguments
	 * are checked (@len > 0) */
	void (*vm_exit_description)(struct gh_backend_vm *vm, const struct gh_vm_exit_info *info,
	                            char *buf, size_t len);
};

struct gh_backend {
	const struct gh_backend_ops *ops;
	enum gh_backend_abi abi; /* atomic: AUTO turns into SEED or V17 once */
};

struct gh_backend_vm {
	struct gh_backend *b;
};

/* Guest memory as the backend holds it (a file descriptor for "dev", the
 * cores' object for "sim"). */
struct gh_backend_gmem {
	struct gh_backend *b;
};

/* v17's gunyah_map_mem_args, the fd left to the backend. */
struct gh_backend_map_mem {
	uint64_t guest_addr;
	uint32_t flags;
	uint32_t guest_mem_fd;
	uint64_t offset;
	uint64_t size;
};

/* A function's handle as the backend holds it (a file descriptor for "dev",
 * the cores' handle for "sim"); vCPUs are the only functions with one today,
 * hence the public name. */
struct gh_backend_vcpu {
	struct gh_backend *b;
};

/*
 * The UAPI exit info in words, knowing nothing of the hypervisor: the exit
 * type's name (or its number when unknown) and the reason bytes, at most
 * GH_VM_LAST_EXIT_INFO_SIZE of them whatever reason_size says, in hex.
 * @len > 0; the text is cut to fit and NUL-terminated.
 */
void gh_backend_describe_exit_info(const struct gh_vm_exit_info *info, char *buf, size_t len);

#endif /* GH_BACKEND_INTERNAL_H */
