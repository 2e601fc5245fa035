// SPDX-License-Identifier: BSD-3-Clause
/* One-line error reasons for the parts that refuse bad input. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

int ghvmm_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}
