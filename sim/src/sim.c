// SPDX-License-Identifier: BSD-3-Clause
/*
 * Lifetime: creating and destroying the simulator and its VMs, registration, kicks, stats.
 *
 * The rest of the simulator, one concern per file (sim/README.md lists them):
 * VM configuration in vm.c, the hypercall dispatcher in hypercalls.c, the
 * fiber loop in run.c, the engine in reset.c, traps in handle_exit.c, MMIO
 * in mmio.c, the GIC model in gic.c behind vgic.c.
 */
#include <stdlib.h>

#include "hypercalls.h"
#include "sim_internal.h"
#include "vgic.h"

int gh_sim_create(const struct gh_sim_host_ops *host, struct gh_sim **out)
{
	struct gh_sim *sim;

	if (!out)
		return -EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	if (host)
		sim->host = *host;
	gh_sim_hypercall_backend_init(sim);
	gh_sim_exec_probe();
	sim->next_vmid = 1;
	sim->next_irq = GH_SIM_IRQ_BASE;
	pthread_mutex_init(&sim->lock, NULL);
	if (gh_sim_ticker_start(sim)) {
		pthread_mutex_destroy(&sim->lock);
		free(sim);
		return -ENOMEM;
	}
	if (gh_sim_rm_start(sim)) {
		gh_sim_ticker_stop(sim);
		pthread_mutex_destroy(&sim->lock);
		free(sim);
		return -ENOMEM;
	}
	*out = sim;
	return 0;
}

void gh_sim_destroy(struct gh_sim *sim)
{
	unsigned int i;

	if (!sim)
		return;
	gh_sim_unregister(sim);
	gh_sim_rm_stop(sim);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i])
			gh_sim_vm_destroy(sim->vms[i]);
	gh_sim_ticker_stop(sim);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
}

const struct gh_hypercall_backend *gh_sim_backend(struct gh_sim *sim)
{
	return &sim->be;
}

int gh_sim_register(struct gh_sim *sim)
{
	int ret = gh_hypercall_register_backend(&sim->be);

	if (!ret)
		sim->registered = true;
	return ret;
}

void gh_sim_unregister(struct gh_sim *sim)
{
	if (sim->registered)
		gh_hypercall_unregister_backend(&sim->be);
	sim->registered = false;
}

int gh_sim_vm_create(struct gh_sim *sim, struct gh_sim_vm **out)
{
	struct gh_sim_vm *vm;
	unsigned int i;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->sim = sim;
	pthread_mutex_init(&vm->lock, NULL);
	gh_sim_exec_init(&vm->exec);
	gh_sim_vgic_init(vm);
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (!sim->vms[i])
			break;
	if (i == GH_SIM_MAX_VMS) {
		pthread_mutex_unlock(&sim->lock);
		gh_sim_exec_destroy(&vm->exec);
		pthread_mutex_destroy(&vm->lock);
		free(vm);
		return -ENOSPC;
	}
	vm->vmid = sim->next_vmid++;
	if (!sim->next_vmid)
		sim->next_vmid = 1;
	if (vm->vmid == GH_SIM_RM_HOST_VMID) /* the host's, never a guest's */
		vm->vmid = sim->next_vmid++;
	sim->vms[i] = vm;
	pthread_mutex_unlock(&sim->lock);
	*out = vm;
	return 0;
}

struct gh_sim_vm *gh_sim_vm_lookup(struct gh_sim *sim, uint16_t vmid)
{
	struct gh_sim_vm *vm = NULL;
	unsigned int i;

	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i] && sim->vms[i]->vmid == vmid)
			vm = sim->vms[i];
	pthread_mutex_unlock(&sim->lock);
	return vm;
}

uint16_t gh_sim_vm_id(const struct gh_sim_vm *vm)
{
	return vm->vmid;
}

void gh_sim_vm_destroy(struct gh_sim_vm *vm)
{
	struct gh_sim *sim = vm->sim;
	unsigned int i;

	if (vm->started)
		gh_sim_vm_stop(vm);
	/* no RUN is left to take back a lease: the fibers below need the lock */
	gh_sim_exec_lease_drop(&vm->exec, NULL);
	pthread_mutex_lock(&sim->lock);
	gh_sim_cap_release_vm(sim, vm);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i] == vm)
			sim->vms[i] = NULL;
	pthread_mutex_unlock(&sim->lock);

	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		struct gh_sim_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		/* Let a fiber that is suspended inside Unicorn unwind. */
		if (v->fiber.stack && v->fiber.sp && !v->fiber.finished && v->fiber.host_sp) {
			v->run.terminate = true;
			gh_sim_kick_set(v, KICK_STOP);
			gh_sim_run_fiber(v);
		}
		gh_sim_fiber_destroy(&v->fiber);
		if (v->uc)
			uc_close(v->uc);
		free(v);
	}
	gh_sim_exec_destroy(&vm->exec);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

int gh_sim_vcpu_kick(struct gh_sim *sim, uint64_t capid)
{
	struct gh_sim_vcpu *v = gh_sim_cap_lookup(sim, capid, GH_SIM_CAP_VCPU);

	if (!v)
		return -ENOENT;
	gh_sim_kick_set(v, KICK_READY);
	return 0;
}

void gh_sim_set_timing(struct gh_sim *sim, bool on)
{
	__atomic_store_n(&sim->timing, on, __ATOMIC_RELAXED);
}

int gh_sim_vcpu_stats(struct gh_sim *sim, uint64_t capid, struct gh_sim_vcpu_stats *out)
{
	struct gh_sim_vcpu *v = gh_sim_cap_lookup(sim, capid, GH_SIM_CAP_VCPU);

	if (!v)
		return -ENOENT;
	*out = v->stats;
	out->lock_taken_back = __atomic_load_n(&v->exec.taken_back, __ATOMIC_RELAXED);
	out->spin_yields = __atomic_load_n(&v->exec.spin_yields, __ATOMIC_RELAXED);
	return 0;
}
