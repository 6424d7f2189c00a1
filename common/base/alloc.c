/* Allocation wrappers (out of memory ends the run with EX_OSERR), and zero(). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static void *
check(void *p)
{
	if (!p)
		die(EX_OSERR, "out of memory");
	return p;
}

void *
xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *
xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *
xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die(EX_OSERR, "out of memory");
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

/* A NUL-terminated copy of n bytes. */
char *
xmemdup(const void *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * Zeroes n bytes through glibc's memset. A memset of a constant size of a
 * few hundred bytes is inlined by GCC as `rep stosq`, whose start-up
 * costs more than the whole of glibc's vector memset at that size: hot
 * structs are cleared through here instead.
 */
void
zero(void *p, size_t n)
{
	memset(p, 0, n);
}
