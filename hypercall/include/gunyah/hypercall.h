/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Gunyah hypercall ABI: SMCCC 1.2 function ids, typed calls, the
 * hypervisor's error codes and their one mapping to errno.
 *
 * Every gh_hypercall_*() goes through one register-level transport:
 *  - a registered backend (the simulator, a test's recording fake, a kernel
 *    test module), when one is registered;
 *  - else, in an arm64 kernel build (GH_HYPERCALL_HVC), an `hvc #0`;
 *  - else nothing: the call returns as an SMCCC call to an absent
 *    hypervisor does, x0 = -1 (GH_ERROR_UNIMPLEMENTED), and touches nothing.
 *
 * Portable C with no OS in it: this file compiles in the kernel and in
 * userspace alike.
 */
#ifndef GUNYAH_HYPERCALL_H
#define GUNYAH_HYPERCALL_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* SMCCC function id: fast call, SMC64, owner = vendor hypervisor (6). */
#define GH_SMCCC_FAST_CALL        (1U << 31)
#define GH_SMCCC_SMC_64           (1U << 30)
#define GH_SMCCC_OWNER_VENDOR_HYP (6U << 24)
#define GH_HYPERCALL(fn) \
	(GH_SMCCC_FAST_CALL | GH_SMCCC_SMC_64 | GH_SMCCC_OWNER_VENDOR_HYP | 0x8000U | (fn))

#define GH_HYPERCALL_HYP_IDENTIFY   GH_HYPERCALL(0x00) /* 0xc6008000 */
#define GH_HYPERCALL_BELL_SEND      GH_HYPERCALL(0x12)
#define GH_HYPERCALL_BELL_SET_MASK  GH_HYPERCALL(0x15)
#define GH_HYPERCALL_MSGQ_SEND      GH_HYPERCALL(0x1b)
#define GH_HYPERCALL_MSGQ_RECV      GH_HYPERCALL(0x1c)
#define GH_HYPERCALL_VCPU_RUN       GH_HYPERCALL(0x65) /* 0xc6008065 */
#define GH_HYPERCALL_VCPU_RUN_CHECK GH_HYPERCALL(0x68)

/* SMCCC 1.1 vendor-hypervisor "Call UID" query: fast, SMC32, function 0xff01. */
#define GH_SMCCC_VENDOR_HYP_CALL_UID 0x8600ff01U

/*
 * Gunyah's UID {c1d58fcd-a453-5fdb-9265-ce36673d5f14} as the four 32-bit
 * words x0..x3 of the UID query return (the UUID's bytes, little-endian).
 */
#define GH_UID0 0xcd8fd5c1U
#define GH_UID1 0xdb5f53a4U
#define GH_UID2 0x36ce6592U
#define GH_UID3 0x145f3d67U

/** enum gh_error - what the hypervisor returns in x0 */
enum gh_error {
	GH_ERROR_OK = 0,
	GH_ERROR_UNIMPLEMENTED = -1,
	GH_ERROR_RETRY = -2,

	GH_ERROR_ARG_INVAL = 1,
	GH_ERROR_ARG_SIZE = 2,
	GH_ERROR_ARG_ALIGN = 3,

	GH_ERROR_NOMEM = 10,

	GH_ERROR_ADDR_OVFL = 20,
	GH_ERROR_ADDR_UNFL = 21,
	GH_ERROR_ADDR_INVAL = 22,

	GH_ERROR_DENIED = 30,
	GH_ERROR_BUSY = 31,
	GH_ERROR_IDLE = 32,

	GH_ERROR_IRQ_BOUND = 40,
	GH_ERROR_IRQ_UNBOUND = 41,

	GH_ERROR_CSPACE_CAP_NULL = 50,
	GH_ERROR_CSPACE_CAP_REVOKED = 51,
	GH_ERROR_CSPACE_WRONG_OBJ_TYPE = 52,
	GH_ERROR_CSPACE_INSUF_RIGHTS = 53,
	GH_ERROR_CSPACE_FULL = 54,

	GH_ERROR_MSGQUEUE_EMPTY = 60,
	GH_ERROR_MSGQUEUE_FULL = 61,

	/*
	 * Not errors: they give the enum the range of a 32-bit int, so that a
	 * code this header does not list is still a valid value (kept raw,
	 * mapped to -EIO) in C and C++ alike.
	 */
	GH_ERROR__RANGE_MIN = -0x7fffffff - 1,
	GH_ERROR__RANGE_MAX = 0x7fffffff,
};

/*
 * gh_remap_error() - the one mapping from a hypervisor error to -errno.
 * OK is 0; every other value, including ones this table does not know, is
 * a negative errno (unknown codes are -EIO: the hypervisor said something
 * this driver does not understand).
 */
int gh_remap_error(enum gh_error err);

/* gh_error_name() - "GH_ERROR_RETRY" etc., or "GH_ERROR_<unknown>". */
const char *gh_error_name(enum gh_error err);

/* --- transport --------------------------------------------------------- */

#define GH_HYPERCALL_NR_REGS 18 /* x0..x17, SMCCC 1.2 */

struct gh_hypercall_regs {
	uint64_t x[GH_HYPERCALL_NR_REGS];
};

/**
 * struct gh_hypercall_backend - a transport in place of `hvc`
 * @name: for messages
 * @call: performs the call: @in holds x0..x17 as the caller set them, @out
 *        receives x0..x17 as the hypervisor returns them. Must not fail;
 *        errors travel in out->x[0] as a hypervisor's would.
 * @ctx: passed to @call
 * @vcpu_run: optional, NULL to use @call: vcpu_run without the generic
 *        register marshalling, for an in-process hypervisor whose hot path
 *        it is. Must behave exactly as @call does for x0 = VCPU_RUN, x1 =
 *        @capid, x2..x4 = @resume, x5 = 0: returns what @call would put in
 *        x0, and fills @resp from x1..x4 when that is GH_ERROR_OK.
 */
struct gh_hypercall_vcpu_run_resp;

struct gh_hypercall_backend {
	const char *name;
	void (*call)(void *ctx, const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out);
	void *ctx;
	enum gh_error (*vcpu_run)(void *ctx, uint64_t capid, const uint64_t resume[3],
	                          struct gh_hypercall_vcpu_run_resp *resp);
};

/*
 * Registers @be as the transport. -EBUSY if another is registered, -EINVAL
 * if @be or its call is NULL. The caller keeps @be alive until it
 * unregisters, and unregisters only when no call can be in flight.
 */
int gh_hypercall_register_backend(const struct gh_hypercall_backend *be);
/* Unregisters @be; -ENOENT if it is not the registered one. */
int gh_hypercall_unregister_backend(const struct gh_hypercall_backend *be);
/* The registered backend, or NULL. */
const struct gh_hypercall_backend *gh_hypercall_current_backend(void);

/* One raw call through the transport. */
void gh_hypercall_raw(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out);

/* --- hyp_identify and the UID ------------------------------------------ */

#define GH_API_INFO_API_VERSION_MASK 0x3fffULL /* bits 13:0 */
#define GH_API_INFO_BIG_ENDIAN       (1ULL << 14)
#define GH_API_INFO_IS_64BIT         (1ULL << 15)
#define GH_API_INFO_VARIANT_SHIFT    56 /* bits 63:56 */
#define GH_API_V1                    1

/* Bits of flags[0]. */
enum gh_api_feature {
	GH_FEATURE_DOORBELL = 1,
	GH_FEATURE_MSGQUEUE = 2,
	GH_FEATURE_VCPU = 5,
	GH_FEATURE_MEMEXTENT = 6,
};

struct gh_hypercall_hyp_identify_resp {
	uint64_t api_info;
	uint64_t flags[3];
};

void gh_hypercall_hyp_identify(struct gh_hypercall_hyp_identify_resp *resp);

static inline uint16_t gh_api_version(const struct gh_hypercall_hyp_identify_resp *r)
{
	return (uint16_t)(r->api_info & GH_API_INFO_API_VERSION_MASK);
}

static inline bool gh_api_is_64bit(const struct gh_hypercall_hyp_identify_resp *r)
{
	return (r->api_info & GH_API_INFO_IS_64BIT) != 0;
}

static inline bool gh_api_is_big_endian(const struct gh_hypercall_hyp_identify_resp *r)
{
	return (r->api_info & GH_API_INFO_BIG_ENDIAN) != 0;
}

static inline uint8_t gh_api_variant(const struct gh_hypercall_hyp_identify_resp *r)
{
	return (uint8_t)(r->api_info >> GH_API_INFO_VARIANT_SHIFT);
}

static inline bool gh_api_has_feature(const struct gh_hypercall_hyp_identify_resp *r,
                                      enum gh_api_feature f)
{
	return (r->flags[0] >> (unsigned int)f) & 1;
}

/**
 * struct gh_hyp_identity - what a hypervisor says about itself in hyp_identify
 * @api_version: GH_API_V1 (14 bits; higher bits are dropped)
 * @is_64bit: the 64-bit ABI (GH_API_INFO_IS_64BIT)
 * @big_endian: GH_API_INFO_BIG_ENDIAN
 * @variant: bits 63:56 of api_info
 * @features: flags[0], a set of 1 << enum gh_api_feature
 */
struct gh_hyp_identity {
	uint16_t api_version;
	bool is_64bit;
	bool big_endian;
	uint8_t variant;
	uint64_t features;
};

/*
 * The server side of hyp_identify: the answer's x0..x3 (api_info and
 * flags[0..2], in that order) for @id. Every hypervisor this project serves
 * (the simulator, the kernel test module) encodes its answer here, so the
 * decoders above read what they wrote.
 */
static inline void gh_hyp_identify_answer(const struct gh_hyp_identity *id,
                                          struct gh_hypercall_hyp_identify_resp *resp)
{
	resp->api_info = ((uint64_t)id->api_version & GH_API_INFO_API_VERSION_MASK) |
	                 (id->is_64bit ? GH_API_INFO_IS_64BIT : 0) |
	                 (id->big_endian ? GH_API_INFO_BIG_ENDIAN : 0) |
	                 ((uint64_t)id->variant << GH_API_INFO_VARIANT_SHIFT);
	resp->flags[0] = id->features;
	resp->flags[1] = 0;
	resp->flags[2] = 0;
}

/* x0..x3 of the SMCCC vendor-hypervisor UID query. */
void gh_hypercall_get_uid(uint32_t uid[4]);
/* True when the UID query answers with Gunyah's UID. */
bool gh_hypercall_is_gunyah(void);

/*
 * True when a usable Gunyah is present: its UID, API version 1, 64-bit,
 * and (when @need_vcpu) the VCPU feature. @resp, when not NULL, receives
 * hyp_identify's answer.
 */
bool gh_hypercall_probe(bool need_vcpu, struct gh_hypercall_hyp_identify_resp *resp);

/* --- doorbells ------------------------------------------------------------ */

enum gh_error gh_hypercall_bell_send(uint64_t capid, uint64_t new_flags, uint64_t *old_flags);
enum gh_error gh_hypercall_bell_set_mask(uint64_t capid, uint64_t enable_mask, uint64_t ack_mask);

/* --- message queues -------------------------------------------------------- */

#define GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH (1ULL << 0)
#define GH_MSGQ_MAX_MSG_SIZE            240

/* @buf_addr: address of the message as the hypervisor reads it. */
enum gh_error gh_hypercall_msgq_send(uint64_t capid, uint64_t size, uint64_t buf_addr,
                                     uint64_t tx_flags, bool *ready);
enum gh_error gh_hypercall_msgq_recv(uint64_t capid, uint64_t buf_addr, uint64_t size,
                                     uint64_t *recv_size, bool *ready);

/* --- proxy-scheduled vCPUs --------------------------------------------------- */

/* vcpu_run's state (x1 on return). */
enum gh_vcpu_state {
	GH_VCPU_STATE_READY = 0,                 /* time slice over; run again */
	GH_VCPU_STATE_EXPECTS_WAKEUP = 1,        /* WFI: wait for the wake-up IRQ */
	GH_VCPU_STATE_POWERED_OFF = 2,           /* off; data[0]: GH_VCPU_POWEROFF_* */
	GH_VCPU_STATE_BLOCKED = 3,               /* blocked in the hypervisor */
	GH_VCPU_STATE_ADDRSPACE_VMMIO_READ = 4,  /* data: addr, size */
	GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE = 5, /* data: addr, size, value */
	GH_VCPU_STATE_FAULT = 6,                 /* the vCPU faulted; VM is crashing */
	/* A guest access to guest RAM that its stage 2 does not permit (the
	 * Linux driver's number, v17 include/linux/gunyah.h; the open
	 * hypervisor has no such state). data[0]: the IPA, data[1]: non-zero
	 * for a write. Resumed with a gh_vmmio_action in resume_data[1]. */
	GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT = 7,
};

/* POWERED_OFF state_data[0]: the VM has stopped; the vCPU never runs again. */
#define GH_VCPU_POWEROFF_EXITED (1ULL << 0)

/*
 * vcpu_run resume_data[1] after a VMMIO or PAGE_FAULT state: how the access
 * completes. After a PAGE_FAULT, EMULATE and RETRY both re-execute the
 * access (the host has, or may have, changed what backs it) and
 * resume_data[0] and [2] must be zero.
 */
enum gh_vmmio_action {
	GH_VMMIO_ACTION_EMULATE = 0, /* done; resume_data[0] holds a read's value */
	GH_VMMIO_ACTION_RETRY = 1,   /* re-execute the access */
	GH_VMMIO_ACTION_FAULT = 2,   /* raise an abort in the guest */
};

struct gh_hypercall_vcpu_run_resp {
	uint64_t state; /* enum gh_vcpu_state, or an unknown value kept raw */
	uint64_t state_data[3];
};

/*
 * Runs the vCPU @capid until it needs the host. @resume_data is x2..x4: after
 * a VMMIO state, the read's value and the gh_vmmio_action; after a
 * PAGE_FAULT, 0 and the gh_vmmio_action; else zero. x5 is
 * always 0 (reserved). @resp is written only when GH_ERROR_OK is returned.
 */
enum gh_error gh_hypercall_vcpu_run(uint64_t capid, const uint64_t resume_data[3],
                                    struct gh_hypercall_vcpu_run_resp *resp);
/* The state a vcpu_run would return now, without running the vCPU. */
enum gh_error gh_hypercall_vcpu_run_check(uint64_t capid, struct gh_hypercall_vcpu_run_resp *resp);

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_HYPERCALL_H */
