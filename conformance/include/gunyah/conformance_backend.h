/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conformance cases' ops on a <gunyah/backend.h> backend: "dev" (the
 * module, by ioctl on /dev/gunyah) or "sim" (the cores in-process). Raw
 * ioctls go through gh_backend_vm_ioctl() / gh_backend_vcpu_ioctl(), guest
 * memory through gh_backend_create_guest_mem() and gh_backend_vm_map_mem().
 */
#ifndef GUNYAH_CONFORMANCE_BACKEND_H
#define GUNYAH_CONFORMANCE_BACKEND_H

#include <gunyah/backend.h>
#include <gunyah/conformance.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fills @ops for @b; 0 or -ENOMEM. The handles live until ops->finish (after
 * each case) or gh_conformance_backend_free(). */
int gh_conformance_backend_ops(struct gh_backend *b, struct gh_conformance_ops *ops);
void gh_conformance_backend_free(struct gh_conformance_ops *ops);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_CONFORMANCE_BACKEND_H */
