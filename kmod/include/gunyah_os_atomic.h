/* SPDX-License-Identifier: GPL-2.0-only */
/* The atomics of <gunyah/os.h> in the kernel: READ_ONCE, smp_load_acquire, atomic_t, cmpxchg. */
#ifndef GUNYAH_OS_ATOMIC_H
#define GUNYAH_OS_ATOMIC_H

#ifndef GUNYAH_OS_H
#error "include <gunyah/os.h>, not this header"
#endif

#include <asm/barrier.h>
#include <linux/atomic.h>
#include <linux/compiler.h>

#define GH_READ_ONCE(x)        READ_ONCE(x)
#define GH_WRITE_ONCE(x, v)    WRITE_ONCE(x, v)
#define GH_LOAD_ACQUIRE(x)     smp_load_acquire(&(x))
#define GH_STORE_RELEASE(x, v) smp_store_release(&(x), (v))

struct gh_os_atomic {
	atomic_t v;
};

static inline void gh_os_atomic_init(struct gh_os_atomic *a, int v)
{
	atomic_set(&a->v, v);
}

static inline int gh_os_atomic_read_acquire(const struct gh_os_atomic *a)
{
	return atomic_read_acquire(&a->v);
}

static inline void gh_os_atomic_set_release(struct gh_os_atomic *a, int v)
{
	atomic_set_release(&a->v, v);
}

static inline int gh_os_atomic_xchg_acquire(struct gh_os_atomic *a, int v)
{
	return atomic_xchg_acquire(&a->v, v);
}

static inline void gh_os_atomic_inc_release(struct gh_os_atomic *a)
{
	atomic_inc_return_release(&a->v);
}

static inline void gh_os_atomic_dec_release(struct gh_os_atomic *a)
{
	atomic_dec_return_release(&a->v);
}

static inline const void *gh_os_ptr_load_acquire(const void *const *p)
{
	return smp_load_acquire(p);
}

static inline const void *gh_os_ptr_cmpxchg(const void **p, const void *old, const void *new_)
{
	return cmpxchg(p, old, new_);
}

#endif /* GUNYAH_OS_ATOMIC_H */
