// SPDX-License-Identifier: BSD-3-Clause
/*
 * The kernel backend: /dev/gunyah with plain ioctls, any function's handle
 * as the fd ADD_FUNCTION returns (its page, a vCPU's run page, by mmap),
 * kicks by a signal to the thread inside GH_VCPU_RUN.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <backend_internal.h>

struct dev_backend {
	struct gh_backend base;
	int fd;
};

/* The later ABIs' ADD/REMOVE_FUNCTION numbers (backend.c issues them). */
#define DESC_ADD    0x40104704U
#define DESC_REMOVE 0x40104707U

struct dev_vm {
	struct gh_backend_vm base;
	int fd;
};

struct dev_vcpu {
	struct gh_backend_vcpu base;
	int fd;
	struct gh_vcpu_run *run;
	size_t run_size;
	pthread_mutex_t lock;
	bool running;
	pthread_t runner;
};

static int neg_errno(int r)
{
	return r < 0 ? -errno : r;
}

static void dev_close(struct gh_backend *b)
{
	struct dev_backend *d = (struct dev_backend *)b;

	close(d->fd);
	free(d);
}

static int dev_create_vm(struct gh_backend *b, struct gh_backend_vm **out)
{
	struct dev_backend *d = (struct dev_backend *)b;
	struct dev_vm *v;
	int fd;

	fd = ioctl(d->fd, GH_CREATE_VM, 0);
	if (fd < 0)
		return -errno;
	v = calloc(1, sizeof(*v));
	if (!v) {
		close(fd);
		return -ENOMEM;
	}
	v->base.b = b;
	v->fd = fd;
	*out = &v->base;
	return 0;
}

static void dev_vm_release(struct gh_backend_vm *vm)
{
	struct dev_vm *v = (struct dev_vm *)vm;

	close(v->fd);
	free(v);
}

/* Wraps the fd of a function's handle: its page mapped when it has one
 * (the kernel refuses mmap of a handle without pages with -ENODEV). */
static int dev_wrap_handle(struct gh_backend *b, int fd, struct gh_backend_vcpu **out)
{
	struct dev_vcpu *c;
	long page = sysconf(_SC_PAGESIZE);
	int r;

	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->base.b = b;
	c->fd = fd;
	if (page <= 0) {
		r = -EINVAL;
		goto err;
	}
	c->run = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		if (errno != ENODEV) {
			r = -errno;
			goto err;
		}
	} else {
		c->run_size = (size_t)page;
	}
	pthread_mutex_init(&c->lock, NULL);
	*out = &c->base;
	return 0;
err:
	close(c->fd);
	free(c);
	return r;
}

static int dev_vm_ioctl(struct gh_backend_vm *vm, unsigned int cmd, const void *arg,
                        struct gh_backend_vcpu **out)
{
	struct dev_vm *v = (struct dev_vm *)vm;
	int r;

	r = neg_errno(ioctl(v->fd, cmd, arg));
	if (r <= 0 || (cmd != GH_VM_ADD_FUNCTION && cmd != DESC_ADD))
		return r < 0 ? r : 0;
	/* r is the fd of the new function's handle */
	if (!out) {
		/* Nowhere to put it: undo, as the in-process UAPI refuses. */
		close(r);
		ioctl(v->fd, cmd == DESC_ADD ? DESC_REMOVE : GH_VM_REMOVE_FUNCTION, arg);
		return -EINVAL;
	}
	return dev_wrap_handle(vm->b, r, out);
}

static struct gh_vcpu_run *dev_run_page(struct gh_backend_vcpu *vcpu)
{
	return ((struct dev_vcpu *)vcpu)->run;
}

static int dev_vcpu_run(struct gh_backend_vcpu *vcpu)
{
	struct dev_vcpu *c = (struct dev_vcpu *)vcpu;
	int r;

	pthread_mutex_lock(&c->lock);
	c->running = true;
	c->runner = pthread_self();
	pthread_mutex_unlock(&c->lock);
	r = neg_errno(ioctl(c->fd, GH_VCPU_RUN, 0));
	pthread_mutex_lock(&c->lock);
	c->running = false;
	pthread_mutex_unlock(&c->lock);
	return r;
}

static long dev_vcpu_ioctl(struct gh_backend_vcpu *vcpu, unsigned int cmd, unsigned long arg)
{
	long r = ioctl(((struct dev_vcpu *)vcpu)->fd, cmd, arg);

	return r < 0 ? -errno : r;
}

static void dev_vcpu_kick(struct gh_backend_vcpu *vcpu)
{
	struct dev_vcpu *c = (struct dev_vcpu *)vcpu;

	if (c->run)
		__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&c->lock);
	if (c->running)
		pthread_kill(c->runner, GH_BACKEND_KICK_SIGNAL);
	pthread_mutex_unlock(&c->lock);
}

static void dev_vcpu_release(struct gh_backend_vcpu *vcpu)
{
	struct dev_vcpu *c = (struct dev_vcpu *)vcpu;

	if (c->run)
		munmap(c->run, c->run_size);
	close(c->fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* v17's guest memory: GUNYAH_CREATE_GUEST_MEM's fd, mapped whole. */
#define DEV_CREATE_GUEST_MEM 0x40404708U
#define DEV_VM_MAP_MEM       0x40204709U

struct dev_gmem {
	struct gh_backend_gmem base;
	int fd;
	void *view;
	size_t size;
};

static int dev_gmem_create(struct gh_backend *b, uint64_t size, uint64_t flags,
                           struct gh_backend_gmem **out)
{
	struct {
		uint64_t flags, size, reserved[6];
	} a = { flags, size, { 0 } };
	struct dev_gmem *m;
	int fd;

	if (size > SIZE_MAX)
		return -EINVAL;
	fd = ioctl(((struct dev_backend *)b)->fd, DEV_CREATE_GUEST_MEM, &a);
	if (fd < 0)
		return -errno;
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		return -ENOMEM;
	}
	m->base.b = b;
	m->fd = fd;
	m->size = (size_t)size;
	*out = &m->base;
	return 0;
}

static void *dev_gmem_view(struct gh_backend_gmem *mem)
{
	struct dev_gmem *m = (struct dev_gmem *)mem;
	void *p;

	if (!m->view) {
		p = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
		if (p != MAP_FAILED)
			m->view = p;
	}
	return m->view;
}

static void dev_gmem_release(struct gh_backend_gmem *mem)
{
	struct dev_gmem *m = (struct dev_gmem *)mem;

	if (m->view)
		munmap(m->view, m->size);
	close(m->fd);
	free(m);
}

static int dev_vm_map_mem(struct gh_backend_vm *vm, struct gh_backend_gmem *mem,
                          const struct gh_backend_map_mem *args)
{
	struct gh_backend_map_mem a = *args;

	a.guest_mem_fd = (uint32_t)((struct dev_gmem *)mem)->fd;
	return ioctl(((struct dev_vm *)vm)->fd, DEV_VM_MAP_MEM, &a) < 0 ? -errno : 0;
}

static const struct gh_backend_ops dev_ops = {
	.name = "dev",
	.gmem_create = dev_gmem_create,
	.gmem_view = dev_gmem_view,
	.gmem_release = dev_gmem_release,
	.vm_map_mem = dev_vm_map_mem,
	.close = dev_close,
	.create_vm = dev_create_vm,
	.vm_release = dev_vm_release,
	.vm_ioctl = dev_vm_ioctl,
	.run_page = dev_run_page,
	.vcpu_run = dev_vcpu_run,
	.vcpu_kick = dev_vcpu_kick,
	.vcpu_release = dev_vcpu_release,
	.vcpu_ioctl = dev_vcpu_ioctl,
};

static void kick_handler(int sig)
{
	(void)sig;
}

int gh_backend_open_dev(const char *path, struct gh_backend **out)
{
	return gh_backend_open_dev_abi(path, GH_BACKEND_ABI_AUTO, out);
}

int gh_backend_open_dev_abi(const char *path, enum gh_backend_abi abi, struct gh_backend **out)
{
	struct sigaction sa;
	struct dev_backend *d;
	int fd;

	if (!out || abi > GH_BACKEND_ABI_ANDROID)
		return -EINVAL;
	fd = open(path ? path : "/dev/gunyah", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: the ioctl returns -EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(GH_BACKEND_KICK_SIGNAL, &sa, NULL);
	d->base.ops = &dev_ops;
	d->base.abi = abi;
	d->fd = fd;
	*out = &d->base;
	return 0;
}
