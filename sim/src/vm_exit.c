// SPDX-License-Identifier: BSD-3-Clause
/*
 * How a VM ends: its exit status and reason, a vCPU's crash, the host's vm_exited call.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim_internal.h"

void gh_sim_vm_end(struct gh_sim_vm *vm, uint16_t type, bool crashed, uint32_t code, uint64_t pc,
                   const char *fmt, ...)
{
	struct gh_sim_vm_exit *e = &vm->exit;
	unsigned int i;
	va_list ap;

	pthread_mutex_lock(&vm->lock);
	if (e->exited) {
		pthread_mutex_unlock(&vm->lock);
		return;
	}
	e->type = type;
	e->crashed = crashed;
	memset(e->reason, 0, sizeof(e->reason));
	if (crashed) {
		for (i = 0; i < 4; i++) {
			e->reason[i] = (uint8_t)(code >> (8 * i));
			e->reason[4 + i] = (uint8_t)(pc >> (8 * i));
		}
	}
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	__atomic_store_n(&e->exited, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&e->notify, 1, __ATOMIC_RELEASE);
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		gh_sim_kick_set(v, KICK_STOP);
		gh_sim_wake(v);
	}
	pthread_mutex_unlock(&vm->lock);
}

void gh_sim_crash(struct gh_sim_vcpu *v, uint32_t code, uint64_t pc, const char *what)
{
	if (!gh_sim_vm_has_exited(v->vm))
		v->run.faulted = true;
	gh_sim_vm_end(v->vm, GH_VM_EXIT_TYPE_HYP_ERROR, true, code, pc,
	              "vCPU %u at pc 0x%" PRIx64 ": %s", v->id, pc, what);
}

void gh_sim_vm_notify_exit(struct gh_sim_vm *vm)
{
	const struct gh_sim_host_ops *h = &vm->sim->host;
	struct gh_sim_vm_exit *e = &vm->exit;

	if (!__atomic_load_n(&e->notify, __ATOMIC_ACQUIRE) ||
	    !__atomic_exchange_n(&e->notify, 0, __ATOMIC_ACQ_REL))
		return;
	if (h->vm_exited)
		h->vm_exited(h->ctx, vm->vmid, e->type, e->crashed, e->reason, e->crashed ? 8 : 0,
		             e->text);
	/* the status itself reaches the host as the RM's VM_EXITED */
	gh_sim_rm_post_exit(vm);
}

bool gh_sim_vm_exited(struct gh_sim_vm *vm)
{
	return gh_sim_vm_has_exited(vm);
}

void gh_sim_vm_exit_status(struct gh_sim_vm *vm, uint16_t *type, bool *crashed, char *reason,
                           size_t reason_len)
{
	pthread_mutex_lock(&vm->lock);
	if (type)
		*type = vm->exit.type;
	if (crashed)
		*crashed = vm->exit.crashed;
	if (reason && reason_len)
		snprintf(reason, reason_len, "%s", vm->exit.exited ? vm->exit.text : "");
	pthread_mutex_unlock(&vm->lock);
}
