// SPDX-License-Identifier: BSD-3-Clause
/*
 * main() for a libFuzzer entry point built without libFuzzer.
 *
 * Usage: <target> DIR|FILE...
 * Every corpus file is run as is, then GH_FUZZ_MUTATIONS (default 2000)
 * mutations of it, drawn from a PRNG seeded with GH_FUZZ_SEED (default 1).
 * The run is deterministic: the same seed gives the same inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define GH_FUZZ_MAX_INPUT (1u << 20)

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
	unsigned int rounds = 1 + rng_next() % 4;

	while (rounds--) {
		size_t pos = len ? rng_next() % len : 0;

		switch (rng_next() % 6) {
		case 0: /* flip a bit */
			if (len)
				buf[pos] ^= (uint8_t)(1u << (rng_next() % 8));
			break;
		case 1: /* random byte */
			if (len)
				buf[pos] = (uint8_t)rng_next();
			break;
		case 2: /* interesting value */
			if (len) {
				static const uint8_t vals[] = { 0, 1, 0x7f, 0x80, 0xff };
				buf[pos] = vals[rng_next() % sizeof(vals)];
			}
			break;
		case 3: /* insert a byte */
			if (len < cap) {
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = (uint8_t)rng_next();
				len++;
			}
			break;
		case 4: /* erase a byte */
			if (len) {
				memmove(buf + pos, buf + pos + 1, len - pos - 1);
				len--;
			}
			break;
		default: /* truncate */
			len = pos;
			break;
		}
	}
	return len;
}

static int run_file(const char *path, unsigned long mutations)
{
	uint8_t *orig, *work;
	size_t len, n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	orig = malloc(GH_FUZZ_MAX_INPUT);
	work = malloc(GH_FUZZ_MAX_INPUT);
	if (!orig || !work) {
		fclose(f);
		free(orig);
		free(work);
		return -1;
	}
	len = fread(orig, 1, GH_FUZZ_MAX_INPUT, f);
	fclose(f);

	/* Exact-size copies so ASan sees every overread. */
	for (unsigned long i = 0; i <= mutations; i++) {
		uint8_t *exact;

		memcpy(work, orig, len);
		n = i ? mutate(work, len, GH_FUZZ_MAX_INPUT) : len;
		exact = malloc(n ? n : 1);
		if (!exact)
			break;
		memcpy(exact, work, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	free(orig);
	free(work);
	return 0;
}

static int run_path(const char *path, unsigned long mutations, unsigned int *files)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return run_file(path, mutations);
	}
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		char child[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (run_path(child, mutations, files))
			ret = -1;
	}
	closedir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	const char *env_mut = getenv("GH_FUZZ_MUTATIONS");
	const char *env_seed = getenv("GH_FUZZ_SEED");
	unsigned long mutations = env_mut ? strtoul(env_mut, NULL, 0) : 2000;
	unsigned int files = 0;
	int ret = 0;

	rng_state = env_seed ? strtoull(env_seed, NULL, 0) : 1;
	if (!rng_state)
		rng_state = 1;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);

	/* The empty input always runs. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* libFuzzer flags are accepted and ignored */
		if (run_path(argv[i], mutations, &files))
			ret = 1;
	}
	if (!files) {
		fprintf(stderr, "fuzz: no corpus files given\n");
		return 1;
	}
	printf("fuzz: %u corpus files, %lu mutations each: ok\n", files, mutations);
	return ret;
}
