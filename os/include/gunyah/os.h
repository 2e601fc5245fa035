/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The OS glue: everything the driver cores (vcpu/, vm_mgr/) need from the
 * operating system, and nothing more. The cores include this header and the
 * uapi/hypercall headers only; they call no libc or kernel function directly.
 *
 * Two implementations:
 *  - os/posix/ (userspace, pthreads), target //os:posix;
 *  - kmod/ (Linux kernel APIs), compiled with the cores into the module.
 *
 * All objects are opaque and allocated by the glue, so their layout belongs to
 * the implementation (a struct mutex in the kernel, a pthread_mutex_t here).
 * Every *_alloc returns NULL on allocation failure; every *_free accepts NULL.
 *
 * Semantics every implementation must keep:
 *  - gh_os_completion: a one-shot, broadcast "done" flag. complete() sets it and
 *    wakes every waiter; wait_interruptible() returns 0 once it is set (it does
 *    not consume it) or -EINTR when the calling task has a signal pending;
 *    reinit() clears it. (Kernel: complete_all / wait_for_completion_
 *    interruptible / reinit_completion.)
 *  - gh_os_signal_pending(): the calling task should return to its caller
 *    (kernel: signal_pending(current); POSIX: see os_posix.h).
 *  - Callbacks registered with gh_os_eventfd_watch() may run in any context
 *    that may take a gh_os_mutex (a kernel workqueue, a POSIX watcher thread).
 */
#ifndef GUNYAH_OS_H
#define GUNYAH_OS_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --- atomics ---------------------------------------------------------------- */

/*
 * The cores' only atomic operations: named here, defined by each
 * implementation's header, included at the end of this file (POSIX:
 * <gunyah/os_atomic_posix.h>, compiler __atomic builtins; the kernel:
 * kmod/include/gunyah_os_atomic.h, READ_ONCE/smp_load_acquire/atomic_t).
 *
 * Type-generic macros for a scalar lvalue of 1, 2, 4 or 8 bytes:
 *  GH_READ_ONCE(x), GH_WRITE_ONCE(x, v)   relaxed single-copy-atomic access to
 *                                         memory another thread (or userspace,
 *                                         through a shared page) may change
 *  GH_LOAD_ACQUIRE(x), GH_STORE_RELEASE(x, v)
 *                                         acquire load / release store
 *
 * struct gh_os_atomic: an int counter or flag (kernel: atomic_t), zero when
 * zero-allocated. Its operations are declared here and defined, static
 * inline, by the implementation.
 */
struct gh_os_atomic;
static inline void gh_os_atomic_init(struct gh_os_atomic *a, int v); /* relaxed */
static inline int gh_os_atomic_read_acquire(const struct gh_os_atomic *a);
static inline void gh_os_atomic_set_release(struct gh_os_atomic *a, int v);
/* Stores @v, returns the old value; acquire. */
static inline int gh_os_atomic_xchg_acquire(struct gh_os_atomic *a, int v);
static inline void gh_os_atomic_inc_release(struct gh_os_atomic *a);
static inline void gh_os_atomic_dec_release(struct gh_os_atomic *a);

/* A pointer slot published lock-free: an acquire load, and a fully ordered
 * compare-and-exchange that returns the slot's previous value (it stored
 * @new when that equals @old). */
static inline const void *gh_os_ptr_load_acquire(const void *const *p);
static inline const void *gh_os_ptr_cmpxchg(const void **p, const void *old, const void *new_);

#define gh_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - __builtin_offsetof(type, member)))

/* --- memory --------------------------------------------------------------- */

/* Zeroed general allocation / free. */
void *gh_os_zalloc(size_t size);
void gh_os_free(void *p);

/* The page size, and one zeroed, page-aligned page that can be mapped into a
 * user process (kernel: alloc_page(GFP_KERNEL | __GFP_ZERO)). */
size_t gh_os_page_size(void);
void *gh_os_page_alloc_zeroed(void);
void gh_os_page_free(void *page);

/*
 * Guest memory as the resource manager sees it: the calling process's
 * [@uaddr, @uaddr + @size) (page aligned, not 0, not wrapping) pinned for as
 * long as a VM may use it, described as physical ranges in address order,
 * contiguous pages coalesced. Kernel: pin_user_pages_fast() with
 * FOLL_LONGTERM (and FOLL_WRITE when @writable), each range a physical
 * address; POSIX: the process's addresses are the "physical" ones, so the
 * range is itself (after checking every page is mapped).
 * -EINVAL for a bad range, -EFAULT when a page is not mapped (or not
 * writable when @writable), -ENOMEM.
 */
struct gh_os_mem_range {
	uint64_t phys;
	uint64_t size;
};
struct gh_os_pinned;
int gh_os_mem_pin(uint64_t uaddr, uint64_t size, bool writable, struct gh_os_pinned **out);
/* The ranges (valid until unpin) and their number. */
size_t gh_os_pinned_ranges(const struct gh_os_pinned *p, const struct gh_os_mem_range **ranges);
/* Unpins (the pages may have been written: kernel marks them dirty). NULL is ignored. */
void gh_os_mem_unpin(struct gh_os_pinned *p);

/*
 * Guest memory's backing store (v17's guest-memory file): @size bytes
 * (a multiple of the page size, not 0) of zeroed memory that belongs to no
 * process's mappings, so that it can be lent: while a range is lent the host
 * cannot touch it. @hugepage: huge pages may back it. Kernel: a shmem file,
 * host mappings through the guest-memory file's mmap (kmod/); POSIX: a memfd,
 * host views through gh_os_posix_gmem_view() (<gunyah/os_posix.h>).
 * -EINVAL for a bad size, -ENOMEM, -EOPNOTSUPP where the OS has none.
 */
struct gh_os_gmem;
int gh_os_gmem_create(uint64_t size, bool hugepage, struct gh_os_gmem **out);
/* Nothing of it may be pinned or lent any more. NULL is ignored. */
void gh_os_gmem_destroy(struct gh_os_gmem *m);
/* [@off, @off + @size) (page aligned, inside) pinned for a VM, as
 * gh_os_mem_pin() does for user memory (released with gh_os_mem_unpin()). */
int gh_os_gmem_pin(struct gh_os_gmem *m, uint64_t off, uint64_t size, struct gh_os_pinned **out);
/* @lent: every host mapping of [@off, @off + @size) is taken away and host
 * access to it fails (kernel: SIGBUS; POSIX: the views are PROT_NONE there)
 * until it is called again with @lent false. */
void gh_os_gmem_set_lent(struct gh_os_gmem *m, uint64_t off, uint64_t size, bool lent);

/*
 * Copies @len bytes from the calling process's address @src (a pointer inside
 * an ioctl's argument, e.g. a function descriptor's): kernel copy_from_user();
 * POSIX a plain copy (the caller is the process itself). -EFAULT for a bad
 * address (POSIX: NULL with @len not 0).
 */
int gh_os_copy_from_user(void *dst, uint64_t src, size_t len);

/* --- time ------------------------------------------------------------------- */

/* A monotonic clock in nanoseconds (kernel: ktime_get_ns()), for statistics. */
uint64_t gh_os_now_ns(void);

/* --- locks ------------------------------------------------------------------ */

struct gh_os_mutex;
struct gh_os_mutex *gh_os_mutex_alloc(void);
void gh_os_mutex_free(struct gh_os_mutex *m);
void gh_os_mutex_lock(struct gh_os_mutex *m);
/* true when taken */
bool gh_os_mutex_trylock(struct gh_os_mutex *m);
void gh_os_mutex_unlock(struct gh_os_mutex *m);

struct gh_os_rwlock;
struct gh_os_rwlock *gh_os_rwlock_alloc(void);
void gh_os_rwlock_free(struct gh_os_rwlock *l);
void gh_os_rwlock_read_lock(struct gh_os_rwlock *l);
void gh_os_rwlock_read_unlock(struct gh_os_rwlock *l);
void gh_os_rwlock_write_lock(struct gh_os_rwlock *l);
void gh_os_rwlock_write_unlock(struct gh_os_rwlock *l);

/* --- wake-up object ---------------------------------------------------------- */

struct gh_os_completion;
struct gh_os_completion *gh_os_completion_alloc(void);
void gh_os_completion_free(struct gh_os_completion *c);
void gh_os_completion_complete(struct gh_os_completion *c);
/* 0 when done, -EINTR when interrupted by a signal (see above). */
int gh_os_completion_wait_interruptible(struct gh_os_completion *c);
void gh_os_completion_reinit(struct gh_os_completion *c);

/* --- scheduling ---------------------------------------------------------------- */

bool gh_os_signal_pending(void);
bool gh_os_need_resched(void);
void gh_os_yield(void);

/* --- reference counts ------------------------------------------------------------ */

struct gh_os_ref {
	unsigned int count;
};

void gh_os_ref_init(struct gh_os_ref *r); /* count = 1 */
void gh_os_ref_get(struct gh_os_ref *r);
/* false when the count was already zero (the object is being released) */
bool gh_os_ref_get_unless_zero(struct gh_os_ref *r);
/* true when this put dropped the last reference */
bool gh_os_ref_put(struct gh_os_ref *r);

/* --- logging ----------------------------------------------------------------------- */

/* A warning, rate-limited (kernel: pr_warn_ratelimited). printf format. */
void gh_os_warn_ratelimited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- host interrupts ---------------------------------------------------------------------- */

/*
 * Attaches @fn(@arg) to the host interrupt @irq (a resource's irq, e.g. a
 * vCPU's wake-up IRQ): kernel request_irq(), POSIX an in-process table that
 * gh_os_posix_irq_raise() fires. -EBUSY when @irq already has a handler.
 * free() returns only when no call of @fn is running.
 */
int gh_os_irq_request(uint32_t irq, void (*fn)(void *arg), void *arg);
void gh_os_irq_free(uint32_t irq, void *arg);

/* --- eventfds (ioeventfd, irqfd) ------------------------------------------------------ */

struct gh_os_eventfd;
/* Takes a reference on the eventfd behind @fd: -EBADF/-EINVAL when @fd is not one. */
int gh_os_eventfd_get(int fd, struct gh_os_eventfd **out);
void gh_os_eventfd_put(struct gh_os_eventfd *e);
/* Adds 1 to the eventfd's counter (kernel: eventfd_signal). */
void gh_os_eventfd_signal(struct gh_os_eventfd *e);

/*
 * Calls @fn(@arg) each time @e is signalled, from a context that may sleep,
 * and once at registration when it is already signalled. unwatch() returns
 * only when no call of @fn is running or will start.
 */
struct gh_os_eventfd_watch;
int gh_os_eventfd_watch(struct gh_os_eventfd *e, void (*fn)(void *arg), void *arg,
                        struct gh_os_eventfd_watch **out);
void gh_os_eventfd_unwatch(struct gh_os_eventfd_watch *w);

#ifdef __cplusplus
}
#endif

#ifdef __KERNEL__
#include <gunyah_os_atomic.h>
#else
#include <gunyah/os_atomic_posix.h>
#endif

#endif /* GUNYAH_OS_H */
