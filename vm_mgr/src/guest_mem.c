// SPDX-License-Identifier: BSD-3-Clause
/*
 * Guest memory, the object behind v17's guest-memory file: a store the OS
 * owns (gh_os_gmem_*), its size and flags, and the ranges of it that VMs
 * have mapped (bindings), so that a page goes to one VM only. How a mapping
 * becomes a region of a VM and a parcel at start is vm_mgr.c's
 * (gh_vm_mgr_map_mem()).
 */
#include "vm_mgr_internal.h"

struct gh_gmem_binding {
	struct gh_gmem_binding *next;
	const struct gh_vm *vm;
	uint64_t off;
	uint64_t size;
};

struct gh_gmem {
	struct gh_os_ref ref;
	struct gh_os_gmem *store;
	uint64_t size;
	uint64_t flags;
	struct gh_os_mutex *lock; /* bindings */
	struct gh_gmem_binding *bindings;
};

int gh_gmem_create(const struct gh_gmem_create_args *args, struct gh_gmem **out)
{
	uint64_t page = gh_os_page_size();
	struct gh_gmem *g;
	int ret;

	if (!args || !out)
		return -EFAULT;
	if (args->flags & ~(GH_GMEM_CLOEXEC | GH_GMEM_ALLOW_HUGEPAGE))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(args->reserved) / sizeof(args->reserved[0]); i++)
		if (args->reserved[i])
			return -EINVAL;
	if (!args->size || (args->size & (page - 1)))
		return -EINVAL;
	g = gh_os_zalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->lock = gh_os_mutex_alloc();
	if (!g->lock) {
		ret = -ENOMEM;
		goto err;
	}
	ret = gh_os_gmem_create(args->size, args->flags & GH_GMEM_ALLOW_HUGEPAGE, &g->store);
	if (ret)
		goto err;
	g->size = args->size;
	g->flags = args->flags;
	gh_os_ref_init(&g->ref);
	*out = g;
	return 0;
err:
	gh_os_mutex_free(g->lock);
	gh_os_free(g);
	return ret;
}

void gh_gmem_get(struct gh_gmem *g)
{
	gh_os_ref_get(&g->ref);
}

void gh_gmem_put(struct gh_gmem *g)
{
	if (!g || !gh_os_ref_put(&g->ref))
		return;
	/* Every binding holds a reference: none is left. */
	gh_os_gmem_destroy(g->store);
	gh_os_mutex_free(g->lock);
	gh_os_free(g);
}

uint64_t gh_gmem_size(const struct gh_gmem *g)
{
	return g->size;
}

uint64_t gh_gmem_flags(const struct gh_gmem *g)
{
	return g->flags;
}

struct gh_os_gmem *gh_gmem_store(struct gh_gmem *g)
{
	return g->store;
}

int gh_gmem_bind(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size)
{
	struct gh_gmem_binding *b, *o;
	int ret = 0;

	if (off >= g->size || size > g->size - off)
		return -EINVAL;
	b = gh_os_zalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->vm = vm;
	b->off = off;
	b->size = size;
	gh_os_mutex_lock(g->lock);
	for (o = g->bindings; o; o = o->next) {
		if (off < o->off + o->size && o->off < off + size) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret) {
		b->next = g->bindings;
		g->bindings = b;
		gh_gmem_get(g);
	}
	gh_os_mutex_unlock(g->lock);
	if (ret)
		gh_os_free(b);
	return ret;
}

/* g->lock held: where @vm's binding of exactly [@off, @off + @size) is
 * linked, or NULL. */
static struct gh_gmem_binding **binding_of(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off,
                                           uint64_t size)
{
	struct gh_gmem_binding **pp;

	for (pp = &g->bindings; *pp; pp = &(*pp)->next)
		if ((*pp)->vm == vm && (*pp)->off == off && (*pp)->size == size)
			return pp;
	return NULL;
}

void gh_gmem_unbind(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size)
{
	struct gh_gmem_binding **pp, *b = NULL;

	gh_os_mutex_lock(g->lock);
	pp = binding_of(g, vm, off, size);
	if (pp) {
		b = *pp;
		*pp = b->next;
	}
	gh_os_mutex_unlock(g->lock);
	if (b) {
		gh_os_free(b);
		gh_gmem_put(g);
	}
}

/* Shrinks @vm's binding of [@off, @off + @size) to [@new_off, @new_off +
 * @new_size), a part of it (so nothing else can overlap). */
void gh_gmem_trim(struct gh_gmem *g, const struct gh_vm *vm, uint64_t off, uint64_t size,
                  uint64_t new_off, uint64_t new_size)
{
	struct gh_gmem_binding **pp;

	gh_os_mutex_lock(g->lock);
	pp = binding_of(g, vm, off, size);
	if (pp) {
		(*pp)->off = new_off;
		(*pp)->size = new_size;
	}
	gh_os_mutex_unlock(g->lock);
}
