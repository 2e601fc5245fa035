/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to backend/: the host end of the in-process RM link, as the module
 * has it on a device. The simulator is the resource manager (an RPC server
 * behind two message queues, sim/src/rm_server.c); this object is what the
 * module's RM glue is on hardware: the rm/ client on the msgq hypercalls,
 * the queues' interrupts (TX "not full" straight to the client, RX "not
 * empty" to a drain thread, the threaded IRQ handler of the module), and the
 * VM manager's RM ops over it (gh_vm_rm_client_ops).
 */
#ifndef GH_BACKEND_RM_HOST_H
#define GH_BACKEND_RM_HOST_H

#include <gunyah/rm.h>
#include <gunyah/sim.h>
#include <gunyah/vm_mgr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_rm_host;

/* The link to @sim's RM (@sim registered as the hypercall backend, and
 * outliving the result). -ENOMEM, -EBUSY (IRQs taken), or the RM's error. */
int gh_rm_host_create(struct gh_sim *sim, struct gh_rm_host **out);
/* No VM may remain. NULL is ignored. */
void gh_rm_host_destroy(struct gh_rm_host *h);

/* The ctx for gh_vm_mgr_create(&gh_vm_rm_client_ops, ctx, ...). */
struct gh_vm_rm_client *gh_rm_host_client(struct gh_rm_host *h);
struct gh_rm *gh_rm_host_rm(struct gh_rm_host *h);

#ifdef __cplusplus
}
#endif

#endif /* GH_BACKEND_RM_HOST_H */
