#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x49cd25ed, "alloc_workqueue" },
	{ 0xea82d349, "hrtimer_init" },
	{ 0x67e84ff, "dummy_irq_chip" },
	{ 0x37a0cba, "kfree" },
	{ 0x81e2bdf4, "generic_handle_irq_safe" },
	{ 0x7522f3ba, "irq_modify_status" },
	{ 0xb2fcb56d, "queue_delayed_work_on" },
	{ 0x99adcd81, "irq_set_chip_and_handler_name" },
	{ 0x1c5b1f28, "irq_free_descs" },
	{ 0x96d66b00, "handle_simple_irq" },
	{ 0x808e7639, "gunyah_vm_notify_status" },
	{ 0x8c03d20c, "destroy_workqueue" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0xc0b7c197, "hrtimer_start_range_ns" },
	{ 0x707e49d5, "gunyah_register_platform" },
	{ 0xe0656459, "__irq_alloc_descs" },
	{ 0xcc6b4520, "gunyah_unregister_platform" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0xc6f46339, "init_timer_key" },
	{ 0xffeedf6a, "delayed_work_timer_fn" },
	{ 0x102fe6de, "hrtimer_cancel" },
	{ 0x6b079231, "alt_cb_patch_nops" },
	{ 0xc0606d0, "kmalloc_trace" },
	{ 0x1ee97c5a, "param_ops_int" },
	{ 0xf0b1d844, "kmalloc_caches" },
	{ 0xd568a14a, "module_layout" },
};

MODULE_INFO(depends, "gunyah");

