/* Strict decimal parsing: no spaces, no signs but '-', no hex, no overflow. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

static const char not_uint[] = "is not an unsigned integer";
static const char too_big[] = "is out of range (above 18446744073709551615)";

/* One pass: digits are checked and summed together. */
const char *
num_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int big = 0;

	if (!*s)
		return not_uint;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9)
			return not_uint;
		if (x > (UINT64_MAX - d) / 10)
			big = 1;
		x = x * 10 + d;
	}
	if (big)
		return too_big;
	*v = x;
	return NULL;
}

const char *
num_i64(const char *s, int64_t *v)
{
	int neg = *s == '-';
	uint64_t x;
	const char *why = num_u64(s + neg, &x);

	if (why == not_uint)
		return "is not an integer";
	if (why || x > (uint64_t)INT64_MAX + neg)
		return "is out of the int64 range";
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return NULL;
}

const char *
num_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	const char *why = num_u64(s, &x);

	if (why)
		return why;
	if (x > UINT32_MAX)
		return "is out of range (above 4294967295)";
	*v = (uint32_t)x;
	return NULL;
}

const char *
num_value(const char *s, int64_t *i, double *d, int *isint)
{
	char *end;

	if (!num_i64(s, i)) {
		*isint = 1;
		*d = (double)*i;
		return NULL;
	}
	/* strtod takes hex, inf and nan: only plain decimals get this far */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return "is not a number";
	errno = 0;
	*d = strtod(s, &end);
	if (end == s || *end || !*s)
		return "is not a number";
	if (errno == ERANGE || !isfinite(*d))
		return "is out of range";
	*isint = 0;
	return NULL;
}
