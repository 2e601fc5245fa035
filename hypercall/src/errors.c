// SPDX-License-Identifier: BSD-3-Clause
/*
 * The hypervisor's error codes: the one mapping to errno, and their names.
 */
#include <gunyah/hypercall.h>

#include "errno_compat.h"

int gh_remap_error(enum gh_error err)
{
	switch (err) {
	case GH_ERROR_OK:
		return 0;
	case GH_ERROR_NOMEM:
		return -ENOMEM;
	case GH_ERROR_DENIED:
	case GH_ERROR_CSPACE_CAP_NULL:
	case GH_ERROR_CSPACE_CAP_REVOKED:
	case GH_ERROR_CSPACE_WRONG_OBJ_TYPE:
	case GH_ERROR_CSPACE_INSUF_RIGHTS:
		return -EACCES;
	case GH_ERROR_CSPACE_FULL:
	case GH_ERROR_BUSY:
	case GH_ERROR_IDLE:
		return -EBUSY;
	case GH_ERROR_IRQ_BOUND:
	case GH_ERROR_IRQ_UNBOUND:
	case GH_ERROR_MSGQUEUE_FULL:
	case GH_ERROR_MSGQUEUE_EMPTY:
		return -EIO;
	case GH_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GH_ERROR_RETRY:
		return -EAGAIN;
	case GH_ERROR_ARG_INVAL:
	case GH_ERROR_ARG_SIZE:
	case GH_ERROR_ARG_ALIGN:
		return -EINVAL;
	case GH_ERROR_ADDR_OVFL:
	case GH_ERROR_ADDR_UNFL:
	case GH_ERROR_ADDR_INVAL:
		return -EFAULT;
	case GH_ERROR__RANGE_MIN:
	case GH_ERROR__RANGE_MAX:
		break;
	}
	/* A code this table does not know: never 0, never a guess at the cause. */
	return -EIO;
}

const char *gh_error_name(enum gh_error err)
{
	switch (err) {
#define NAME(e) \
	case e: \
		return #e
		NAME(GH_ERROR_OK);
		NAME(GH_ERROR_UNIMPLEMENTED);
		NAME(GH_ERROR_RETRY);
		NAME(GH_ERROR_ARG_INVAL);
		NAME(GH_ERROR_ARG_SIZE);
		NAME(GH_ERROR_ARG_ALIGN);
		NAME(GH_ERROR_NOMEM);
		NAME(GH_ERROR_ADDR_OVFL);
		NAME(GH_ERROR_ADDR_UNFL);
		NAME(GH_ERROR_ADDR_INVAL);
		NAME(GH_ERROR_DENIED);
		NAME(GH_ERROR_BUSY);
		NAME(GH_ERROR_IDLE);
		NAME(GH_ERROR_IRQ_BOUND);
		NAME(GH_ERROR_IRQ_UNBOUND);
		NAME(GH_ERROR_CSPACE_CAP_NULL);
		NAME(GH_ERROR_CSPACE_CAP_REVOKED);
		NAME(GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
		NAME(GH_ERROR_CSPACE_INSUF_RIGHTS);
		NAME(GH_ERROR_CSPACE_FULL);
		NAME(GH_ERROR_MSGQUEUE_EMPTY);
		NAME(GH_ERROR_MSGQUEUE_FULL);
#undef NAME
	case GH_ERROR__RANGE_MIN:
	case GH_ERROR__RANGE_MAX:
		break;
	}
	return "GH_ERROR_<unknown>";
}
