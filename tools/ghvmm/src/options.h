/* SPDX-License-Identifier: BSD-3-Clause */
/* ghvmm's command line: `ghvmm run [options]`. */
#ifndef GHVMM_OPTIONS_H
#define GHVMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GHVMM_MAX_DISKS 8

/* Exit status of ghvmm: documented in tools/ghvmm/README.md and --help. */
enum ghvmm_exit {
	GHVMM_EXIT_POWEROFF = 0, /* the guest powered off (PSCI SYSTEM_OFF) */
	GHVMM_EXIT_INTERNAL = 1, /* ghvmm or its backend failed */
	GHVMM_EXIT_USAGE = 2,    /* bad command line */
	GHVMM_EXIT_LOAD = 3,     /* an image or DTB could not be loaded */
	GHVMM_EXIT_RESET = 4,    /* the guest asked for a reset */
	GHVMM_EXIT_CRASH = 5,    /* the guest crashed */
	GHVMM_EXIT_QUIT = 6,     /* the user quit (Ctrl-A x) */
};

enum ghvmm_console {
	GHVMM_CONSOLE_UART,
	GHVMM_CONSOLE_VIRTIO,
};

/* --abi: the /dev/gunyah ABI (backend.h's enum gh_backend_abi, same values). */
enum ghvmm_abi {
	GHVMM_ABI_AUTO = 0,
	GHVMM_ABI_SEED,
	GHVMM_ABI_V17,
	GHVMM_ABI_ANDROID,
};

enum ghvmm_backend_kind {
	GHVMM_BACKEND_AUTO,
	GHVMM_BACKEND_SIM,
	GHVMM_BACKEND_DEV,
};

struct ghvmm_disk {
	const char *path;
	bool read_only;
};

struct ghvmm_options {
	const char *kernel;
	const char *bios;
	const char *initrd;
	const char *cmdline;
	const char *dtb;
	const char *dump_dtb;
	uint64_t load_addr;
	bool has_load_addr;
	unsigned int cpus;
	uint64_t mem_size;
	struct ghvmm_disk disks[GHVMM_MAX_DISKS];
	unsigned int n_disks;
	bool rng;
	enum ghvmm_console console;
	enum ghvmm_backend_kind backend;
	unsigned int abi; /* GHVMM_ABI_*: how VM functions are added */
	bool stats;
	bool help;
};

/*
 * Parses argv (argv[0] is the program, argv[1] must be "run"). On an error
 * returns -EINVAL and writes a one-line message naming the bad argument into
 * @err. With --help, returns 0 and sets o->help.
 */
int ghvmm_parse_options(int argc, char **argv, struct ghvmm_options *o, char *err, size_t errlen);

/* "128M", "1G", "4096", "0x1000k": bytes; -EINVAL on junk or overflow. */
int ghvmm_parse_size(const char *s, uint64_t *out);

extern const char ghvmm_usage[];

#endif
