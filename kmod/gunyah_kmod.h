/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to gunyah.ko. */
#ifndef GUNYAH_KMOD_H
#define GUNYAH_KMOD_H

/* Allocations made through <gunyah/os.h> and not yet freed. */
long gunyah_os_live_objects(void);

#endif
