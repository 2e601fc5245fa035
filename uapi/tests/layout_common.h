/* SPDX-License-Identifier: BSD-3-Clause */
/* The assert macros of the layout tests. */
#ifndef GH_UAPI_LAYOUT_COMMON_H
#define GH_UAPI_LAYOUT_COMMON_H

#define SIZE(type, n)        _Static_assert(sizeof(struct type) == (n), "sizeof " #type)
#define OFF(type, member, n) _Static_assert(offsetof(struct type, member) == (n), #type "." #member)

#endif
