// SPDX-License-Identifier: BSD-3-Clause
/*
 * The in-process UAPI: the vm_mgr and vcpu cores, unchanged, on the POSIX OS
 * glue, with the simulator as hypervisor and resource manager.
 *
 * A kick is what a signal to the vCPU thread is for the kernel: the thread's
 * glue task is kicked (gh_os_signal_pending() becomes true for it, a wait for
 * a wake-up returns -EINTR), and the simulated vCPU ends its time slice at
 * once so that a guest spinning in a loop returns to the run loop, which then
 * sees the pending "signal" and returns -EINTR. The thread's pending flag is
 * cleared when RUN returns -EINTR (the signal has been delivered).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/os_posix.h>
#include <gunyah/sim_rm.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <backend_internal.h>

struct sim_backend {
	struct gh_backend base;
	struct gh_sim_rm *rm;
};

struct sim_vm {
	struct gh_backend_vm base;
	struct gh_vm *vm;
};

struct sim_vcpu {
	struct gh_backend_vcpu base;
	struct gh_vcpu *vcpu;
	struct gh_vm *vm;		/* a reference: the sim VM outlives us */
	uint32_t vcpu_id;
	pthread_mutex_t lock;
	struct gh_os_task *runner;	/* the thread inside RUN, if any */
};

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static bool sim_open;

static struct sim_backend *to_be(struct gh_backend *b)
{
	return (struct sim_backend *)b;
}

static void sim_close(struct gh_backend *b)
{
	struct sim_backend *be = to_be(b);

	gh_sim_rm_destroy(be->rm);
	free(be);
	pthread_mutex_lock(&open_lock);
	sim_open = false;
	pthread_mutex_unlock(&open_lock);
}

static int sim_create_vm(struct gh_backend *b, struct gh_backend_vm **out)
{
	struct sim_backend *be = to_be(b);
	struct sim_vm *v;
	int ret;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->base.b = b;
	ret = gh_vm_mgr_create(gh_sim_rm_ops(), be->rm, &v->vm);
	if (ret) {
		free(v);
		return ret;
	}
	gh_sim_rm_bind(be->rm, v->vm);
	*out = &v->base;
	return 0;
}

static void sim_vm_release(struct gh_backend_vm *vm)
{
	struct sim_vm *v = (struct sim_vm *)vm;

	gh_vm_put(v->vm);
	free(v);
}

static int sim_vm_ioctl(struct gh_backend_vm *vm, unsigned int cmd, const void *arg,
			struct gh_backend_vcpu **out)
{
	struct sim_vm *v = (struct sim_vm *)vm;
	const struct gh_vm_function *fn = arg;
	struct sim_vcpu *c;
	void *handle = NULL;
	int ret;

	ret = gh_vm_mgr_ioctl(v->vm, cmd, arg, &handle);
	if (ret || cmd != GH_VM_ADD_FUNCTION || !handle)
		return ret;
	/* a vCPU: the handle is the struct gh_vcpu, like a new vCPU fd */
	c = calloc(1, sizeof(*c));
	if (!c) {
		struct gh_vm_function rm;

		memset(&rm, 0, sizeof(rm));
		memcpy(rm.name, fn->name, sizeof(rm.name));
		rm.vcpu = fn->vcpu;
		gh_vcpu_handle_release(handle);
		gh_vm_mgr_remove_function(v->vm, &rm);
		return -ENOMEM;
	}
	c->base.b = vm->b;
	c->vcpu = handle;
	c->vm = v->vm;
	gh_vm_get(c->vm);
	c->vcpu_id = fn->vcpu.vcpu_id;
	pthread_mutex_init(&c->lock, NULL);
	*out = &c->base;
	return 0;
}

static struct gh_vcpu_run *sim_run_page(struct gh_backend_vcpu *vcpu)
{
	return gh_vcpu_map_page(((struct sim_vcpu *)vcpu)->vcpu, 0);
}

static int sim_vcpu_run(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;
	struct gh_os_task *self = gh_os_posix_task_self();
	int ret;

	pthread_mutex_lock(&c->lock);
	if (!c->runner) {
		c->runner = self;
		self = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	ret = gh_vcpu_ioctl(c->vcpu, GH_VCPU_RUN, 0);
	if (ret == -EINTR)
		gh_os_posix_clear_kick();
	pthread_mutex_lock(&c->lock);
	if (!self) {
		self = c->runner;
		c->runner = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	gh_os_posix_task_put(self);
	return ret;
}

static void sim_vcpu_kick(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;
	struct sim_backend *be = to_be(vcpu->b);
	struct gh_vcpu_run *run = gh_vcpu_map_page(c->vcpu, 0);
	struct gh_sim_vm *svm;

	__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&c->lock);
	if (c->runner)
		gh_os_posix_kick(c->runner);
	pthread_mutex_unlock(&c->lock);
	svm = gh_sim_rm_vm(be->rm, gh_vm_mgr_vmid(c->vm));
	if (svm)
		gh_sim_vcpu_kick(gh_sim_rm_sim(be->rm), gh_sim_vm_vcpu_capid(svm, c->vcpu_id));
}

static void sim_vcpu_release(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;

	gh_vcpu_handle_release(c->vcpu);
	gh_vm_put(c->vm);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static const struct gh_backend_ops sim_ops = {
	.name = "sim",
	.close = sim_close,
	.create_vm = sim_create_vm,
	.vm_release = sim_vm_release,
	.vm_ioctl = sim_vm_ioctl,
	.run_page = sim_run_page,
	.vcpu_run = sim_vcpu_run,
	.vcpu_kick = sim_vcpu_kick,
	.vcpu_release = sim_vcpu_release,
};

int gh_backend_open_sim(const struct gh_backend_sim_config *cfg, struct gh_backend **out)
{
	struct gh_sim_rm_config rc = { 0, 0 };
	struct sim_backend *be;
	int ret;

	if (!out)
		return -EINVAL;
	pthread_mutex_lock(&open_lock);
	if (sim_open) {
		pthread_mutex_unlock(&open_lock);
		return -EBUSY;
	}
	sim_open = true;
	pthread_mutex_unlock(&open_lock);

	ret = gh_vcpu_register_function();
	if (ret)
		goto err;
	be = calloc(1, sizeof(*be));
	if (!be) {
		ret = -ENOMEM;
		goto err;
	}
	be->base.ops = &sim_ops;
	if (cfg) {
		rc.default_vcpus = cfg->default_vcpus;
		rc.doorbells = cfg->doorbells;
	}
	ret = gh_sim_rm_create(&rc, &be->rm);
	if (ret) {
		free(be);
		goto err;
	}
	*out = &be->base;
	return 0;
err:
	pthread_mutex_lock(&open_lock);
	sim_open = false;
	pthread_mutex_unlock(&open_lock);
	return ret;
}
