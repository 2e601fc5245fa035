// SPDX-License-Identifier: BSD-3-Clause
/* ghvmm: boots an AArch64 guest on Gunyah or on the embedded simulator. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "options.h"
#include "vmm.h"

int main(int argc, char **argv)
{
	struct ghvmm_options o;
	char err[256];

	if (ghvmm_parse_options(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "ghvmm: %s\n", err);
		fprintf(stderr, "usage: ghvmm run [options]; see ghvmm --help\n");
		return GHVMM_EXIT_USAGE;
	}
	if (o.help) {
		fputs(ghvmm_usage, stdout);
		return 0;
	}
	/* A closed stdout must not kill the VMM mid-run: writes fail instead. */
	signal(SIGPIPE, SIG_IGN);
	return ghvmm_run(&o, STDIN_FILENO, STDOUT_FILENO, stderr);
}
