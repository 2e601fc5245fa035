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
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/os_posix.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <backend_internal.h>

#include "rm_host.h"

_Static_assert(GH_BACKEND_SIM_MAX_VCPUS == GH_SIM_MAX_VCPUS,
               "backend.h's limit is the simulator's");

struct sim_backend {
	struct gh_backend base;
	struct gh_sim *sim;
	struct gh_rm_host *rm;
	bool timing;
};

struct sim_vm {
	struct gh_backend_vm base;
	struct gh_vm *vm;
};

struct sim_vcpu {
	struct gh_backend_vcpu base;
	struct gh_vcpu *vcpu;
	struct gh_vm *vm; /* a reference: the sim VM outlives us */
	uint32_t vcpu_id;
	struct gh_os_task *runner; /* atomic: the thread inside RUN, if any */
	unsigned int kickers;      /* atomic: kicks looking at runner */
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

	gh_rm_host_destroy(be->rm);
	gh_sim_destroy(be->sim);
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
	ret = gh_vm_mgr_create(&gh_vm_rm_client_ops, gh_rm_host_client(be->rm), &v->vm);
	if (ret) {
		free(v);
		return ret;
	}
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
	struct gh_vm_function_handle *handle = NULL;
	struct gh_vm_function desc_fn;
	struct sim_vcpu *c = NULL;
	int ret;

	if (cmd == GH_VM_ADD_FUNCTION_DESC) {
		/* As the module does: the descriptor's argument read once. */
		ret = gh_vm_mgr_function_from_desc(arg, &desc_fn);
		if (ret)
			return ret;
		fn = &desc_fn;
		cmd = GH_VM_ADD_FUNCTION;
		ret = gh_vm_mgr_add_function_abi(v->vm, fn, GH_VM_FN_ABI_DESC,
		                                 out ? &handle : NULL);
	} else {
		ret = gh_vm_mgr_ioctl(v->vm, cmd, fn, out ? &handle : NULL);
	}
	if (ret || cmd != GH_VM_ADD_FUNCTION || !handle)
		return ret;
	/* a vCPU's handle, like a new vCPU fd (no other function has one) */
	if (gh_vcpu_from_handle(handle))
		c = calloc(1, sizeof(*c));
	if (!c) {
		ret = gh_vcpu_from_handle(handle) ? -ENOMEM : -EOPNOTSUPP;
		gh_vm_mgr_handle_release(handle);
		gh_vm_mgr_remove_function(v->vm, fn);
		return ret;
	}
	c->base.b = vm->b;
	c->vcpu = gh_vcpu_from_handle(handle);
	c->vm = v->vm;
	gh_vm_get(c->vm);
	c->vcpu_id = fn->vcpu.vcpu_id;
	*out = &c->base;
	return 0;
}

/* The simulator's own words for the exit; the generic ones when it has
 * none (the VM is gone, or it has not exited). */
static void sim_vm_exit_description(struct gh_backend_vm *vm, const struct gh_vm_exit_info *info,
                                    char *buf, size_t len)
{
	struct sim_vm *v = (struct sim_vm *)vm;
	struct gh_sim_vm *svm = gh_sim_vm_lookup(to_be(vm->b)->sim, gh_vm_mgr_vmid(v->vm));

	buf[0] = '\0';
	if (svm)
		gh_sim_vm_exit_status(svm, NULL, NULL, buf, len);
	if (!buf[0])
		gh_backend_describe_exit_info(info, buf, len);
}

static struct gh_vcpu_run *sim_run_page(struct gh_backend_vcpu *vcpu)
{
	return gh_vcpu_map_page(((struct sim_vcpu *)vcpu)->vcpu, 0);
}

/*
 * The calling thread's glue task, looked up once per thread: the reference
 * is held in thread-local storage and dropped when the thread exits.
 */
static pthread_key_t task_key;
static pthread_once_t task_once = PTHREAD_ONCE_INIT;
static __thread struct gh_os_task *self_task;

static void task_key_dtor(void *t)
{
	gh_os_posix_task_put(t);
}

static void task_key_init(void)
{
	pthread_key_create(&task_key, task_key_dtor);
}

static struct gh_os_task *task_self(void)
{
	struct gh_os_task *t = self_task;

	if (__builtin_expect(t != NULL, 1))
		return t;
	pthread_once(&task_once, task_key_init);
	t = gh_os_posix_task_self();
	if (t && pthread_setspecific(task_key, t)) {
		gh_os_posix_task_put(t);
		return NULL;
	}
	self_task = t;
	return t;
}

/*
 * RUN publishes its thread's task in c->runner for kicks, without a lock: a
 * kick counts itself in c->kickers before it reads runner, and RUN, after it
 * clears runner, waits until no kick is counted (sequentially consistent,
 * so a kick that read the task is seen). A task therefore stays in use only
 * while its thread is inside sim_vcpu_run, and lives as long as its thread.
 */
static int sim_vcpu_run(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;
	struct gh_os_task *self = task_self(), *none = NULL;
	bool registered;
	int ret;

	registered = self && __atomic_compare_exchange_n(&c->runner, &none, self, false,
	                                                 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	/* GH_VCPU_RUN's own function, not the ioctl switch: one frame less
	 * live across the simulator's switch into the vCPU (sim/src/run.c) */
	ret = gh_vcpu_run(c->vcpu);
	if (ret == -EINTR)
		gh_os_posix_clear_kick();
	if (registered) {
		__atomic_store_n(&c->runner, NULL, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&c->kickers, __ATOMIC_SEQ_CST))
			sched_yield();
	}
	return ret;
}

static void sim_vcpu_kick(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;
	struct sim_backend *be = to_be(vcpu->b);
	struct gh_vcpu_run *run = gh_vcpu_map_page(c->vcpu, 0);
	struct gh_os_task *t;
	struct gh_sim_vm *svm;

	__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&c->kickers, 1, __ATOMIC_SEQ_CST);
	t = __atomic_load_n(&c->runner, __ATOMIC_SEQ_CST);
	if (t)
		gh_os_posix_kick(t);
	__atomic_sub_fetch(&c->kickers, 1, __ATOMIC_SEQ_CST);
	svm = gh_sim_vm_lookup(be->sim, gh_vm_mgr_vmid(c->vm));
	if (svm)
		gh_sim_vcpu_kick(be->sim, gh_sim_vm_vcpu_capid(svm, c->vcpu_id));
}

static int sim_vcpu_times(struct gh_backend_vcpu *vcpu, struct gh_backend_vcpu_times *out)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;
	struct sim_backend *be = to_be(vcpu->b);
	struct gh_sim_vcpu_stats st;
	struct gh_sim_vm *svm;
	int ret;

	if (!be->timing)
		return -EOPNOTSUPP;
	svm = gh_sim_vm_lookup(be->sim, gh_vm_mgr_vmid(c->vm));
	if (!svm)
		return -ENODEV;
	ret = gh_sim_vcpu_stats(be->sim, gh_sim_vm_vcpu_capid(svm, c->vcpu_id), &st);
	if (ret)
		return ret;
	out->ns_guest = st.ns_guest;
	out->ns_hypervisor = st.ns_hypervisor;
	return 0;
}

static long sim_vcpu_ioctl(struct gh_backend_vcpu *vcpu, unsigned int cmd, unsigned long arg)
{
	return gh_vcpu_ioctl(((struct sim_vcpu *)vcpu)->vcpu, cmd, arg);
}

static void sim_vcpu_release(struct gh_backend_vcpu *vcpu)
{
	struct sim_vcpu *c = (struct sim_vcpu *)vcpu;

	gh_vcpu_handle_release(c->vcpu);
	gh_vm_put(c->vm);
	free(c);
}

static int sim_rm_call_stats(struct gh_backend *b, struct gh_rm_call_stat *out, size_t max)
{
	return (int)gh_rm_get_call_stats(gh_rm_host_rm(to_be(b)->rm), out, max);
}

struct sim_gmem {
	struct gh_backend_gmem base;
	struct gh_gmem *g;
};

static int sim_gmem_create(struct gh_backend *b, uint64_t size, uint64_t flags,
                           struct gh_backend_gmem **out)
{
	struct gh_gmem_create_args a = { .flags = flags, .size = size };
	struct sim_gmem *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	ret = gh_gmem_create(&a, &m->g);
	if (ret) {
		free(m);
		return ret;
	}
	m->base.b = b;
	*out = &m->base;
	return 0;
}

static void *sim_gmem_view(struct gh_backend_gmem *m)
{
	return gh_os_posix_gmem_view(gh_gmem_store(((struct sim_gmem *)m)->g));
}

static void sim_gmem_release(struct gh_backend_gmem *m)
{
	struct sim_gmem *s = (struct sim_gmem *)m;

	gh_gmem_put(s->g); /* the store lives on while VMs map it */
	free(s);
}

static int sim_vm_map_mem(struct gh_backend_vm *vm, struct gh_backend_gmem *m,
                          const struct gh_backend_map_mem *args)
{
	const struct gh_vm_map_mem a = { args->guest_addr, args->flags, 0, args->offset,
		                         args->size };

	return gh_vm_mgr_map_mem(((struct sim_vm *)vm)->vm, &a, ((struct sim_gmem *)m)->g);
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
	.vcpu_ioctl = sim_vcpu_ioctl,
	.vcpu_times = sim_vcpu_times,
	.vm_exit_description = sim_vm_exit_description,
	.rm_call_stats = sim_rm_call_stats,
	.gmem_create = sim_gmem_create,
	.gmem_view = sim_gmem_view,
	.gmem_release = sim_gmem_release,
	.vm_map_mem = sim_vm_map_mem,
};

/* The simulator's host interrupts: vCPU wake-ups and the RM's queues. */
static void host_irq(void *ctx, uint32_t irq)
{
	(void)ctx;
	gh_os_posix_irq_raise(irq); /* -ENOENT: nobody waits on it yet */
}

int gh_backend_open_sim(const struct gh_backend_sim_config *cfg, struct gh_backend **out)
{
	struct gh_sim_host_ops host = { .wakeup_irq = host_irq };
	struct sim_backend *be;
	int ret;

	if (!out || (cfg && cfg->abi > GH_BACKEND_ABI_ANDROID))
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
	be->base.abi = cfg ? cfg->abi : GH_BACKEND_ABI_AUTO;
	ret = gh_sim_create(&host, &be->sim);
	if (ret)
		goto err_be;
	ret = gh_sim_rm_configure(be->sim, cfg ? cfg->default_vcpus : 0, cfg ? cfg->doorbells : 0);
	if (!ret)
		ret = gh_sim_register(be->sim);
	if (ret)
		goto err_sim;
	/* Every VM is set up through RM RPC, as on a device. */
	ret = gh_rm_host_create(be->sim, &be->rm);
	if (ret)
		goto err_sim;
	if (cfg && cfg->timing) {
		be->timing = true;
		gh_sim_set_timing(be->sim, true);
	}
	*out = &be->base;
	return 0;
err_sim:
	gh_sim_destroy(be->sim);
err_be:
	free(be);
err:
	pthread_mutex_lock(&open_lock);
	sim_open = false;
	pthread_mutex_unlock(&open_lock);
	return ret;
}
