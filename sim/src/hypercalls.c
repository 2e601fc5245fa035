// SPDX-License-Identifier: BSD-3-Clause
/*
 * The one SMCCC dispatcher: a table of function ids for the guest's HVC/SMC and host calls.
 *
 * Both callers see the same answer for the calls both may make (the vendor
 * UID, hyp_identify); the Gunyah vCPU and doorbell calls are the host's,
 * PSCI is the guest's. A call the caller may not make, or an unknown one,
 * returns x0 = -1 (SMCCC NOT_SUPPORTED, which is GH_ERROR_UNIMPLEMENTED).
 */
#include <string.h>

#include "hypercalls.h"
#include "sim_internal.h"

_Static_assert(PSCI_NOT_SUPPORTED == GH_ERROR_UNIMPLEMENTED,
               "one answer for an unknown call, from either side");

/* What this hypervisor implements: proxy-scheduled vCPUs, doorbells and message queues. */
static const struct gh_hyp_identity sim_identity = {
	.api_version = GH_API_V1,
	.is_64bit = true,
	.features = (1ULL << GH_FEATURE_VCPU) | (1ULL << GH_FEATURE_DOORBELL) |
	            (1ULL << GH_FEATURE_MSGQUEUE),
};

enum caller {
	FROM_HOST = 1U << 0,
	FROM_GUEST = 1U << 1,
};

struct call {
	struct gh_sim *sim;
	struct gh_sim_vcpu *vcpu; /* the calling vCPU (FROM_GUEST) */
};

/* A handler fills @out and returns how many of its registers x0.. are the
 * result (0: the call does not return to its caller). */
typedef unsigned int (*smccc_fn)(const struct call *c, const struct gh_hypercall_regs *in,
                                 struct gh_hypercall_regs *out);

struct smccc_entry {
	uint32_t fid;
	unsigned int from; /* enum caller bits */
	smccc_fn fn;
};

static unsigned int call_hyp_identify(const struct call *c, const struct gh_hypercall_regs *in,
                                      struct gh_hypercall_regs *out)
{
	struct gh_hypercall_hyp_identify_resp id;

	(void)c;
	(void)in;
	gh_hyp_identify_answer(&sim_identity, &id);
	out->x[0] = id.api_info;
	out->x[1] = id.flags[0];
	out->x[2] = id.flags[1];
	out->x[3] = id.flags[2];
	return 4;
}

static unsigned int call_uid(const struct call *c, const struct gh_hypercall_regs *in,
                             struct gh_hypercall_regs *out)
{
	(void)c;
	(void)in;
	out->x[0] = GH_UID0;
	out->x[1] = GH_UID1;
	out->x[2] = GH_UID2;
	out->x[3] = GH_UID3;
	return 4;
}

static unsigned int call_vcpu_run(const struct call *c, const struct gh_hypercall_regs *in,
                                  struct gh_hypercall_regs *out)
{
	struct gh_hypercall_vcpu_run_resp r;

	out->x[0] = (uint64_t)(int64_t)gh_sim_vcpu_run(c->sim, in->x[1], &in->x[2], in->x[5], &r);
	if (out->x[0] == GH_ERROR_OK) {
		out->x[1] = r.state;
		out->x[2] = r.state_data[0];
		out->x[3] = r.state_data[1];
		out->x[4] = r.state_data[2];
	}
	return 5;
}

static unsigned int call_vcpu_run_check(const struct call *c, const struct gh_hypercall_regs *in,
                                        struct gh_hypercall_regs *out)
{
	out->x[0] = (uint64_t)(int64_t)gh_sim_vcpu_run_check(c->sim, in->x[1], &out->x[1]);
	return 5;
}

static unsigned int call_bell_send(const struct call *c, const struct gh_hypercall_regs *in,
                                   struct gh_hypercall_regs *out)
{
	struct gh_sim *sim = c->sim;
	struct gh_sim_doorbell *db;
	struct gh_sim_vm *vm = NULL;
	uint64_t old;

	pthread_mutex_lock(&sim->lock);
	db = gh_sim_cap_get_locked(sim, in->x[1], GH_SIM_CAP_DOORBELL, &vm);
	pthread_mutex_unlock(&sim->lock);
	if (!db) {
		out->x[0] = (uint64_t)(int64_t)GH_ERROR_CSPACE_CAP_NULL;
		return 1;
	}

	pthread_mutex_lock(&vm->lock);
	old = db->flags;
	db->flags |= in->x[2];
	if (in->x[2] && vm->started && !vm->exit.exited) {
		if (db->level)
			gh_sim_gic_set_line(&vm->gic, 0, db->spi, true);
		else
			gh_sim_gic_pulse(&vm->gic, db->spi);
	}
	/* The guest consumes the doorbell by handling the interrupt. */
	db->flags = 0;
	pthread_mutex_unlock(&vm->lock);
	out->x[0] = GH_ERROR_OK;
	out->x[1] = old;
	return 2;
}

/* Accepted and ignored: doorbells are edge-triggered (README). */
static unsigned int call_bell_set_mask(const struct call *c, const struct gh_hypercall_regs *in,
                                       struct gh_hypercall_regs *out)
{
	out->x[0] = (uint64_t)(int64_t)(gh_sim_cap_lookup(c->sim, in->x[1], GH_SIM_CAP_DOORBELL) ?
	                                        GH_ERROR_OK :
	                                        GH_ERROR_CSPACE_CAP_NULL);
	return 1;
}

/* The RM's queues are the host's: a guest has no msgq in its cspace. */
static unsigned int call_msgq_send(const struct call *c, const struct gh_hypercall_regs *in,
                                   struct gh_hypercall_regs *out)
{
	if (c->vcpu) {
		out->x[0] = (uint64_t)(int64_t)GH_ERROR_CSPACE_CAP_NULL;
		return 2;
	}
	out->x[0] = (uint64_t)(int64_t)gh_sim_msgq_send(c->sim, in->x[1], in->x[2], in->x[3],
	                                                in->x[4], &out->x[1]);
	return 2;
}

static unsigned int call_msgq_recv(const struct call *c, const struct gh_hypercall_regs *in,
                                   struct gh_hypercall_regs *out)
{
	if (c->vcpu) {
		out->x[0] = (uint64_t)(int64_t)GH_ERROR_CSPACE_CAP_NULL;
		return 3;
	}
	out->x[0] = (uint64_t)(int64_t)gh_sim_msgq_recv(c->sim, in->x[1], in->x[2], in->x[3],
	                                                &out->x[1], &out->x[2]);
	return 3;
}

static unsigned int call_psci(const struct call *c, const struct gh_hypercall_regs *in,
                              struct gh_hypercall_regs *out)
{
	return gh_sim_psci_call(c->vcpu, in, out);
}

static const struct smccc_entry table[] = {
	{ GH_HYPERCALL_VCPU_RUN, FROM_HOST, call_vcpu_run },
	{ GH_HYPERCALL_VCPU_RUN_CHECK, FROM_HOST, call_vcpu_run_check },
	{ GH_HYPERCALL_BELL_SEND, FROM_HOST, call_bell_send },
	{ GH_HYPERCALL_BELL_SET_MASK, FROM_HOST, call_bell_set_mask },
	{ GH_HYPERCALL_MSGQ_SEND, FROM_HOST | FROM_GUEST, call_msgq_send },
	{ GH_HYPERCALL_MSGQ_RECV, FROM_HOST | FROM_GUEST, call_msgq_recv },
	{ GH_HYPERCALL_HYP_IDENTIFY, FROM_HOST | FROM_GUEST, call_hyp_identify },
	{ GH_SMCCC_VENDOR_HYP_CALL_UID, FROM_HOST | FROM_GUEST, call_uid },
	{ SMCCC_VERSION, FROM_GUEST, call_psci },
	{ PSCI_VERSION, FROM_GUEST, call_psci },
	{ PSCI_FEATURES, FROM_GUEST, call_psci },
	{ PSCI_CPU_ON, FROM_GUEST, call_psci },
	{ PSCI_CPU_ON | PSCI_SMC64, FROM_GUEST, call_psci },
	{ PSCI_AFFINITY_INFO, FROM_GUEST, call_psci },
	{ PSCI_AFFINITY_INFO | PSCI_SMC64, FROM_GUEST, call_psci },
	{ PSCI_CPU_OFF, FROM_GUEST, call_psci },
	{ PSCI_MIGRATE_INFO_TYPE, FROM_GUEST, call_psci },
	{ PSCI_SYSTEM_OFF, FROM_GUEST, call_psci },
	{ PSCI_SYSTEM_RESET, FROM_GUEST, call_psci },
	{ PSCI_SYSTEM_RESET2, FROM_GUEST, call_psci },
	{ PSCI_SYSTEM_RESET2 | PSCI_SMC64, FROM_GUEST, call_psci },
};

/* Serves one call into @out (zeroed first): the number of result registers. */
static unsigned int dispatch(const struct call *c, unsigned int from,
                             const struct gh_hypercall_regs *in, struct gh_hypercall_regs *out)
{
	uint32_t fid = (uint32_t)in->x[0];
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].fid == fid && (table[i].from & from))
			return table[i].fn(c, in, out);
	out->x[0] = (uint64_t)(int64_t)GH_ERROR_UNIMPLEMENTED;
	return 1;
}

void gh_sim_hypercall(struct gh_sim *sim, const struct gh_hypercall_regs *in,
                      struct gh_hypercall_regs *out)
{
	const struct call c = { sim, NULL };

	dispatch(&c, FROM_HOST, in, out);
}

void gh_sim_smccc_guest(struct gh_sim_vcpu *v)
{
	const struct call c = { v->vm->sim, v };
	struct gh_hypercall_regs in = { { 0 } }, out;
	unsigned int i, n;

	for (i = 0; i < 4; i++)
		in.x[i] = gh_sim_reg_read(v, gh_sim_xreg_id(i));
	n = dispatch(&c, FROM_GUEST, &in, &out);
	for (i = 0; i < n; i++)
		gh_sim_reg_write(v, gh_sim_xreg_id(i), out.x[i]);
}

/* --- the hypercall backend ---------------------------------------------------- */

static void backend_call(void *ctx, const struct gh_hypercall_regs *in,
                         struct gh_hypercall_regs *out)
{
	gh_sim_hypercall(ctx, in, out);
}

/* The same vcpu_run as through backend_call, minus the register copies; a
 * jump, no frame of its own (run.c says why that matters). */
static enum gh_error backend_vcpu_run(void *ctx, uint64_t capid, const uint64_t resume[3],
                                      struct gh_hypercall_vcpu_run_resp *resp)
{
	return gh_sim_vcpu_run(ctx, capid, resume, 0, resp);
}

void gh_sim_hypercall_backend_init(struct gh_sim *sim)
{
	sim->be.name = "gunyah-sim";
	sim->be.call = backend_call;
	sim->be.vcpu_run = backend_vcpu_run;
	sim->be.ctx = sim;
}
