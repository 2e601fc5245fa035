// SPDX-License-Identifier: BSD-3-Clause
/*
 * The core's private view of the PAGE_FAULT exit (src/run_page_v17.h) against
 * v17's <linux/gunyah.h> (//uapi:v17): every offset, size and value at
 * compile time, then one exit written through the view and read back
 * through v17's struct gunyah_vcpu_run.
 */
#include <linux/gunyah.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vcpu/src/run_page_v17.h"

#define SAME_OFF(mine, theirs)                                           \
	_Static_assert(offsetof(struct gh_vcpu_run_v17_pf, mine) ==      \
	                       offsetof(struct gunyah_vcpu_run, theirs), \
	               #mine " at v17's offset of " #theirs)
#define SAME_SIZE(mine, theirs)                                               \
	_Static_assert(sizeof(((struct gh_vcpu_run_v17_pf *)0)->mine) ==      \
	                       sizeof(((struct gunyah_vcpu_run *)0)->theirs), \
	               #mine " as wide as " #theirs)

SAME_OFF(immediate_exit, immediate_exit);
SAME_OFF(exit_reason, exit_reason);
SAME_SIZE(exit_reason, exit_reason);
SAME_OFF(phys_addr, page_fault.phys_addr);
SAME_SIZE(phys_addr, page_fault.phys_addr);
SAME_OFF(attempt, page_fault.attempt);
SAME_SIZE(attempt, page_fault.attempt);
SAME_OFF(resume_action, page_fault.resume_action);
SAME_SIZE(resume_action, page_fault.resume_action);
SAME_OFF(padding3, page_fault.padding);
_Static_assert(offsetof(struct gunyah_vcpu_run, page_fault.phys_addr) == 16, "phys_addr@16");
_Static_assert(offsetof(struct gunyah_vcpu_run, page_fault.attempt) == 24, "attempt@24");
_Static_assert(offsetof(struct gunyah_vcpu_run, page_fault.resume_action) == 28,
               "resume_action@28");
_Static_assert(sizeof(struct gh_vcpu_run_v17_pf) <= sizeof(struct gunyah_vcpu_run),
               "the view stays inside v17's struct");
_Static_assert(GH_VCPU_V17_EXIT_PAGE_FAULT == GUNYAH_VCPU_EXIT_PAGE_FAULT, "exit 3");
_Static_assert(GH_VCPU_V17_RESUME_HANDLED == GUNYAH_VCPU_RESUME_HANDLED &&
                       GH_VCPU_V17_RESUME_FAULT == GUNYAH_VCPU_RESUME_FAULT &&
                       GH_VCPU_V17_RESUME_RETRY == GUNYAH_VCPU_RESUME_RETRY,
               "resume actions");

int main(void)
{
	union {
		struct gunyah_vcpu_run v17;
		struct gh_vcpu_run_v17_pf mine;
		unsigned char bytes[4096];
	} page;

	memset(&page, 0, sizeof(page));
	page.mine.exit_reason = GH_VCPU_V17_EXIT_PAGE_FAULT;
	page.mine.phys_addr = 0x80001234ULL;
	page.mine.attempt = -13;
	page.mine.resume_action = GH_VCPU_V17_RESUME_FAULT;
	if (page.v17.exit_reason != GUNYAH_VCPU_EXIT_PAGE_FAULT ||
	    page.v17.page_fault.phys_addr != 0x80001234ULL || page.v17.page_fault.attempt != -13 ||
	    page.v17.page_fault.resume_action != GUNYAH_VCPU_RESUME_FAULT) {
		fprintf(stderr, "the view and v17's struct disagree\n");
		return 1;
	}
	return 0;
}
