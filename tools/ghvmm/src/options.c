// SPDX-License-Identifier: BSD-3-Clause
/* ghvmm's command line parsed and checked, and its --help text. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "report.h"

const char ghvmm_usage[] =
	"usage: ghvmm run [options]\n"
	"\n"
	"Boots an AArch64 guest on Gunyah (/dev/gunyah) or on the embedded simulator.\n"
	"\n"
	"Images:\n"
	"  --kernel PATH       ELF64 AArch64 (PT_LOAD at physical addresses, entry e_entry),\n"
	"                      arm64 Linux Image (x0 = DTB), or a raw binary loaded at the\n"
	"                      start of RAM (or --load-addr) and entered at its first byte\n"
	"  --load-addr ADDR    where a raw --kernel binary is loaded\n"
	"  --bios PATH         firmware in a read-only flash at 0x0, started there;\n"
	"                      the DTB is placed at the start of RAM\n"
	"  --initrd PATH       initial ramdisk (its range goes in /chosen)\n"
	"  --cmdline STR       kernel command line (/chosen/bootargs)\n"
	"  --dtb PATH          use this device tree instead of generating one\n"
	"  --dump-dtb PATH     write the generated device tree to PATH and exit\n"
	"Machine:\n"
	"  --cpus N            vCPUs, 1..64 (default 1)\n"
	"  --mem SIZE          RAM at 0x40000000, e.g. 128M, 1G (default 256M; 16M..16G)\n"
	"  --disk PATH[,ro]    a virtio-blk disk backed by PATH (up to 8)\n"
	"  --rng               a virtio-rng device\n"
	"  --console uart|virtio  where the guest's console goes (default uart)\n"
	"  --backend sim|dev|auto hypervisor: the simulator, /dev/gunyah, or\n"
	"                      /dev/gunyah when present else the simulator (default)\n"
	"  --abi auto|seed|v17|android  the /dev/gunyah ABI VM functions are added with\n"
	"                      (auto: the seed's, the later descriptor if refused)\n"
	"  --stats             print exit and time statistics when the guest stops\n"
	"  -h, --help          this text\n"
	"\n"
	"Console: the guest's UART is on stdin/stdout; Ctrl-A x quits, Ctrl-A Ctrl-A\n"
	"sends Ctrl-A.\n"
	"\n"
	"Exit status: 0 the guest powered off; 1 internal error; 2 usage error;\n"
	"3 an image could not be loaded; 4 the guest asked for a reset; 5 the guest\n"
	"crashed; 6 the user quit.\n";

enum {
	OPT_KERNEL = 256,
	OPT_LOAD_ADDR,
	OPT_BIOS,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_DTB,
	OPT_DUMP_DTB,
	OPT_CPUS,
	OPT_MEM,
	OPT_DISK,
	OPT_RNG,
	OPT_CONSOLE,
	OPT_BACKEND,
	OPT_ABI,
	OPT_STATS,
};

static const struct option long_options[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "load-addr", required_argument, NULL, OPT_LOAD_ADDR },
	{ "bios", required_argument, NULL, OPT_BIOS },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "abi", required_argument, NULL, OPT_ABI },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};


int ghvmm_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int parse_disk(const char *arg, struct ghvmm_disk *d)
{
	const char *comma = strchr(arg, ',');

	d->path = arg;
	d->read_only = false;
	if (!comma)
		return 0;
	if (strcmp(comma + 1, "ro") != 0 || comma == arg)
		return -EINVAL;
	/* Split in place: argv strings are ours to modify. */
	*(char *)comma = '\0';
	d->read_only = true;
	return 0;
}

int ghvmm_parse_options(int argc, char **argv, struct ghvmm_options *o, char *err, size_t errlen)
{
	unsigned long long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->cpus = 1;
	o->mem_size = GHVMM_RAM_DEFAULT;
	o->console = GHVMM_CONSOLE_UART;
	o->backend = GHVMM_BACKEND_AUTO;
	err[0] = '\0';

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		o->help = true;
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "run") != 0)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "expected the command 'run' (see ghvmm --help)");

	/* Parse what follows "run"; optind = 0 fully resets getopt's state. */
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_LOAD_ADDR:
			if (parse_uint(optarg, UINT64_MAX, &v))
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--load-addr: not an address: '%s'", optarg);
			o->load_addr = v;
			o->has_load_addr = true;
			break;
		case OPT_BIOS:
			o->bios = optarg;
			break;
		case OPT_INITRD:
			o->initrd = optarg;
			break;
		case OPT_CMDLINE:
			o->cmdline = optarg;
			break;
		case OPT_DTB:
			o->dtb = optarg;
			break;
		case OPT_DUMP_DTB:
			o->dump_dtb = optarg;
			break;
		case OPT_CPUS:
			if (parse_uint(optarg, GHVMM_MAX_CPUS, &v) || v < 1)
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--cpus: '%s' is not a number from 1 to %d",
				                  optarg, GHVMM_MAX_CPUS);
			o->cpus = (unsigned int)v;
			break;
		case OPT_MEM:
			if (ghvmm_parse_size(optarg, &o->mem_size))
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--mem: not a size: '%s' (e.g. 128M, 1G)",
				                  optarg);
			if (o->mem_size < GHVMM_RAM_MIN || o->mem_size > GHVMM_RAM_MAX)
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--mem: %s is outside 16M..16G", optarg);
			if (o->mem_size & 0xfff)
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--mem: %s is not a multiple of 4K", optarg);
			break;
		case OPT_DISK:
			if (o->n_disks == GHVMM_MAX_DISKS)
				return ghvmm_fail(err, errlen, -EINVAL, "--disk: at most %d disks",
				                  GHVMM_MAX_DISKS);
			if (parse_disk(optarg, &o->disks[o->n_disks]))
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--disk: expected PATH or PATH,ro: '%s'", optarg);
			o->n_disks++;
			break;
		case OPT_RNG:
			o->rng = true;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "uart"))
				o->console = GHVMM_CONSOLE_UART;
			else if (!strcmp(optarg, "virtio"))
				o->console = GHVMM_CONSOLE_VIRTIO;
			else
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--console: expected uart or virtio: '%s'",
				                  optarg);
			break;
		case OPT_BACKEND:
			if (!strcmp(optarg, "sim"))
				o->backend = GHVMM_BACKEND_SIM;
			else if (!strcmp(optarg, "dev"))
				o->backend = GHVMM_BACKEND_DEV;
			else if (!strcmp(optarg, "auto"))
				o->backend = GHVMM_BACKEND_AUTO;
			else
				return ghvmm_fail(err, errlen, -EINVAL,
				                  "--backend: expected sim, dev or auto: '%s'",
				                  optarg);
			break;
		case OPT_ABI:
			if (!strcmp(optarg, "auto"))
				o->abi = GHVMM_ABI_AUTO;
			else if (!strcmp(optarg, "seed"))
				o->abi = GHVMM_ABI_SEED;
			else if (!strcmp(optarg, "v17"))
				o->abi = GHVMM_ABI_V17;
			else if (!strcmp(optarg, "android"))
				o->abi = GHVMM_ABI_ANDROID;
			else
				return ghvmm_fail(
					err, errlen, -EINVAL,
					"--abi: expected auto, seed, v17 or android: '%s'", optarg);
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			return ghvmm_fail(err, errlen, -EINVAL, "%s: missing argument",
			                  argv[optind - 1]);
		default:
			return ghvmm_fail(err, errlen, -EINVAL, "unknown option '%s'",
			                  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return ghvmm_fail(err, errlen, -EINVAL, "unexpected argument '%s'", argv[optind]);
	if (!o->kernel && !o->bios)
		return ghvmm_fail(err, errlen, -EINVAL, "nothing to boot: give --kernel or --bios");
	if (o->kernel && o->bios)
		return ghvmm_fail(err, errlen, -EINVAL, "--kernel and --bios: give one, not both");
	if (o->has_load_addr && !o->kernel)
		return ghvmm_fail(err, errlen, -EINVAL, "--load-addr goes with --kernel");
	if (o->dtb && o->dump_dtb)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "--dump-dtb writes the generated DTB; it cannot go with --dtb");
	if (o->dtb && o->cmdline)
		return ghvmm_fail(err, errlen, -EINVAL,
		                  "--cmdline goes in the generated DTB; it cannot go with --dtb");
	return 0;
}
