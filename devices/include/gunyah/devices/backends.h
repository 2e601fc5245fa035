/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host backends for the models, kept out of the models themselves: a block
 * backend on a file (pread/pwrite/fdatasync) and an entropy source on
 * getrandom(2). These are the only pieces of devices/ that touch the OS.
 */
#ifndef GUNYAH_DEVICES_BACKENDS_H
#define GUNYAH_DEVICES_BACKENDS_H

#include <gunyah/devices/virtio_blk.h>
#include <gunyah/devices/virtio_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gh_blk_file;

int gh_blk_file_open(const char *path, bool read_only, struct gh_blk_file **out);
void gh_blk_file_close(struct gh_blk_file *f);
int gh_blk_file_size(struct gh_blk_file *f, uint64_t *bytes);
/* ctx is the struct gh_blk_file *. Reads past the end of the file return
 * zeros; the capacity handed to virtio-blk bounds every access anyway. */
extern const struct gh_blk_ops gh_blk_file_ops;

/* ctx is unused (NULL). */
extern const struct gh_rng_ops gh_rng_getrandom_ops;

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_DEVICES_BACKENDS_H */
