// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Android ABI's layout (uapi/android/include/linux/gunyah.h), asserted at
 * compile time: built natively as a test and for i386 and aarch64 with
 * -Wpadded by cross_layout_test.sh. Sizes, offsets and numbers are those of
 * the header Android exports (README).
 */
#include <linux/gunyah.h>
#include <stddef.h>

#include "layout_common.h"

SIZE(gunyah_userspace_memory_region, 32);
OFF(gunyah_userspace_memory_region, label, 0);
OFF(gunyah_userspace_memory_region, flags, 4);
OFF(gunyah_userspace_memory_region, guest_phys_addr, 8);
OFF(gunyah_userspace_memory_region, memory_size, 16);
OFF(gunyah_userspace_memory_region, userspace_addr, 24);

SIZE(gunyah_vm_firmware_config, 16);
OFF(gunyah_vm_firmware_config, guest_phys_addr, 0);
OFF(gunyah_vm_firmware_config, size, 8);

SIZE(gunyah_map_mem_args, 32);
_Static_assert(GUNYAH_MEM_ALLOW_READ == 1 && GUNYAH_MEM_ALLOW_WRITE == 2 &&
                       GUNYAH_MEM_ALLOW_EXEC == 4 && GUNYAH_MEM_ALLOW_RWX == 7,
               "Android access bits 0..2, the seed's values");
_Static_assert(GUNYAH_MEM_DEFAULT_ACCESS == 0 && GUNYAH_MEM_FORCE_LEND == 0x10 &&
                       GUNYAH_MEM_FORCE_SHARE == 0x20 && GUNYAH_MEM_ACCESS_MASK == 0x70 &&
                       GUNYAH_MEM_UNMAP == 0x100,
               "Android sharing choice in bits 4..6");

#include "layout_fn_v17.h"

_Static_assert(GUNYAH_CREATE_VM == 0x4700, "GUNYAH_CREATE_VM");
_Static_assert(GH_VM_SET_USER_MEM_REGION == 0x40204701, "GH_VM_SET_USER_MEM_REGION");
_Static_assert(GUNYAH_VM_SET_DTB_CONFIG == 0x40104702, "GUNYAH_VM_SET_DTB_CONFIG");
_Static_assert(GUNYAH_VM_START == 0x4703, "GUNYAH_VM_START");
_Static_assert(GUNYAH_VM_ADD_FUNCTION == 0x40104704, "GUNYAH_VM_ADD_FUNCTION");
_Static_assert(GUNYAH_VCPU_RUN == 0x4705, "GUNYAH_VCPU_RUN");
_Static_assert(GUNYAH_VCPU_MMAP_SIZE == 0x4706, "GUNYAH_VCPU_MMAP_SIZE");
_Static_assert(GUNYAH_VM_REMOVE_FUNCTION == 0x40104707, "GUNYAH_VM_REMOVE_FUNCTION");
_Static_assert(GUNYAH_VM_MAP_MEM == 0x40204709, "GUNYAH_VM_MAP_MEM");
_Static_assert(GUNYAH_VM_SET_BOOT_CONTEXT == 0x4010470a, "GUNYAH_VM_SET_BOOT_CONTEXT");
_Static_assert(GH_ANDROID_IOCTL_TYPE == 'A', "GH_ANDROID_IOCTL_TYPE");
_Static_assert(GH_VM_ANDROID_LEND_USER_MEM == 0x40204111, "GH_VM_ANDROID_LEND_USER_MEM");
_Static_assert(GH_VM_ANDROID_SET_FW_CONFIG == 0x40104112, "GH_VM_ANDROID_SET_FW_CONFIG");

#ifndef GH_LAYOUT_SYNTAX_ONLY
int main(void)
{
	return 0;
}
#endif
