/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GUNYAH_HYPERCALL_TRANSPORT_H
#define GUNYAH_HYPERCALL_TRANSPORT_H

#include <gunyah/hypercall.h>

/*
 * The native transport: `hvc #0` on arm64 builds with GH_HYPERCALL_HVC
 * defined (the kernel module). Returns true when it made the call; false
 * where there is no native transport (every other build).
 */
bool gh_hypercall_native(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out);

#endif
