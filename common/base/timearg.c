/*
 * RFC 3339 timestamps and integer nanoseconds. Calendar arithmetic uses the
 * proleptic Gregorian days-from-civil formulas (400-year eras), so any year
 * 0000-9999 converts in constant time without the C library's time zones.
 */
#include <inttypes.h>
#include <stdio.h>

#include "base/num.h"
#include "base/timearg.h"

#define NS 1000000000LL

static const char form[] = "is neither integer nanoseconds nor an RFC 3339 "
    "time (YYYY-MM-DDTHH:MM:SS[.frac][Z|+HH:MM])";

/* Days from 1970-01-01 to y-m-d. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at *p, advancing it; -1 when they are not all digits. */
static int
digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	return v;
}

static int
month_days(int y, int m)
{
	static const unsigned char md[] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/* The fraction after '.', as nanoseconds. */
static const char *
fraction(const char **p, int64_t *frac)
{
	int n = 0;

	*frac = 0;
	if (**p != '.')
		return NULL;
	for (++*p; **p >= '0' && **p <= '9'; ++*p, n++)
		if (n < 9)
			*frac = *frac * 10 + (**p - '0');
	if (n == 0)
		return form;
	if (n > 9)
		return "has more than 9 fractional digits (nanoseconds)";
	for (; n < 9; n++)
		*frac *= 10;
	return NULL;
}

/* The offset east of UTC in seconds: Z, z, +HH:MM, -HH:MM or nothing. */
static const char *
offset(const char **p, int64_t *off)
{
	int sign, h, m;

	*off = 0;
	if (**p == 'Z' || **p == 'z') {
		++*p;
		return NULL;
	}
	if (**p != '+' && **p != '-')
		return **p ? form : NULL;
	sign = **p == '-' ? -1 : 1;
	++*p;
	if ((h = digits(p, 2)) < 0 || *(*p)++ != ':' || (m = digits(p, 2)) < 0)
		return form;
	if (h > 23 || m > 59)
		return "has an offset out of range";
	*off = sign * (h * 3600 + m * 60);
	return NULL;
}

/* YYYY-MM-DD, a 'T' (or 't' or space), HH:MM:SS; -1 if malformed. */
static int
fields(const char **p, int v[6])
{
	static const char sep[] = "--T::";

	for (int i = 0; i < 6; i++) {
		if ((v[i] = digits(p, i == 0 ? 4 : 2)) < 0)
			return -1;
		if (i == 5)
			break;
		if (**p != sep[i] && !(i == 2 && (**p == 't' || **p == ' ')))
			return -1;
		++*p;
	}
	return 0;
}

static const char *
rfc3339(const char *p, int64_t *ns)
{
	int v[6];	/* year, month, day, hour, minute, second */
	int64_t frac, off, secs, t;
	const char *why;

	if (fields(&p, v) < 0)
		return form;
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > month_days(v[0], v[1])
	    || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return "is not a valid date and time";
	if ((why = fraction(&p, &frac)) || (why = offset(&p, &off)))
		return why;
	if (*p)
		return form;
	secs = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]) * 86400
	    + v[3] * 3600 + v[4] * 60 + v[5] - off;
	/* int64 nanoseconds reach from 1677-09-21 to 2262-04-11 */
	if (secs < 0 && frac > 0) {
		secs++;
		frac -= NS;
	}
	if (__builtin_mul_overflow(secs, NS, &t)
	    || __builtin_add_overflow(t, frac, &t))
		return "is out of range (1677-09-21 to 2262-04-11)";
	*ns = t;
	return NULL;
}

const char *
time_parse(const char *s, int64_t *ns)
{
	const char *p;

	for (p = s + (*s == '-'); *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0' && p > s + (*s == '-'))
		return num_i64(s, ns) ? "is out of the int64 nanosecond range"
		    : NULL;
	return rfc3339(s, ns);
}

char *
time_format(int64_t ns, char buf[TIME_FORMAT_SIZE])
{
	int64_t secs = ns / NS, frac = ns % NS, days, rem, y;
	unsigned m, d;

	if (frac < 0) {
		frac += NS;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, TIME_FORMAT_SIZE,
	    "%04d-%02u-%02uT%02d:%02d:%02d.%09" PRId64 "Z", (int)y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), frac);
	return buf;
}
