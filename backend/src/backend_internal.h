/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to backend/: the operations each backend implements. */
#ifndef GH_BACKEND_INTERNAL_H
#define GH_BACKEND_INTERNAL_H

#include <gunyah/backend.h>

struct gh_backend_ops {
	const char *name;
	void (*close)(struct gh_backend *b);
	int (*create_vm)(struct gh_backend *b, struct gh_backend_vm **out);
	void (*vm_release)(struct gh_backend_vm *vm);
	/* a VM ioctl with its argument; *vcpu for ADD_FUNCTION("vcpu") */
	int (*vm_ioctl)(struct gh_backend_vm *vm, unsigned int cmd, const void *arg,
			struct gh_backend_vcpu **vcpu);
	struct gh_vcpu_run *(*run_page)(struct gh_backend_vcpu *vcpu);
	int (*vcpu_run)(struct gh_backend_vcpu *vcpu);
	void (*vcpu_kick)(struct gh_backend_vcpu *vcpu);
	void (*vcpu_release)(struct gh_backend_vcpu *vcpu);
	/* optional: NULL means -EOPNOTSUPP */
	int (*vcpu_times)(struct gh_backend_vcpu *vcpu, struct gh_backend_vcpu_times *out);
};

struct gh_backend {
	const struct gh_backend_ops *ops;
};

struct gh_backend_vm {
	struct gh_backend *b;
};

struct gh_backend_vcpu {
	struct gh_backend *b;
};

#endif /* GH_BACKEND_INTERNAL_H */
