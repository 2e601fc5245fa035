// SPDX-License-Identifier: BSD-3-Clause
/* Running one case: its state, the message of a failed check. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "check.h"

int gh_conformance_failf(struct gh_conformance *t, int line, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (t->why[0])
		return -1; /* the first failure is the one that counts */
	snprintf(t->why, sizeof(t->why), "line %d: ", line);
	n = strlen(t->why);
	va_start(ap, fmt);
	vsnprintf(t->why + n, sizeof(t->why) - n, fmt, ap);
	va_end(ap);
	return -1;
}

int gh_conf_eventfd(struct gh_conformance *t)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0)
		gh_conformance_failf(t, __LINE__, "eventfd: errno %d", errno);
	return fd;
}

int gh_conformance_run(const struct gh_conformance_case *c, const struct gh_conformance_ops *ops,
                       char *why, size_t len)
{
	struct gh_conformance t = { .ops = ops };
	int ret;

	ret = c->run(&t) ? -1 : 0;
	if (ops->finish)
		ops->finish(ops->ctx);
	if (len) {
		snprintf(why, len, "%s", ret ? t.why : "");
	}
	return ret;
}
