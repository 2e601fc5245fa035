// SPDX-License-Identifier: BSD-3-Clause
/*
 * The v17 ABI's layout (uapi/v17/include/linux/gunyah.h), asserted at compile
 * time: built natively as a test and for i386 and aarch64 with -Wpadded by
 * cross_layout_test.sh. Sizes, offsets and numbers are the series' (README).
 */
#include <linux/gunyah.h>
#include <stddef.h>

#include "layout_common.h"

SIZE(gunyah_create_mem_args, 64);
OFF(gunyah_create_mem_args, flags, 0);
OFF(gunyah_create_mem_args, size, 8);
OFF(gunyah_create_mem_args, reserved, 16);
_Static_assert(GHMF_CLOEXEC == 1 && GHMF_ALLOW_HUGEPAGE == 2, "GHMF_*");

SIZE(gunyah_map_mem_args, 32);
OFF(gunyah_map_mem_args, guest_addr, 0);
OFF(gunyah_map_mem_args, flags, 8);
OFF(gunyah_map_mem_args, guest_mem_fd, 12);
OFF(gunyah_map_mem_args, offset, 16);
OFF(gunyah_map_mem_args, size, 24);
_Static_assert(GUNYAH_MEM_DEFAULT_ACCESS == 0 && GUNYAH_MEM_FORCE_LEND == 1 &&
                       GUNYAH_MEM_FORCE_SHARE == 2 && GUNYAH_MEM_ACCESS_MASK == 7,
               "v17 sharing choice in bits 0..2");
_Static_assert(GUNYAH_MEM_ALLOW_READ == 0x10 && GUNYAH_MEM_ALLOW_WRITE == 0x20 &&
                       GUNYAH_MEM_ALLOW_EXEC == 0x40 && GUNYAH_MEM_ALLOW_RWX == 0x70 &&
                       GUNYAH_MEM_UNMAP == 0x100,
               "v17 access bits 4..6, unmap bit 8");

#include "layout_fn_v17.h"

_Static_assert(GUNYAH_CREATE_VM == 0x4700, "GUNYAH_CREATE_VM");
_Static_assert(GUNYAH_VM_SET_DTB_CONFIG == 0x40104702, "GUNYAH_VM_SET_DTB_CONFIG");
_Static_assert(GUNYAH_VM_START == 0x4703, "GUNYAH_VM_START");
_Static_assert(GUNYAH_VM_ADD_FUNCTION == 0x40104704, "GUNYAH_VM_ADD_FUNCTION");
_Static_assert(GUNYAH_VCPU_RUN == 0x4705, "GUNYAH_VCPU_RUN");
_Static_assert(GUNYAH_VCPU_MMAP_SIZE == 0x4706, "GUNYAH_VCPU_MMAP_SIZE");
_Static_assert(GUNYAH_VM_REMOVE_FUNCTION == 0x40104707, "GUNYAH_VM_REMOVE_FUNCTION");
_Static_assert(GUNYAH_CREATE_GUEST_MEM == 0x40404708, "GUNYAH_CREATE_GUEST_MEM");
_Static_assert(GUNYAH_VM_MAP_MEM == 0x40204709, "GUNYAH_VM_MAP_MEM");
_Static_assert(GUNYAH_VM_SET_BOOT_CONTEXT == 0x4010470a, "GUNYAH_VM_SET_BOOT_CONTEXT");

#ifndef GH_LAYOUT_SYNTAX_ONLY
int main(void)
{
	return 0;
}
#endif
