/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resource manager as a server: its thread answers RM RPC from the host
 * over two message queues (msgq.h), as a separate VM would.
 */
#ifndef GH_SIM_RM_SERVER_H
#define GH_SIM_RM_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <gunyah/rm_server.h>

#include "msgq.h"

struct gh_sim;
struct gh_sim_vm;

#define GH_SIM_RM_MAX_VMS     32
#define GH_SIM_RM_MAX_PARCELS 64
#define GH_SIM_RM_MAX_EVENTS  64

/* A VM exit, posted by the thread that observed it, sent by the server. */
struct gh_sim_rm_event {
	uint16_t vmid;
	uint16_t exit_type;
	bool crashed;
	uint8_t reason[8];
};

struct gh_sim_rm_parcel;
struct gh_sim_rm_vm;

/*
 * The lock guards the queues, the events, `stop` and the vmids of the VM
 * table (read by gh_sim_rm_post_exit); everything else is the server
 * thread's alone (and gh_sim_rm_configure's before any VM exists).
 */
struct gh_sim_rm {
	struct gh_sim *sim;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* TX not empty, RX not full, an event, stop */
	pthread_t thread;
	bool stop;
	struct gh_sim_msgq tx, rx;
	struct gh_sim_rm_event events[GH_SIM_RM_MAX_EVENTS];
	unsigned int nevents;
	uint32_t default_vcpus, doorbells;
	uint16_t notif_seq;
	uint32_t next_handle;
	uint32_t next_resource;
	struct gh_sim_rm_vm *vms[GH_SIM_RM_MAX_VMS];
	struct gh_sim_rm_parcel *parcels[GH_SIM_RM_MAX_PARCELS];
	struct gh_rm_server_rx req; /* reassembly */
};

/* Starts the server thread (gh_sim_create): -ENOMEM. */
int gh_sim_rm_start(struct gh_sim *sim);
/* Stops it and frees its state; the VMs are the simulator's to destroy. */
void gh_sim_rm_stop(struct gh_sim *sim);
/* @vm ended (no lock held, any thread): queues a VM_EXITED notification
 * when the VM is the RM's. Never blocks on the RX queue. */
void gh_sim_rm_post_exit(struct gh_sim_vm *vm);

#endif /* GH_SIM_RM_SERVER_H */
