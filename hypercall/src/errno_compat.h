/* SPDX-License-Identifier: BSD-3-Clause */
/* errno values: the kernel's in a kernel build, libc's (the same) elsewhere. */
#ifndef GUNYAH_HYPERCALL_ERRNO_COMPAT_H
#define GUNYAH_HYPERCALL_ERRNO_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

#endif
