// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program built outside Bazel against the installed gunyah-backend (and,
 * through its pkg-config file, the cores and the simulator): it opens the
 * in-process backend, creates a VM and releases everything.
 * Exit 0 and "ok" when the whole stack links and runs.
 */
#include <stdio.h>

#include <gunyah/backend.h>

int main(void)
{
	struct gh_backend *b;
	struct gh_backend_vm *vm;
	int r = gh_backend_open_sim(NULL, &b);

	if (r) {
		fprintf(stderr, "gh_backend_open_sim: %d\n", r);
		return 1;
	}
	r = gh_backend_create_vm(b, &vm);
	if (r) {
		fprintf(stderr, "gh_backend_create_vm: %d\n", r);
		gh_backend_close(b);
		return 1;
	}
	gh_backend_vm_release(vm);
	gh_backend_close(b);
	printf("ok\n");
	return 0;
}
