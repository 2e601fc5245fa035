// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah.ko: /dev/gunyah, VM and function-handle (vCPU) file descriptors, and the platform
 * registry. Glue only: validation, the run loop, tickets and the hypercall
 * ABI are the cores' (vm_mgr/, vcpu/, hypercall/), compiled into this module.
 *
 * Load order: with a real Gunyah (SMCCC vendor-hypervisor UID + hyp_identify
 * through `hvc`) the module loads and registers its own platform from the
 * device tree's resource-manager node (rm_link.c). Without one it refuses to
 * load (-ENODEV) unless
 * wait_for_platform=1: it then loads with no hypervisor, GH_CREATE_VM fails
 * with -ENODEV, until a backend module (which depends on this module's
 * exports, so it loads after it and unloads before it) registers.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/xarray.h>
#if defined(GH_HYPERCALL_HVC)
#include <linux/arm-smccc.h>
#endif

#include <gunyah/hypercall.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>
#include <gunyah_platform.h>
#include <linux/gunyah.h>

#include "gunyah_kmod.h"

static bool wait_for_platform;
module_param(wait_for_platform, bool, 0444);
MODULE_PARM_DESC(wait_for_platform,
                 "load without a Gunyah hypervisor and wait for a backend module to register");

static int live_objects_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", gunyah_os_live_objects());
}

static const struct kernel_param_ops live_objects_ops = {
	.get = live_objects_get,
};
module_param_cb(live_objects, &live_objects_ops, NULL, 0444);
MODULE_PARM_DESC(live_objects, "allocations made for VMs and vCPUs and not yet freed");

/* --- platform ------------------------------------------------------------------- */

static DEFINE_MUTEX(platform_lock);
static struct gunyah_platform *platform;
static struct gunyah_rm_link *rm_link; /* the platform's RM client */
static bool native_gunyah;

/* Live VMs by vmid, for the RM's notifications. */
static DEFINE_XARRAY(vms);

int gunyah_register_platform(struct gunyah_platform *p)
{
	struct gh_hypercall_hyp_identify_resp id = { 0 };
	int ret = 0;

	if (!p || !p->rm || !p->name)
		return -EINVAL;
	mutex_lock(&platform_lock);
	if (platform) {
		ret = -EBUSY;
		goto out;
	}
	if (p->hypercall) {
		ret = gh_hypercall_register_backend(p->hypercall);
		if (ret)
			goto out;
	} else if (!native_gunyah) {
		pr_err("gunyah: platform %s wants the native transport, but no Gunyah was found\n",
		       p->name);
		ret = -ENODEV;
		goto out;
	}
	if (!gh_hypercall_probe(true, &id)) {
		pr_err("gunyah: platform %s: no usable Gunyah behind its transport (api_info %#llx, flags %#llx)\n",
		       p->name, id.api_info, id.flags[0]);
		if (p->hypercall)
			gh_hypercall_unregister_backend(p->hypercall);
		ret = -ENODEV;
		goto out;
	}
	/* Through the platform's transport: the RM's queues are its. */
	ret = gunyah_rm_link_create(p->rm, &rm_link);
	if (ret) {
		pr_err("gunyah: platform %s: no resource manager on its message queues: %d\n",
		       p->name, ret);
		if (p->hypercall)
			gh_hypercall_unregister_backend(p->hypercall);
		goto out;
	}
	platform = p;
	pr_info("gunyah: platform %s registered (Gunyah API v%u)\n", p->name, gh_api_version(&id));
out:
	mutex_unlock(&platform_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_register_platform);

void gunyah_unregister_platform(struct gunyah_platform *p)
{
	mutex_lock(&platform_lock);
	if (WARN_ON(platform != p))
		goto out;
	/* Each VM holds a reference on p->owner: none can be left. */
	WARN_ON(!xa_empty(&vms));
	platform = NULL;
	gunyah_rm_link_destroy(rm_link);
	rm_link = NULL;
	if (p->hypercall)
		gh_hypercall_unregister_backend(p->hypercall);
	pr_info("gunyah: platform %s unregistered\n", p->name);
out:
	mutex_unlock(&platform_lock);
}
EXPORT_SYMBOL_GPL(gunyah_unregister_platform);

/* --- VM files ---------------------------------------------------------------------- */

/*
 * One per GH_CREATE_VM. Referenced by the VM fd and by each function handle's
 * fd (vCPU fds); holds the only reference on the VM that is not a handle's, so when the last fd
 * goes the VM is released here, and only then the platform's module.
 */
struct gunyah_vm_file {
	struct kref kref;
	struct gh_vm *vm;
	struct module *owner;
	u16 vmid;
};

/* The file of a function's handle (a vCPU's, for "vcpu"); holds the VM file. */
struct gunyah_fn_file {
	struct gh_vm_function_handle *handle;
	struct gunyah_vm_file *vmf;
};

static void vm_file_release(struct kref *kref)
{
	struct gunyah_vm_file *vmf = container_of(kref, struct gunyah_vm_file, kref);

	xa_cmpxchg(&vms, vmf->vmid, vmf, NULL, GFP_KERNEL);
	gh_vm_put(vmf->vm);
	module_put(vmf->owner);
	gh_os_free(vmf);
}

static void vm_file_put(struct gunyah_vm_file *vmf)
{
	kref_put(&vmf->kref, vm_file_release);
}


/* --- function handle fds (vCPU fds) -------------------------------------------------- */

static long gunyah_fn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gunyah_fn_file *fnf = file->private_data;

	return gh_vm_mgr_handle_ioctl(fnf->handle, cmd, arg);
}

static vm_fault_t gunyah_fn_fault(struct vm_fault *vmf)
{
	struct gunyah_fn_file *fnf = vmf->vma->vm_file->private_data;
	void *addr = gh_vm_mgr_handle_map_page(fnf->handle, vmf->pgoff);
	struct page *page;

	/* Only the handle's pages (a vCPU: one, offset 0); everything else is SIGBUS. */
	if (!addr)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(addr);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct gunyah_fn_vm_ops = {
	.fault = gunyah_fn_fault,
};

static int gunyah_fn_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gunyah_fn_file *fnf = file->private_data;

	if (!gh_vm_mgr_handle_mappable(fnf->handle))
		return -ENODEV;
	/* A private copy would hide the kernel's writes and userspace's answers. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, VM_DONTEXPAND);
#else
	vma->vm_flags |= VM_DONTEXPAND;
#endif
	vma->vm_ops = &gunyah_fn_vm_ops;
	return 0;
}

static int gunyah_fn_release(struct inode *inode, struct file *file)
{
	struct gunyah_fn_file *fnf = file->private_data;

	gh_vm_mgr_handle_release(fnf->handle);
	vm_file_put(fnf->vmf);
	gh_os_free(fnf);
	return 0;
}

static const struct file_operations gunyah_fn_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gunyah_fn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = gunyah_fn_mmap,
	.release = gunyah_fn_release,
	.llseek = noop_llseek,
};

/* ADD_FUNCTION handed out a handle (any function's): wrap it in a file. */
static int gunyah_fn_create_fd(struct gunyah_vm_file *vmf, struct gh_vm_function_handle *h,
                               const struct gh_vm_function *fn)
{
	struct gunyah_fn_file *fnf;
	int fd;

	fnf = gh_os_zalloc(sizeof(*fnf));
	if (!fnf) {
		fd = -ENOMEM;
		goto err_unbind;
	}
	fnf->handle = h;
	fnf->vmf = vmf;
	kref_get(&vmf->kref);
	fd = anon_inode_getfd(gh_vm_mgr_handle_name(h), &gunyah_fn_fops, fnf, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	vm_file_put(vmf);
	gh_os_free(fnf);
err_unbind:
	/* No fd: the function must not stay bound with no way to reach it. */
	gh_vm_mgr_handle_release(h);
	gh_vm_mgr_remove_function(vmf->vm, fn);
	return fd;
}

/* --- guest-memory fd (v17's GUNYAH_CREATE_GUEST_MEM) ------------------------------------- */

static void gunyah_gmem_vma_open(struct vm_area_struct *vma)
{
	gh_gmem_get(vma->vm_private_data);
}

static void gunyah_gmem_vma_close(struct vm_area_struct *vma)
{
	gh_gmem_put(vma->vm_private_data);
}

static vm_fault_t gunyah_gmem_vma_fault(struct vm_fault *vmf)
{
	return gunyah_gmem_fault(gh_gmem_store(vmf->vma->vm_private_data), vmf->pgoff, &vmf->page);
}

static const struct vm_operations_struct gunyah_gmem_vm_ops = {
	.open = gunyah_gmem_vma_open,
	.close = gunyah_gmem_vma_close,
	.fault = gunyah_gmem_vma_fault,
};

static int gunyah_gmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gh_gmem *g = file->private_data;

	/* No private copies: the VMM and the VM share the pages (v17's rule). */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* The VMA is the store's: lending finds and zaps it there. */
	vma_set_file(vma, gunyah_gmem_shmem(gh_gmem_store(g)));
	gh_gmem_get(g);
	vma->vm_private_data = g;
	vma->vm_ops = &gunyah_gmem_vm_ops;
	return 0;
}

static int gunyah_gmem_release(struct inode *inode, struct file *file)
{
	gh_gmem_put(file->private_data); /* VMs and mappings keep their own */
	return 0;
}

static const struct file_operations gunyah_gmem_fops = {
	.owner = THIS_MODULE,
	.mmap = gunyah_gmem_mmap,
	.release = gunyah_gmem_release,
	.llseek = noop_llseek,
};

static int gunyah_create_guest_mem(unsigned long arg)
{
	struct gh_gmem_create_args a;
	struct gh_gmem *g;
	int ret, fd;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	ret = gh_gmem_create(&a, &g);
	if (ret)
		return ret;
	fd = anon_inode_getfd("gunyah-guest-mem", &gunyah_gmem_fops, g,
	                      O_RDWR | (a.flags & GH_GMEM_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0)
		gh_gmem_put(g);
	return fd;
}

/* GUNYAH_VM_MAP_MEM: the fd must be guest memory (-EINVAL, as v17). */
static long gunyah_vm_map_mem(struct gunyah_vm_file *vmf, unsigned long arg)
{
	struct gh_vm_map_mem a;
	struct fd f;
	long ret;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	f = fdget(a.guest_mem_fd);
	if (!f.file)
		return -EINVAL;
	ret = f.file->f_op == &gunyah_gmem_fops ?
	              gh_vm_mgr_map_mem(vmf->vm, &a, f.file->private_data) :
	              -EINVAL;
	fdput(f);
	return ret;
}

/* --- VM fd ------------------------------------------------------------------------------- */

static long gunyah_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gunyah_vm_file *vmf = file->private_data;
	size_t size = gh_vm_mgr_ioctl_arg_size(cmd);
	struct gh_vm_function_handle *handle = NULL;
	void *buf = NULL;
	long ret;

	if (cmd == GH_VM_MAP_MEM)
		return gunyah_vm_map_mem(vmf, arg);
	if (size) {
		/* Every VM ioctl with an argument is _IOW: copy exactly _IOC_SIZE. */
		if (_IOC_DIR(cmd) != _IOC_WRITE || size != _IOC_SIZE(cmd))
			return -ENOTTY;
		buf = memdup_user((void __user *)arg, size);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
	}
	if (cmd == GH_VM_ADD_FUNCTION_DESC) {
		/* Read the descriptor's argument once, into the seed's form: an
		 * ADD that gets no fd is undone with exactly what was added. */
		struct gh_vm_function *fn = gh_os_zalloc(sizeof(*fn));

		ret = fn ? gh_vm_mgr_function_from_desc(buf, fn) : -ENOMEM;
		kfree(buf);
		if (ret) {
			gh_os_free(fn);
			return ret;
		}
		ret = gh_vm_mgr_add_function_abi(vmf->vm, fn, GH_VM_FN_ABI_DESC, &handle);
		if (!ret && handle)
			ret = gunyah_fn_create_fd(vmf, handle, fn);
		gh_os_free(fn);
		return ret;
	}
	ret = gh_vm_mgr_ioctl(vmf->vm, cmd, buf, &handle);
	if (!ret && handle)
		ret = gunyah_fn_create_fd(vmf, handle, buf);
	kfree(buf);
	return ret;
}

static int gunyah_vm_release(struct inode *inode, struct file *file)
{
	vm_file_put(file->private_data);
	return 0;
}

static const struct file_operations gunyah_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gunyah_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = gunyah_vm_release,
	.llseek = noop_llseek,
};

static int gunyah_create_vm(void)
{
	struct gunyah_vm_file *vmf;
	struct module *owner;
	struct gh_vm *vm;
	int ret, fd;

	mutex_lock(&platform_lock);
	if (!platform) {
		mutex_unlock(&platform_lock);
		return -ENODEV;
	}
	owner = platform->owner;
	if (!try_module_get(owner)) {
		mutex_unlock(&platform_lock);
		return -ENODEV;
	}
	ret = gh_vm_mgr_create(&gh_vm_rm_client_ops, gunyah_rm_link_client(rm_link), &vm);
	mutex_unlock(&platform_lock);
	if (ret)
		goto err_put_module;

	vmf = gh_os_zalloc(sizeof(*vmf));
	if (!vmf) {
		ret = -ENOMEM;
		goto err_put_vm;
	}
	kref_init(&vmf->kref);
	vmf->vm = vm;
	vmf->owner = owner;
	vmf->vmid = gh_vm_mgr_vmid(vm);
	ret = xa_insert(&vms, vmf->vmid, vmf, GFP_KERNEL);
	if (ret) {
		pr_warn_ratelimited("gunyah: the RM gave vmid %u twice\n", vmf->vmid);
		gh_os_free(vmf);
		goto err_put_vm;
	}
	fd = anon_inode_getfd("gunyah-vm", &gunyah_vm_fops, vmf, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vm_file_put(vmf); /* drops the VM and the module too */
	return fd;

err_put_vm:
	gh_vm_put(vm);
err_put_module:
	module_put(owner);
	return ret;
}

/* --- /dev/gunyah ---------------------------------------------------------------------------- */

static long gunyah_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case GH_CREATE_VM:
		if (arg)
			return -EINVAL; /* the VM type; only 0 exists */
		return gunyah_create_vm();
	case GH_CREATE_GUEST_MEM:
		return gunyah_create_guest_mem(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gunyah_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gunyah_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice gunyah_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "gunyah",
	.fops = &gunyah_dev_fops,
};

/* --- module -------------------------------------------------------------------------------------- */

/* A real Gunyah: only ask when SMCCC 1.1 says `hvc` is the conduit, so that no
 * hvc is executed where it would be undefined. */
static bool gunyah_native_probe(void)
{
#if defined(GH_HYPERCALL_HVC)
	if (arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_HVC)
		return false;
	return gh_hypercall_probe(true, NULL);
#else
	return false;
#endif
}

/* A device's own platform: native `hvc`, the RM the device tree names. */
static struct gunyah_rm_endpoint dt_rm;
static struct gunyah_platform dt_platform = {
	.owner = THIS_MODULE,
	.name = "device tree",
	.rm = &dt_rm,
};
static bool dt_registered;

static int __init gunyah_init(void)
{
	int ret;

	native_gunyah = gunyah_native_probe();
	if (!native_gunyah && !wait_for_platform) {
		pr_err("gunyah: no Gunyah hypervisor found (SMCCC vendor-hypervisor UID, hyp_identify); not loading (wait_for_platform=1 waits for a backend module)\n");
		return -ENODEV;
	}
	ret = gh_vcpu_register_function();
	if (ret)
		return ret;
	ret = misc_register(&gunyah_dev);
	if (ret) {
		gh_vcpu_unregister_function();
		return ret;
	}
	if (native_gunyah) {
		ret = gunyah_rm_endpoint_from_dt(&dt_rm);
		if (!ret)
			ret = gunyah_register_platform(&dt_platform);
		dt_registered = !ret;
		if (ret)
			pr_warn("gunyah: Gunyah found, but no usable resource manager node (%d): GH_CREATE_VM fails until a platform registers\n",
			        ret);
	} else {
		pr_info("gunyah: no Gunyah; waiting for a backend module\n");
	}
	return 0;
}

static void __exit gunyah_exit(void)
{
	long live;

	misc_deregister(&gunyah_dev);
	if (dt_registered)
		gunyah_unregister_platform(&dt_platform);
	gh_vcpu_unregister_function();
	live = gunyah_os_live_objects();
	if (live)
		pr_err("gunyah: %ld objects leaked\n", live);
}

module_init(gunyah_init);
module_exit(gunyah_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Gunyah VM manager and proxy-scheduled vCPUs");
