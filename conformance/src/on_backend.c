// SPDX-License-Identifier: BSD-3-Clause
/*
 * The conformance ops on a backend: a table of handles (VMs, vCPUs, guest
 * memory), each a backend object.
 */
#include <errno.h>
#include <stdlib.h>

#include <gunyah/conformance_backend.h>

/* v17's GUNYAH_VM_MAP_MEM and its argument (the backend maps by handle) */
#define MAP_MEM 0x40204709U

struct map_mem_args {
	uint64_t guest_addr;
	uint32_t flags;
	uint32_t guest_mem_fd;
	uint64_t offset;
	uint64_t size;
};

enum kind {
	FREE,
	VM,
	VCPU,
	GMEM
};

#define MAX_HANDLES 64

struct handle {
	enum kind kind;
	void *obj;
};

struct table {
	struct gh_backend *b;
	struct handle h[MAX_HANDLES];
};

static int put(struct table *t, enum kind kind, void *obj)
{
	for (int i = 0; i < MAX_HANDLES; i++) {
		if (t->h[i].kind == FREE) {
			t->h[i] = (struct handle){ kind, obj };
			return i;
		}
	}
	return -EMFILE;
}

static void *get(struct table *t, int i, enum kind kind)
{
	if (i < 0 || i >= MAX_HANDLES || t->h[i].kind != kind)
		return NULL;
	return t->h[i].obj;
}

static void drop(struct table *t, int i)
{
	struct handle *h;

	if (i < 0 || i >= MAX_HANDLES)
		return;
	h = &t->h[i];
	switch (h->kind) {
	case VM:
		gh_backend_vm_release(h->obj);
		break;
	case VCPU:
		gh_backend_vcpu_release(h->obj);
		break;
	case GMEM:
		gh_backend_gmem_release(h->obj);
		break;
	case FREE:
		break;
	}
	h->kind = FREE;
	h->obj = NULL;
}

static int create_vm(void *ctx)
{
	struct table *t = ctx;
	struct gh_backend_vm *vm;
	int ret = gh_backend_create_vm(t->b, &vm);

	if (ret)
		return ret;
	ret = put(t, VM, vm);
	if (ret < 0)
		gh_backend_vm_release(vm);
	return ret;
}

static int create_guest_mem(void *ctx, uint64_t size, uint64_t flags)
{
	struct table *t = ctx;
	struct gh_backend_gmem *m;
	int ret = gh_backend_create_guest_mem(t->b, size, flags, &m);

	if (ret)
		return ret;
	ret = put(t, GMEM, m);
	if (ret < 0)
		gh_backend_gmem_release(m);
	return ret;
}

static long vm_ioctl(struct table *t, struct gh_backend_vm *vm, unsigned int cmd, void *arg)
{
	struct gh_backend_vcpu *vcpu = NULL;
	long ret;

	if (cmd == MAP_MEM) {
		const struct map_mem_args *a = arg;
		struct gh_backend_gmem *m = get(t, (int)a->guest_mem_fd, GMEM);

		if (!m)
			return -EINVAL; /* v17: not guest memory */
		return gh_backend_vm_map_mem(vm, m, a->guest_addr, a->offset, a->size, a->flags);
	}
	ret = gh_backend_vm_ioctl(vm, cmd, arg, &vcpu);
	if (ret || !vcpu)
		return ret;
	ret = put(t, VCPU, vcpu);
	if (ret < 0)
		gh_backend_vcpu_release(vcpu);
	return ret;
}

static long handle_ioctl(void *ctx, int h, unsigned int cmd, void *arg)
{
	struct table *t = ctx;
	void *obj;

	if ((obj = get(t, h, VM)))
		return vm_ioctl(t, obj, cmd, arg);
	if ((obj = get(t, h, VCPU)))
		return gh_backend_vcpu_ioctl(obj, cmd, (unsigned long)arg);
	return -EBADF;
}

static void *run_page(void *ctx, int h, int *err)
{
	struct gh_backend_vcpu *vcpu = get(ctx, h, VCPU);
	void *page = vcpu ? gh_backend_vcpu_run_page(vcpu) : NULL;

	*err = page ? 0 : vcpu ? -ENOMEM : -EBADF;
	return page;
}

static void close_handle(void *ctx, int h)
{
	drop(ctx, h);
}

/* vCPUs first: a VM goes when its last vCPU does. */
static void finish(void *ctx)
{
	struct table *t = ctx;

	for (enum kind k = VCPU;; k = k == VCPU ? VM : GMEM) {
		for (int i = 0; i < MAX_HANDLES; i++)
			if (t->h[i].kind == k)
				drop(t, i);
		if (k == GMEM)
			break;
	}
}

int gh_conformance_backend_ops(struct gh_backend *b, struct gh_conformance_ops *ops)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->b = b;
	*ops = (struct gh_conformance_ops){
		.create_vm = create_vm,
		.create_guest_mem = create_guest_mem,
		.ioctl = handle_ioctl,
		.run_page = run_page,
		.close = close_handle,
		.finish = finish,
		.ctx = t,
	};
	return 0;
}

void gh_conformance_backend_free(struct gh_conformance_ops *ops)
{
	if (!ops || !ops->ctx)
		return;
	finish(ops->ctx);
	free(ops->ctx);
	ops->ctx = NULL;
}
