// SPDX-License-Identifier: BSD-3-Clause
/*
 * Guest memory's backing store in userspace: a memfd of fixed size (sealed
 * against growing and shrinking). A pin maps the range again, shared, at an
 * address of its own: that address is what the in-process resource manager
 * calls physical, so the VM's view does not depend on the host's. The host's
 * view (gh_os_posix_gmem_view()) is one more shared mapping, which lending
 * turns PROT_NONE where it covers the lent range: the host loses access, the
 * VM keeps it, as with the kernel's guest-memory file.
 */
#include <gunyah/os_posix.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem_internal.h"

struct gh_os_gmem {
	int fd;
	uint64_t size;
	pthread_mutex_t lock; /* view, lent */
	void *view;
	unsigned char *lent; /* one byte per page: lent now */
};

static bool range_inside(const struct gh_os_gmem *m, uint64_t off, uint64_t size)
{
	uint64_t page = gh_os_page_size();

	return size && !((off | size) & (page - 1)) && off < m->size && size <= m->size - off;
}

int gh_os_gmem_create(uint64_t size, bool hugepage, struct gh_os_gmem **out)
{
	uint64_t page = gh_os_page_size();
	struct gh_os_gmem *m;
	unsigned int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;

	(void)hugepage; /* the kernel's transparent huge pages decide */
	if (!out || !size || (size & (page - 1)) || size > (uint64_t)INT64_MAX)
		return -EINVAL;
	m = gh_os_zalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->lent = gh_os_zalloc(size / page);
	m->fd = memfd_create("gunyah-guest-mem", flags);
	if (!m->lent || m->fd < 0)
		goto err;
	if (ftruncate(m->fd, (off_t)size) ||
	    fcntl(m->fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL))
		goto err;
	m->size = size;
	pthread_mutex_init(&m->lock, NULL);
	*out = m;
	return 0;
err:
	if (m->fd >= 0)
		close(m->fd);
	gh_os_free(m->lent);
	gh_os_free(m);
	return -ENOMEM;
}

void gh_os_gmem_destroy(struct gh_os_gmem *m)
{
	if (!m)
		return;
	if (m->view)
		munmap(m->view, m->size);
	close(m->fd);
	pthread_mutex_destroy(&m->lock);
	gh_os_free(m->lent);
	gh_os_free(m);
}

int gh_os_gmem_pin(struct gh_os_gmem *m, uint64_t off, uint64_t size, struct gh_os_pinned **out)
{
	struct gh_os_pinned *p;
	void *map;

	if (!m || !out || !range_inside(m, off, size))
		return -EINVAL;
	p = gh_os_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, (off_t)off);
	if (map == MAP_FAILED) {
		gh_os_free(p);
		return -ENOMEM;
	}
	p->mapping = map;
	p->range.phys = (uint64_t)(uintptr_t)map;
	p->range.size = size;
	*out = p;
	return 0;
}

/* lock held: the view's protection of pages [first, first + n) as their
 * lent bytes say, one mprotect per run of pages in the same state */
static void view_protect(struct gh_os_gmem *m, uint64_t first, uint64_t n)
{
	uint64_t page = gh_os_page_size();
	uint64_t i = first, end = first + n;

	if (!m->view)
		return;
	while (i < end) {
		uint64_t j = i;

		while (j < end && m->lent[j] == m->lent[i])
			j++;
		mprotect((char *)m->view + i * page, (j - i) * page,
		         m->lent[i] ? PROT_NONE : PROT_READ | PROT_WRITE);
		i = j;
	}
}

void gh_os_gmem_set_lent(struct gh_os_gmem *m, uint64_t off, uint64_t size, bool lent)
{
	uint64_t page = gh_os_page_size();

	if (!m || !range_inside(m, off, size))
		return;
	pthread_mutex_lock(&m->lock);
	for (uint64_t i = off / page; i < (off + size) / page; i++)
		m->lent[i] = lent;
	view_protect(m, off / page, size / page);
	pthread_mutex_unlock(&m->lock);
}

void *gh_os_posix_gmem_view(struct gh_os_gmem *m)
{
	void *view;

	if (!m)
		return NULL;
	pthread_mutex_lock(&m->lock);
	if (!m->view) {
		view = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
		if (view != MAP_FAILED) {
			m->view = view;
			view_protect(m, 0, m->size / gh_os_page_size());
		}
	}
	view = m->view;
	pthread_mutex_unlock(&m->lock);
	return view;
}
