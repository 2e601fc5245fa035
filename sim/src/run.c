// SPDX-License-Identifier: BSD-3-Clause
/*
 * The vCPU fiber loop, and the host's vcpu_run and vcpu_run_check into it.
 *
 * How a vcpu_run works: the host thread takes the VM's execution lock and
 * switches to the vCPU's fiber. The fiber runs uc_emu_start() and stays in it
 * across exits: a VMMIO access suspends the fiber inside the Unicorn MMIO
 * callback (switching back to the host, which returns from vcpu_run); the
 * next vcpu_run switches back into the callback, which completes the access
 * with the host's value. A time slice ends the same way from the block hook
 * (READY). uc_emu_start() returns only for WFI, PSCI power changes, interrupt
 * injection, synchronous exceptions to the guest (gh_sim_deliver_sync) and
 * errors; with the patched Unicorn (gh_sim_stop_at_block) there is no block
 * hook, and a kick also makes it return, at a block entry.
 */
#include <stdio.h>

#include "handle_exit.h"
#include "reset.h"
#include "sim_internal.h"

void gh_sim_park(struct gh_sim_vcpu *v)
{
	v->run.faulted = false;
	gh_sim_post(v, GH_VCPU_STATE_FAULT, 0, 0, 0);
	for (;;) {
		gh_sim_yield(v);
		if (v->run.terminate) {
			uc_emu_stop(v->uc);
			return;
		}
		gh_sim_post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
	}
}

/* Before an entry into the engine: false when the fiber yielded instead
 * (powered off, or the VM has ended). */
static bool ready_to_enter(struct gh_sim_vcpu *v)
{
	struct gh_sim_vm *vm = v->vm;

	if (gh_sim_vm_has_exited(vm)) {
		if (v->run.faulted) /* this vCPU ended the VM */
			gh_sim_post(v, GH_VCPU_STATE_FAULT, 0, 0, 0);
		else
			gh_sim_post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
		v->run.faulted = false;
		gh_sim_yield(v);
		return false;
	}
	pthread_mutex_lock(&vm->lock);
	gh_sim_kick_clear(v, KICK_STOP);
	if (v->psci.power == POWER_OFF) {
		v->exec.sleeping = true;
		pthread_mutex_unlock(&vm->lock);
		gh_sim_post(v, GH_VCPU_STATE_POWERED_OFF, 0, 0, 0);
		gh_sim_yield(v);
		return false;
	}
	if (v->psci.power == POWER_ON_PENDING) {
		v->psci.power = POWER_ON;
		pthread_mutex_unlock(&vm->lock);
		gh_sim_cpu_reset(v, v->psci.on_entry, v->psci.on_ctx);
	} else {
		pthread_mutex_unlock(&vm->lock);
	}
	return true;
}

void gh_sim_vcpu_main(void *arg)
{
	struct gh_sim_vcpu *v = arg;
	struct gh_sim_vm *vm = v->vm;

	for (;;) {
		uc_err err;

		if (v->run.terminate)
			return;
		if (!ready_to_enter(v))
			continue;

		gh_sim_maybe_inject(v);
		/* without the block hook, a READY kicked before this entry is
		 * served here (the hook would at the first block) */
		if (gh_sim_stop_at_block &&
		    (__atomic_load_n(&v->exec.kick, __ATOMIC_ACQUIRE) & KICK_READY)) {
			gh_sim_serve_kicks(v);
			continue;
		}
		v->run.stop_requested = false;
		v->mmio.split_active = false;
		v->stats.engine_starts++;
		err = uc_emu_start(v->uc, gh_sim_reg_read(v, UC_ARM64_REG_PC), ~0ULL, 0, 0);
		if (v->run.terminate)
			return;
		if (v->pf.restore) {
			/* a PAGE_FAULT answered: registers back; a retry
			 * re-executes the instruction, FAULT's abort follows */
			gh_sim_page_fault_restore(v);
			if (!v->exc.pending)
				continue;
		}
		if (v->exc.pending) {
			/* a synchronous exception requested by a hook (the
			 * refused store of a data abort returns WRITE_PROT);
			 * a failed delivery ends the VM */
			if (!gh_sim_vm_has_exited(vm))
				gh_sim_deliver_sync(v);
			v->exc.pending = false;
			continue;
		}
		if (err == UC_ERR_WRITE_PROT && v->run.resume_pc_valid &&
		    !gh_sim_vm_has_exited(vm)) {
			v->run.resume_pc_valid = false;
			gh_sim_reg_write(v, UC_ARM64_REG_PC, v->run.resume_pc);
			continue;
		}
		if (err != UC_ERR_OK) {
			char what[96];

			if (gh_sim_vm_has_exited(vm))
				continue; /* a hook already ended the VM */
			snprintf(what, sizeof(what), "emulator error: %s", uc_strerror(err));
			gh_sim_crash(v, GH_SIM_CRASH_EMULATOR, gh_sim_reg_read(v, UC_ARM64_REG_PC),
			             what);
			gh_sim_park(v);
			return;
		}
		if (v->run.stop_requested || gh_sim_vm_has_exited(vm))
			continue;
		/* without the block hook: a kick stopped the engine (or came
		 * with a WFI, which may then complete at once) */
		if (gh_sim_stop_at_block && gh_sim_serve_kicks(v))
			continue;
		gh_sim_handle_wfx(v);
	}
}

/* --- the host side -------------------------------------------------------------- */

/*
 * The frames live across the switch into the fiber are few on purpose: after
 * a switch every return until the two stacks' call chains meet again is
 * mispredicted (the CPU's return stack holds the other side's calls), about
 * 9 ns each here, on both sides of every exit. So the fiber is entered from
 * this frame (gh_sim_run_fiber is inline), the hypercall backend's op jumps
 * here, and the in-process backend calls the core's RUN directly
 * (sim/README.md, "Benchmark").
 */
enum gh_error gh_sim_vcpu_run(struct gh_sim *sim, uint64_t capid, const uint64_t resume[3],
                              uint64_t x5, struct gh_hypercall_vcpu_run_resp *resp)
{
	struct gh_sim_vcpu *v = gh_sim_cap_lookup(sim, capid, GH_SIM_CAP_VCPU);
	bool timing = __atomic_load_n(&sim->timing, __ATOMIC_RELAXED);
	uint64_t t0 = 0, in_fiber = 0;
	struct gh_sim_vm *vm;

	if (!v)
		return GH_ERROR_CSPACE_CAP_NULL;
	if (x5)
		return GH_ERROR_ARG_INVAL;
	if (__atomic_exchange_n(&v->run.in_run, 1, __ATOMIC_ACQ_REL))
		return GH_ERROR_BUSY;
	if (timing)
		t0 = gh_sim_now_ns();
	vm = v->vm;
	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE)) {
		gh_sim_post(v, GH_VCPU_STATE_POWERED_OFF, 0, 0, 0);
	} else if (gh_sim_vm_has_exited(vm)) {
		/* no entry: a lease this vCPU kept goes (exec.c) */
		gh_sim_exec_lease_drop(&vm->exec, v);
		gh_sim_post(v, GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED, 0, 0);
	} else {
		if (v->mmio.pending) {
			if (resume[1] > GH_VMMIO_ACTION_FAULT) {
				gh_sim_exec_lease_drop(&vm->exec, v);
				__atomic_store_n(&v->run.in_run, 0, __ATOMIC_RELEASE);
				return GH_ERROR_ARG_INVAL;
			}
			v->mmio.pending = false;
		} else if (v->pf.pending) {
			enum gh_error e = gh_sim_page_fault_check_resume(v, resume);

			if (e != GH_ERROR_OK) {
				gh_sim_exec_lease_drop(&vm->exec, v);
				__atomic_store_n(&v->run.in_run, 0, __ATOMIC_RELEASE);
				return e;
			}
			v->pf.pending = false;
		}
		v->run.resume[0] = resume[0];
		v->run.resume[1] = resume[1];
		v->run.resume[2] = resume[2];
		if (timing) {
			uint64_t f0 = gh_sim_now_ns();

			gh_sim_run_fiber(v);
			in_fiber = gh_sim_now_ns() - f0;
			v->stats.ns_guest += in_fiber;
		} else {
			gh_sim_run_fiber(v);
		}
	}
	resp->state = v->run.exit_state;
	resp->state_data[0] = v->run.exit_data[0];
	resp->state_data[1] = v->run.exit_data[1];
	resp->state_data[2] = v->run.exit_data[2];
	if (timing)
		v->stats.ns_hypervisor += gh_sim_now_ns() - t0 - in_fiber;
	__atomic_store_n(&v->run.in_run, 0, __ATOMIC_RELEASE);
	gh_sim_vm_notify_exit(vm);
	return GH_ERROR_OK;
}

enum gh_error gh_sim_vcpu_run_check(struct gh_sim *sim, uint64_t capid, uint64_t state[4])
{
	struct gh_sim_vcpu *v = gh_sim_cap_lookup(sim, capid, GH_SIM_CAP_VCPU);
	struct gh_sim_vm *vm;

	if (!v)
		return GH_ERROR_CSPACE_CAP_NULL;
	vm = v->vm;
	state[0] = state[1] = state[2] = state[3] = 0;
	if (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE)) {
		state[0] = GH_VCPU_STATE_POWERED_OFF;
	} else if (gh_sim_vm_has_exited(vm)) {
		state[0] = GH_VCPU_STATE_POWERED_OFF;
		state[1] = GH_VCPU_POWEROFF_EXITED;
	} else {
		pthread_mutex_lock(&vm->lock);
		if (v->psci.power == POWER_OFF)
			state[0] = GH_VCPU_STATE_POWERED_OFF;
		else if (v->exec.sleeping)
			state[0] = GH_VCPU_STATE_EXPECTS_WAKEUP;
		else
			state[0] = GH_VCPU_STATE_READY;
		pthread_mutex_unlock(&vm->lock);
	}
	return GH_ERROR_OK;
}
