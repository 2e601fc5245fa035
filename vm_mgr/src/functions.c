// SPDX-License-Identifier: BSD-3-Clause
/*
 * VM functions: the type registry, GH_VM_ADD/REMOVE_FUNCTION validation, and
 * the built-in "irqfd" and "ioeventfd" types with the in-kernel MMIO write path.
 */
#include "vm_mgr_internal.h"

/* --- registry ----------------------------------------------------------------------- */

#define GH_VM_MAX_FN_TYPES	8

static const struct gh_vm_function_type gh_irqfd_type;
static const struct gh_vm_function_type gh_ioeventfd_type;

/* Extra types (e.g. "vcpu"); lock-free: slots are claimed with a CAS. */
static const void *fn_types[GH_VM_MAX_FN_TYPES];	/* const struct gh_vm_function_type * */

static bool name_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct gh_vm_function_type *gh_vm_fn_lookup(const char *name)
{
	if (name_eq(name, gh_irqfd_type.name))
		return &gh_irqfd_type;
	if (name_eq(name, gh_ioeventfd_type.name))
		return &gh_ioeventfd_type;
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++) {
		const struct gh_vm_function_type *t = gh_os_ptr_load_acquire(&fn_types[i]);

		if (t && name_eq(name, t->name))
			return t;
	}
	return NULL;
}

int gh_vm_mgr_register_function_type(const struct gh_vm_function_type *type)
{
	if (!type || !type->name || !type->bind || !type->unbind || !type->matches ||
	    type->arg_size > GUNYAH_FUNCTION_MAX_ARG_SIZE)
		return -EINVAL;
	if (gh_vm_fn_lookup(type->name))
		return -EEXIST;
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++) {
		const struct gh_vm_function_type *expected = gh_os_ptr_cmpxchg(&fn_types[i], NULL,
										 type);

		if (!expected)
			return 0;
		if (name_eq(expected->name, type->name))
			return -EEXIST;
	}
	return -ENOSPC;
}

void gh_vm_mgr_unregister_function_type(const struct gh_vm_function_type *type)
{
	for (size_t i = 0; i < GH_VM_MAX_FN_TYPES; i++)
		gh_os_ptr_cmpxchg(&fn_types[i], type, NULL);
}

/* --- validation ------------------------------------------------------------------------ */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
}

/* Name and argument checks shared by add and remove; the type in *out. */
static int fn_validate(const struct gh_vm_function *fn, const struct gh_vm_function_type **out)
{
	const struct gh_vm_function_type *type;
	size_t len = 0;

	while (len < GUNYAH_FUNCTION_NAME_SIZE && fn->name[len])
		len++;
	if (len == 0 || len == GUNYAH_FUNCTION_NAME_SIZE)
		return -EINVAL;
	if (!all_zero(fn->name + len, GUNYAH_FUNCTION_NAME_SIZE - len))
		return -EINVAL;
	type = gh_vm_fn_lookup(fn->name);
	if (!type)
		return -ENOENT;
	if (!all_zero(fn->data + type->arg_size, GUNYAH_FUNCTION_MAX_ARG_SIZE - type->arg_size))
		return -EINVAL;
	if (type->validate) {
		int ret = type->validate(fn->data);

		if (ret)
			return ret;
	}
	*out = type;
	return 0;
}

int gh_vm_mgr_add_function(struct gh_vm *vm, const struct gh_vm_function *fn, void **handle)
{
	const struct gh_vm_function_type *type;
	struct gh_vm_function_instance *inst, *o;
	void *h = NULL;
	int ret;

	if (handle)
		*handle = NULL;
	if (!fn)
		return -EFAULT;
	ret = fn_validate(fn, &type);
	if (ret)
		return ret;
	inst = gh_os_zalloc(sizeof(*inst));
	if (!inst)
		return -ENOMEM;
	inst->type = type;
	inst->vm = vm;
	__builtin_memcpy(inst->arg, fn->data, type->arg_size);

	gh_os_mutex_lock(vm->fn_lock);
	for (o = vm->functions; o; o = o->next) {
		if (o->type != type)
			continue;
		ret = type->conflicts ? type->conflicts(o, inst->arg) : 0;
		if (ret)
			goto err_unlock;
	}
	ret = type->bind(inst, &h);
	if (ret)
		goto err_unlock;
	inst->next = vm->functions;
	vm->functions = inst;
	gh_os_mutex_unlock(vm->fn_lock);

	if (handle)
		*handle = h;
	return 0;

err_unlock:
	gh_os_mutex_unlock(vm->fn_lock);
	gh_os_free(inst);
	return ret;
}

int gh_vm_mgr_remove_function(struct gh_vm *vm, const struct gh_vm_function *fn)
{
	const struct gh_vm_function_type *type;
	struct gh_vm_function_instance **pp, *inst = NULL;
	int ret;

	if (!fn)
		return -EFAULT;
	ret = fn_validate(fn, &type);
	if (ret)
		return ret;
	gh_os_mutex_lock(vm->fn_lock);
	for (pp = &vm->functions; *pp; pp = &(*pp)->next) {
		if ((*pp)->type == type && type->matches(*pp, fn->data)) {
			inst = *pp;
			*pp = inst->next;
			break;
		}
	}
	if (inst)
		type->unbind(inst);
	gh_os_mutex_unlock(vm->fn_lock);
	if (!inst)
		return -ENOENT;
	gh_os_free(inst);
	return 0;
}

void gh_vm_fn_release_all(struct gh_vm *vm)
{
	struct gh_vm_function_instance *inst, *next;

	gh_os_mutex_lock(vm->fn_lock);
	inst = vm->functions;
	vm->functions = NULL;
	for (; inst; inst = next) {
		next = inst->next;
		inst->type->unbind(inst);
		gh_os_free(inst);
	}
	gh_os_mutex_unlock(vm->fn_lock);
}

/* --- irqfd ----------------------------------------------------------------------------- */

struct gh_irqfd {
	struct gh_vm_resource_ticket ticket;
	struct gh_os_eventfd *ev;
	struct gh_os_eventfd_watch *watch;
	struct gh_os_mutex *lock;	/* capid, populated */
	bool populated;
	bool level;
	uint64_t capid;
};

static void irqfd_signalled(void *arg)
{
	struct gh_irqfd *irqfd = arg;
	enum gh_error err;

	gh_os_mutex_lock(irqfd->lock);
	if (!irqfd->populated) {
		gh_os_mutex_unlock(irqfd->lock);
		gh_os_warn_ratelimited("irqfd %u: signalled before its doorbell exists",
				       irqfd->ticket.label);
		return;
	}
	err = gh_hypercall_bell_send(irqfd->capid, 1, NULL);
	gh_os_mutex_unlock(irqfd->lock);
	if (err != GH_ERROR_OK)
		gh_os_warn_ratelimited("irqfd %u: bell_send failed: %d", irqfd->ticket.label,
				       gh_remap_error(err));
}

static int irqfd_populate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_irqfd *irqfd = gh_container_of(t, struct gh_irqfd, ticket);
	enum gh_error err;

	gh_os_mutex_lock(irqfd->lock);
	irqfd->capid = res->capid;
	irqfd->populated = true;
	if (irqfd->level) {
		/* Level: the bell asserts on bit 0 and the guest's ack clears it. */
		err = gh_hypercall_bell_set_mask(irqfd->capid, 1, 1);
		if (err != GH_ERROR_OK)
			gh_os_warn_ratelimited("irqfd %u: cannot make it level-triggered: %d",
					       t->label, gh_remap_error(err));
	}
	gh_os_mutex_unlock(irqfd->lock);
	return 0;
}

static void irqfd_unpopulate(struct gh_vm_resource_ticket *t, const struct gh_vm_resource *res)
{
	struct gh_irqfd *irqfd = gh_container_of(t, struct gh_irqfd, ticket);

	(void)res;
	gh_os_mutex_lock(irqfd->lock);
	irqfd->populated = false;
	irqfd->capid = 0;
	gh_os_mutex_unlock(irqfd->lock);
}

static int irqfd_validate(const void *arg)
{
	const struct gh_fn_irqfd_arg *a = arg;

	if ((a->flags & ~GH_IRQFD_VALID_FLAGS) || a->padding)
		return -EINVAL;
	return 0;
}

static void irqfd_free(struct gh_irqfd *irqfd)
{
	gh_os_eventfd_put(irqfd->ev);
	gh_os_mutex_free(irqfd->lock);
	gh_os_free(irqfd);
}

static int irqfd_bind(struct gh_vm_function_instance *inst, void **handle)
{
	const struct gh_fn_irqfd_arg *a = (const void *)inst->arg;
	struct gh_irqfd *irqfd;
	int ret;

	(void)handle;
	if (a->fd > 0x7fffffffU)
		return -EBADF;
	irqfd = gh_os_zalloc(sizeof(*irqfd));
	if (!irqfd)
		return -ENOMEM;
	irqfd->lock = gh_os_mutex_alloc();
	if (!irqfd->lock) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = gh_os_eventfd_get((int)a->fd, &irqfd->ev);
	if (ret)
		goto err_free;
	irqfd->level = a->flags & GH_IRQFD_LEVEL;
	irqfd->ticket.resource_type = GH_RESOURCE_TYPE_BELL_TX;
	irqfd->ticket.label = a->label;
	irqfd->ticket.populate = irqfd_populate;
	irqfd->ticket.unpopulate = irqfd_unpopulate;
	ret = gh_vm_mgr_add_ticket(inst->vm, &irqfd->ticket);
	if (ret)
		goto err_free;
	ret = gh_os_eventfd_watch(irqfd->ev, irqfd_signalled, irqfd, &irqfd->watch);
	if (ret)
		goto err_remove_ticket;
	inst->data = irqfd;
	return 0;

err_remove_ticket:
	gh_vm_mgr_remove_ticket(inst->vm, &irqfd->ticket);
err_free:
	irqfd_free(irqfd);
	return ret;
}

static void irqfd_unbind(struct gh_vm_function_instance *inst)
{
	struct gh_irqfd *irqfd = inst->data;

	gh_os_eventfd_unwatch(irqfd->watch);
	gh_vm_mgr_remove_ticket(inst->vm, &irqfd->ticket);
	irqfd_free(irqfd);
}

static bool irqfd_matches(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_irqfd_arg *a = arg, *b = (const void *)inst->arg;

	return a->label == b->label;
}

static int irqfd_conflicts(const struct gh_vm_function_instance *inst, const void *arg)
{
	return irqfd_matches(inst, arg) ? -EEXIST : 0;
}

static const struct gh_vm_function_type gh_irqfd_type = {
	.name = "irqfd",
	.arg_size = sizeof(struct gh_fn_irqfd_arg),
	.validate = irqfd_validate,
	.bind = irqfd_bind,
	.unbind = irqfd_unbind,
	.matches = irqfd_matches,
	.conflicts = irqfd_conflicts,
};

/* --- ioeventfd ---------------------------------------------------------------------------- */

struct gh_ioeventfd {
	struct gh_ioeventfd *next;
	uint64_t addr;
	uint32_t len;
	bool datamatch;
	uint64_t value;
	struct gh_os_eventfd *ev;
};

static uint64_t len_mask(uint32_t len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

static int ioeventfd_validate(const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg;

	if ((a->flags & ~GH_IOEVENTFD_VALID_FLAGS) || a->padding)
		return -EINVAL;
	if (a->len != 1 && a->len != 2 && a->len != 4 && a->len != 8)
		return -EINVAL;
	if (a->addr + (a->len - 1) < a->addr)
		return -EINVAL;
	if (a->flags & GH_IOEVENTFD_DATAMATCH) {
		if (a->datamatch & ~len_mask(a->len))
			return -EINVAL;
	} else if (a->datamatch) {
		return -EINVAL;
	}
	return 0;
}

static int ioeventfd_bind(struct gh_vm_function_instance *inst, void **handle)
{
	const struct gh_fn_ioeventfd_arg *a = (const void *)inst->arg;
	struct gh_vm *vm = inst->vm;
	struct gh_ioeventfd *io;
	int ret;

	(void)handle;
	io = gh_os_zalloc(sizeof(*io));
	if (!io)
		return -ENOMEM;
	ret = gh_os_eventfd_get(a->fd, &io->ev);
	if (ret) {
		gh_os_free(io);
		return ret;
	}
	io->addr = a->addr;
	io->len = a->len;
	io->datamatch = a->flags & GH_IOEVENTFD_DATAMATCH;
	io->value = a->datamatch;
	inst->data = io;

	gh_os_rwlock_write_lock(vm->ioeventfd_lock);
	io->next = vm->ioeventfds;
	vm->ioeventfds = io;
	gh_os_atomic_inc_release(&vm->nr_ioeventfds);
	gh_os_rwlock_write_unlock(vm->ioeventfd_lock);
	return 0;
}

static void ioeventfd_unbind(struct gh_vm_function_instance *inst)
{
	struct gh_ioeventfd *io = inst->data, **pp;
	struct gh_vm *vm = inst->vm;

	gh_os_rwlock_write_lock(vm->ioeventfd_lock);
	for (pp = &vm->ioeventfds; *pp; pp = &(*pp)->next) {
		if (*pp == io) {
			*pp = io->next;
			gh_os_atomic_dec_release(&vm->nr_ioeventfds);
			break;
		}
	}
	gh_os_rwlock_write_unlock(vm->ioeventfd_lock);
	gh_os_eventfd_put(io->ev);
	gh_os_free(io);
}

static bool ioeventfd_matches(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg, *b = (const void *)inst->arg;

	return a->addr == b->addr && a->len == b->len && a->flags == b->flags &&
	       a->datamatch == b->datamatch;
}

static int ioeventfd_conflicts(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg, *b = (const void *)inst->arg;
	bool a_dm = a->flags & GH_IOEVENTFD_DATAMATCH, b_dm = b->flags & GH_IOEVENTFD_DATAMATCH;

	if (a->addr != b->addr || a->len != b->len)
		return 0;
	if (!a_dm || !b_dm || a->datamatch == b->datamatch)
		return -EEXIST;
	return 0;
}

static const struct gh_vm_function_type gh_ioeventfd_type = {
	.name = "ioeventfd",
	.arg_size = sizeof(struct gh_fn_ioeventfd_arg),
	.validate = ioeventfd_validate,
	.bind = ioeventfd_bind,
	.unbind = ioeventfd_unbind,
	.matches = ioeventfd_matches,
	.conflicts = ioeventfd_conflicts,
};

int gh_vm_mgr_mmio_write(struct gh_vm *vm, uint64_t addr, uint32_t len, uint64_t data)
{
	struct gh_ioeventfd *io;
	int ret = -ENODEV;

	if (len == 0 || len > 8)
		return -ENODEV;
	/*
	 * Fast path: no ioeventfd, no lock. The count goes up after an entry is
	 * linked and down after it is unlinked (under the write lock), so a
	 * write that sees 0 is ordered before an add still in progress or after
	 * a completed remove, as if it had taken the read lock first or last.
	 */
	if (!gh_os_atomic_read_acquire(&vm->nr_ioeventfds))
		return -ENODEV;
	data &= len_mask(len);
	gh_os_rwlock_read_lock(vm->ioeventfd_lock);
	for (io = vm->ioeventfds; io; io = io->next) {
		if (io->addr == addr && io->len == len && (!io->datamatch || io->value == data)) {
			gh_os_eventfd_signal(io->ev);
			ret = 0;
			break;
		}
	}
	gh_os_rwlock_read_unlock(vm->ioeventfd_lock);
	return ret;
}
