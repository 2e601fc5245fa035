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
	{ 0x3437d61e, "dummy_irq_chip" },
	{ 0x37a0cba, "kfree" },
	{ 0x81e2bdf4, "generic_handle_irq_safe" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x7522f3ba, "irq_modify_status" },
	{ 0xb2fcb56d, "queue_delayed_work_on" },
	{ 0x37066c46, "irq_set_chip_and_handler_name" },
	{ 0x1c5b1f28, "irq_free_descs" },
	{ 0x4e18bbb4, "handle_simple_irq" },
	{ 0x808e7639, "gunyah_vm_notify_status" },
	{ 0x8c03d20c, "destroy_workqueue" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0xc0b7c197, "hrtimer_start_range_ns" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x8339c638, "gunyah_register_platform" },
	{ 0x5a9dfa20, "__irq_alloc_descs" },
	{ 0x848b0fc4, "gunyah_unregister_platform" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0xc6f46339, "init_timer_key" },
	{ 0xffeedf6a, "delayed_work_timer_fn" },
	{ 0x102fe6de, "hrtimer_cancel" },
	{ 0x606e9d01, "kmalloc_trace" },
	{ 0x69e0fbdc, "param_ops_int" },
	{ 0x7a7caba8, "kmalloc_caches" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "gunyah");

