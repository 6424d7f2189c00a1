/*
 * Strict decimal parsing: no spaces, no signs but '-', no hex, no overflow.
 * Formatting two digits a step, for nanosecond times have nineteen.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"

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
	for (size_t n = 0; s[n]; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (d > 9)
			return not_uint;
		/* nineteen digits cannot overflow: check only past them */
		if (n >= 19 && x > (UINT64_MAX - d) / 10)
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

static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

char *
num_fmt_u64(char buf[NUM_BUF], uint64_t v, size_t *n)
{
	char *end = buf + NUM_BUF - 1, *p = end;

	*p = '\0';
	while (v >= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	*n = (size_t)(end - p);
	return p;
}

char *
num_fmt_i64(char buf[NUM_BUF], int64_t v, size_t *n)
{
	char *p;

	if (v >= 0)
		return num_fmt_u64(buf, (uint64_t)v, n);
	p = num_fmt_u64(buf, 0 - (uint64_t)v, n);
	*--p = '-';
	++*n;
	return p;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

const char *
num_us_ns(const char *s, size_t n, int64_t *ns)
{
	const char *p = s, *end = s + n, *frac = "";
	size_t nint = 0, nfrac = 0, i;
	long x = 0, e10, keep;
	uint64_t v = 0;
	int neg = 0, esign = 1, round = 0;

	if (p < end && *p == '-')
		neg = 1, p++;
	for (; p < end && isdig(*p); p++)
		nint++;
	if (p < end && *p == '.') {
		for (frac = ++p; p < end && isdig(*p); p++)
			nfrac++;
		if (!nfrac)
			return "is not a number";
	}
	if (!nint)
		return "is not a number";
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			esign = *p++ == '-' ? -1 : 1;
		if (p == end || !isdig(*p))
			return "is not a number";
		for (; p < end && isdig(*p); p++)
			if (x < 100000)
				x = x * 10 + (*p - '0');
	}
	if (p != end)
		return "is not a number";
	/* the digits, integer part then fraction, times 10^e10 */
	e10 = 3 - (long)nfrac + esign * x;
	keep = (long)(nint + nfrac) + e10;
	for (i = 0; i < nint + nfrac; i++) {
		unsigned d = (unsigned)((i < nint ? s[neg + i] :
		    frac[i - nint]) - '0');

		if ((long)i >= keep) {
			round = (long)i == keep && d >= 5;
			break;
		}
		if (v > (UINT64_MAX - d) / 10)
			return "is out of range";
		v = v * 10 + d;
	}
	for (; e10 > 0 && v; e10--) {
		if (v > UINT64_MAX / 10)
			return "is out of range";
		v *= 10;
	}
	v += (unsigned)round;
	if (v > (uint64_t)INT64_MAX + (unsigned)neg)
		return "is out of range";
	*ns = neg ? (int64_t)(0 - v) : (int64_t)v;
	return NULL;
}
