// SPDX-License-Identifier: BSD-3-Clause
/*
 * Typed Gunyah hypercalls on top of one register-level transport.
 */
#include <gunyah/hypercall.h>

#include "errno_compat.h"
#include "transport.h"

static const struct gh_hypercall_backend *registered;

int gh_hypercall_register_backend(const struct gh_hypercall_backend *be)
{
	const struct gh_hypercall_backend *expected = NULL;

	if (!be || !be->call)
		return -EINVAL;
	if (!__atomic_compare_exchange_n(&registered, &expected, be, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE))
		return -EBUSY;
	return 0;
}

int gh_hypercall_unregister_backend(const struct gh_hypercall_backend *be)
{
	const struct gh_hypercall_backend *expected = be;

	if (!be || !__atomic_compare_exchange_n(&registered, &expected, NULL, false,
	                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -ENOENT;
	return 0;
}

const struct gh_hypercall_backend *gh_hypercall_current_backend(void)
{
	return __atomic_load_n(&registered, __ATOMIC_ACQUIRE);
}

void gh_hypercall_raw(const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	const struct gh_hypercall_backend *be = gh_hypercall_current_backend();

	__builtin_memset(out, 0, sizeof(*out));
	if (be) {
		be->call(be->ctx, in, out);
		return;
	}
	if (gh_hypercall_native(in, out))
		return;
	/* No hypervisor: what SMCCC says an unknown function returns. */
	out->x[0] = (uint64_t)(int64_t)GH_ERROR_UNIMPLEMENTED;
}

/* x0 is 64 bits; an error is whatever signed value the hypervisor put there. */
static enum gh_error to_error(uint64_t x0)
{
	int64_t v = (int64_t)x0;

	if (v < -0x7fffffffLL || v > 0x7fffffffLL)
		return GH_ERROR__RANGE_MAX; /* unknown; gh_remap_error -> -EIO */
	return (enum gh_error)(int)v;
}

static void call(uint32_t fn, struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	in->x[0] = fn;
	gh_hypercall_raw(in, out);
}

void gh_hypercall_hyp_identify(struct gh_hypercall_hyp_identify_resp *resp)
{
	struct gh_hypercall_regs in = { { 0 } }, out;

	call(GH_HYPERCALL_HYP_IDENTIFY, &in, &out);
	resp->api_info = out.x[0];
	resp->flags[0] = out.x[1];
	resp->flags[1] = out.x[2];
	resp->flags[2] = out.x[3];
}

void gh_hypercall_get_uid(uint32_t uid[4])
{
	struct gh_hypercall_regs in = { { 0 } }, out;

	call(GH_SMCCC_VENDOR_HYP_CALL_UID, &in, &out);
	for (int i = 0; i < 4; i++)
		uid[i] = (uint32_t)out.x[i];
}

bool gh_hypercall_is_gunyah(void)
{
	uint32_t uid[4];

	gh_hypercall_get_uid(uid);
	return uid[0] == GH_UID0 && uid[1] == GH_UID1 && uid[2] == GH_UID2 && uid[3] == GH_UID3;
}

bool gh_hypercall_probe(bool need_vcpu, struct gh_hypercall_hyp_identify_resp *resp)
{
	struct gh_hypercall_hyp_identify_resp id;

	if (!gh_hypercall_is_gunyah())
		return false;
	gh_hypercall_hyp_identify(&id);
	if (resp)
		*resp = id;
	if (gh_api_version(&id) != GH_API_V1 || !gh_api_is_64bit(&id))
		return false;
	return !need_vcpu || gh_api_has_feature(&id, GH_FEATURE_VCPU);
}

enum gh_error gh_hypercall_bell_send(uint64_t capid, uint64_t new_flags, uint64_t *old_flags)
{
	struct gh_hypercall_regs in = { { 0 } }, out;
	enum gh_error err;

	in.x[1] = capid;
	in.x[2] = new_flags;
	call(GH_HYPERCALL_BELL_SEND, &in, &out);
	err = to_error(out.x[0]);
	if (err == GH_ERROR_OK && old_flags)
		*old_flags = out.x[1];
	return err;
}

enum gh_error gh_hypercall_bell_set_mask(uint64_t capid, uint64_t enable_mask, uint64_t ack_mask)
{
	struct gh_hypercall_regs in = { { 0 } }, out;

	in.x[1] = capid;
	in.x[2] = enable_mask;
	in.x[3] = ack_mask;
	call(GH_HYPERCALL_BELL_SET_MASK, &in, &out);
	return to_error(out.x[0]);
}

enum gh_error gh_hypercall_msgq_send(uint64_t capid, uint64_t size, uint64_t buf_addr,
                                     uint64_t tx_flags, bool *ready)
{
	struct gh_hypercall_regs in = { { 0 } }, out;
	enum gh_error err;

	in.x[1] = capid;
	in.x[2] = size;
	in.x[3] = buf_addr;
	in.x[4] = tx_flags;
	call(GH_HYPERCALL_MSGQ_SEND, &in, &out);
	err = to_error(out.x[0]);
	if (err == GH_ERROR_OK && ready)
		*ready = out.x[1] != 0;
	return err;
}

enum gh_error gh_hypercall_msgq_recv(uint64_t capid, uint64_t buf_addr, uint64_t size,
                                     uint64_t *recv_size, bool *ready)
{
	struct gh_hypercall_regs in = { { 0 } }, out;
	enum gh_error err;

	in.x[1] = capid;
	in.x[2] = buf_addr;
	in.x[3] = size;
	call(GH_HYPERCALL_MSGQ_RECV, &in, &out);
	err = to_error(out.x[0]);
	if (err == GH_ERROR_OK) {
		/* Never report more than the buffer holds, whatever came back. */
		if (recv_size)
			*recv_size = out.x[1] > size ? size : out.x[1];
		if (ready)
			*ready = out.x[2] != 0;
	}
	return err;
}

static enum gh_error vcpu_run_call(uint32_t fn, uint64_t capid, const uint64_t resume[3],
                                   struct gh_hypercall_vcpu_run_resp *resp)
{
	struct gh_hypercall_regs in = { { 0 } }, out;
	enum gh_error err;

	in.x[1] = capid;
	if (resume) {
		in.x[2] = resume[0];
		in.x[3] = resume[1];
		in.x[4] = resume[2];
	}
	in.x[5] = 0; /* reserved; Gunyah requires zero */
	call(fn, &in, &out);
	err = to_error(out.x[0]);
	if (err == GH_ERROR_OK) {
		resp->state = out.x[1];
		resp->state_data[0] = out.x[2];
		resp->state_data[1] = out.x[3];
		resp->state_data[2] = out.x[4];
	}
	return err;
}

enum gh_error gh_hypercall_vcpu_run(uint64_t capid, const uint64_t resume_data[3],
                                    struct gh_hypercall_vcpu_run_resp *resp)
{
	const struct gh_hypercall_backend *be = gh_hypercall_current_backend();

	/* The same call, without marshalling 18 registers each way. */
	if (be && be->vcpu_run) {
		static const uint64_t none[3] = { 0, 0, 0 };

		return be->vcpu_run(be->ctx, capid, resume_data ? resume_data : none, resp);
	}
	return vcpu_run_call(GH_HYPERCALL_VCPU_RUN, capid, resume_data, resp);
}

enum gh_error gh_hypercall_vcpu_run_check(uint64_t capid, struct gh_hypercall_vcpu_run_resp *resp)
{
	return vcpu_run_call(GH_HYPERCALL_VCPU_RUN_CHECK, capid, NULL, resp);
}
