/*
 * Unit tests for the Chrome JSON import and export: time conversion, the
 * external sort, the event reader. Run with arguments it is also a small
 * driver for the CLI tests:
 *   chrome_test --import FILE [-k] [--sortmem BYTES]
 */
#include <inttypes.h>
#include <stdint.h>

#include "base/extsort.h"
#include "base/strmap.h"
#include "base/util.h"
#include "chrome/import.h"
#include "chrome/jsonev.h"
#include "records/diag.h"
#include "test.h"

static void
test_us_ns(void)
{
	static const struct {
		const char *s;
		int64_t ns;
	} ok[] = {
		{ "0", 0 }, { "12", 12000 }, { "1.1", 1100 }, { "3.011", 3011 },
		{ "3.0115", 3012 }, { "3.0114", 3011 }, { "0.0005", 1 },
		{ "0.0004999", 0 }, { "1e3", 1000000 }, { "1.5E-3", 2 },
		{ "2.5e-1", 250 }, { "-1.5", -1500 }, { "000012.50", 12500 },
		{ "510075891653", 510075891653000 }, { "1e-400", 0 },
		{ "9223372036854775.807", INT64_MAX },
		{ "-9223372036854775.808", INT64_MIN },
		{ "0.1", 100 }, { "0.7", 700 }, { "4.35", 4350 },
	};
	static const char *const bad[] = { "", "-", "1.", ".5", "1e", "1e+",
	    "0x10", "1 ", "nan", "9223372036854775.808", "1e400",
	    "99999999999999999999999" };
	char name[64];
	int64_t ns;

	for (size_t i = 0; i < LEN(ok); i++) {
		snprintf(name, sizeof(name), "us_ns %s", ok[i].s);
		CHECK(name, !chrome_us_ns(ok[i].s, strlen(ok[i].s), &ns) &&
		    ns == ok[i].ns);
	}
	for (size_t i = 0; i < LEN(bad); i++) {
		snprintf(name, sizeof(name), "us_ns refuses '%s'", bad[i]);
		CHECK(name, chrome_us_ns(bad[i], strlen(bad[i]), &ns) != NULL);
	}
	/* as a double, 2.01 microseconds is 2009.99... nanoseconds */
	CHECK("us_ns no drift", !chrome_us_ns("2.01", 4, &ns) && ns == 2010 &&
	    (int64_t)(atof("2.01") * 1000) != 2010);
}

/* Sorts n items with keys from a small range, in a budget that makes
 * runs (and merges of runs when tiny), and checks order and stability. */
static int
sort_ok(size_t n, size_t budget, unsigned long *runs)
{
	struct extsort *xs = xs_new(budget);
	int64_t key, lastkey = INT64_MIN;
	uint64_t seq, lastseq = 0, state = 12345;
	const void *p;
	size_t len, got = 0;
	int ok = 1;

	for (size_t i = 0; i < n; i++) {
		char item[64];
		int k;

		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		k = snprintf(item, sizeof(item), "item %zu %s", i,
		    (state >> 60) & 1 ? "with some padding to vary sizes" : "");
		xs_add(xs, (int64_t)(state >> 33) % 1000 - 500, item, (size_t)k);
	}
	for (int pass = 0; pass < 2; pass++) {
		xs_rewind(xs);
		got = 0;
		lastkey = INT64_MIN;
		while (xs_next(xs, &key, &seq, &p, &len)) {
			char want[32];

			snprintf(want, sizeof(want), "item %" PRIu64 " ", seq);
			if (key < lastkey || (key == lastkey && seq <= lastseq) ||
			    len < strlen(want) - 1 ||
			    memcmp(p, want, strlen(want) - 1) != 0)
				ok = 0;
			lastkey = key;
			lastseq = seq;
			got++;
		}
		if (got != n)
			ok = 0;
	}
	*runs = xs_runs(xs);
	xs_free(xs);
	return ok;
}

static void
test_extsort(void)
{
	unsigned long runs;

	CHECK("extsort in memory", sort_ok(5000, 1 << 20, &runs) && runs == 0);
	CHECK("extsort with runs", sort_ok(5000, 16384, &runs) && runs > 1 &&
	    runs < XS_FANIN);
	CHECK("extsort with merged runs", sort_ok(60000, 4096, &runs) &&
	    runs > 2 * XS_FANIN);
	CHECK("extsort empty", sort_ok(0, 4096, &runs) && runs == 0);
}

/* sm_del against a plain array: random adds and deletes, all looked up. */
static void
test_sm_del(void)
{
	static char in[4096];
	struct strmap *m = sm_new();
	uint64_t state = 99;
	char key[16];
	int ok = 1;
	size_t count = 0;

	for (int round = 0; round < 200000; round++) {
		unsigned k;

		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (unsigned)(state >> 40) % LEN(in);
		snprintf(key, sizeof(key), "k%u", k);
		if ((state >> 20) & 1) {
			if (sm_del(m, key, strlen(key)) != in[k])
				ok = 0;
			count -= in[k];
			in[k] = 0;
		} else {
			*sm_slot(m, key, strlen(key), 1, NULL) = &in[k];
			count += !in[k];
			in[k] = 1;
		}
	}
	for (unsigned k = 0; k < LEN(in); k++) {
		snprintf(key, sizeof(key), "k%u", k);
		if ((sm_get(m, key, strlen(key)) != NULL) != in[k])
			ok = 0;
	}
	CHECK("sm_del keeps every other key findable", ok);
	CHECK("sm_del count", sm_count(m) == count);
	sm_free(m);
}

/* The events of text, and the first error's message, if any. */
static int
events(const char *text, const char *name)
{
	char *path = test_file(text, strlen(text));
	struct jev *j = jev_open(path);
	json_object *o;
	int n = 0;

	while (jev_next(j, &o)) {
		n++;
		json_object_put(o);
	}
	(void)name;
	jev_close(j);
	unlink(path);
	free(path);
	return n;
}

static void
test_jsonev(void)
{
	diag_keep_going = 1;
	CHECK("jsonev array", events("[{\"a\":1},{\"b\":2}]", "") == 2);
	CHECK("jsonev unterminated", events("[{\"a\":1},\n{\"b\":2},\n", "") == 2);
	CHECK("jsonev object, events last", events("{\"x\":[1,{\"y\":\"]}\"}],"
	    "\"traceEvents\":[{\"a\":1}],\"z\":{}}", "") == 1);
	CHECK("jsonev empty array", events("[]", "") == 0);
	CHECK("jsonev BOM", events("\xef\xbb\xbf[{}]", "") == 1);
	CHECK("jsonev resync after a bad event",
	    events("[{\"a\":1},{\"a\" 2},{\"b\":3}]", "") == 2);
	CHECK("jsonev missing comma", events("[{\"a\":1}{\"b\":3}]", "") == 1);
	diag_keep_going = 0;
}

int
main(int argc, char *argv[])
{
	size_t mem = CHROME_SORTMEM;
	const char *file = NULL;

	setprogname(argv[0]);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--import") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "-k") == 0)
			diag_keep_going = 1;
		else if (strcmp(argv[i], "--sortmem") == 0 && i + 1 < argc)
			mem = strtoul(argv[++i], NULL, 10);
	}
	if (file) {
		out_open(NULL, 0);
		chrome_import(file, mem);
		out_close();
		return diag_status();
	}
	test_us_ns();
	test_extsort();
	test_jsonev();
	test_sm_del();
	return test_failed;
}
