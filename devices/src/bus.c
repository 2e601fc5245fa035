// SPDX-License-Identifier: BSD-3-Clause
/*
 * MMIO bus: an immutable sorted array of ranges behind an atomic pointer.
 *
 * Readers (dispatch) never lock. Reclamation of replaced arrays uses a
 * two-counter grace period (as in SRCU):
 *
 *   reader:  i = epoch & 1; readers[i]++; map = load(bus->map); ...use...;
 *            readers[i]--;
 *   writer:  (under wlock) store(bus->map, new);
 *            twice: { old = epoch++ & 1; wait until readers[old] == 0; }
 *            free(old map);
 *
 * All of these are sequentially consistent atomics. A reader whose increment
 * is ordered after the writer's check of that counter also comes after the
 * store of the new map, so it loads the new map. A reader that incremented
 * before the check is waited for. Two flips are needed because a reader may
 * sample the epoch before a flip and increment the counter after it: the
 * second flip waits for that counter as well. New readers always go to the
 * counter that is not being waited for, so a steady stream of accesses
 * cannot starve a writer.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gunyah/devices/bus.h>

struct bus_entry {
	uint64_t base;
	uint64_t last; /* inclusive: base + len - 1 never overflows */
	const struct gh_mmio_ops *ops;
	void *dev;
};

struct bus_map {
	size_t n;
	struct bus_entry e[];
};

struct gh_bus {
	_Atomic(struct bus_map *) map;
	atomic_uint epoch;
	atomic_ulong readers[2];
	pthread_mutex_t wlock;
};

/* Non-zero while this thread is inside a device callback of some bus. */
static _Thread_local unsigned int dispatch_depth;

static struct bus_map *map_alloc(size_t n)
{
	struct bus_map *m = calloc(1, sizeof(*m) + n * sizeof(m->e[0]));

	if (m)
		m->n = n;
	return m;
}

int gh_bus_create(struct gh_bus **out)
{
	struct gh_bus *bus;
	struct bus_map *m;

	if (!out)
		return -EINVAL;
	*out = NULL;
	bus = calloc(1, sizeof(*bus));
	if (!bus)
		return -ENOMEM;
	m = map_alloc(0);
	if (!m)
		goto err_bus;
	if (pthread_mutex_init(&bus->wlock, NULL))
		goto err_map;
	atomic_init(&bus->map, m);
	atomic_init(&bus->epoch, 0);
	atomic_init(&bus->readers[0], 0);
	atomic_init(&bus->readers[1], 0);
	*out = bus;
	return 0;

err_map:
	free(m);
err_bus:
	free(bus);
	return -ENOMEM;
}

void gh_bus_destroy(struct gh_bus *bus)
{
	if (!bus)
		return;
	free(atomic_load(&bus->map));
	pthread_mutex_destroy(&bus->wlock);
	free(bus);
}

/* Index of the last entry with base <= addr, or -1. O(log n). */
static long map_floor(const struct bus_map *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->e[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static void bus_synchronize(struct gh_bus *bus)
{
	for (int round = 0; round < 2; round++) {
		unsigned int old = atomic_fetch_add(&bus->epoch, 1) & 1;

		while (atomic_load(&bus->readers[old]) != 0)
			sched_yield();
	}
}

/* Publish @m, wait for readers of the previous map, free it. */
static void bus_publish(struct gh_bus *bus, struct bus_map *m)
{
	struct bus_map *old = atomic_exchange(&bus->map, m);

	bus_synchronize(bus);
	free(old);
}

int gh_bus_register(struct gh_bus *bus, uint64_t base, uint64_t len, const struct gh_mmio_ops *ops,
                    void *dev)
{
	struct bus_map *cur, *m;
	uint64_t last;
	long i;
	size_t pos;
	int ret = 0;

	if (!bus || !ops || !ops->read || !ops->write || !len)
		return -EINVAL;
	if (len - 1 > UINT64_MAX - base)
		return -EOVERFLOW;
	if (dispatch_depth)
		return -EDEADLK;
	last = base + (len - 1);

	pthread_mutex_lock(&bus->wlock);
	cur = atomic_load(&bus->map);
	if (cur->n >= GH_BUS_MAX_DEVICES) {
		ret = -ENOSPC;
		goto out;
	}
	/* The only candidates for overlap are the floor of last and nothing else:
	 * every entry starting at or before @last is sorted, and entries do not
	 * overlap each other, so the one with the greatest base <= last is the
	 * only one whose end can reach into [base, last]. */
	i = map_floor(cur, last);
	if (i >= 0 && cur->e[i].last >= base) {
		ret = -EEXIST;
		goto out;
	}
	pos = (size_t)(i + 1);
	m = map_alloc(cur->n + 1);
	if (!m) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(m->e, cur->e, pos * sizeof(m->e[0]));
	m->e[pos] = (struct bus_entry){ .base = base, .last = last, .ops = ops, .dev = dev };
	memcpy(m->e + pos + 1, cur->e + pos, (cur->n - pos) * sizeof(m->e[0]));
	bus_publish(bus, m);
out:
	pthread_mutex_unlock(&bus->wlock);
	return ret;
}

int gh_bus_unregister(struct gh_bus *bus, uint64_t base)
{
	struct bus_map *cur, *m;
	long i;
	size_t pos;
	int ret = 0;

	if (!bus)
		return -EINVAL;
	if (dispatch_depth)
		return -EDEADLK;

	pthread_mutex_lock(&bus->wlock);
	cur = atomic_load(&bus->map);
	i = map_floor(cur, base);
	if (i < 0 || cur->e[i].base != base) {
		ret = -ENOENT;
		goto out;
	}
	pos = (size_t)i;
	m = map_alloc(cur->n - 1);
	if (!m) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(m->e, cur->e, pos * sizeof(m->e[0]));
	memcpy(m->e + pos, cur->e + pos + 1, (cur->n - pos - 1) * sizeof(m->e[0]));
	bus_publish(bus, m);
out:
	pthread_mutex_unlock(&bus->wlock);
	return ret;
}

int gh_bus_count(struct gh_bus *bus, size_t *count)
{
	if (!bus || !count)
		return -EINVAL;
	pthread_mutex_lock(&bus->wlock);
	*count = atomic_load(&bus->map)->n;
	pthread_mutex_unlock(&bus->wlock);
	return 0;
}

static bool size_ok(uint32_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static int bus_dispatch(struct gh_bus *bus, uint64_t addr, uint32_t size, bool is_write,
                        uint64_t *val)
{
	const struct bus_map *m;
	const struct bus_entry *e;
	unsigned int slot;
	long i;
	int ret;

	slot = atomic_load(&bus->epoch) & 1;
	atomic_fetch_add(&bus->readers[slot], 1);
	m = atomic_load(&bus->map);
	i = map_floor(m, addr);
	if (i < 0 || m->e[i].last < addr) {
		ret = -ENOENT;
		goto out;
	}
	e = &m->e[i];
	if (size - 1 > e->last - addr) {
		ret = -ERANGE;
		goto out;
	}
	dispatch_depth++;
	if (is_write)
		ret = e->ops->write(e->dev, addr - e->base, size, *val);
	else
		ret = e->ops->read(e->dev, addr - e->base, size, val);
	dispatch_depth--;
out:
	atomic_fetch_sub(&bus->readers[slot], 1);
	return ret;
}

int gh_bus_read(struct gh_bus *bus, uint64_t addr, uint32_t size, uint64_t *val)
{
	int ret;

	if (!val)
		return -EINVAL;
	*val = 0;
	if (!bus || !size_ok(size))
		return -EINVAL;
	ret = bus_dispatch(bus, addr, size, false, val);
	if (ret)
		*val = 0;
	return ret;
}

int gh_bus_write(struct gh_bus *bus, uint64_t addr, uint32_t size, uint64_t val)
{
	if (!bus || !size_ok(size))
		return -EINVAL;
	return bus_dispatch(bus, addr, size, true, &val);
}
