/* SPDX-License-Identifier: BSD-3-Clause */
/* The atomics of <gunyah/os.h> for userspace, on the compiler's __atomic builtins. */
#ifndef GUNYAH_OS_ATOMIC_POSIX_H
#define GUNYAH_OS_ATOMIC_POSIX_H

#ifndef GUNYAH_OS_H
#error "include <gunyah/os.h>, not this header"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define GH_READ_ONCE(x)        __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define GH_WRITE_ONCE(x, v)    __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define GH_LOAD_ACQUIRE(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define GH_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

struct gh_os_atomic {
	int v;
};

static inline void gh_os_atomic_init(struct gh_os_atomic *a, int v)
{
	__atomic_store_n(&a->v, v, __ATOMIC_RELAXED);
}

static inline int gh_os_atomic_read_acquire(const struct gh_os_atomic *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_ACQUIRE);
}

static inline void gh_os_atomic_set_release(struct gh_os_atomic *a, int v)
{
	__atomic_store_n(&a->v, v, __ATOMIC_RELEASE);
}

static inline int gh_os_atomic_xchg_acquire(struct gh_os_atomic *a, int v)
{
	return __atomic_exchange_n(&a->v, v, __ATOMIC_ACQUIRE);
}

static inline void gh_os_atomic_inc_release(struct gh_os_atomic *a)
{
	__atomic_add_fetch(&a->v, 1, __ATOMIC_RELEASE);
}

static inline void gh_os_atomic_dec_release(struct gh_os_atomic *a)
{
	__atomic_sub_fetch(&a->v, 1, __ATOMIC_RELEASE);
}

static inline const void *gh_os_ptr_load_acquire(const void *const *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline const void *gh_os_ptr_cmpxchg(const void **p, const void *old, const void *new_)
{
	__atomic_compare_exchange_n(p, &old, new_, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_OS_ATOMIC_POSIX_H */
