/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to conformance/: the checks a case makes, and its calls. */
#ifndef GH_CONFORMANCE_CHECK_H
#define GH_CONFORMANCE_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <gunyah/conformance.h>

int gh_conformance_failf(struct gh_conformance *t, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fails the case (returns -1 from it) unless @cond. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			return gh_conformance_failf(t, __LINE__, "%s", #cond); \
	} while (0)

/* Fails the case unless @call returns @want (0, or -errno). */
#define CHECK_RET(call, want)                                                                      \
	do {                                                                                       \
		long r_ = (call), w_ = (want);                                                     \
		if (r_ != w_)                                                                      \
			return gh_conformance_failf(t, __LINE__, "%s = %ld, want %s (%ld)", #call, \
			                            r_, #want, w_);                                \
	} while (0)

/* Fails the case unless @call succeeds (>= 0); a handle goes in @out. */
#define CHECK_OK(out, call)                                                              \
	do {                                                                             \
		long r_ = (call);                                                        \
		if (r_ < 0)                                                              \
			return gh_conformance_failf(t, __LINE__, "%s = %ld", #call, r_); \
		(out) = (int)r_;                                                         \
	} while (0)

/* The ops, for a case's @t. */
static inline long gh_conf_ioctl(struct gh_conformance *t, int h, unsigned int cmd, void *arg)
{
	return t->ops->ioctl(t->ops->ctx, h, cmd, arg);
}

static inline int gh_conf_create_vm(struct gh_conformance *t)
{
	return t->ops->create_vm(t->ops->ctx);
}

static inline void gh_conf_close(struct gh_conformance *t, int h)
{
	t->ops->close(t->ops->ctx, h);
}

/* An eventfd of the host's (irqfd and ioeventfd take one in both worlds). */
int gh_conf_eventfd(struct gh_conformance *t);

#endif /* GH_CONFORMANCE_CHECK_H */
