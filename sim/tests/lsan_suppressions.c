// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unicorn 2.1.1 leaks 32 bytes per uc_mem_map_ptr() mapping even after
 * uc_close(); the allocation is Unicorn's own, not the simulator's. Linked
 * into the simulator's test and benchmark binaries only.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libunicorn.so\n";
}
#endif
#endif
