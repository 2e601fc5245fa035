// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gunyah.ko selftest, run as /init's child in an arm64 kernel under QEMU
 * with gunyah_test_hyp.ko as the hypervisor. It loads and unloads the modules
 * itself (finit_module/delete_module), prints one PASS/FAIL line per case and
 * ends with "N passed, N failed". Guest programs: gunyah_test_hyp.h.
 *
 *   selftest <dir with gunyah.ko and gunyah_test_hyp.ko>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gunyah/backend.h>
#include <gunyah/conformance_backend.h>
#include <linux/gunyah.h>

#include "gunyah_test_hyp.h"

static const char *moddir;
static int passed, failed;
static char why[256];
static long page;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			snprintf(why, sizeof(why), "line %d: %s (errno %d %s)", __LINE__, #cond, \
			         errno, strerror(errno));                                        \
			return -1;                                                               \
		}                                                                                \
	} while (0)

/* ioctl() returning -1 with errno @e */
#define CHECK_ERR(call, e)                                                                     \
	do {                                                                                   \
		errno = 0;                                                                     \
		long r_ = (call);                                                              \
		if (r_ != -1 || errno != (e)) {                                                \
			snprintf(why, sizeof(why), "line %d: %s = %ld errno %d (%s), want %s", \
			         __LINE__, #call, r_, errno, strerror(errno), #e);             \
			return -1;                                                             \
		}                                                                              \
	} while (0)

static void run_case(const char *name, int (*fn)(void))
{
	why[0] = 0;
	if (fn() == 0) {
		passed++;
		printf("PASS: %s\n", name);
	} else {
		failed++;
		printf("FAIL: %s: %s\n", name, why);
	}
	fflush(stdout);
}

/* --- modules ------------------------------------------------------------------------ */

static int load(const char *name, const char *params)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", moddir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK);
}

static long param(const char *mod, const char *name)
{
	char path[256], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), "/sys/module/%s/%s", mod, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return strtol(buf, NULL, 0);
}

#define TH_PARAM(n) param("gunyah_test_hyp", "parameters/" n)

/* --- VMs and vCPUs ------------------------------------------------------------------------ */

static int dev = -1;

struct vcpu {
	int fd;
	struct gh_vcpu_run *run;
};

static int set_reg(int vm, uint32_t set, uint32_t index, uint64_t value)
{
	struct gh_vm_boot_context bc = { .reg = GH_VM_BOOT_CONTEXT_REG(set, index),
		                         .value = value };

	return ioctl(vm, GH_VM_SET_BOOT_CONTEXT, &bc);
}

/* A VM whose vCPUs run @prog (with X0 = @x0): memory, DTB, boot context. */
static int vm_create(int prog, uint64_t x0)
{
	static void *mem;
	struct gh_userspace_memory_region region = {
		.label = 0,
		.flags = GH_MEM_ALLOW_RWX,
		.guest_phys_addr = 0x40000000,
		.memory_size = 0x10000,
	};
	struct gh_vm_dtb_config dtb = { .guest_phys_addr = 0x40008000, .size = 0x1000 };
	int vm = ioctl(dev, GH_CREATE_VM, 0);

	if (vm < 0)
		return -1;
	if (!mem)
		mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		           0);
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, GH_VM_SET_USER_MEM_REGION, &region) ||
	    ioctl(vm, GH_VM_SET_DTB_CONFIG, &dtb) ||
	    set_reg(vm, GH_VM_BOOT_CONTEXT_REG_SET_PC, 0, prog) ||
	    set_reg(vm, GH_VM_BOOT_CONTEXT_REG_SET_X, 0, x0)) {
		close(vm);
		return -1;
	}
	return vm;
}

static void fn_init(struct gh_vm_function *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	strncpy(f->name, name, sizeof(f->name) - 1);
}

static int vcpu_fn(int vm, unsigned long cmd, uint32_t id)
{
	struct gh_vm_function f;

	fn_init(&f, "vcpu");
	f.vcpu.vcpu_id = id;
	return ioctl(vm, cmd, &f);
}

static int vcpu_add(int vm, uint32_t id, struct vcpu *v)
{
	v->fd = vcpu_fn(vm, GH_VM_ADD_FUNCTION, id);
	if (v->fd < 0)
		return -1;
	v->run = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		close(v->fd);
		return -1;
	}
	return 0;
}

static void vcpu_close(struct vcpu *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, page);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

static int run(struct vcpu *v)
{
	return ioctl(v->fd, GH_VCPU_RUN, 0) ? -errno : 0;
}

static uint64_t mmio_value(const struct gh_vcpu_run *r)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)r->mmio.data[i] << (8 * i);
	return v;
}

static void mmio_answer(struct gh_vcpu_run *r, uint64_t v, uint8_t action)
{
	for (unsigned int i = 0; i < 8; i++)
		r->mmio.data[i] = (uint8_t)(v >> (8 * i));
	r->mmio.resume_action = action;
}

/* RUN, and expect an MMIO exit (@is_write, @addr, @len; @val for a write). */
static int expect_mmio(struct vcpu *v, int is_write, uint64_t addr, uint32_t len, uint64_t val)
{
	int ret = run(v);

	if (ret || v->run->exit_reason != GH_VM_EXIT_MMIO || v->run->mmio.is_write != is_write ||
	    v->run->mmio.phys_addr != addr || v->run->mmio.len != len ||
	    (is_write && mmio_value(v->run) != val)) {
		snprintf(
			why, sizeof(why),
			"RUN=%d exit %u write %u addr %#llx len %u data %#llx; want MMIO %s %#llx/%u %#llx",
			ret, v->run->exit_reason, v->run->mmio.is_write,
			(unsigned long long)v->run->mmio.phys_addr, v->run->mmio.len,
			(unsigned long long)mmio_value(v->run), is_write ? "write" : "read",
			(unsigned long long)addr, len, (unsigned long long)val);
		return -1;
	}
	mmio_answer(v->run, 0, GH_VM_RESUME_HANDLED);
	return 0;
}

#define EXPECT_MMIO(v, w, a, l, val)              \
	do {                                      \
		if (expect_mmio(v, w, a, l, val)) \
			return -1;                \
	} while (0)

static int expect_status(struct vcpu *v, uint32_t status, uint16_t type)
{
	int ret = run(v);

	if (ret || v->run->exit_reason != GH_VM_EXIT_STATUS || v->run->status.status != status ||
	    v->run->status.exit_info.type != type) {
		snprintf(why, sizeof(why),
		         "RUN=%d exit %u status %u type %u; want STATUS %u type %u", ret,
		         v->run->exit_reason, v->run->status.status, v->run->status.exit_info.type,
		         status, type);
		return -1;
	}
	return 0;
}

#define EXPECT_STATUS(v, s, t)              \
	do {                                \
		if (expect_status(v, s, t)) \
			return -1;          \
	} while (0)

/* RUN reports the VM's failed start as a LOAD_FAILED status exit. */
static bool load_failed(struct vcpu *v)
{
	return run(v) == 0 && v->run->exit_reason == GH_VM_EXIT_STATUS &&
	       v->run->status.status == GH_VM_STATUS_LOAD_FAILED;
}

/* gunyah.ko's objects while no VM exists: its RM client's (rm_link.c). */
static long base_objects;

/* Every object of closed VMs is freed and every memory parcel reclaimed
 * (the RM's notifications may lag). */
static int no_leak(void)
{
	for (int i = 0; i < 200; i++) {
		if (param("gunyah", "parameters/live_objects") == base_objects &&
		    TH_PARAM("vms_live") == 0 && TH_PARAM("parcels_live") == 0)
			return 0;
		usleep(5000);
	}
	snprintf(why, sizeof(why),
	         "live_objects %ld (%ld without VMs), vms_live %ld, parcels_live %ld after close",
	         param("gunyah", "parameters/live_objects"), base_objects, TH_PARAM("vms_live"),
	         TH_PARAM("parcels_live"));
	return -1;
}

#define NO_LEAK()                  \
	do {                       \
		if (no_leak())     \
			return -1; \
	} while (0)

static void on_signal(int sig)
{
	(void)sig;
}

static void arm_alarm_ms(long ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000,
		                              .tv_usec = (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- cases --------------------------------------------------------------------------------- */

static int t_refuse_without_gunyah(void)
{
	CHECK(load("gunyah", "") == -1 && errno == ENODEV);
	CHECK(access("/dev/gunyah", F_OK) != 0);
	return 0;
}

static int t_load_waiting(void)
{
	CHECK(load("gunyah", "wait_for_platform=1") == 0);
	dev = open("/dev/gunyah", O_RDWR | O_CLOEXEC);
	CHECK(dev >= 0);
	CHECK_ERR(ioctl(dev, GH_CREATE_VM, 0), ENODEV);
	return 0;
}

static int t_load_backend(void)
{
	int vm;

	CHECK(load("gunyah_test_hyp", "") == 0);
	base_objects = param("gunyah", "parameters/live_objects");
	/* The RM client asked the RM for the host's vmid over RM RPC. */
	CHECK(base_objects > 0 && TH_PARAM("rm_calls") >= 1);
	vm = ioctl(dev, GH_CREATE_VM, 0);
	CHECK(vm >= 0);
	CHECK(TH_PARAM("vms_live") == 1);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_create_vm_bad_type(void)
{
	CHECK_ERR(ioctl(dev, GH_CREATE_VM, 1), EINVAL);
	return 0;
}

static int t_unknown_ioctl(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_OFF, 0);
	uint32_t x = 0;

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	CHECK_ERR(ioctl(dev, _IO(GH_IOCTL_TYPE, 0x7f), 0), ENOTTY);
	CHECK_ERR(ioctl(dev, GH_VCPU_RUN, 0), ENOTTY);
	CHECK_ERR(ioctl(vm, _IO(GH_IOCTL_TYPE, 0x7f), 0), ENOTTY);
	CHECK_ERR(ioctl(vm, GH_CREATE_VM, 0), ENOTTY);
	/* a known number with the wrong size is another ioctl */
	CHECK_ERR(ioctl(vm, _IOW(GH_IOCTL_TYPE, 0x1, uint32_t), &x), ENOTTY);
	CHECK_ERR(ioctl(v.fd, _IO(GH_IOCTL_TYPE, 0x7f), 0), ENOTTY);
	CHECK_ERR(ioctl(v.fd, GH_VM_START, 0), ENOTTY);
	CHECK_ERR(ioctl(v.fd, GH_VCPU_RUN, 1), EINVAL);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_functions(void)
{
	struct gh_vm_function f;
	struct vcpu v0, v1;
	int vm = vm_create(TH_PROG_FOREVER, 0);
	int efd = eventfd(0, EFD_CLOEXEC);

	CHECK(vm >= 0 && efd >= 0);
	CHECK(vcpu_add(vm, 0, &v0) == 0);
	CHECK(vcpu_add(vm, 1, &v1) == 0);
	CHECK(v0.fd != v1.fd);
	CHECK(fcntl(v0.fd, F_GETFD) & FD_CLOEXEC);
	CHECK_ERR(vcpu_fn(vm, GH_VM_ADD_FUNCTION, 0), EEXIST);

	fn_init(&f, "no-such-function");
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), ENOENT);
	CHECK_ERR(ioctl(vm, GH_VM_REMOVE_FUNCTION, &f), ENOENT);
	memset(f.name, 'a', sizeof(f.name)); /* not NUL-terminated */
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EINVAL);
	fn_init(&f, "vcpu");
	f.data[100] = 1; /* beyond the argument */
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EINVAL);
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, (void *)8), EFAULT);

	fn_init(&f, "irqfd");
	f.irqfd.fd = efd;
	f.irqfd.label = TH_BELL_LABEL;
	CHECK(ioctl(vm, GH_VM_ADD_FUNCTION, &f) == 0);
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EEXIST);
	CHECK(ioctl(vm, GH_VM_REMOVE_FUNCTION, &f) == 0);
	CHECK_ERR(ioctl(vm, GH_VM_REMOVE_FUNCTION, &f), ENOENT);
	f.irqfd.fd = v0.fd; /* not an eventfd */
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EINVAL);
	f.irqfd.fd = 1000; /* not open */
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EBADF);

	fn_init(&f, "ioeventfd");
	f.ioeventfd.fd = efd;
	f.ioeventfd.addr = TH_IOEVENT_ADDR;
	f.ioeventfd.len = 3;
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EINVAL);
	f.ioeventfd.len = 4;
	CHECK(ioctl(vm, GH_VM_ADD_FUNCTION, &f) == 0);
	CHECK_ERR(ioctl(vm, GH_VM_ADD_FUNCTION, &f), EEXIST);
	CHECK(ioctl(vm, GH_VM_REMOVE_FUNCTION, &f) == 0);

	/* Removing vCPU 1 leaves its fd, which now says ENODEV. */
	CHECK(vcpu_fn(vm, GH_VM_REMOVE_FUNCTION, 1) == 0);
	CHECK_ERR(vcpu_fn(vm, GH_VM_REMOVE_FUNCTION, 1), ENOENT);
	CHECK(run(&v1) == -ENODEV);
	/* ... and the id can be added again. */
	vcpu_close(&v1);
	CHECK(vcpu_add(vm, 1, &v1) == 0);
	vcpu_close(&v1);
	vcpu_close(&v0);
	close(efd);
	close(vm);
	NO_LEAK();
	return 0;
}

/*
 * The later ABIs' function descriptor (v10 onwards, Android's, v17; what
 * crosvm and gunyah-test-vmm send): its own ioctl numbers, the argument behind
 * a pointer; a vCPU added this way runs like any other.
 */
struct fn_desc {
	uint32_t type; /* 1 vcpu, 2 irqfd, 3 ioeventfd */
	uint32_t arg_size;
	uint64_t arg;
};
#define DESC_ADD    _IOW('G', 0x4, struct fn_desc)
#define DESC_REMOVE _IOW('G', 0x7, struct fn_desc)

static int t_fn_desc(void)
{
	struct gh_fn_vcpu_arg va = { .vcpu_id = 0 };
	struct gh_fn_irqfd_arg ia = { .label = TH_BELL_LABEL };
	struct gh_fn_ioeventfd_arg io = { .addr = TH_IOEVENT_ADDR, .len = 0 };
	struct fn_desc d = { 1, sizeof(va), (uintptr_t)&va };
	int vm = vm_create(TH_PROG_MMIO, 0);
	int efd = eventfd(0, EFD_CLOEXEC);
	struct vcpu v;

	CHECK(vm >= 0 && efd >= 0);
	v.fd = ioctl(vm, DESC_ADD, &d);
	CHECK(v.fd >= 0);
	CHECK_ERR(ioctl(vm, DESC_ADD, &d), EEXIST);
	v.run = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
	CHECK(v.run != MAP_FAILED);
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(0), 1, 0);
	CHECK(v.run->mmio.resume_action == GH_VM_RESUME_HANDLED); /* the kernel's default */

	d = (struct fn_desc){ 2, sizeof(ia), (uintptr_t)&ia };
	ia.fd = efd;
	CHECK(ioctl(vm, DESC_ADD, &d) == 0);
	ia.fd = 1000; /* removal matches the label only */
	CHECK(ioctl(vm, DESC_REMOVE, &d) == 0);
	CHECK_ERR(ioctl(vm, DESC_REMOVE, &d), ENOENT);

	io.fd = efd;
	d = (struct fn_desc){ 3, sizeof(io), (uintptr_t)&io };
	CHECK(ioctl(vm, DESC_ADD, &d) == 0); /* len 0: any length */
	CHECK(ioctl(vm, DESC_REMOVE, &d) == 0);

	d = (struct fn_desc){ 4, sizeof(io), (uintptr_t)&io };
	CHECK_ERR(ioctl(vm, DESC_ADD, &d), ENOENT);
	d = (struct fn_desc){ 3, sizeof(io) - 8, (uintptr_t)&io };
	CHECK_ERR(ioctl(vm, DESC_ADD, &d), EINVAL);
	d = (struct fn_desc){ 3, sizeof(io), 8 };
	CHECK_ERR(ioctl(vm, DESC_ADD, &d), EFAULT);
	CHECK_ERR(ioctl(vm, DESC_ADD, (void *)8), EFAULT);

	vcpu_close(&v);
	close(efd);
	close(vm);
	NO_LEAK();
	return 0;
}

/* Android's 'A' ioctls: a lent region and the firmware in it, over RM RPC. */
#define ANDROID_LEND_USER_MEM _IOW('A', 0x11, struct gh_userspace_memory_region)
struct fw_config {
	uint64_t guest_phys_addr;
	uint64_t size;
};
#define ANDROID_SET_FW_CONFIG _IOW('A', 0x12, struct fw_config)

static int t_android_memory(void)
{
	static void *fwmem;
	struct gh_userspace_memory_region r = {
		.label = 5,
		.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC,
		.guest_phys_addr = 0x80000000,
		.memory_size = 0x4000,
	};
	struct fw_config fw = { 0x80001000, 0x2000 };
	long rm_before = TH_PARAM("rm_calls");
	struct vcpu v;
	int vm;

	if (!fwmem)
		fwmem = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		             0);
	CHECK(fwmem != MAP_FAILED);
	r.userspace_addr = (uintptr_t)fwmem;
	vm = vm_create(TH_PROG_OFF, 0);
	CHECK(vm >= 0);
	CHECK(ioctl(vm, ANDROID_LEND_USER_MEM, &r) == 0);
	CHECK_ERR(ioctl(vm, ANDROID_LEND_USER_MEM, &r), EEXIST);
	fw.size = 0;
	CHECK_ERR(ioctl(vm, ANDROID_SET_FW_CONFIG, &fw), EINVAL);
	fw.size = 0x2000;
	CHECK(ioctl(vm, ANDROID_SET_FW_CONFIG, &fw) == 0);
	CHECK(ioctl(vm, GH_VM_START, 0) == 0);
	CHECK(TH_PARAM("parcels_live") == 2);
	/* MEM_SHARE, MEM_LEND, CONFIG_IMAGE, SET_FIRMWARE_MEM, ... VM_START */
	CHECK(TH_PARAM("rm_calls") - rm_before >= 8);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_mmap(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_OFF, 0);
	void *p;

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	CHECK(ioctl(v.fd, GH_VCPU_MMAP_SIZE, 0) == page);
	CHECK(v.run->exit_reason == GH_VM_EXIT_UNKNOWN && v.run->immediate_exit == 0);
	/* two mappings see one page */
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
	CHECK(p != MAP_FAILED);
	v.run->padding2 = 0x5a5a5a5a;
	CHECK(((struct gh_vcpu_run *)p)->padding2 == 0x5a5a5a5a);
	v.run->padding2 = 0;
	munmap(p, page);
	CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, v.fd, 0) == MAP_FAILED &&
	      errno == EINVAL);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

/* Touching @p in a child: how did it end? */
static int touch_in_child(volatile uint8_t *p)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static int t_mmap_sigbus(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_OFF, 0);
	uint8_t *p;

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, page); /* offset 1 */
	CHECK(p != MAP_FAILED);
	CHECK(touch_in_child(p) == SIGBUS);
	munmap(p, page);
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(touch_in_child(p) == 0);
	CHECK(touch_in_child(p + page) == SIGBUS);
	munmap(p, 2 * page);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

/* v17's guest memory: GUNYAH_CREATE_GUEST_MEM on /dev/gunyah, GUNYAH_VM_MAP_MEM. */
struct create_mem_args {
	uint64_t flags, size, reserved[6];
};
struct map_mem_args {
	uint64_t guest_addr;
	uint32_t flags, guest_mem_fd;
	uint64_t offset, size;
};
#define CREATE_GUEST_MEM _IOW('G', 0x8, struct create_mem_args)
#define VM_MAP_MEM       _IOW('G', 0x9, struct map_mem_args)
#define MAP_RWX          (7U << 4)
#define MAP_SHARE        2U

static int t_guest_mem(void)
{
	struct create_mem_args c = { .flags = 1 /* GHMF_CLOEXEC */, .size = 4 * page };
	struct map_mem_args m = { .guest_addr = 0x80000000, .flags = MAP_RWX, .size = 2 * page };
	long parcels = TH_PARAM("parcels_live");
	struct create_mem_args bad;
	struct vcpu v;
	uint8_t *p;
	int gm, vm, efd;

	bad = c;
	bad.flags = 4;
	CHECK_ERR(ioctl(dev, CREATE_GUEST_MEM, &bad), EINVAL);
	bad = c;
	bad.reserved[3] = 1;
	CHECK_ERR(ioctl(dev, CREATE_GUEST_MEM, &bad), EINVAL);
	bad = c;
	bad.size = page + 1;
	CHECK_ERR(ioctl(dev, CREATE_GUEST_MEM, &bad), EINVAL);
	bad.size = 0;
	CHECK_ERR(ioctl(dev, CREATE_GUEST_MEM, &bad), EINVAL);
	bad = c;
	bad.flags = 0; /* the peer's create_mem_with_cloexec(false) */
	gm = ioctl(dev, CREATE_GUEST_MEM, &bad);
	CHECK(gm >= 0);
	CHECK(fcntl(gm, F_GETFD) == 0);
	close(gm);
	gm = ioctl(dev, CREATE_GUEST_MEM, &c);
	CHECK(gm >= 0);
	CHECK(fcntl(gm, F_GETFD) == FD_CLOEXEC);
	CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, gm, 0) == MAP_FAILED &&
	      errno == EINVAL);
	p = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE, MAP_SHARED, gm, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 0x5a, 4 * page);
	CHECK(touch_in_child(p + 4 * page) == SIGBUS); /* past its end */

	vm = vm_create(TH_PROG_OFF, 0);
	CHECK(vm >= 0);
	efd = eventfd(0, EFD_CLOEXEC);
	m.guest_mem_fd = (uint32_t)efd;
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EINVAL); /* not guest memory */
	close(efd);
	m.guest_mem_fd = (uint32_t)gm;
	m.flags = 0;
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EINVAL); /* no access */
	m.flags = MAP_RWX;
	m.size = 8 * page;
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EINVAL); /* past its end */
	m.size = 2 * page;
	CHECK(ioctl(vm, VM_MAP_MEM, &m) == 0); /* lent: DEFAULT_ACCESS */
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EEXIST);
	m.guest_addr += 2 * page;
	m.offset = 2 * page;
	m.flags = MAP_RWX | MAP_SHARE;
	CHECK(ioctl(vm, VM_MAP_MEM, &m) == 0);
	/* The VM keeps the memory; the fd can go. */
	close(gm);
	CHECK(touch_in_child(p) == 0);
	CHECK(ioctl(vm, GH_VM_START, 0) == 0);
	CHECK(TH_PARAM("parcels_live") == parcels + 3);
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EINVAL); /* its fd is closed */
	gm = ioctl(dev, CREATE_GUEST_MEM, &c);
	CHECK(gm >= 0);
	m.guest_mem_fd = (uint32_t)gm;
	m.guest_addr = 0x90000000;
	m.offset = 0;
	CHECK_ERR(ioctl(vm, VM_MAP_MEM, &m), EBUSY); /* started */
	close(gm);
	/* Lent: gone from the host; shared: still there. */
	CHECK(touch_in_child(p) == SIGBUS);
	CHECK(touch_in_child(p + page) == SIGBUS);
	CHECK(touch_in_child(p + 2 * page) == 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	/* Reclaimed: the host's again, contents kept. */
	CHECK(TH_PARAM("parcels_live") == parcels);
	CHECK(touch_in_child(p) == 0);
	CHECK(p[0] == 0x5a && p[page + 17] == 0x5a);
	munmap(p, 5 * page);
	NO_LEAK();
	return 0;
}

static int t_mmio_each_size(void)
{
	static const uint64_t answer[4] = { 0xa1, 0xb2b1, 0xc4c3c2c1, 0xd8d7d6d5d4d3d2d1ULL };
	static const uint32_t len[4] = { 1, 2, 4, 8 };
	struct vcpu v;
	int vm = vm_create(TH_PROG_MMIO, 0);

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	for (int i = 0; i < 4; i++) {
		EXPECT_MMIO(&v, 0, TH_READ_ADDR(i), len[i], 0);
		/* garbage above the length must not reach the guest */
		mmio_answer(v.run, answer[i] | (len[i] < 8 ? 0xee00000000000000ULL : 0),
		            GH_VM_RESUME_HANDLED);
		if (len[i] < 8)
			v.run->mmio.data[7] = 0xee;
		/* the guest echoes what it read */
		EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(i), len[i], answer[i]);
	}
	for (int i = 0; i < 4; i++)
		EXPECT_MMIO(&v, 1, TH_WRITE_ADDR(i), len[i], TH_WVAL(len[i]));
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	CHECK(v.run->status.exit_info.reason_size == 2 &&
	      v.run->status.exit_info.reason[0] == 0x9d);
	/* the VM is gone for good: every later RUN is the same STATUS exit */
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_every_exit(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_EXITS, 0);
	long runs = TH_PARAM("vcpu_runs");

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	/* READY, BLOCKED, RETRY, an unknown state and a WFI stay in the kernel */
	EXPECT_MMIO(&v, 1, TH_MARK_ADDR, 4, 1);
	CHECK(TH_PARAM("vcpu_runs") - runs >= 6);
	/* a hypervisor error reaches userspace through gh_remap_error */
	CHECK(run(&v) == -EACCES);
	EXPECT_MMIO(&v, 1, TH_MARK_ADDR, 4, 2);
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_crash(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_CRASH, 0);

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_MMIO(&v, 1, TH_MARK_ADDR, 4, 3);
	EXPECT_STATUS(&v, GH_VM_STATUS_CRASHED, GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_immediate_exit(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_STARTS, 0);
	long runs;

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	CHECK(ioctl(vm, GH_VM_START, 0) == 0);
	runs = TH_PARAM("vcpu_runs");
	v.run->immediate_exit = 1;
	CHECK(run(&v) == -EINTR);
	CHECK(run(&v) == -EINTR);
	CHECK(TH_PARAM("vcpu_runs") == runs); /* the guest never ran */
	v.run->immediate_exit = 0;
	EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 1);
	/* set while an MMIO exit is pending: the answer is kept */
	v.run->immediate_exit = 1;
	CHECK(run(&v) == -EINTR);
	v.run->immediate_exit = 0;
	EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 0); /* vcpu id 0 */
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_signal_during_wait(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART */
	struct vcpu v;
	int vm = vm_create(TH_PROG_WFI, 0);
	double t0 = now();

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	arm_alarm_ms(50);
	CHECK(run(&v) == -EINTR); /* the guest is in WFI until 300 ms */
	CHECK(now() - t0 < 0.29);
	/* the exit after the wake-up is not lost */
	EXPECT_MMIO(&v, 1, TH_MARK_ADDR, 4, 0xc0ffee);
	CHECK(now() - t0 >= 0.29);
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

struct runner {
	struct vcpu *v;
	int ret;
};

static void *runner(void *arg)
{
	struct runner *r = arg;

	r->ret = run(r->v);
	return NULL;
}

/*
 * A VM whose vCPU 0 spins in the guest, inside the RUN of a second thread
 * (@r->ret: what RUN returned) once this returns; SIGUSR1, whose handler
 * does nothing, interrupts it. The VM fd, or -1.
 */
static int start_runner(struct runner *r, struct vcpu *v, pthread_t *th)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int vm = vm_create(TH_PROG_FOREVER, 0);

	if (vm < 0)
		return -1;
	if (vcpu_add(vm, 0, v) || sigaction(SIGUSR1, &sa, NULL)) {
		close(vm);
		return -1;
	}
	r->v = v;
	r->ret = 0;
	if (pthread_create(th, NULL, runner, r)) {
		vcpu_close(v);
		close(vm);
		return -1;
	}
	usleep(100000); /* long enough to be in the guest */
	return vm;
}

static int t_concurrent_run(void)
{
	struct runner r;
	struct vcpu v;
	pthread_t th;
	int vm = start_runner(&r, &v, &th);

	CHECK(vm >= 0);
	CHECK(run(&v) == -EBUSY);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	CHECK(r.ret == -EINTR);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_remove_wakes_runner(void)
{
	struct runner r;
	struct vcpu v;
	pthread_t th;
	int vm = start_runner(&r, &v, &th);

	CHECK(vm >= 0);
	CHECK(vcpu_fn(vm, GH_VM_REMOVE_FUNCTION, 0) == 0);
	pthread_join(th, NULL);
	CHECK(r.ret == -ENODEV);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_mmio_len_in_page_ignored(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_RESUME, 0);

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(0), 2, 0);
	memset(v.run->mmio.data, 0xab, 8);
	v.run->mmio.len = 4096;
	v.run->mmio.is_write = 1;
	v.run->mmio.phys_addr = 0;
	v.run->mmio.resume_action = GH_VM_RESUME_HANDLED;
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(0), 2, 0xabab);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_resume_actions(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_RESUME, 0);

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(0), 2, 0);
	mmio_answer(v.run, 0x1234, GH_VM_RESUME_HANDLED);
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(0), 2, 0x1234);
	/* an unknown action is EINVAL and the exit stays pending */
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(1), 4, 0);
	mmio_answer(v.run, 0x5678, 77);
	CHECK(run(&v) == -EINVAL);
	CHECK(run(&v) == -EINVAL);
	mmio_answer(v.run, 0x5678, GH_VM_RESUME_HANDLED);
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(1), 4, 0x5678);
	/* FAULT: the guest's read faults */
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(2), 4, 0);
	mmio_answer(v.run, 0x9999, GH_VM_RESUME_FAULT);
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(2), 8, TH_FAULT_MARK);
	/* RETRY: the same access again */
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(3), 4, 0);
	mmio_answer(v.run, 0, GH_VM_RESUME_RETRY);
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(3), 4, 0);
	mmio_answer(v.run, 0xfeed, GH_VM_RESUME_HANDLED);
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(3), 4, 0xfeed);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_hyp_bad_length(void)
{
	struct vcpu v;
	int vm = vm_create(TH_PROG_RESUME, 0);

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	for (int i = 0; i < 4; i++) {
		EXPECT_MMIO(&v, 0, TH_READ_ADDR(i), i == 0 ? 2 : 4, 0);
		CHECK(run(&v) == 0 && v.run->exit_reason == GH_VM_EXIT_MMIO); /* the echo */
		mmio_answer(v.run, 0, GH_VM_RESUME_HANDLED);
	}
	/* length 4096, then 0: EIO, never a copy; the guest gets a fault */
	CHECK(run(&v) == -EIO);
	EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 2 /* GH_VMMIO_ACTION_FAULT */);
	CHECK(run(&v) == -EIO);
	EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 2);
	EXPECT_STATUS(&v, GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_lazy_start_once(void)
{
	struct vcpu v[TH_MAX_VCPUS];
	struct runner r[TH_MAX_VCPUS];
	pthread_t th[TH_MAX_VCPUS];
	int vm = vm_create(TH_PROG_STARTS, 0);
	long starts = TH_PARAM("vm_starts");

	CHECK(vm >= 0);
	for (int i = 0; i < TH_MAX_VCPUS; i++)
		CHECK(vcpu_add(vm, i, &v[i]) == 0);
	for (int i = 0; i < TH_MAX_VCPUS; i++) {
		r[i].v = &v[i];
		CHECK(pthread_create(&th[i], NULL, runner, &r[i]) == 0);
	}
	for (int i = 0; i < TH_MAX_VCPUS; i++) {
		pthread_join(th[i], NULL);
		CHECK(r[i].ret == 0);
		/* every vCPU reports one start of its VM */
		CHECK(v[i].run->exit_reason == GH_VM_EXIT_MMIO &&
		      v[i].run->mmio.phys_addr == TH_REPORT_ADDR && mmio_value(v[i].run) == 1);
	}
	CHECK(TH_PARAM("vm_starts") - starts == 1);
	CHECK(ioctl(vm, GH_VM_START, 0) == 0); /* started: 0, no second start */
	CHECK(TH_PARAM("vm_starts") - starts == 1);
	CHECK_ERR(set_reg(vm, GH_VM_BOOT_CONTEXT_REG_SET_PC, 0, 0),
	          EINVAL); /* frozen: v17's error */
	for (int i = 0; i < TH_MAX_VCPUS; i++) {
		mmio_answer(v[i].run, 0, GH_VM_RESUME_HANDLED);
		EXPECT_MMIO(&v[i], 1, TH_REPORT_ADDR, 8, (uint64_t)i);
		vcpu_close(&v[i]);
	}
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_failed_start(void)
{
	struct vcpu v[2];
	int vm = vm_create(TH_PROG_STARTS, TH_FAIL_START);
	long starts = TH_PARAM("vm_starts");

	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v[0]) == 0);
	CHECK(vcpu_add(vm, 1, &v[1]) == 0);
	/* RUN before GH_VM_START starts it; the failure is LOAD_FAILED for
	 * every vCPU, on every RUN; GH_VM_START returns the start's error */
	CHECK(load_failed(&v[0]));
	CHECK(load_failed(&v[1]));
	CHECK_ERR(ioctl(vm, GH_VM_START, 0), TH_START_ERRNO);
	CHECK(load_failed(&v[1]));
	CHECK(load_failed(&v[0]));
	CHECK(TH_PARAM("vm_starts") - starts == 1); /* tried once */
	vcpu_close(&v[0]);
	vcpu_close(&v[1]);
	close(vm);
	NO_LEAK();
	return 0;
}

static int t_irqfd(void)
{
	struct gh_vm_function f;
	struct vcpu v;
	uint64_t one = 1;
	int vm = vm_create(TH_PROG_IRQFD, 0);
	int efd = eventfd(0, EFD_CLOEXEC);
	long rings = TH_PARAM("bell_rings");

	CHECK(vm >= 0 && efd >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	fn_init(&f, "irqfd");
	f.irqfd.fd = efd;
	f.irqfd.label = TH_BELL_LABEL;
	CHECK(ioctl(vm, GH_VM_ADD_FUNCTION, &f) == 0);
	CHECK(ioctl(vm, GH_VM_START, 0) == 0);
	CHECK(write(efd, &one, 8) == 8);
	EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 1);
	CHECK(TH_PARAM("bell_rings") - rings == 1);
	vcpu_close(&v);
	close(vm);
	close(efd);
	NO_LEAK();
	return 0;
}

static int t_ioeventfd(void)
{
	struct gh_vm_function f;
	struct vcpu v;
	uint64_t cnt = 0;
	int vm = vm_create(TH_PROG_IOEVENTFD, 0);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	CHECK(vm >= 0 && efd >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	fn_init(&f, "ioeventfd");
	f.ioeventfd.fd = efd;
	f.ioeventfd.addr = TH_IOEVENT_ADDR;
	f.ioeventfd.len = 4;
	f.ioeventfd.flags = GH_IOEVENTFD_DATAMATCH;
	f.ioeventfd.datamatch = 0x1234;
	CHECK(ioctl(vm, GH_VM_ADD_FUNCTION, &f) == 0);
	/* the write to IOEVENT completes in the kernel: next exit is the mark */
	EXPECT_MMIO(&v, 1, TH_MARK_ADDR, 4, 0x5678);
	CHECK(read(efd, &cnt, 8) == 8 && cnt == 1);
	vcpu_close(&v);
	close(vm);
	close(efd);
	NO_LEAK();
	return 0;
}

/* Close the VM fd, the vCPU fd and the run mapping in every order. */
static int t_close_orders(void)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};

	for (int o = 0; o < 6; o++) {
		struct vcpu v;
		int vm = vm_create(TH_PROG_STARTS, 0);

		CHECK(vm >= 0);
		CHECK(vcpu_add(vm, 0, &v) == 0);
		if (o & 1)
			EXPECT_MMIO(&v, 1, TH_REPORT_ADDR, 8, 1); /* started */
		for (int k = 0; k < 3; k++) {
			switch (orders[o][k]) {
			case 0:
				close(vm);
				break;
			case 1:
				close(v.fd);
				break;
			case 2:
				/* the mapping alone keeps the page usable */
				v.run->padding2 = 0;
				munmap(v.run, page);
				break;
			}
		}
		NO_LEAK();
	}
	return 0;
}

/* Both fds closed while another thread is inside RUN: released when it leaves. */
static int t_close_while_running(void)
{
	struct runner r;
	struct vcpu v;
	pthread_t th;
	int vm = start_runner(&r, &v, &th);

	CHECK(vm >= 0);
	close(vm);
	munmap(v.run, page);
	close(v.fd);
	CHECK(TH_PARAM("vms_live") == 1); /* RUN still holds the vCPU file */
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	CHECK(r.ret == -EINTR);
	NO_LEAK();
	return 0;
}

/*
 * The VMM-facing backend (backend/src/dev_backend.c, what ghvmm --backend dev
 * uses) against the real driver: configuration, the run page, MMIO exits
 * answered through it, a kick, the STATUS exit, release.
 */
/* ghvmm's dev backend against the module, adding functions with @abi's form. */
static int dev_backend_case(enum gh_backend_abi abi)
{
	static const uint64_t answer[4] = { 0x5a, 0x6b5a, 0x7c6b5a49, 0x8d7c6b5a49382716ULL };
	static const uint32_t len[4] = { 1, 2, 4, 8 };
	struct gh_userspace_memory_region region = {
		.label = 0,
		.flags = GH_MEM_ALLOW_RWX,
		.guest_phys_addr = 0x40000000,
		.memory_size = 0x10000,
	};
	struct gh_vm_dtb_config dtb = { .guest_phys_addr = 0x40008000, .size = 0x1000 };
	struct gh_vm_boot_context pc = { GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0),
		                         0, TH_PROG_MMIO };
	struct gh_backend *b = NULL;
	struct gh_backend_vm *vm = NULL;
	struct gh_backend_vcpu *vcpu = NULL, *dup = NULL;
	struct gh_vm_function f;
	struct gh_backend_gmem *gmem = NULL;
	struct gh_vcpu_run *r;
	void *mem;

	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	region.userspace_addr = (uintptr_t)mem;
	CHECK(gh_backend_open_dev_abi("/dev/gunyah", abi, &b) == 0);
	CHECK(strcmp(gh_backend_name(b), "dev") == 0);
	CHECK(gh_backend_create_vm(b, &vm) == 0);
	if (abi == GH_BACKEND_ABI_V17) {
		/* v17's memory: guest memory, its view, MAP_MEM (shared). */
		CHECK(gh_backend_create_guest_mem(b, 0x10000, 0, &gmem) == 0);
		CHECK(gh_backend_gmem_view(gmem) != NULL);
		CHECK(gh_backend_vm_map_mem(vm, gmem, 0x40000000, 0, 0x10000, (7U << 4) | 2) == 0);
		CHECK(gh_backend_vm_map_mem(vm, gmem, 0x40000000, 0, 0x10000, 7U << 4) == -EEXIST);
	} else {
		CHECK(gh_backend_vm_set_user_mem_region(vm, &region) == 0);
		CHECK(gh_backend_vm_set_user_mem_region(vm, &region) == -EEXIST);
	}
	CHECK(gh_backend_vm_set_dtb_config(vm, &dtb) == 0);
	CHECK(gh_backend_vm_set_boot_context(vm, &pc) == 0);
	fn_init(&f, "vcpu");
	CHECK(gh_backend_vm_add_function(vm, &f, &vcpu) == 0 && vcpu);
	CHECK(gh_backend_vm_add_function(vm, &f, &dup) == -EEXIST && !dup);
	fn_init(&f, "no-such-function");
	CHECK(gh_backend_vm_add_function(vm, &f, NULL) == -ENOENT);
	r = gh_backend_vcpu_run_page(vcpu);
	CHECK(r);

	/* A kick before RUN: immediate_exit, RUN returns EINTR at once. */
	gh_backend_vcpu_kick(vcpu);
	CHECK(gh_backend_vcpu_run(vcpu) == -EINTR);
	r->immediate_exit = 0;

	/* The first RUN starts the VM; answer its reads, see them echoed. */
	for (int i = 0; i < 4; i++) {
		CHECK(gh_backend_vcpu_run(vcpu) == 0);
		CHECK(r->exit_reason == GH_VM_EXIT_MMIO && !r->mmio.is_write);
		CHECK(r->mmio.phys_addr == TH_READ_ADDR(i) && r->mmio.len == len[i]);
		mmio_answer(r, answer[i], GH_VM_RESUME_HANDLED);
		CHECK(gh_backend_vcpu_run(vcpu) == 0);
		CHECK(r->exit_reason == GH_VM_EXIT_MMIO && r->mmio.is_write);
		CHECK(r->mmio.phys_addr == TH_ECHO_ADDR(i) && mmio_value(r) == answer[i]);
		mmio_answer(r, 0, GH_VM_RESUME_HANDLED);
	}
	for (int i = 0; i < 4; i++) {
		CHECK(gh_backend_vcpu_run(vcpu) == 0);
		CHECK(r->exit_reason == GH_VM_EXIT_MMIO && r->mmio.is_write);
		CHECK(mmio_value(r) == TH_WVAL(len[i]));
		mmio_answer(r, 0, GH_VM_RESUME_HANDLED);
	}
	CHECK(gh_backend_vcpu_run(vcpu) == 0);
	CHECK(r->exit_reason == GH_VM_EXIT_STATUS && r->status.status == GH_VM_STATUS_EXITED);
	CHECK(gh_backend_vm_start(vm) == -ENODEV); /* it has exited */

	/* Release in the VMM's order: vCPU, VM, backend. */
	gh_backend_vcpu_release(vcpu);
	gh_backend_vm_release(vm);
	gh_backend_gmem_release(gmem);
	gh_backend_close(b);
	munmap(mem, 0x10000);
	NO_LEAK();
	return 0;
}

static int t_dev_backend(void)
{
	return dev_backend_case(GH_BACKEND_ABI_AUTO);
}

static int t_dev_backend_v17(void)
{
	return dev_backend_case(GH_BACKEND_ABI_V17);
}

static int t_dev_backend_android(void)
{
	return dev_backend_case(GH_BACKEND_ABI_ANDROID);
}

/*
 * The peer's ioctl-level test list (conformance/), each ABI's table on the
 * dev backend speaking that ABI: one PASS/FAIL line per case.
 */
static void run_conformance(const char *abi_name, enum gh_backend_abi abi,
                            const struct gh_conformance_case *table)
{
	struct gh_conformance_ops ops;
	struct gh_backend *b;
	char why_case[256];

	if (gh_backend_open_dev_abi("/dev/gunyah", abi, &b)) {
		failed++;
		printf("FAIL: conformance %s: no dev backend (errno %d)\n", abi_name, errno);
		return;
	}
	if (gh_conformance_backend_ops(b, &ops)) {
		failed++;
		printf("FAIL: conformance %s: out of memory\n", abi_name);
		gh_backend_close(b);
		return;
	}
	for (const struct gh_conformance_case *c = table; c->name; c++) {
		if (gh_conformance_run(c, &ops, why_case, sizeof(why_case)) == 0) {
			passed++;
			printf("PASS: conformance %s: %s (%s)\n", abi_name, c->name, c->peer);
		} else {
			failed++;
			printf("FAIL: conformance %s: %s (%s): %s\n", abi_name, c->name, c->peer,
			       why_case);
		}
	}
	gh_conformance_backend_free(&ops);
	gh_backend_close(b);
	fflush(stdout);
}

static int t_rmmod_busy(void)
{
	int vm = vm_create(TH_PROG_OFF, 0);

	CHECK(vm >= 0);
	CHECK(unload("gunyah_test_hyp") == -1);
	CHECK(unload("gunyah") == -1);
	close(vm);
	NO_LEAK();
	CHECK(param("gunyah_test_hyp", "refcnt") == 0);
	return 0;
}

/* kB of slab in use (all caches). */
static long slab_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* One load cycle: both modules in, a VM run to its exit, both out. */
static int cycle(void)
{
	struct vcpu v;
	int vm;

	close(dev);
	dev = -1;
	CHECK(unload("gunyah_test_hyp") == 0);
	/* The platform's RM client went with it. */
	CHECK(param("gunyah", "parameters/live_objects") == 0);
	CHECK(unload("gunyah") == 0);
	CHECK(access("/sys/module/gunyah", F_OK) != 0);
	CHECK(load("gunyah", "wait_for_platform=1") == 0);
	CHECK(load("gunyah_test_hyp", "") == 0);
	CHECK(param("gunyah", "parameters/live_objects") == base_objects);
	CHECK(param("gunyah", "refcnt") == 1); /* gunyah_test_hyp uses it */
	dev = open("/dev/gunyah", O_RDWR | O_CLOEXEC);
	CHECK(dev >= 0);
	vm = vm_create(TH_PROG_MMIO, 0);
	CHECK(vm >= 0);
	CHECK(vcpu_add(vm, 0, &v) == 0);
	EXPECT_MMIO(&v, 0, TH_READ_ADDR(0), 1, 0);
	mmio_answer(v.run, 0x42, GH_VM_RESUME_HANDLED);
	EXPECT_MMIO(&v, 1, TH_ECHO_ADDR(0), 1, 0x42);
	vcpu_close(&v);
	close(vm);
	NO_LEAK();
	CHECK(param("gunyah_test_hyp", "refcnt") == 0);
	return 0;
}

static int t_rmmod_loop(void)
{
	long before, after;

	for (int i = 0; i < 5; i++) /* warm the caches */
		if (cycle())
			return -1;
	before = slab_kb();
	for (int i = 0; i < 100; i++) {
		if (cycle()) {
			char tmp[sizeof(why)];

			memcpy(tmp, why, sizeof(tmp));
			snprintf(why, sizeof(why), "cycle %d: %.200s", i, tmp);
			return -1;
		}
	}
	after = slab_kb();
	printf("# slab before %ld kB, after 100 cycles %ld kB\n", before, after);
	/* a VM's objects alone are several kB: 100 leaked would be far more */
	CHECK(before > 0 && after - before < 256);
	close(dev);
	dev = -1;
	CHECK(unload("gunyah_test_hyp") == 0);
	CHECK(unload("gunyah") == 0);
	return 0;
}

int main(int argc, char **argv)
{
	moddir = argc > 1 ? argv[1] : "/lib/modules/gunyah";
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);

	run_case("load without Gunyah or a backend is refused with ENODEV",
	         t_refuse_without_gunyah);
	run_case("load with wait_for_platform=1; GH_CREATE_VM is ENODEV", t_load_waiting);
	if (dev < 0)
		goto out;
	run_case("backend module registers; GH_CREATE_VM works", t_load_backend);
	run_case("GH_CREATE_VM with a non-zero type is EINVAL", t_create_vm_bad_type);
	run_case("unknown ioctls are ENOTTY", t_unknown_ioctl);
	run_case("add/remove functions: vcpu, irqfd, ioeventfd, unknown, duplicate", t_functions);
	run_case(
		"the later ABIs' function descriptor: vcpu (runs), irqfd by label, ioeventfd len 0",
		t_fn_desc);
	run_case("Android's LEND_USER_MEM and SET_FW_CONFIG: a lent firmware region over RM RPC",
	         t_android_memory);
	run_case("v17's guest memory: CREATE_GUEST_MEM, MAP_MEM lent and shared, the host's "
	         "mapping gone while lent",
	         t_guest_mem);
	run_case("run page mmap: size, shared, MAP_PRIVATE refused", t_mmap);
	run_case("mmap offset 1 and beyond the page are SIGBUS", t_mmap_sigbus);
	run_case("MMIO reads and writes of 1, 2, 4, 8 bytes; guest sees the data",
	         t_mmio_each_size);
	run_case("every vcpu_run state; hypervisor error; power off", t_every_exit);
	run_case("vCPU fault: STATUS CRASHED", t_crash);
	run_case("immediate_exit returns EINTR without entering the guest", t_immediate_exit);
	run_case("signal during a wake-up wait: EINTR, no exit lost", t_signal_during_wait);
	run_case("a second RUN on a vCPU is EBUSY", t_concurrent_run);
	run_case("REMOVE_FUNCTION wakes a waiting RUN with ENODEV", t_remove_wakes_runner);
	run_case("mmio.len 4096 (and addr, direction) in the run page are ignored",
	         t_mmio_len_in_page_ignored);
	run_case("resume actions: HANDLED, unknown (EINVAL, kept), FAULT, RETRY", t_resume_actions);
	run_case("hypervisor MMIO length 4096 and 0: EIO, guest faulted", t_hyp_bad_length);
	run_case("RUN before GH_VM_START starts the VM once (4 vCPUs racing)", t_lazy_start_once);
	run_case("failed start is LOAD_FAILED for every vCPU, tried once", t_failed_start);
	run_case("irqfd: eventfd write rings the doorbell", t_irqfd);
	run_case("ioeventfd: guest write completes in the kernel, eventfd signalled", t_ioeventfd);
	run_case("closing VM fd, vCPU fd and run mapping in every order", t_close_orders);
	run_case("closing every fd while RUN is inside the guest", t_close_while_running);
	run_case("the VMM's /dev/gunyah backend: configure, MMIO, kick, status", t_dev_backend);
	run_case("the same with --abi v17 (functions by descriptor)", t_dev_backend_v17);
	run_case("the same with --abi android", t_dev_backend_android);
	run_conformance("seed", GH_BACKEND_ABI_SEED, gh_conformance_seed);
	run_conformance("v17", GH_BACKEND_ABI_V17, gh_conformance_v17);
	run_conformance("android", GH_BACKEND_ABI_ANDROID, gh_conformance_android);
	run_case("rmmod refused while a VM exists", t_rmmod_busy);
	run_case("rmmod and insmod both modules 100 times, no leak", t_rmmod_loop);
out:
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
