/* Unit tests for common/base/timearg.c: RFC 3339 and nanosecond arguments. */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "base/timearg.h"
#include "test.h"

static int
is(const char *s, int64_t want)
{
	int64_t v = 12345;

	return time_parse(s, &v) == NULL && v == want;
}

static int
bad(const char *s)
{
	int64_t v = 12345;

	return time_parse(s, &v) != NULL && v == 12345;
}

static void
test_parse(void)
{
	CHECK("ns plain", is("1700000000123456789", 1700000000123456789LL));
	CHECK("ns negative", is("-5", -5));
	CHECK("ns zero", is("0", 0));
	CHECK("ns max", is("9223372036854775807", INT64_MAX));
	CHECK("ns overflow", bad("9223372036854775808"));
	CHECK("epoch", is("1970-01-01T00:00:00Z", 0));
	CHECK("no offset is UTC", is("1970-01-01T00:00:01", 1000000000));
	CHECK("lower t and z", is("1970-01-01t00:00:01z", 1000000000));
	CHECK("space separator", is("1970-01-01 00:00:01Z", 1000000000));
	CHECK("fraction", is("1970-01-01T00:00:00.5Z", 500000000));
	CHECK("fraction 9", is("1970-01-01T00:00:00.000000001Z", 1));
	CHECK("fraction 10 digits", bad("1970-01-01T00:00:00.0000000001Z"));
	CHECK("fraction empty", bad("1970-01-01T00:00:00.Z"));
	CHECK("offset plus", is("1970-01-01T01:00:00+01:00", 0));
	CHECK("offset minus", is("1969-12-31T23:00:00-01:00", 0));
	CHECK("offset bad", bad("1970-01-01T00:00:00+0100"));
	CHECK("offset range", bad("1970-01-01T00:00:00+24:00"));
	CHECK("2024", is("2024-01-01T00:00:00Z", 1704067200000000000LL));
	CHECK("leap day", is("2024-02-29T12:00:00Z", 1709208000000000000LL));
	CHECK("no leap day 2023", bad("2023-02-29T00:00:00Z"));
	CHECK("no leap day 1900", bad("1900-02-29T00:00:00Z"));
	CHECK("leap day 2000", !bad("2000-02-29T00:00:00Z"));
	CHECK("leap second", is("2016-12-31T23:59:60Z", 1483228800000000000LL));
	CHECK("before epoch", is("1969-12-31T23:59:59.999999999Z", -1));
	CHECK("month 13", bad("2024-13-01T00:00:00Z"));
	CHECK("hour 24", bad("2024-01-01T24:00:00Z"));
	CHECK("date only", bad("2024-01-01"));
	CHECK("junk after", bad("2024-01-01T00:00:00Zx"));
	CHECK("empty", bad(""));
	CHECK("minus alone", bad("-"));
	CHECK("words", bad("yesterday"));
	CHECK("short year", bad("24-01-01T00:00:00Z"));
	CHECK("max", is("2262-04-11T23:47:16.854775807Z", INT64_MAX));
	CHECK("past max", bad("2262-04-11T23:47:16.854775808Z"));
	CHECK("min", is("1677-09-21T00:12:43.145224192Z", INT64_MIN));
	CHECK("past min", bad("1677-09-21T00:12:43.145224191Z"));
	CHECK("far past", bad("0000-01-01T00:00:00Z"));
}

static void
test_format(void)
{
	char buf[TIME_FORMAT_SIZE];
	const char *cases[] = { "1970-01-01T00:00:00.000000000Z",
	    "1969-12-31T23:59:59.999999999Z", "2024-02-29T12:34:56.789000001Z",
	    "2262-04-11T23:47:16.854775807Z",
	    "1677-09-21T00:12:43.145224192Z" };
	int64_t v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_parse(cases[i], &v);
		CHECK(cases[i], strcmp(time_format(v, buf), cases[i]) == 0);
	}
	/* every day of four centuries round-trips */
	int ok = 1;
	for (int64_t d = -73000; d < 73000 && ok; d += 1) {
		int64_t t = d * 86400LL * 1000000000LL + 3723000000004LL, back;

		ok = time_parse(time_format(t, buf), &back) == NULL
		    && back == t;
	}
	CHECK("round trip 400 years", ok);
}

int
main(void)
{
	test_parse();
	test_format();
	return test_failed;
}
