/* Unit tests for perfetto-inspect's common/ parts: the wire reader, the
 * 64-bit map, the buffer and JSON text, the trace reader and inflate. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <zlib.h>

#include "base/sbuf.h"
#include "base/u64map.h"
#include "base/util.h"
#include "inspect/pbread.h"
#include "inspect/tracein.h"
#include "test.h"

static int
one(const void *p, size_t n, struct pbfield *f)
{
	struct pbuf b;
	const char *why;

	pb_init(&b, p, n);
	return pb_next(&b, f, &why);
}

static void
test_pbread(void)
{
	struct pbfield f;
	uint64_t v;
	const char *why;
	static const uint8_t max[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t over[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x02 };
	static const uint8_t eleven[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	/* field 1, length 2^63, three bytes follow */
	static const uint8_t huge[] = { 0x0a, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x01, 'a', 'b', 'c' };
	static const uint8_t str[] = { 0x12, 0x03, 'a', 'b', 'c', 0x19, 1, 2,
	    3, 4, 5, 6, 7, 8 };
	static const uint8_t packed[] = { 0x96, 0x01, 0x05 };
	struct pbuf b;

	CHECK("pb: varint of 10 bytes", one(max, sizeof(max), &f) == 1 &&
	    f.num == 1 && f.v == UINT64_MAX);
	CHECK("pb: varint above 2^64", one(over, sizeof(over), &f) == -1);
	CHECK("pb: varint of 11 bytes", one(eleven, sizeof(eleven), &f) == -1);
	CHECK("pb: length 2^63 refused", one(huge, sizeof(huge), &f) == -1);
	CHECK("pb: cut varint", one(max, 5, &f) == -1);
	CHECK("pb: group", one("\x0b\x0c", 2, &f) == -1);
	CHECK("pb: wire type 6", one("\x0e", 1, &f) == -1);
	CHECK("pb: field 0", one("\x00\x01", 2, &f) == -1);
	CHECK("pb: fixed64 cut", one("\x09\x01\x02", 3, &f) == -1);
	pb_init(&b, str, sizeof(str));
	CHECK("pb: string", pb_next(&b, &f, &why) == 1 && f.num == 2 &&
	    f.len == 3 && f.data[2] == 'c');
	CHECK("pb: fixed64", pb_next(&b, &f, &why) == 1 && f.num == 3 &&
	    f.wt == PB_I64 && f.v == 0x0807060504030201ULL && f.at == 5);
	CHECK("pb: end", pb_next(&b, &f, &why) == 0);
	pb_init(&b, packed, sizeof(packed));
	CHECK("pb: packed 1", pb_packed_next(&b, PB_VARINT, &v) == 1 &&
	    v == 150);
	CHECK("pb: packed 2", pb_packed_next(&b, PB_VARINT, &v) == 1 && v == 5);
	CHECK("pb: packed end", pb_packed_next(&b, PB_VARINT, &v) == 0);
	pb_init(&b, packed, 2);
	CHECK("pb: packed fixed64 cut", pb_packed_next(&b, PB_I64, &v) == -1);
}

/* Inserts and removes keys in a pattern that makes long probe runs, and
 * checks the map against a plain array after every step. */
static void
test_u64map(void)
{
	enum { N = 5000 };
	static char in[N];
	struct u64map *m = um_new();
	int ok = 1;

	for (uint64_t i = 0; i < 3 * N; i++) {
		uint64_t k = (i * 7919) % N;
		uint64_t key = k << 20;		/* same low bits everywhere */

		if (in[k]) {
			ok &= um_del(m, key) == (void *)(uintptr_t)(k + 1);
			in[k] = 0;
		} else {
			*um_slot(m, key, 1, NULL) = (void *)(uintptr_t)(k + 1);
			in[k] = 1;
		}
		if (i % 97 == 0)
			for (uint64_t j = 0; j < N; j++)
				ok &= (um_get(m, j << 20) != NULL) == in[j];
	}
	CHECK("u64map: matches a plain array", ok);
	*um_slot(m, 0, 1, NULL) = (void *)1;
	CHECK("u64map: key 0", um_get(m, 0) == (void *)1);
	CHECK("u64map: absent", um_get(m, 12345) == NULL &&
	    um_del(m, 12345) == NULL);
	um_free(m);
}

static int
dbl(double d, const char *want)
{
	struct sbuf b = { 0 };
	int ok;

	sb_double(&b, d, 1);
	sb_putc(&b, '\0');
	ok = strcmp(b.p, want) == 0;
	if (!ok)
		printf("# %s != %s\n", b.p, want);
	sb_free(&b);
	return ok;
}

static int
jstr(const char *s, size_t n, const char *want)
{
	struct sbuf b = { 0 };
	int ok;

	sb_json_str(&b, s, n);
	sb_putc(&b, '\0');
	ok = strcmp(b.p, want) == 0;
	if (!ok)
		printf("# %s != %s\n", b.p, want);
	sb_free(&b);
	return ok;
}

static void
test_sbuf(void)
{
	struct sbuf b = { 0 };
	int ok = 1;

	CHECK("double: 0.1", dbl(0.1, "0.1"));
	CHECK("double: integral keeps .0", dbl(2, "2.0"));
	CHECK("double: -0", dbl(-0.0, "-0.0"));
	CHECK("double: 1e300", dbl(1e300, "1e+300"));
	CHECK("double: 17 digits", dbl(0.1 + 0.2, "0.30000000000000004"));
	CHECK("double: NaN", dbl(NAN, "\"NaN\""));
	for (int i = 0; i < 2000; i++) {
		double d = (double)rand() / RAND_MAX * pow(10, i % 40 - 20);

		b.n = 0;
		sb_double(&b, d, 0);
		sb_putc(&b, '\0');
		ok &= strtod(b.p, NULL) == d;
	}
	CHECK("double: 2000 round trips", ok);
	sb_free(&b);
	CHECK("json: escapes", jstr("a\"b\\c\n\x01", 7, "\"a\\\"b\\\\c\\n\\u0001\""));
	CHECK("json: UTF-8 kept", jstr("h\xc3\xa9", 3, "\"h\xc3\xa9\""));
	CHECK("json: bad UTF-8 as Latin-1", jstr("\xff\xc3", 2,
	    "\"\\u00ff\\u00c3\""));
	CHECK("json: surrogate refused", jstr("\xed\xa0\x80", 3,
	    "\"\\u00ed\\u00a0\\u0080\""));
	sb_i64(&b, INT64_MIN);
	sb_putc(&b, '\0');
	CHECK("sb_i64 min", strcmp(b.p, "-9223372036854775808") == 0);
	sb_free(&b);
}

/* A gzip member of n bytes of s. */
static size_t
gz(const void *s, size_t n, uint8_t *out, size_t cap)
{
	z_stream z = { 0 };

	deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)s;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static int
count(const char *path, uint64_t *bytes, const char **fault)
{
	struct tracein *ti = ti_open(path);
	struct tifield f;
	int n = 0;
	enum tires r;

	while ((r = ti_next(ti, &f)) == TI_PACKET)
		n++;
	if (r != TI_END)
		n = -n - 1;
	*bytes = ti_offset(ti);
	*fault = ti_gzip_fault(ti);
	ti_close(ti);
	return n;
}

static void
test_tracein(void)
{
	/* three packets: a, bc, and an empty one */
	static const uint8_t plain[] = { 0x0a, 1, 'a', 0x0a, 2, 'b', 'c', 0x0a,
	    0 };
	uint8_t z[256], out[64];
	size_t n1 = gz(plain, sizeof(plain), z, sizeof(z));
	size_t n2 = gz(plain, sizeof(plain), z + n1, sizeof(z) - n1);
	char *path;
	uint64_t bytes;
	const char *fault, *why;
	uint8_t *p;
	size_t n;
	uLongf zn = sizeof(out);

	path = test_file((const char *)plain, sizeof(plain));
	CHECK("tracein: plain", count(path, &bytes, &fault) == 3 &&
	    bytes == sizeof(plain) && !fault);
	unlink(path);
	free(path);
	path = test_file((const char *)z, n1 + n2);
	CHECK("tracein: two gzip members", count(path, &bytes, &fault) == 6 &&
	    bytes == 2 * sizeof(plain) && !fault);
	unlink(path);
	free(path);
	path = test_file((const char *)z, n1 - 4);
	CHECK("tracein: gzip cut short", count(path, &bytes, &fault) == 3 &&
	    fault);
	unlink(path);
	free(path);
	path = test_file((const char *)plain, sizeof(plain) - 4);
	CHECK("tracein: truncated packet", count(path, &bytes, &fault) == -2);
	unlink(path);
	free(path);

	compress(out, &zn, plain, sizeof(plain));
	p = ti_inflate(out, zn, 1024, &n, &why);
	CHECK("inflate: zlib", p && n == sizeof(plain) &&
	    memcmp(p, plain, n) == 0);
	free(p);
	p = ti_inflate(z, n1, 1024, &n, &why);
	CHECK("inflate: gzip too", p && n == sizeof(plain));
	free(p);
	CHECK("inflate: bound", ti_inflate(z, n1, 4, &n, &why) == NULL);
	CHECK("inflate: cut", ti_inflate(z, n1 / 2, 1024, &n, &why) == NULL);
	CHECK("inflate: not zlib", ti_inflate(plain, sizeof(plain), 1024, &n,
	    &why) == NULL);
}

int
main(void)
{
	test_pbread();
	test_u64map();
	test_sbuf();
	test_tracein();
	return test_failed;
}
