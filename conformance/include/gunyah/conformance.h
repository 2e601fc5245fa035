/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UAPI's conformance cases: the ioctl-level tests of gunyah-test-vmm
 * (the peer VMM's own test list: create a VM, guest memory with valid and
 * invalid flags, DTB config, vCPUs, the run page's size, irqfd, ioeventfd,
 * map memory, boot context), written as tables of C cases, one table per
 * ABI: the seed's, v17's and Android's. Each case speaks its ABI's own
 * numbers and structs; it reaches a /dev/gunyah through struct
 * gh_conformance_ops, so the same table runs against the module (the QEMU
 * selftest) and in-process (the simulator backend).
 *
 * Handles are small non-negative integers the ops hand out: a VM, a vCPU
 * (what ADD_FUNCTION of a vCPU returns) or guest memory. An op returns
 * -errno on failure.
 */
#ifndef GUNYAH_CONFORMANCE_H
#define GUNYAH_CONFORMANCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct gh_conformance_ops - a /dev/gunyah to run the cases against
 * @create_vm:        GH_CREATE_VM (type 0): a VM handle
 * @create_guest_mem: GUNYAH_CREATE_GUEST_MEM of @size bytes with @flags: a
 *                    guest-memory handle (-ENOTTY where there is none)
 * @ioctl:            an ioctl on a VM or vCPU handle, its argument in the
 *                    caller's memory: >= 0, or for an ADD_FUNCTION that made
 *                    a vCPU, its new handle. GUNYAH_VM_MAP_MEM's guest_mem_fd
 *                    is a guest-memory handle.
 * @run_page:         a vCPU's run page as the VMM maps it (NULL: -errno in
 *                    *@err)
 * @close:            closes a handle
 * @finish:           after each case: closes what it left open (a case that
 *                    fails returns at once); may be NULL
 * @ctx:              the ops' own
 */
struct gh_conformance_ops {
	int (*create_vm)(void *ctx);
	int (*create_guest_mem)(void *ctx, uint64_t size, uint64_t flags);
	long (*ioctl)(void *ctx, int handle, unsigned int cmd, void *arg);
	void *(*run_page)(void *ctx, int handle, int *err);
	void (*close)(void *ctx, int handle);
	void (*finish)(void *ctx);
	void *ctx;
};

/* A case's state: its ops and, when it fails, why (line and call). */
struct gh_conformance {
	const struct gh_conformance_ops *ops;
	char why[256];
};

/**
 * struct gh_conformance_case - one case
 * @name: what it checks
 * @peer: the gunyah-test-vmm tests it stands for ("vm.rs add_vcpu", ...)
 * @run:  0 on success; -1 with @t->why set
 */
struct gh_conformance_case {
	const char *name;
	const char *peer;
	int (*run)(struct gh_conformance *t);
};

/* The tables, each ending with a NULL @name. */
extern const struct gh_conformance_case gh_conformance_seed[];
extern const struct gh_conformance_case gh_conformance_v17[];
extern const struct gh_conformance_case gh_conformance_android[];

/* Runs @c against @ops: 0 passed, -1 failed with @why (@len bytes, at least
 * 1) set. */
int gh_conformance_run(const struct gh_conformance_case *c, const struct gh_conformance_ops *ops,
                       char *why, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_CONFORMANCE_H */
