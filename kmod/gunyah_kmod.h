/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to gunyah.ko. */
#ifndef GUNYAH_KMOD_H
#define GUNYAH_KMOD_H

#include <linux/mm_types.h>

/* Allocations made through <gunyah/os.h> and not yet freed. */
long gunyah_os_live_objects(void);

struct gunyah_rm_endpoint;
struct gh_vm_rm_client;

/* rm_link.c: the RM RPC client over @ep's message queues and IRQs. */
struct gunyah_rm_link;
int gunyah_rm_link_create(const struct gunyah_rm_endpoint *ep, struct gunyah_rm_link **out);
void gunyah_rm_link_destroy(struct gunyah_rm_link *l);
struct gh_vm_rm_client *gunyah_rm_link_client(struct gunyah_rm_link *l);
/* The RM's queues as a device's device tree gives them. -ENODEV: no RM node. */
int gunyah_rm_endpoint_from_dt(struct gunyah_rm_endpoint *ep);

/* os_kernel.c: guest memory's store, for the guest-memory file's mmap. */
struct gh_os_gmem;
struct file *gunyah_gmem_shmem(struct gh_os_gmem *m);
/* The page at @pgoff, locked and referenced (VM_FAULT_LOCKED), or SIGBUS
 * beyond the end and while the page is lent to a VM. */
vm_fault_t gunyah_gmem_fault(struct gh_os_gmem *m, pgoff_t pgoff, struct page **page);

#endif
