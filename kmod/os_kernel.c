// SPDX-License-Identifier: GPL-2.0-only
/*
 * <gunyah/os.h> implemented with kernel APIs: what the driver cores (vcpu/,
 * vm_mgr/) get from Linux. Every object is a small allocation wrapping the
 * kernel primitive; live allocations are counted so that a leak shows up in
 * /sys/module/gunyah/parameters/live_objects and at module exit.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/ratelimit.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/pagemap.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <gunyah/os.h>

#include "gunyah_kmod.h"

static atomic_long_t live_objects = ATOMIC_LONG_INIT(0);

long gunyah_os_live_objects(void)
{
	return atomic_long_read(&live_objects);
}

/* --- memory ------------------------------------------------------------------ */

void *gh_os_zalloc(size_t size)
{
	void *p = kvzalloc(size ? size : 1, GFP_KERNEL_ACCOUNT);

	if (p)
		atomic_long_inc(&live_objects);
	return p;
}

void gh_os_free(void *p)
{
	if (!p)
		return;
	atomic_long_dec(&live_objects);
	kvfree(p);
}

size_t gh_os_page_size(void)
{
	return PAGE_SIZE;
}

/* A refcounted struct page: mapped into userspace by the fault handler, which
 * takes its own page reference; free_page() drops ours. */
void *gh_os_page_alloc_zeroed(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return NULL;
	atomic_long_inc(&live_objects);
	return page_address(page);
}

void gh_os_page_free(void *page)
{
	if (!page)
		return;
	atomic_long_dec(&live_objects);
	free_page((unsigned long)page);
}

/*
 * Guest memory pinned for the resource manager: FOLL_LONGTERM pins (the pages
 * cannot be migrated or reclaimed while a VM may use them), coalesced into
 * physically contiguous ranges.
 */
struct gh_os_pinned {
	struct page **pages;
	unsigned long nr_pages;
	size_t nr_ranges;
	struct gh_os_mem_range *ranges;
	bool gmem; /* page references of guest memory, not user pins */
};

/* @p->pages[0 .. nr_pages) as physically contiguous ranges. -ENOMEM. */
static int pinned_fill_ranges(struct gh_os_pinned *p)
{
	unsigned long i;

	p->nr_ranges = 1;
	for (i = 1; i < p->nr_pages; i++)
		if (page_to_pfn(p->pages[i]) != page_to_pfn(p->pages[i - 1]) + 1)
			p->nr_ranges++;
	p->ranges = kvcalloc(p->nr_ranges, sizeof(*p->ranges), GFP_KERNEL);
	if (!p->ranges)
		return -ENOMEM;
	p->nr_ranges = 0;
	for (i = 0; i < p->nr_pages; i++) {
		struct gh_os_mem_range *r = &p->ranges[p->nr_ranges];

		if (i && page_to_pfn(p->pages[i]) == page_to_pfn(p->pages[i - 1]) + 1) {
			r[-1].size += PAGE_SIZE;
			continue;
		}
		r->phys = page_to_phys(p->pages[i]);
		r->size = PAGE_SIZE;
		p->nr_ranges++;
	}
	return 0;
}

#define GH_PIN_BATCH 512UL

int gh_os_mem_pin(u64 uaddr, u64 size, bool writable, struct gh_os_pinned **out)
{
	unsigned int flags = FOLL_LONGTERM | (writable ? FOLL_WRITE : 0);
	struct gh_os_pinned *p;
	unsigned long done = 0;
	int ret;

	if (!out || !size || (uaddr | size) & ~PAGE_MASK || uaddr + size < uaddr ||
	    size >> PAGE_SHIFT > ULONG_MAX / sizeof(struct page *))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->nr_pages = size >> PAGE_SHIFT;
	p->pages = kvcalloc(p->nr_pages, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages) {
		ret = -ENOMEM;
		goto err;
	}
	while (done < p->nr_pages) {
		unsigned long n = min(p->nr_pages - done, GH_PIN_BATCH);

		ret = pin_user_pages_fast(uaddr + (done << PAGE_SHIFT), n, flags, p->pages + done);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto err_unpin;
		}
		done += ret;
	}
	ret = pinned_fill_ranges(p);
	if (ret)
		goto err_unpin;
	atomic_long_inc(&live_objects);
	*out = p;
	return 0;

err_unpin:
	unpin_user_pages(p->pages, done);
err:
	kvfree(p->pages);
	kfree(p);
	return ret;
}

size_t gh_os_pinned_ranges(const struct gh_os_pinned *p, const struct gh_os_mem_range **ranges)
{
	*ranges = p->ranges;
	return p->nr_ranges;
}

void gh_os_mem_unpin(struct gh_os_pinned *p)
{
	if (!p)
		return;
	if (p->gmem) {
		for (unsigned long i = 0; i < p->nr_pages; i++) {
			set_page_dirty_lock(p->pages[i]);
			put_page(p->pages[i]);
		}
	} else {
		unpin_user_pages_dirty_lock(p->pages, p->nr_pages, true);
	}
	kvfree(p->ranges);
	kvfree(p->pages);
	kfree(p);
	atomic_long_dec(&live_objects);
}

/*
 * Guest memory's store: a shmem file no process has, whose pages a VM gets
 * by reference (held while pinned, so they are neither reclaimed nor
 * migrated). The guest-memory file (gunyah_main.c) maps it into the VMM:
 * its VMAs are the shmem file's, so unmap_mapping_range() on that mapping
 * finds them, and its fault handler refuses pages that are lent. A lent bit
 * is tested under the page lock by the fault, and set before
 * gh_os_gmem_set_lent() takes each page's lock and zaps the mappings again:
 * a fault either installs its PTE before that zap or sees the bit.
 */
struct gh_os_gmem {
	struct file *shmem;
	u64 size;
	unsigned long *lent; /* a bit per page */
	struct mutex lock;   /* serialises set_lent */
};

int gh_os_gmem_create(u64 size, bool hugepage, struct gh_os_gmem **out)
{
	struct gh_os_gmem *m;
	int ret;

	if (!out || !size || (size & ~PAGE_MASK) || size > MAX_LFS_FILESIZE ||
	    (size >> PAGE_SHIFT) > INT_MAX)
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->lent = bitmap_zalloc(size >> PAGE_SHIFT, GFP_KERNEL);
	if (!m->lent) {
		ret = -ENOMEM;
		goto err;
	}
	/* Huge pages: as the shmem mount's policy says (@hugepage is a hint). */
	m->shmem = shmem_file_setup("gunyah-guest-mem", size, VM_NORESERVE);
	if (IS_ERR(m->shmem)) {
		ret = PTR_ERR(m->shmem);
		goto err;
	}
	mapping_set_unevictable(m->shmem->f_mapping);
	m->size = size;
	mutex_init(&m->lock);
	atomic_long_inc(&live_objects);
	*out = m;
	return 0;
err:
	bitmap_free(m->lent);
	kfree(m);
	return ret;
}

void gh_os_gmem_destroy(struct gh_os_gmem *m)
{
	if (!m)
		return;
	fput(m->shmem);
	bitmap_free(m->lent);
	mutex_destroy(&m->lock);
	kfree(m);
	atomic_long_dec(&live_objects);
}

static bool gmem_range_ok(const struct gh_os_gmem *m, u64 off, u64 size)
{
	return size && !((off | size) & ~PAGE_MASK) && off < m->size && size <= m->size - off;
}

int gh_os_gmem_pin(struct gh_os_gmem *m, u64 off, u64 size, struct gh_os_pinned **out)
{
	struct gh_os_pinned *p;
	unsigned long i;
	int ret;

	if (!m || !out || !gmem_range_ok(m, off, size))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->gmem = true;
	p->nr_pages = size >> PAGE_SHIFT;
	p->pages = kvcalloc(p->nr_pages, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < p->nr_pages; i++) {
		struct page *page =
			shmem_read_mapping_page(m->shmem->f_mapping, (off >> PAGE_SHIFT) + i);

		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			goto err_put;
		}
		p->pages[i] = page;
	}
	ret = pinned_fill_ranges(p);
	if (ret)
		goto err_put;
	atomic_long_inc(&live_objects);
	*out = p;
	return 0;
err_put:
	while (i--)
		put_page(p->pages[i]);
err:
	kvfree(p->pages);
	kfree(p);
	return ret;
}

void gh_os_gmem_set_lent(struct gh_os_gmem *m, u64 off, u64 size, bool lent)
{
	struct address_space *mapping;
	unsigned long first, n, i;

	if (!m || !gmem_range_ok(m, off, size))
		return;
	mapping = m->shmem->f_mapping;
	first = off >> PAGE_SHIFT;
	n = size >> PAGE_SHIFT;
	mutex_lock(&m->lock);
	if (!lent) {
		bitmap_clear(m->lent, first, n);
		mutex_unlock(&m->lock);
		return;
	}
	bitmap_set(m->lent, first, n);
	unmap_mapping_range(mapping, off, size, 1);
	/* Wait out faults that tested the bit before it was set. */
	for (i = first; i < first + n; i++) {
		struct page *page = find_lock_page(mapping, i);

		if (page) {
			unlock_page(page);
			put_page(page);
		}
	}
	unmap_mapping_range(mapping, off, size, 1);
	mutex_unlock(&m->lock);
}

struct file *gunyah_gmem_shmem(struct gh_os_gmem *m)
{
	return m->shmem;
}

vm_fault_t gunyah_gmem_fault(struct gh_os_gmem *m, pgoff_t pgoff, struct page **out)
{
	struct page *page;

	if (pgoff >= m->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = shmem_read_mapping_page(m->shmem->f_mapping, pgoff);
	if (IS_ERR(page))
		return vmf_error(PTR_ERR(page));
	lock_page(page);
	if (test_bit(pgoff, m->lent)) {
		/* A VM has it: the host may not touch it. */
		unlock_page(page);
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	*out = page;
	return VM_FAULT_LOCKED;
}

int gh_os_copy_from_user(void *dst, u64 src, size_t len)
{
	return copy_from_user(dst, u64_to_user_ptr(src), len) ? -EFAULT : 0;
}

u64 gh_os_now_ns(void)
{
	return ktime_get_ns();
}

/* Objects of the glue itself: counted like the cores' allocations. */
static void *obj_alloc(size_t size)
{
	return gh_os_zalloc(size);
}

/* --- locks ------------------------------------------------------------------------ */

/*
 * Every gh_os_mutex is initialised here, so all share one lockdep class (and
 * so do the rwlocks): a lockdep kernel would report the cores' documented
 * nesting (fn_lock -> rsc_lock) as recursion. Debian's kernel has no lockdep.
 */
struct gh_os_mutex {
	struct mutex m;
};

struct gh_os_mutex *gh_os_mutex_alloc(void)
{
	struct gh_os_mutex *m = obj_alloc(sizeof(*m));

	if (m)
		mutex_init(&m->m);
	return m;
}

void gh_os_mutex_free(struct gh_os_mutex *m)
{
	if (!m)
		return;
	mutex_destroy(&m->m);
	gh_os_free(m);
}

void gh_os_mutex_lock(struct gh_os_mutex *m)
{
	mutex_lock(&m->m);
}

bool gh_os_mutex_trylock(struct gh_os_mutex *m)
{
	return mutex_trylock(&m->m);
}

void gh_os_mutex_unlock(struct gh_os_mutex *m)
{
	mutex_unlock(&m->m);
}

/* Sleeping: the VM's status lock is write-held across the RM start sequence. */
struct gh_os_rwlock {
	struct rw_semaphore sem;
};

struct gh_os_rwlock *gh_os_rwlock_alloc(void)
{
	struct gh_os_rwlock *l = obj_alloc(sizeof(*l));

	if (l)
		init_rwsem(&l->sem);
	return l;
}

void gh_os_rwlock_free(struct gh_os_rwlock *l)
{
	gh_os_free(l);
}

void gh_os_rwlock_read_lock(struct gh_os_rwlock *l)
{
	down_read(&l->sem);
}

void gh_os_rwlock_read_unlock(struct gh_os_rwlock *l)
{
	up_read(&l->sem);
}

void gh_os_rwlock_write_lock(struct gh_os_rwlock *l)
{
	down_write(&l->sem);
}

void gh_os_rwlock_write_unlock(struct gh_os_rwlock *l)
{
	up_write(&l->sem);
}

/* --- wake-up object ---------------------------------------------------------------- */

struct gh_os_completion {
	struct completion c;
};

struct gh_os_completion *gh_os_completion_alloc(void)
{
	struct gh_os_completion *c = obj_alloc(sizeof(*c));

	if (c)
		init_completion(&c->c);
	return c;
}

void gh_os_completion_free(struct gh_os_completion *c)
{
	gh_os_free(c);
}

/* Broadcast and sticky: complete_all() until reinit. Safe in hard IRQ context. */
void gh_os_completion_complete(struct gh_os_completion *c)
{
	complete_all(&c->c);
}

int gh_os_completion_wait_interruptible(struct gh_os_completion *c)
{
	/* -ERESTARTSYS would restart GH_VCPU_RUN behind the caller's back; the
	 * cores' contract (and KVM_RUN's) is -EINTR. */
	return wait_for_completion_interruptible(&c->c) ? -EINTR : 0;
}

void gh_os_completion_reinit(struct gh_os_completion *c)
{
	reinit_completion(&c->c);
}

/* --- scheduling ---------------------------------------------------------------------- */

bool gh_os_signal_pending(void)
{
	return signal_pending(current);
}

bool gh_os_need_resched(void)
{
	return need_resched();
}

void gh_os_yield(void)
{
	/* TASK_RUNNING: give the CPU to whoever else is runnable, if anyone. */
	schedule();
}

/* --- reference counts ------------------------------------------------------------------ */

/* refcount_t's rules on the cores' plain counter: no increment from zero, no
 * wrap; a misuse warns and saturates instead of freeing twice. */
#define GH_REF_SATURATED (UINT_MAX / 2)

void gh_os_ref_init(struct gh_os_ref *r)
{
	__atomic_store_n(&r->count, 1, __ATOMIC_RELAXED);
}

void gh_os_ref_get(struct gh_os_ref *r)
{
	unsigned int old = __atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);

	if (WARN_ONCE(old == 0 || old >= GH_REF_SATURATED, "gunyah: ref get on %u", old))
		__atomic_store_n(&r->count, GH_REF_SATURATED, __ATOMIC_RELAXED);
}

bool gh_os_ref_get_unless_zero(struct gh_os_ref *r)
{
	unsigned int old = __atomic_load_n(&r->count, __ATOMIC_RELAXED);

	do {
		if (old == 0)
			return false;
		if (old >= GH_REF_SATURATED)
			return true;
	} while (!__atomic_compare_exchange_n(&r->count, &old, old + 1, true, __ATOMIC_RELAXED,
	                                      __ATOMIC_RELAXED));
	return true;
}

bool gh_os_ref_put(struct gh_os_ref *r)
{
	unsigned int old = __atomic_fetch_sub(&r->count, 1, __ATOMIC_RELEASE);

	if (old == 1) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return true;
	}
	if (WARN_ONCE(old == 0 || old > GH_REF_SATURATED, "gunyah: ref put on %u", old))
		__atomic_store_n(&r->count, GH_REF_SATURATED, __ATOMIC_RELAXED);
	return false;
}

/* --- logging ------------------------------------------------------------------------------ */

void gh_os_warn_ratelimited(const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn("gunyah: %pV\n", &vaf);
	va_end(args);
}

/* --- host interrupts --------------------------------------------------------------------- */

struct gh_os_irq {
	struct list_head node;
	u32 irq;
	void (*fn)(void *arg);
	void *arg;
};

static LIST_HEAD(irqs);
static DEFINE_MUTEX(irqs_lock);

static irqreturn_t gh_os_irq_handler(int irq, void *data)
{
	struct gh_os_irq *r = data;

	r->fn(r->arg);
	return IRQ_HANDLED;
}

int gh_os_irq_request(uint32_t irq, void (*fn)(void *arg), void *arg)
{
	struct gh_os_irq *r;
	int ret;

	if (!irq || irq > INT_MAX || !fn)
		return -EINVAL;
	r = obj_alloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->irq = irq;
	r->fn = fn;
	r->arg = arg;
	/* Not shared: a second handler on the same IRQ is -EBUSY, as os.h says. */
	ret = request_irq(irq, gh_os_irq_handler, 0, "gunyah-vcpu", r);
	if (ret) {
		gh_os_free(r);
		return ret;
	}
	mutex_lock(&irqs_lock);
	list_add(&r->node, &irqs);
	mutex_unlock(&irqs_lock);
	return 0;
}

void gh_os_irq_free(uint32_t irq, void *arg)
{
	struct gh_os_irq *r, *found = NULL;

	mutex_lock(&irqs_lock);
	list_for_each_entry(r, &irqs, node)
	{
		if (r->irq == irq && r->arg == arg) {
			list_del(&r->node);
			found = r;
			break;
		}
	}
	mutex_unlock(&irqs_lock);
	if (WARN_ONCE(!found, "gunyah: freeing irq %u that was not requested", irq))
		return;
	free_irq(irq, found); /* waits for a running handler */
	gh_os_free(found);
}

/* --- eventfds -------------------------------------------------------------------------------- */

/*
 * The eventfd's file is held with its context: the watch needs the file to
 * register on the wait queue (vfs_poll), so an irqfd keeps its eventfd open
 * until the function is removed or the VM is released.
 */
struct gh_os_eventfd {
	struct file *file;
	struct eventfd_ctx *ctx;
};

int gh_os_eventfd_get(int fd, struct gh_os_eventfd **out)
{
	struct gh_os_eventfd *e;
	struct eventfd_ctx *ctx;
	struct file *file;

	file = fget(fd);
	if (!file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		fput(file);
		return PTR_ERR(ctx); /* -EINVAL: not an eventfd */
	}
	e = obj_alloc(sizeof(*e));
	if (!e) {
		eventfd_ctx_put(ctx);
		fput(file);
		return -ENOMEM;
	}
	e->file = file;
	e->ctx = ctx;
	*out = e;
	return 0;
}

void gh_os_eventfd_put(struct gh_os_eventfd *e)
{
	if (!e)
		return;
	eventfd_ctx_put(e->ctx);
	fput(e->file);
	gh_os_free(e);
}

void gh_os_eventfd_signal(struct gh_os_eventfd *e)
{
	eventfd_signal(e->ctx, 1);
}

/*
 * KVM irqfd's shape: a wait-queue entry on the eventfd. Its wake function runs
 * with the eventfd's wait-queue lock held (atomic): it consumes the counter
 * and defers @fn to a work item, where it may sleep.
 */
struct gh_os_eventfd_watch {
	struct gh_os_eventfd *e;
	void (*fn)(void *arg);
	void *arg;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	poll_table pt;
	struct work_struct work;
};

static void watch_work(struct work_struct *work)
{
	struct gh_os_eventfd_watch *w = container_of(work, struct gh_os_eventfd_watch, work);

	w->fn(w->arg);
}

static int watch_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct gh_os_eventfd_watch *w = container_of(wait, struct gh_os_eventfd_watch, wait);
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(w->e->ctx, &cnt);
		schedule_work(&w->work);
	}
	return 0;
}

static void watch_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct gh_os_eventfd_watch *w = container_of(pt, struct gh_os_eventfd_watch, pt);

	w->wqh = wqh;
	add_wait_queue(wqh, &w->wait);
}

int gh_os_eventfd_watch(struct gh_os_eventfd *e, void (*fn)(void *arg), void *arg,
                        struct gh_os_eventfd_watch **out)
{
	struct gh_os_eventfd_watch *w;
	__poll_t events;
	u64 cnt;

	if (!e || !fn)
		return -EINVAL;
	w = obj_alloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->e = e;
	w->fn = fn;
	w->arg = arg;
	INIT_WORK(&w->work, watch_work);
	init_waitqueue_func_entry(&w->wait, watch_wakeup);
	init_poll_funcptr(&w->pt, watch_queue_proc);

	events = vfs_poll(e->file, &w->pt);
	if (!w->wqh) {
		gh_os_free(w);
		return -EINVAL;
	}
	/* Already signalled: once now, as os.h says. */
	if (events & EPOLLIN) {
		spin_lock_irq(&w->wqh->lock);
		eventfd_ctx_do_read(e->ctx, &cnt);
		spin_unlock_irq(&w->wqh->lock);
		schedule_work(&w->work);
	}
	*out = w;
	return 0;
}

void gh_os_eventfd_unwatch(struct gh_os_eventfd_watch *w)
{
	u64 cnt;

	if (!w)
		return;
	/* Off the wait queue first: no new work is queued after this. */
	eventfd_ctx_remove_wait_queue(w->e->ctx, &w->wait, &cnt);
	cancel_work_sync(&w->work);
	gh_os_free(w);
}
