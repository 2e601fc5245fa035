// SPDX-License-Identifier: BSD-3-Clause
/* The VMM's orchestration: machine, backend, VM, devices, threads, verdict. */
#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm_internal.h"

uint64_t ghvmm_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void ghvmm_message(struct ghvmm *m, const char *fmt, ...)
{
	va_list ap;

	/* Raw terminal: \r\n, so a message starts at the left margin. */
	fputs("\r\nghvmm: ", m->msg);
	va_start(ap, fmt);
	vfprintf(m->msg, fmt, ap);
	va_end(ap);
	fputs("\r\n", m->msg);
	fflush(m->msg);
}

void ghvmm_request_stop(struct ghvmm *m, int code)
{
	pthread_mutex_lock(&m->lock);
	if (!m->exit_set) {
		m->exit_set = true;
		m->exit_code = code;
	}
	__atomic_store_n(&m->stopping, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->lock);
	for (unsigned int i = 0; i < m->nvcpus; i++)
		if (m->vcpus[i].bv)
			gh_backend_vcpu_kick(m->vcpus[i].bv);
	ghvmm_wake_io(m);
}

bool ghvmm_stopping(struct ghvmm *m)
{
	return __atomic_load_n(&m->stopping, __ATOMIC_ACQUIRE);
}

static int open_backend(struct ghvmm *m, char *err, size_t errlen)
{
	const struct ghvmm_options *o = m->o;
	struct gh_backend_sim_config cfg = {
		.default_vcpus = o->cpus,
		.doorbells = GHVMM_DOORBELLS,
		.timing = o->stats,
		.abi = (enum gh_backend_abi)o->abi,
	};
	enum ghvmm_backend_kind kind = o->backend;
	int r;

	if (kind == GHVMM_BACKEND_AUTO)
		kind = access("/dev/gunyah", F_OK) == 0 ? GHVMM_BACKEND_DEV : GHVMM_BACKEND_SIM;
	if (kind == GHVMM_BACKEND_DEV) {
		r = gh_backend_open_dev_abi(NULL, (enum gh_backend_abi)o->abi, &m->backend);
		if (r)
			snprintf(err, errlen, "--backend dev: /dev/gunyah: %s", strerror(-r));
		return r;
	}
	if (o->cpus > GH_BACKEND_SIM_MAX_VCPUS) {
		snprintf(err, errlen, "--cpus %u: the simulator runs at most %d vCPUs", o->cpus,
		         GH_BACKEND_SIM_MAX_VCPUS);
		return -EINVAL;
	}
	r = gh_backend_open_sim(&cfg, &m->backend);
	if (r)
		snprintf(err, errlen, "the simulator: %s", strerror(-r));
	return r;
}

_Static_assert(GHVMM_ABI_ANDROID == (int)GH_BACKEND_ABI_ANDROID &&
                       GHVMM_ABI_V17 == (int)GH_BACKEND_ABI_V17 &&
                       GHVMM_ABI_SEED == (int)GH_BACKEND_ABI_SEED,
               "--abi's values are the backend's");

/* v17's GUNYAH_VM_MAP_MEM flags: access R/W/X, sharing. */
#define MAP_MEM_READ  (1U << 4)
#define MAP_MEM_WRITE (1U << 5)
#define MAP_MEM_EXEC  (1U << 6)
#define MAP_MEM_SHARE 2U

/* Copies @len bytes (a page multiple) from @src to @dst, skipping the pages
 * that are all zero: @dst is fresh guest memory, and most of RAM was never
 * written. */
static void copy_written_pages(uint8_t *dst, const uint8_t *src, uint64_t len)
{
	static const uint64_t page = 4096;

	for (uint64_t off = 0; off < len; off += page) {
		const uint64_t *w = (const uint64_t *)(const void *)(src + off);
		uint64_t any = 0;

		for (size_t i = 0; i < page / sizeof(*w); i++)
			any |= w[i];
		if (any)
			memcpy(dst + off, src + off, page);
	}
}

/*
 * --abi v17: @mem becomes guest memory (GUNYAH_CREATE_GUEST_MEM, then
 * GUNYAH_VM_MAP_MEM with @access), shared with the VM because the devices
 * read and write it. What ghvmm_boot_prepare() put there moves into the
 * store's view, which replaces @mem's mapping. -ENOTTY: a kernel without
 * guest memory (the caller falls back to a user memory region).
 */
static int give_guest_mem(struct ghvmm *m, struct ghvmm_mem *mem, uint32_t access,
                          struct gh_backend_gmem **out)
{
	struct gh_backend_gmem *g;
	uint8_t *view;
	int r;

	r = gh_backend_create_guest_mem(m->backend, mem->size, 0, &g);
	if (r)
		return r;
	view = gh_backend_gmem_view(g);
	r = view ? gh_backend_vm_map_mem(m->vm, g, mem->gpa, 0, mem->size, access | MAP_MEM_SHARE) :
	           -ENOMEM;
	if (r) {
		gh_backend_gmem_release(g);
		return r;
	}
	copy_written_pages(view, mem->host, mem->size);
	munmap(mem->host, mem->size);
	mem->host = view;
	*out = g;
	return 0;
}

static int configure_vm(struct ghvmm *m, char *err, size_t errlen)
{
	const struct ghvmm_boot *b = &m->boot;
	struct gh_userspace_memory_region ram = {
		.label = 0,
		.flags = GH_MEM_ALLOW_RWX,
		.guest_phys_addr = b->ram.gpa,
		.memory_size = b->ram.size,
		.userspace_addr = (uint64_t)(uintptr_t)b->ram.host,
	};
	struct gh_vm_dtb_config dtb = { b->dtb_gpa, b->dtb_size };
	struct gh_vm_boot_context pc = { GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0),
		                         0, b->entry };
	struct gh_vm_boot_context x0 = { GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, 0), 0,
		                         b->dtb_gpa };
	const char *what;
	int r;

	what = "GH_CREATE_VM";
	r = gh_backend_create_vm(m->backend, &m->vm);
	if (r)
		goto fail;
	what = "the RAM region";
	if (m->o->abi == GHVMM_ABI_V17) {
		r = give_guest_mem(m, &m->boot.ram, MAP_MEM_READ | MAP_MEM_WRITE | MAP_MEM_EXEC,
		                   &m->gmem[0]);
		if (!r && b->flash.size) {
			what = "the flash region";
			/* read-only: writes exit */
			r = give_guest_mem(m, &m->boot.flash, MAP_MEM_READ | MAP_MEM_EXEC,
			                   &m->gmem[1]);
		}
		if (r != -ENOTTY)
			goto done;
		/* This kernel has no guest memory: the regions the seed's way. */
	}
	r = gh_backend_vm_set_user_mem_region(m->vm, &ram);
	if (r)
		goto fail;
	if (b->flash.size) {
		struct gh_userspace_memory_region flash = {
			.label = 1,
			.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC, /* writes exit */
			.guest_phys_addr = b->flash.gpa,
			.memory_size = b->flash.size,
			.userspace_addr = (uint64_t)(uintptr_t)b->flash.host,
		};

		what = "the flash region";
		r = gh_backend_vm_set_user_mem_region(m->vm, &flash);
		if (r)
			goto fail;
	}
done:
	if (r)
		goto fail;
	what = "the DTB config";
	r = gh_backend_vm_set_dtb_config(m->vm, &dtb);
	if (r)
		goto fail;
	what = "the boot context";
	r = gh_backend_vm_set_boot_context(m->vm, &pc);
	if (!r)
		r = gh_backend_vm_set_boot_context(m->vm, &x0);
	if (r)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(-r));
	return r;
}

static int create_vcpus(struct ghvmm *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < m->machine.cpus; i++) {
		struct ghvmm_vcpu *v = &m->vcpus[i];
		struct gh_vm_function fn;
		int r;

		memset(&fn, 0, sizeof(fn));
		strcpy(fn.name, "vcpu");
		fn.vcpu.vcpu_id = i;
		v->vmm = m;
		v->id = i;
		r = gh_backend_vm_add_function(m->vm, &fn, &v->bv);
		if (r) {
			snprintf(err, errlen, "vCPU %u: %s", i, strerror(-r));
			return r;
		}
		v->run = gh_backend_vcpu_run_page(v->bv);
		m->nvcpus++;
	}
	return 0;
}

/* Runs the I/O thread and one thread per vCPU until a verdict; returns it. */
static int run_threads(struct ghvmm *m)
{
	uint64_t t0;

	ghvmm_terminal_raw(m->in_fd);
	t0 = ghvmm_now_ns(CLOCK_MONOTONIC);
	if (pthread_create(&m->io_thread, NULL, ghvmm_io_thread, m) == 0)
		m->io_started = true;
	for (unsigned int i = 0; i < m->nvcpus; i++) {
		if (pthread_create(&m->vcpus[i].thread, NULL, ghvmm_vcpu_thread, &m->vcpus[i])) {
			ghvmm_message(m, "cannot start the thread of vCPU %u", i);
			ghvmm_request_stop(m, GHVMM_EXIT_INTERNAL);
			break;
		}
		m->vcpus[i].thread_started = true;
	}
	for (unsigned int i = 0; i < m->nvcpus; i++)
		if (m->vcpus[i].thread_started)
			pthread_join(m->vcpus[i].thread, NULL);
	ghvmm_request_stop(m, GHVMM_EXIT_INTERNAL); /* no-op when a verdict exists */
	if (m->io_started)
		pthread_join(m->io_thread, NULL);
	ghvmm_terminal_restore();
	if (m->o->stats)
		ghvmm_print_stats(m, ghvmm_now_ns(CLOCK_MONOTONIC) - t0);
	return m->exit_code;
}

int ghvmm_run(const struct ghvmm_options *o, int in_fd, int out_fd, FILE *msg)
{
	struct ghvmm *m;
	char err[320];
	int r, code = GHVMM_EXIT_INTERNAL;

	m = calloc(1, sizeof(*m));
	if (!m)
		return GHVMM_EXIT_INTERNAL;
	m->o = o;
	m->msg = msg;
	m->in_fd = in_fd;
	m->out_fd = out_fd;
	m->wake[0] = m->wake[1] = -1;
	m->stdin_open = in_fd >= 0;
	pthread_mutex_init(&m->lock, NULL);

	r = ghvmm_machine_describe(o, &m->machine, err, sizeof(err));
	if (!r)
		r = ghvmm_boot_prepare(o, &m->machine, &m->boot, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = GHVMM_EXIT_LOAD;
		goto out_free;
	}
	if (o->dump_dtb) {
		r = ghvmm_boot_dump_dtb(&m->boot, o->dump_dtb, err, sizeof(err));
		if (r)
			fprintf(msg, "ghvmm: %s\n", err);
		code = r ? GHVMM_EXIT_INTERNAL : GHVMM_EXIT_POWEROFF;
		goto out_boot;
	}
	r = open_backend(m, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = r == -EINVAL ? GHVMM_EXIT_USAGE : GHVMM_EXIT_INTERNAL;
		goto out_boot;
	}
	r = configure_vm(m, err, sizeof(err));
	if (!r)
		r = ghvmm_devices_create(m, err, sizeof(err));
	if (!r)
		r = create_vcpus(m, err, sizeof(err));
	if (r) {
		fprintf(msg, "ghvmm: %s\n", err);
		code = GHVMM_EXIT_INTERNAL;
		goto out_vm;
	}
	r = gh_backend_vm_start(m->vm);
	if (r) {
		fprintf(msg, "ghvmm: GH_VM_START: %s\n", strerror(-r));
		code = GHVMM_EXIT_LOAD;
		goto out_vm;
	}
	if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(msg, "ghvmm: pipe: %s\n", strerror(errno));
		goto out_vm;
	}
	code = run_threads(m);

out_vm:
	for (unsigned int i = 0; i < m->nvcpus; i++)
		gh_backend_vcpu_release(m->vcpus[i].bv);
	if (m->vm)
		gh_backend_vm_release(m->vm);
	ghvmm_devices_destroy(m);
	for (int i = 0; i < 2; i++) {
		if (!m->gmem[i])
			continue;
		/* The view goes with its guest memory. */
		gh_backend_gmem_release(m->gmem[i]);
		if (i == 0)
			m->boot.ram.host = NULL;
		else
			m->boot.flash.host = NULL;
	}
	if (m->backend)
		gh_backend_close(m->backend);
	for (int i = 0; i < 2; i++)
		if (m->wake[i] >= 0)
			close(m->wake[i]);
out_boot:
	ghvmm_boot_release(&m->boot);
out_free:
	pthread_mutex_destroy(&m->lock);
	free(m);
	return code;
}
