// SPDX-License-Identifier: BSD-3-Clause
/*
 * The VM's MMIO write bus: in-kernel handlers of guest writes (ioeventfd is
 * one), offered each write a vCPU's RUN sees before it goes to userspace.
 */
#include "vm_mgr_internal.h"

int gh_vm_mgr_io_register(struct gh_vm *vm, struct gh_vm_io_handler *h)
{
	if (!h || !h->write || !h->len || h->addr + (h->len - 1) < h->addr)
		return -EINVAL;
	gh_os_rwlock_write_lock(vm->io_lock);
	h->next = vm->io_handlers;
	vm->io_handlers = h;
	gh_os_atomic_inc_release(&vm->nr_io_handlers);
	gh_os_rwlock_write_unlock(vm->io_lock);
	return 0;
}

void gh_vm_mgr_io_unregister(struct gh_vm *vm, struct gh_vm_io_handler *h)
{
	struct gh_vm_io_handler **pp;

	gh_os_rwlock_write_lock(vm->io_lock);
	for (pp = &vm->io_handlers; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			h->next = NULL;
			gh_os_atomic_dec_release(&vm->nr_io_handlers);
			break;
		}
	}
	gh_os_rwlock_write_unlock(vm->io_lock);
}

static uint64_t len_mask(uint32_t len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

/* [addr, addr + size) inside [h->addr, h->addr + h->len); size is 1..8. */
static bool io_covers(const struct gh_vm_io_handler *h, uint64_t addr, uint32_t size)
{
	uint64_t last = addr + (size - 1);

	return last >= addr && addr >= h->addr && last <= h->addr + (h->len - 1);
}

int gh_vm_mgr_mmio_write(struct gh_vm *vm, uint64_t addr, uint32_t len, uint64_t data)
{
	struct gh_vm_io_handler *h;
	int ret = -ENODEV;

	if (len == 0 || len > 8)
		return -ENODEV;
	/*
	 * Fast path: no handler, no lock. The count goes up after a handler is
	 * linked and down after it is unlinked (under the write lock), so a
	 * write that sees 0 is ordered before a register still in progress or
	 * after a completed unregister, as if it had taken the read lock first
	 * or last.
	 */
	if (!gh_os_atomic_read_acquire(&vm->nr_io_handlers))
		return -ENODEV;
	data &= len_mask(len);
	gh_os_rwlock_read_lock(vm->io_lock);
	for (h = vm->io_handlers; h; h = h->next) {
		if (io_covers(h, addr, len) && !h->write(h, addr, len, data)) {
			ret = 0;
			break;
		}
	}
	gh_os_rwlock_read_unlock(vm->io_lock);
	return ret;
}
