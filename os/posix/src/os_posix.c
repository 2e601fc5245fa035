// SPDX-License-Identifier: BSD-3-Clause
/*
 * <gunyah/os.h> for userspace: pthreads, eventfd(2), one epoll watcher thread.
 */
#include <gunyah/os.h>
#include <gunyah/os_posix.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "fault_internal.h"

static long live_allocs;

static void count_alloc(long d)
{
	__atomic_add_fetch(&live_allocs, d, __ATOMIC_RELAXED);
}

long gh_os_posix_live_allocs(void)
{
	return __atomic_load_n(&live_allocs, __ATOMIC_RELAXED);
}

/* --- memory --- */

/* The glue's own allocations: counted as live, not injection points. */
static void *zalloc_raw(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p)
		count_alloc(1);
	return p;
}

void *gh_os_zalloc(size_t size)
{
	if (gh_os_fault_should_fail(GH_OS_FAULT_ALLOC))
		return NULL;
	return zalloc_raw(size);
}

void gh_os_free(void *p)
{
	if (!p)
		return;
	count_alloc(-1);
	free(p);
}

size_t gh_os_page_size(void)
{
	static size_t cached;
	size_t sz = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (!sz) {
		long v = sysconf(_SC_PAGESIZE);

		sz = v > 0 ? (size_t)v : 4096;
		__atomic_store_n(&cached, sz, __ATOMIC_RELAXED);
	}
	return sz;
}

void *gh_os_page_alloc_zeroed(void)
{
	void *p = NULL;
	size_t sz = gh_os_page_size();

	if (gh_os_fault_should_fail(GH_OS_FAULT_ALLOC))
		return NULL;
	if (posix_memalign(&p, sz, sz))
		return NULL;
	memset(p, 0, sz);
	count_alloc(1);
	return p;
}

void gh_os_page_free(void *page)
{
	gh_os_free(page);
}

/* --- locks --- */

struct gh_os_mutex {
	pthread_mutex_t m;
};

struct gh_os_mutex *gh_os_mutex_alloc(void)
{
	struct gh_os_mutex *m;

	if (gh_os_fault_should_fail(GH_OS_FAULT_ALLOC))
		return NULL;
	m = zalloc_raw(sizeof(*m));
	if (m && pthread_mutex_init(&m->m, NULL)) {
		gh_os_free(m);
		return NULL;
	}
	return m;
}

void gh_os_mutex_free(struct gh_os_mutex *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->m);
	gh_os_free(m);
}

void gh_os_mutex_lock(struct gh_os_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

bool gh_os_mutex_trylock(struct gh_os_mutex *m)
{
	return pthread_mutex_trylock(&m->m) == 0;
}

void gh_os_mutex_unlock(struct gh_os_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

struct gh_os_rwlock {
	pthread_rwlock_t l;
};

struct gh_os_rwlock *gh_os_rwlock_alloc(void)
{
	struct gh_os_rwlock *l;

	if (gh_os_fault_should_fail(GH_OS_FAULT_ALLOC))
		return NULL;
	l = zalloc_raw(sizeof(*l));
	if (l && pthread_rwlock_init(&l->l, NULL)) {
		gh_os_free(l);
		return NULL;
	}
	return l;
}

void gh_os_rwlock_free(struct gh_os_rwlock *l)
{
	if (!l)
		return;
	pthread_rwlock_destroy(&l->l);
	gh_os_free(l);
}

void gh_os_rwlock_read_lock(struct gh_os_rwlock *l)
{
	pthread_rwlock_rdlock(&l->l);
}

void gh_os_rwlock_read_unlock(struct gh_os_rwlock *l)
{
	pthread_rwlock_unlock(&l->l);
}

void gh_os_rwlock_write_lock(struct gh_os_rwlock *l)
{
	pthread_rwlock_wrlock(&l->l);
}

void gh_os_rwlock_write_unlock(struct gh_os_rwlock *l)
{
	pthread_rwlock_unlock(&l->l);
}

/* --- tasks: per-thread "signal pending" --- */

struct gh_os_completion {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

struct gh_os_task {
	unsigned int refs;
	bool pending;         /* atomic */
	pthread_mutex_t lock; /* protects waiting_on */
	struct gh_os_completion *waiting_on;
};

static pthread_key_t task_key;
static pthread_once_t task_once = PTHREAD_ONCE_INIT;
static __thread struct gh_os_task *self_task;

static void task_free(struct gh_os_task *t)
{
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void gh_os_posix_task_put(struct gh_os_task *t)
{
	if (t && __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		task_free(t);
}

static void task_key_dtor(void *p)
{
	gh_os_posix_task_put(p);
}

static void task_key_init(void)
{
	pthread_key_create(&task_key, task_key_dtor);
}

static struct gh_os_task *task_current(void)
{
	struct gh_os_task *t = self_task;

	if (t)
		return t;
	pthread_once(&task_once, task_key_init);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->refs = 1; /* the thread's own, dropped at thread exit */
	pthread_mutex_init(&t->lock, NULL);
	pthread_setspecific(task_key, t);
	self_task = t;
	return t;
}

struct gh_os_task *gh_os_posix_task_self(void)
{
	struct gh_os_task *t = task_current();

	if (t)
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

void gh_os_posix_kick(struct gh_os_task *t)
{
	struct gh_os_completion *c;

	__atomic_store_n(&t->pending, true, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&t->lock);
	c = t->waiting_on;
	if (c) {
		pthread_mutex_lock(&c->lock);
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_unlock(&t->lock);
}

void gh_os_posix_clear_kick(void)
{
	struct gh_os_task *t = self_task;

	if (t)
		__atomic_store_n(&t->pending, false, __ATOMIC_SEQ_CST);
}

bool gh_os_signal_pending(void)
{
	struct gh_os_task *t = self_task;

	return t && __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST);
}

bool gh_os_need_resched(void)
{
	return false;
}

void gh_os_yield(void)
{
	sched_yield();
}

/* --- completion --- */

struct gh_os_completion *gh_os_completion_alloc(void)
{
	struct gh_os_completion *c;

	if (gh_os_fault_should_fail(GH_OS_FAULT_ALLOC))
		return NULL;
	c = zalloc_raw(sizeof(*c));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	return c;
}

void gh_os_completion_free(struct gh_os_completion *c)
{
	if (!c)
		return;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	gh_os_free(c);
}

void gh_os_completion_complete(struct gh_os_completion *c)
{
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->done, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void gh_os_completion_reinit(struct gh_os_completion *c)
{
	/* Fast path: not done, nothing to clear. A complete() racing with this
	 * check happens after the re-arm, which is what the caller wants. */
	if (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->done, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Lock order: task->lock, then c->lock (kick). The waiter never holds both:
 * it publishes waiting_on first, so a kick either sees it (and broadcasts
 * under c->lock, which the waiter holds from its pending check until it
 * sleeps) or happened before it (and the waiter's pending check sees it).
 */
int gh_os_completion_wait_interruptible(struct gh_os_completion *c)
{
	struct gh_os_task *t = task_current();
	int ret = 0;

	if (t) {
		pthread_mutex_lock(&t->lock);
		t->waiting_on = c;
		pthread_mutex_unlock(&t->lock);
	}
	pthread_mutex_lock(&c->lock);
	while (!__atomic_load_n(&c->done, __ATOMIC_RELAXED)) {
		if (t && __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST)) {
			ret = -EINTR;
			break;
		}
		pthread_cond_wait(&c->cond, &c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	if (t) {
		pthread_mutex_lock(&t->lock);
		t->waiting_on = NULL;
		pthread_mutex_unlock(&t->lock);
	}
	return ret;
}

/* --- refcounts --- */

void gh_os_ref_init(struct gh_os_ref *r)
{
	__atomic_store_n(&r->count, 1, __ATOMIC_RELAXED);
}

void gh_os_ref_get(struct gh_os_ref *r)
{
	unsigned int old = __atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);

	if (old == 0 || old == ~0U)
		abort(); /* use after free or overflow: a driver bug */
}

bool gh_os_ref_get_unless_zero(struct gh_os_ref *r)
{
	unsigned int old = __atomic_load_n(&r->count, __ATOMIC_RELAXED);

	do {
		if (old == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&r->count, &old, old + 1, true, __ATOMIC_ACQUIRE,
	                                      __ATOMIC_RELAXED));
	return true;
}

bool gh_os_ref_put(struct gh_os_ref *r)
{
	unsigned int old = __atomic_fetch_sub(&r->count, 1, __ATOMIC_ACQ_REL);

	if (old == 0)
		abort();
	return old == 1;
}

/* --- warnings --- */

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long warn_count;
static bool warn_quiet;
static time_t warn_window;
static unsigned int warn_in_window;

#define WARN_BURST 10

void gh_os_warn_ratelimited(const char *fmt, ...)
{
	struct timespec now;
	bool print;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&warn_lock);
	warn_count++;
	if (now.tv_sec != warn_window) {
		warn_window = now.tv_sec;
		warn_in_window = 0;
	}
	print = !warn_quiet && warn_in_window++ < WARN_BURST;
	pthread_mutex_unlock(&warn_lock);
	if (!print)
		return;
	va_start(ap, fmt);
	fputs("gunyah: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

unsigned long gh_os_posix_warn_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&warn_lock);
	n = warn_count;
	pthread_mutex_unlock(&warn_lock);
	return n;
}

void gh_os_posix_warn_quiet(bool quiet)
{
	pthread_mutex_lock(&warn_lock);
	warn_quiet = quiet;
	pthread_mutex_unlock(&warn_lock);
}

/* --- host interrupts --- */

struct irq_entry {
	uint32_t irq;
	void (*fn)(void *arg);
	void *arg;
	struct irq_entry *next;
};

/* Handlers run under irq_lock: gh_os_irq_free() therefore waits for them. */
static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct irq_entry *irqs;

int gh_os_irq_request(uint32_t irq, void (*fn)(void *arg), void *arg)
{
	struct irq_entry *e;

	if (!fn)
		return -EINVAL;
	if (gh_os_fault_should_fail(GH_OS_FAULT_IRQ))
		return gh_os_fault_err;
	pthread_mutex_lock(&irq_lock);
	for (e = irqs; e; e = e->next) {
		if (e->irq == irq) {
			pthread_mutex_unlock(&irq_lock);
			return -EBUSY;
		}
	}
	e = zalloc_raw(sizeof(*e));
	if (!e) {
		pthread_mutex_unlock(&irq_lock);
		return -ENOMEM;
	}
	e->irq = irq;
	e->fn = fn;
	e->arg = arg;
	e->next = irqs;
	irqs = e;
	pthread_mutex_unlock(&irq_lock);
	gh_os_live_count(GH_OS_LIVE_IRQS, 1);
	return 0;
}

void gh_os_irq_free(uint32_t irq, void *arg)
{
	struct irq_entry **pp, *e = NULL;

	pthread_mutex_lock(&irq_lock);
	for (pp = &irqs; *pp; pp = &(*pp)->next) {
		if ((*pp)->irq == irq && (*pp)->arg == arg) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	pthread_mutex_unlock(&irq_lock);
	if (e)
		gh_os_live_count(GH_OS_LIVE_IRQS, -1);
	gh_os_free(e);
}

int gh_os_posix_irq_raise(uint32_t irq)
{
	struct irq_entry *e;
	int ret = -ENOENT;

	pthread_mutex_lock(&irq_lock);
	for (e = irqs; e; e = e->next) {
		if (e->irq == irq) {
			e->fn(e->arg);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&irq_lock);
	return ret;
}

/* --- eventfds --- */

struct gh_os_eventfd {
	int fd; /* our own dup */
};

int gh_os_eventfd_get(int fd, struct gh_os_eventfd **out)
{
	char path[64], target[64];
	struct gh_os_eventfd *e;
	ssize_t n;
	int dup_fd;

	if (gh_os_fault_should_fail(GH_OS_FAULT_EVENTFD))
		return gh_os_fault_err;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -EBADF;
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[eventfd]"))
		return -EINVAL;
	e = zalloc_raw(sizeof(*e));
	if (!e)
		return -ENOMEM;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0) {
		gh_os_free(e);
		return -errno;
	}
	e->fd = dup_fd;
	*out = e;
	gh_os_live_count(GH_OS_LIVE_EVENTFDS, 1);
	return 0;
}

void gh_os_eventfd_put(struct gh_os_eventfd *e)
{
	if (!e)
		return;
	gh_os_live_count(GH_OS_LIVE_EVENTFDS, -1);
	close(e->fd);
	gh_os_free(e);
}

void gh_os_eventfd_signal(struct gh_os_eventfd *e)
{
	uint64_t one = 1;
	ssize_t r;

	do {
		r = write(e->fd, &one, sizeof(one));
	} while (r < 0 && errno == EINTR);
}

struct gh_os_eventfd_watch {
	uint64_t id;
	int fd; /* a dup for epoll, so the watch owns its registration */
	void (*fn)(void *arg);
	void *arg;
	struct gh_os_eventfd_watch *next;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER; /* list + dispatch */
static struct gh_os_eventfd_watch *watches;
static uint64_t watch_next_id = 1;
static int watch_epfd = -1;
static pthread_once_t watch_once = PTHREAD_ONCE_INIT;

static void *watcher_main(void *unused)
{
	struct epoll_event ev[16];

	(void)unused;
	for (;;) {
		int n = epoll_wait(watch_epfd, ev, 16, -1);

		if (n < 0)
			continue;
		pthread_mutex_lock(&watch_lock);
		for (int i = 0; i < n; i++) {
			struct gh_os_eventfd_watch *w;

			for (w = watches; w; w = w->next) {
				if (w->id == ev[i].data.u64)
					break;
			}
			if (!w)
				continue; /* unwatched meanwhile */
			uint64_t cnt;

			if (read(w->fd, &cnt, sizeof(cnt)) == (ssize_t)sizeof(cnt))
				w->fn(w->arg);
		}
		pthread_mutex_unlock(&watch_lock);
	}
	return NULL;
}

static void watcher_init(void)
{
	pthread_t th;

	watch_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (watch_epfd < 0)
		return;
	if (pthread_create(&th, NULL, watcher_main, NULL)) {
		close(watch_epfd);
		watch_epfd = -1;
		return;
	}
	pthread_detach(th);
}

int gh_os_eventfd_watch(struct gh_os_eventfd *e, void (*fn)(void *arg), void *arg,
                        struct gh_os_eventfd_watch **out)
{
	struct gh_os_eventfd_watch *w;
	struct epoll_event ev;
	int ret;

	if (gh_os_fault_should_fail(GH_OS_FAULT_EVENTFD))
		return gh_os_fault_err;
	pthread_once(&watch_once, watcher_init);
	if (watch_epfd < 0)
		return -ENOMEM;
	w = zalloc_raw(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fcntl(e->fd, F_DUPFD_CLOEXEC, 0);
	if (w->fd < 0) {
		ret = -errno;
		gh_os_free(w);
		return ret;
	}
	/* The fd is non-blocking for the watcher's read. */
	fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) | O_NONBLOCK);
	w->fn = fn;
	w->arg = arg;

	pthread_mutex_lock(&watch_lock);
	w->id = watch_next_id++;
	w->next = watches;
	watches = w;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = w->id;
	if (epoll_ctl(watch_epfd, EPOLL_CTL_ADD, w->fd, &ev)) {
		ret = -errno;
		watches = w->next;
		pthread_mutex_unlock(&watch_lock);
		close(w->fd);
		gh_os_free(w);
		return ret;
	}
	pthread_mutex_unlock(&watch_lock);
	*out = w;
	gh_os_live_count(GH_OS_LIVE_WATCHES, 1);
	return 0;
}

void gh_os_eventfd_unwatch(struct gh_os_eventfd_watch *w)
{
	struct gh_os_eventfd_watch **pp;

	if (!w)
		return;
	/* Holding watch_lock: no callback runs now, and none of @w starts later. */
	pthread_mutex_lock(&watch_lock);
	for (pp = &watches; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	epoll_ctl(watch_epfd, EPOLL_CTL_DEL, w->fd, NULL);
	pthread_mutex_unlock(&watch_lock);
	gh_os_live_count(GH_OS_LIVE_WATCHES, -1);
	close(w->fd);
	gh_os_free(w);
}
