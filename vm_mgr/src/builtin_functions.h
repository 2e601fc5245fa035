/* SPDX-License-Identifier: BSD-3-Clause */
/* The function types vm_mgr offers itself; each is a client of <gunyah/vm_mgr.h> only. */
#ifndef GUNYAH_VM_MGR_BUILTIN_FUNCTIONS_H
#define GUNYAH_VM_MGR_BUILTIN_FUNCTIONS_H

#include <gunyah/vm_mgr.h>

extern const struct gh_vm_function_type gh_irqfd_function_type;     /* irqfd.c */
extern const struct gh_vm_function_type gh_ioeventfd_function_type; /* ioeventfd.c */

#endif /* GUNYAH_VM_MGR_BUILTIN_FUNCTIONS_H */
