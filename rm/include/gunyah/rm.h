/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resource manager (RM) RPC client: framing, fragments, sequence numbers
 * and notifications over a pair of message queues, and the calls the VM
 * manager makes (vmid, memory parcels, image config, init, boot context,
 * resources, start/stop/reset).
 *
 * Portable C on <gunyah/os.h> and <gunyah/hypercall.h>: the same code runs in
 * the kernel module and in userspace. Wire format: <gunyah/rm_rpc.h>.
 *
 * Contexts:
 *  - calls (gh_rm_call*, the typed calls) sleep: process context only;
 *  - gh_rm_tx_ready() may be called from any context (a hard IRQ handler);
 *  - gh_rm_rx_ready() sleeps (it allocates and takes mutexes): call it from a
 *    threaded IRQ handler or a work item, never from a hard IRQ handler.
 *
 * Everything the RM sends is untrusted: lengths, counts and fragment numbers
 * are bounded; a malformed reply fails its call with -EIO; a malformed
 * message that matches no call is dropped and counted; RM error codes become
 * -errno (unknown ones -EIO) and the raw code is kept (gh_rm_call(),
 * gh_rm_get_stats()).
 */
#ifndef GUNYAH_RM_H
#define GUNYAH_RM_H

#include <gunyah/os.h>
#include <gunyah/rm_rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_rm;

/* --- transport ------------------------------------------------------------- */

/**
 * struct gh_rm_transport_ops - one message at a time to and from the RM
 * @send: queues the @len-byte message @msg (8 <= len <= GH_RM_RPC_MSG_SIZE);
 *        @push: the last message of an RPC. 0 when queued; -EAGAIN when the
 *        queue is full (the host then calls gh_rm_tx_ready() once it is not
 *        full); another -errno when the message cannot be sent.
 * @recv: takes the next message into @buf (@cap bytes): 0 and *len (at most
 *        @cap); -EAGAIN when the queue is empty; another -errno on failure.
 */
struct gh_rm_transport_ops {
	int (*send)(void *ctx, const void *msg, size_t len, bool push);
	int (*recv)(void *ctx, void *buf, size_t cap, size_t *len);
};

/* The message-queue hypercall transport: @ctx is a struct gh_rm_msgq. */
struct gh_rm_msgq {
	uint64_t tx_capid; /* client -> RM */
	uint64_t rx_capid; /* RM -> client */
};
extern const struct gh_rm_transport_ops gh_rm_msgq_ops;

/* --- the client ---------------------------------------------------------------- */

/* A client on @ops/@ctx (both outlive it). -EINVAL, -ENOMEM. */
int gh_rm_create(const struct gh_rm_transport_ops *ops, void *ctx, struct gh_rm **out);
/* Frees @rm. No call may be in flight (ended calls that still wait for their
 * reply are freed here); no listener may be registered. NULL is ignored. */
void gh_rm_destroy(struct gh_rm *rm);

/* "TX not full": blocked senders continue. Any context. */
void gh_rm_tx_ready(struct gh_rm *rm);
/*
 * "RX has data": receives until the queue is empty, completing calls and
 * dispatching notifications (listeners run inside). Returns 0 once the queue
 * is empty, or the transport's -errno. Sleeps; one drainer at a time.
 */
int gh_rm_rx_ready(struct gh_rm *rm);

/* --- generic calls ---------------------------------------------------------------- */

/* The RM's error code as -errno: 0 for OK, -EIO for a code this table does not know. */
int gh_rm_remap_error(uint32_t rm_err);

/*
 * A call in three steps, so that a signal does not lose the reply:
 *  begin: sends @req (@len bytes, at most GH_RM_RPC_MAX_PAYLOAD) as message
 *         @msg_id (not 0) under a fresh sequence number. -EINVAL, -E2BIG,
 *         -ENOMEM, -EBUSY (GH_RM_MAX_CALLS calls outstanding), -EINTR (a
 *         signal while the TX queue was full), or the transport's error.
 *  wait:  0 once the reply is in, -EINTR when a signal is pending (the call
 *         stays valid and its sequence number reserved: wait again or end).
 *  end:   frees the call and returns its result: 0 with the reply payload
 *         (*@resp, *@resp_len; free with gh_os_free(); NULL/0 when empty;
 *         @resp may be NULL to discard it), the RM's error as -errno with
 *         *@rm_err set (@rm_err may be NULL), -EIO for a malformed reply.
 *         Before the reply is in, -EINTR: the call is abandoned and its
 *         sequence number stays reserved until the reply arrives (and is
 *         dropped) or the client is destroyed.
 */
#define GH_RM_MAX_CALLS 1024
struct gh_rm_pending;
int gh_rm_call_begin(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t len,
                     struct gh_rm_pending **out);
int gh_rm_call_wait(struct gh_rm_pending *call);
int gh_rm_call_end(struct gh_rm_pending *call, void **resp, size_t *resp_len, uint32_t *rm_err);

/* begin + wait + end. */
int gh_rm_call(struct gh_rm *rm, uint32_t msg_id, const void *req, size_t req_len, void **resp,
               size_t *resp_len, uint32_t *rm_err);

/* --- notifications ------------------------------------------------------------------ */

struct gh_rm_vm_status_info {
	uint16_t vmid;
	uint8_t vm_status; /* enum gh_rm_vm_status, or an unknown value kept raw */
	uint8_t os_status;
	uint16_t app_status;
};

#define GH_RM_EXIT_REASON_MAX 8
struct gh_rm_vm_exited_info {
	uint16_t vmid;
	uint16_t exit_type;   /* enum gh_rm_vm_exit_type, or an unknown value kept raw */
	uint32_t reason_size; /* as the RM sent it (bounded by the payload) */
	uint8_t reason[GH_RM_EXIT_REASON_MAX]; /* its first bytes, zero-padded */
	bool has_code;                         /* reason_size >= 4: the next two fields are valid */
	uint16_t reason_flags;                 /* GH_RM_VM_EXIT_REASON_FLAG_* */
	uint16_t exit_code;
};

/**
 * struct gh_rm_notif - one notification as a listener sees it
 * @msg_id: as received
 * @payload, @len: the raw payload (valid during the callback only)
 * @err: 0 when decoded into @u; -ENOENT for a message id this client does
 *       not decode; -EIO when the payload of a known id is malformed
 */
struct gh_rm_notif {
	uint32_t msg_id;
	const uint8_t *payload;
	size_t len;
	int err;
	union {
		struct gh_rm_vm_status_info status; /* GH_RM_NOTIF_VM_STATUS */
		struct gh_rm_vm_exited_info exited; /* GH_RM_NOTIF_VM_EXITED */
	} u;
};

/* Pure: decodes a notification payload into @out (which keeps the raw bytes). */
void gh_rm_decode_notif(uint32_t msg_id, const void *payload, size_t len, struct gh_rm_notif *out);

/**
 * struct gh_rm_listener - receives every notification, in arrival order
 * @notify: runs inside gh_rm_rx_ready(): it must not wait for an RM reply
 *          (the reply could only arrive through the drain it blocks), nor
 *          register or unregister listeners
 */
struct gh_rm_listener {
	void (*notify)(struct gh_rm_listener *l, const struct gh_rm_notif *n);
	/* private */
	struct gh_rm_listener *next;
};

/* -EEXIST when @l is already registered. */
int gh_rm_register_listener(struct gh_rm *rm, struct gh_rm_listener *l);
/* Returns once no notify of @l runs. -ENOENT when @l is not registered. */
int gh_rm_unregister_listener(struct gh_rm *rm, struct gh_rm_listener *l);

/* --- VM management calls ---------------------------------------------------------------- */

/*
 * The typed calls return like gh_rm_call(), but wait for their reply even
 * when a signal is pending (as the upstream driver's calls do): a VM's set-up
 * cut short by a signal half-way (a parcel shared and its handle never
 * learnt, VM_START sent and its outcome unknown) could be neither finished
 * nor undone, and cleanup, often run by a task being killed, must learn the
 * outcome. A caller that wants a call a signal can interrupt uses the
 * generic begin/wait/end above.
 */

/* VM_ALLOC_VMID: @want 0 lets the RM choose; *vmid receives the vmid. */
int gh_rm_vm_alloc_vmid(struct gh_rm *rm, uint16_t want, uint16_t *vmid);
int gh_rm_vm_dealloc_vmid(struct gh_rm *rm, uint16_t vmid);
int gh_rm_vm_start(struct gh_rm *rm, uint16_t vmid);
/* VM_STOP: @flags GH_RM_VM_STOP_FLAG_* (others -EINVAL), @reason as sent. */
int gh_rm_vm_stop(struct gh_rm *rm, uint16_t vmid, uint8_t flags, uint32_t reason);
int gh_rm_vm_reset(struct gh_rm *rm, uint16_t vmid);
int gh_rm_vm_init(struct gh_rm *rm, uint16_t vmid);
/* VM_GET_VMID: the caller's own vmid (what a share's ACL names as the owner). */
int gh_rm_get_vmid(struct gh_rm *rm, uint16_t *vmid);
/* VM_SET_FIRMWARE_MEM: the firmware is @size bytes at @offset of parcel @handle.
 * -EINVAL: an offset + size that wraps. */
int gh_rm_vm_set_firmware_mem(struct gh_rm *rm, uint16_t vmid, uint32_t handle, uint64_t offset,
                              uint64_t size);
/* VM_SET_ADDRESS_LAYOUT: range @range_id (enum gh_rm_address_range_id) of the VM
 * goes at guest-physical @base, @size bytes. -EINVAL: unknown range, wraps. */
int gh_rm_vm_set_address_layout(struct gh_rm *rm, uint16_t vmid, uint32_t range_id, uint64_t base,
                                uint64_t size);

struct gh_rm_vm_image_config {
	uint16_t vmid;
	uint16_t auth_mech;    /* enum gh_rm_vm_auth_mech */
	uint32_t mem_handle;   /* the parcel holding image and DTB */
	uint64_t image_offset; /* relative to the parcel */
	uint64_t image_size;
	uint64_t dtb_offset;
	uint64_t dtb_size;
};
/* VM_CONFIG_IMAGE. -EINVAL: unknown auth_mech, an offset + size that wraps. */
int gh_rm_vm_config_image(struct gh_rm *rm, const struct gh_rm_vm_image_config *cfg);

/* VM_SET_BOOT_CONTEXT. -EINVAL: unknown @reg_set, @reg_index out of its range
 * (X: 0..31, PC: 0, SP: 0..2). */
int gh_rm_vm_set_boot_context(struct gh_rm *rm, uint16_t vmid, uint8_t reg_set, uint8_t reg_index,
                              uint64_t value);

/**
 * struct gh_rm_hyp_resource - one VM_GET_HYP_RESOURCES entry, decoded
 * @type: enum gh_rm_resource_type, or an unknown value kept raw
 * @label: the resource's label (vCPU: its index; doorbell: the DT label)
 * @capid: capability id in the caller's cspace
 * @virq: the interrupt the caller receives (vCPU: wake-up), 0 if none
 */
struct gh_rm_hyp_resource {
	uint32_t type;
	uint32_t label;
	uint64_t capid;
	uint32_t virq;
	uint32_t virq_handle;
	uint32_t handle;
	uint16_t partner_vmid;
	uint16_t reserved;
	uint64_t base;
	uint64_t size;
};

/* At most this many entries fit in one maximal reply. */
#define GH_RM_MAX_HYP_RESOURCES ((GH_RM_RPC_MAX_PAYLOAD - 4U - 4U) / 44U)

/*
 * VM_GET_HYP_RESOURCES: fills @out with up to @max entries, *@n their number.
 * -ENOSPC when the RM sent more than @max (*@n is then the RM's count);
 * -EIO when the reply is malformed (count and length disagree, reserved bits).
 */
int gh_rm_vm_get_hyp_resources(struct gh_rm *rm, uint16_t vmid, struct gh_rm_hyp_resource *out,
                               size_t max, size_t *n);

/* Pure: decodes a VM_GET_HYP_RESOURCES reply payload (after the error code). */
int gh_rm_decode_hyp_resources(const void *payload, size_t len, struct gh_rm_hyp_resource *out,
                               size_t max, size_t *n);

/* --- memory parcels ------------------------------------------------------------------- */

struct gh_rm_mem_acl {
	uint16_t vmid;
	uint8_t perms; /* GH_RM_ACL_*, not 0 */
	uint8_t reserved;
};

struct gh_rm_mem_range {
	uint64_t addr; /* the owner's physical address */
	uint64_t size; /* not 0; addr + size does not wrap */
};

struct gh_rm_mem_attr {
	uint16_t attr; /* GH_RM_MEM_ATTR_* */
	uint16_t vmid;
};

/* Bounds of what one parcel may hold (the RM reads at most 512 per list). */
#define GH_RM_MEM_MAX_ACL    GH_RM_MEM_MAX_LIST_ENTRIES
#define GH_RM_MEM_MAX_ATTRS  GH_RM_MEM_MAX_LIST_ENTRIES
#define GH_RM_MEM_MAX_RANGES (1U << 20)

/**
 * struct gh_rm_mem_parcel - memory to lend or share
 * @mem_type: GH_RM_MEM_TYPE_*
 * @flags: GH_RM_MEM_SHARE_FLAG_SANITIZE or 0 (APPEND is the client's own)
 * @label: the parcel's label, as the receiving VM sees it
 * @acl: 1..GH_RM_MEM_MAX_ACL entries: who gets which access (a share lists
 *       the owner too, a lend does not)
 * @ranges: 1..GH_RM_MEM_MAX_RANGES ranges, in order; more than 512 go out
 *          in MEM_APPEND calls after the first
 * @attrs: 0..GH_RM_MEM_MAX_ATTRS entries
 */
struct gh_rm_mem_parcel {
	uint8_t mem_type;
	uint8_t flags;
	uint16_t reserved;
	uint32_t label;
	size_t n_acl;
	const struct gh_rm_mem_acl *acl;
	size_t n_ranges;
	const struct gh_rm_mem_range *ranges;
	size_t n_attrs;
	const struct gh_rm_mem_attr *attrs;
};

/*
 * MEM_LEND / MEM_SHARE (+ MEM_APPEND): *@handle receives the parcel's handle.
 * -EINVAL for a parcel outside the bounds above or with reserved bits set.
 * When an append fails, the parcel is reclaimed and the append's error is
 * returned.
 */
int gh_rm_mem_lend(struct gh_rm *rm, const struct gh_rm_mem_parcel *p, uint32_t *handle);
int gh_rm_mem_share(struct gh_rm *rm, const struct gh_rm_mem_parcel *p, uint32_t *handle);
/* MEM_RECLAIM: @flags GH_RM_MEM_RECLAIM_FLAG_* (others -EINVAL). */
int gh_rm_mem_reclaim(struct gh_rm *rm, uint32_t handle, uint8_t flags);

/* --- statistics ------------------------------------------------------------------------- */

struct gh_rm_stats {
	uint64_t calls;       /* begun */
	uint64_t rm_errors;   /* replies with a non-OK code */
	uint64_t bad_replies; /* calls failed with -EIO: malformed or aborted reply */
	uint64_t abandoned;   /* calls ended before their reply */
	uint64_t tx_msgs;
	uint64_t rx_msgs;
	uint64_t rx_dropped; /* messages that matched nothing or were malformed */
	uint64_t notifs;
	uint32_t last_rm_error; /* the raw code of the last non-OK reply */
	uint32_t last_rm_error_msg_id;
	uint64_t uncounted_calls; /* ended calls of a message id beyond the table below */
};
void gh_rm_get_stats(struct gh_rm *rm, struct gh_rm_stats *out);

/*
 * Ended calls by message id, in the order each id was first used: how many,
 * how many failed (an RM error, a malformed reply, or ended before the reply),
 * and their total time from begin to end.
 */
#define GH_RM_MAX_CALL_STATS 32
struct gh_rm_call_stat {
	uint32_t msg_id;
	uint32_t reserved;
	uint64_t calls;
	uint64_t failed;
	uint64_t total_ns;
};
/* Copies up to @max rows into @out; returns their number. */
size_t gh_rm_get_call_stats(struct gh_rm *rm, struct gh_rm_call_stat *out, size_t max);

/* A message id's name ("VM_START"), or NULL for an id this client does not know. */
const char *gh_rm_msg_name(uint32_t msg_id);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_RM_H */
