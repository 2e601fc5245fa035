/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The later ABIs' PAGE_FAULT exit on the run page, private to vcpu/src.
 *
 * A vCPU added by function descriptor (v17, Android) shares the seed's run
 * page but may also return exit_reason 3 with the `page_fault` member of v17's
 * struct gunyah_vcpu_run (uapi/v17/include/linux/gunyah.h). The seed's
 * <linux/gunyah.h> stays as it is, so that member is written through this
 * mirror of the page's first 32 bytes. It includes neither <linux/gunyah.h>:
 * tests/run_page_v17_test.c checks every offset and value against v17's.
 */
#ifndef GUNYAH_VCPU_RUN_PAGE_V17_H
#define GUNYAH_VCPU_RUN_PAGE_V17_H

#include <linux/types.h>

#define GH_VCPU_V17_EXIT_PAGE_FAULT 3 /* GUNYAH_VCPU_EXIT_PAGE_FAULT */

/* page_fault.resume_action: GUNYAH_VCPU_RESUME_*, the seed's GH_VM_RESUME_* values */
#define GH_VCPU_V17_RESUME_HANDLED 0
#define GH_VCPU_V17_RESUME_FAULT   1
#define GH_VCPU_V17_RESUME_RETRY   2

/**
 * struct gh_vcpu_run_v17_pf - struct gunyah_vcpu_run as a PAGE_FAULT exit
 * @immediate_exit, @padding1, @exit_reason, @padding2: as in both ABIs' page
 * @phys_addr: out: the guest-physical address of the access (offset 16)
 * @attempt: out: the kernel's own attempt to serve the fault, 0 or -errno (24)
 * @resume_action: in and out: GUNYAH_VCPU_RESUME_* for the next RUN (28)
 * @padding3: v17's page_fault.padding
 */
struct gh_vcpu_run_v17_pf {
	__u8 immediate_exit;
	__u8 padding1[7];
	__u32 exit_reason;
	__u32 padding2;
	__u64 phys_addr;
	__s32 attempt;
	__u8 resume_action;
	__u8 padding3[3];
};

#define GH_VCPU_V17_PF_ASSERT(cond) _Static_assert(cond, #cond)
GH_VCPU_V17_PF_ASSERT(__builtin_offsetof(struct gh_vcpu_run_v17_pf, exit_reason) == 8);
GH_VCPU_V17_PF_ASSERT(__builtin_offsetof(struct gh_vcpu_run_v17_pf, phys_addr) == 16);
GH_VCPU_V17_PF_ASSERT(__builtin_offsetof(struct gh_vcpu_run_v17_pf, attempt) == 24);
GH_VCPU_V17_PF_ASSERT(__builtin_offsetof(struct gh_vcpu_run_v17_pf, resume_action) == 28);
GH_VCPU_V17_PF_ASSERT(sizeof(struct gh_vcpu_run_v17_pf) == 32);

#endif /* GUNYAH_VCPU_RUN_PAGE_V17_H */
