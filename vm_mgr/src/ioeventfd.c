// SPDX-License-Identifier: BSD-3-Clause
/*
 * The "ioeventfd" VM function: a handler on the VM's MMIO write bus that
 * completes a guest write of (addr, len[, value]) by signalling an eventfd.
 * A client of <gunyah/vm_mgr.h>.
 */
#include <gunyah/os.h>
#include <gunyah/vm_mgr.h>

#include "builtin_functions.h"

struct gh_ioeventfd {
	struct gh_vm_io_handler io; /* io.addr, io.len: the write it waits for */
	bool any_len;               /* len 0: a write of any length at io.addr */
	bool datamatch;
	uint64_t value;
	struct gh_os_eventfd *ev;
};

static uint64_t len_mask(uint32_t len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

/* The bus range: len bytes, or for len 0 (any length) the 8 a write can have. */
static uint32_t bus_len(uint32_t len)
{
	return len ? len : 8;
}

static int ioeventfd_validate(const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg;

	if ((a->flags & ~GH_IOEVENTFD_VALID_FLAGS) || a->padding)
		return -EINVAL;
	if (a->len != 0 && a->len != 1 && a->len != 2 && a->len != 4 && a->len != 8)
		return -EINVAL;
	/* len 0: a write of any length at addr, so no value to match. */
	if (!a->len && (a->flags & GH_IOEVENTFD_DATAMATCH))
		return -EINVAL;
	if (a->addr + (bus_len(a->len) - 1) < a->addr)
		return -EINVAL;
	if (a->flags & GH_IOEVENTFD_DATAMATCH) {
		if (a->datamatch & ~len_mask(a->len))
			return -EINVAL;
	} else if (a->datamatch) {
		return -EINVAL;
	}
	return 0;
}

/* Exactly (addr, len) (any len for len 0), and the value when it has a datamatch; the bus has
 * masked @data to @size. */
static int ioeventfd_write(struct gh_vm_io_handler *h, uint64_t addr, uint32_t size, uint64_t data)
{
	struct gh_ioeventfd *io = gh_container_of(h, struct gh_ioeventfd, io);

	if (addr != io->io.addr || (!io->any_len && size != io->io.len) ||
	    (io->datamatch && io->value != data))
		return -ENODEV;
	gh_os_eventfd_signal(io->ev);
	return 0;
}

static int ioeventfd_bind(struct gh_vm_function_instance *inst,
                          struct gh_vm_function_handle **handle)
{
	const struct gh_fn_ioeventfd_arg *a = (const void *)inst->arg;
	struct gh_ioeventfd *io;
	int ret;

	(void)handle;
	io = gh_os_zalloc(sizeof(*io));
	if (!io)
		return -ENOMEM;
	ret = gh_os_eventfd_get(a->fd, &io->ev);
	if (ret)
		goto err_free;
	io->io.addr = a->addr;
	io->io.len = bus_len(a->len);
	io->any_len = !a->len;
	io->io.write = ioeventfd_write;
	io->datamatch = a->flags & GH_IOEVENTFD_DATAMATCH;
	io->value = a->datamatch;
	ret = gh_vm_mgr_io_register(inst->vm, &io->io);
	if (ret)
		goto err_put;
	inst->data = io;
	return 0;

err_put:
	gh_os_eventfd_put(io->ev);
err_free:
	gh_os_free(io);
	return ret;
}

static void ioeventfd_unbind(struct gh_vm_function_instance *inst)
{
	struct gh_ioeventfd *io = inst->data;

	gh_vm_mgr_io_unregister(inst->vm, &io->io);
	gh_os_eventfd_put(io->ev);
	gh_os_free(io);
}

static bool ioeventfd_matches(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg, *b = (const void *)inst->arg;

	return a->addr == b->addr && a->len == b->len && a->flags == b->flags &&
	       a->datamatch == b->datamatch;
}

/*
 * v17's rule (gunyah_vm_add_io_handler keys on the address, and on the length
 * and value only when both have a datamatch): at one address, an ioeventfd
 * without a datamatch excludes every other; two with a datamatch may share
 * it when their lengths or values differ. Ranges at different addresses may
 * overlap. (A write still signals only the ioeventfd whose length it has.)
 */
static int ioeventfd_conflicts(const struct gh_vm_function_instance *inst, const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg, *b = (const void *)inst->arg;
	bool a_dm = a->flags & GH_IOEVENTFD_DATAMATCH, b_dm = b->flags & GH_IOEVENTFD_DATAMATCH;

	if (a->addr != b->addr)
		return 0;
	if (!a_dm || !b_dm)
		return -EEXIST;
	return a->len == b->len && a->datamatch == b->datamatch ? -EEXIST : 0;
}

const struct gh_vm_function_type gh_ioeventfd_function_type = {
	.name = "ioeventfd",
	.arg_size = sizeof(struct gh_fn_ioeventfd_arg),
	.validate = ioeventfd_validate,
	.bind = ioeventfd_bind,
	.unbind = ioeventfd_unbind,
	.matches = ioeventfd_matches,
	.conflicts = ioeventfd_conflicts,
};
