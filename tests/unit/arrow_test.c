/*
 * The Arrow IPC reader (common/arrow): messages built here by hand for what
 * apache-arrow does not write (64-byte alignment, offsets not from 0, absent
 * validity, compressed bodies) and for every bound a broken message can
 * break. With --dump FILE..., prints what the reader decodes from IPC stream
 * files (tests/cli/arrow.sh compares that with tests/arrow/gen.mjs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>
#include <zstd.h>

#include "arrow/ipc.h"
#include "test.h"
#include "arrow_dump.h"

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(66);
	}
	size_t cap = 1 << 16, len = 0, r;
	uint8_t *p = malloc(cap);
	while (p && (r = fread(p + len, 1, cap - len, f)) > 0)
		if ((len += r) == cap)
			p = realloc(p, cap *= 2);
	fclose(f);
	if (!p)
		exit(71);
	*n = len;
	return p;
}

static int dump_files(int argc, char **argv)
{
	int st = 0;
	for (int i = 0; i < argc; i++) {
		size_t n;
		uint8_t *p = slurp(argv[i], &n);
		if (dump_stream(stdout, p, n, argv[i]) < 0)
			st = 65;
		free(p);
	}
	return st;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--dump") == 0)
		return dump_files(argc - 2, argv + 2);
	return test_failed;
}
