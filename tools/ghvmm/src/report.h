/* SPDX-License-Identifier: BSD-3-Clause */
/* One-line error reasons: how ghvmm's parts say why they refused. */
#ifndef GHVMM_REPORT_H
#define GHVMM_REPORT_H

#include <stddef.h>

/*
 * Formats a one-line reason into @err (at most @errlen bytes) and returns
 * @ret: `return ghvmm_fail(err, errlen, -EINVAL, "bad %s", what);`
 */
int ghvmm_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
