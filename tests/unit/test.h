/* A minimal unit test harness: each check prints "ok NAME" or "FAIL ...". */
#ifndef SPANPIPE_TEST_H
#define SPANPIPE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_failed;

#define CHECK(name, cond) do { \
	if (cond) \
		fprintf(stderr, "ok %s\n", name); \
	else { \
		fprintf(stderr, "FAIL %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); \
		test_failed = 1; \
	} \
} while (0)

/* Writes s to a new temporary file and returns its path (free it). */
static inline char *
test_file(const char *s, size_t n)
{
	char *path = strdup("/tmp/spanpipe-unit.XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, s, n) != (ssize_t)n) {
		perror("test_file");
		exit(2);
	}
	close(fd);
	return path;
}

#endif
