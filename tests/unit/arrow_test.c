/*
 * The Arrow IPC reader (common/arrow): messages built here by hand for what
 * apache-arrow does not write (64-byte alignment, offsets not from 0, absent
 * validity, compressed bodies) and for every bound a broken message can
 * break. With --dump FILE..., prints what the reader decodes from IPC stream
 * files (tests/cli/arrow.sh compares that with tests/arrow/gen.mjs); with
 * --seeds DIR, also writes the messages of each test as a stream in DIR
 * (the fuzzer's seeds).
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
#include "arrow_build.h"

static struct fbb hb;		/* the header being built */
static struct tbatch tm;	/* the body being built */

/* With --seeds, every message the tests feed is also written to seeds, as
 * an encapsulated stream: the fuzzer's seeds. */
static FILE *seeds;

/* The message is fed from buffers of exactly its sizes, so that under
 * ASan a read past the header or the body is caught; the body stays until
 * the next message, as the batch's cells point into it. */
static enum arrow_msg feed(struct arrow_ipc *a, const uint8_t *hdr, size_t hlen,
    const uint8_t *body, size_t blen)
{
	static const uint8_t pad[8];
	static uint8_t *held;
	uint8_t *h = malloc(hlen ? hlen : 1);
	free(held);
	held = malloc(blen ? blen : 1);
	if (!h || !held)
		abort();
	memcpy(h, hdr, hlen);
	if (blen)
		memcpy(held, body, blen);
	if (seeds) {
		uint32_t head[2] = { 0xFFFFFFFF, (uint32_t)((hlen + 7) & ~(size_t)7) };
		fwrite(head, 4, 2, seeds);
		fwrite(hdr, 1, hlen, seeds);
		fwrite(pad, 1, head[1] - hlen, seeds);
		fwrite(body, 1, blen, seeds);
	}
	enum arrow_msg r = arrow_ipc_message(a, h, hlen, held, blen);
	free(h);
	return r;
}

static struct arrow_ipc *with_schema(const struct tfield *f, int n)
{
	struct arrow_ipc *a = arrow_ipc_new();
	build_schema(&hb, f, n);
	if (feed(a, hb.p, hb.n, NULL, 0) != ARROW_SCHEMA) {
		fprintf(stderr, "FAIL schema: %s\n", arrow_ipc_error(a));
		test_failed = 1;
	}
	return a;
}

static enum arrow_msg feed_batch(struct arrow_ipc *a, int64_t length)
{
	build_batch(&hb, &tm, length);
	return feed(a, hb.p, hb.n, tm.body, tm.blen);
}

static enum arrow_msg feed_dict(struct arrow_ipc *a, int64_t length, int64_t id, int delta)
{
	build_dict(&hb, &tm, length, id, delta);
	return feed(a, hb.p, hb.n, tm.body, tm.blen);
}

/* The message is refused with an error that holds want. */
static int refused(struct arrow_ipc *a, enum arrow_msg r, const char *want)
{
	if (r == ARROW_ERROR && strstr(arrow_ipc_error(a), want))
		return 1;
	fprintf(stderr, "  got %d \"%s\", expected an error with \"%s\"\n", r,
	    arrow_ipc_error(a), want);
	return 0;
}

static int str_is(const struct arrow_array *c, int64_t row, const char *want)
{
	size_t n;
	const char *s = arrow_str(c, row, &n);
	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static const int32_t i32s[] = { 7, -1, 0, 2147483647 };
static const uint8_t no_nulls[] = { 0xff };

/* 64-byte alignment, a validity bitmap of zero length, Utf8 offsets not
 * starting at 0, a Bool column, a batch after a refused one. */
static void test_layout(void)
{
	static const struct tfield f[] = {
		{ .name = "n", .type = TY_INT, .bits = 32, .sgn = 1 },
		{ .name = "s", .type = TY_UTF8 },
		{ .name = "b", .type = TY_BOOL },
	};
	static const int32_t offs[] = { 3, 5, 5, 9, 12 };
	static const uint8_t valid[] = { 0x0b }, bools[] = { 0x05 };
	struct arrow_ipc *a = with_schema(f, 3);
	CHECK("arrow: schema columns", arrow_ncols(a) == 3 && arrow_col_find(a, "s") == 1 &&
	    arrow_col_find(a, "x") == -1 && strcmp(arrow_col_type(a, 0), "Int32") == 0 &&
	    arrow_col_kind(a, 1) == ARROW_K_STRING);
	tb_init(&tm, 64);
	node(&tm, 4, 0);
	buf(&tm, "", 0);
	buf(&tm, i32s, sizeof i32s);
	node(&tm, 4, 1);
	buf(&tm, valid, 1);
	buf(&tm, offs, sizeof offs);
	buf(&tm, "xyzabcdefghi", 12);
	node(&tm, 4, 0);
	buf(&tm, no_nulls, 1);
	buf(&tm, bools, 1);
	enum arrow_msg r = feed_batch(a, 4);
	CHECK("arrow: 64-byte aligned batch", r == ARROW_BATCH && arrow_nrows(a) == 4);
	const struct arrow_array *n = arrow_column(a, 0), *s = arrow_column(a, 1),
	    *b = arrow_column(a, 2);
	CHECK("arrow: zero-length validity is all valid", !arrow_is_null(n, 0) &&
	    !arrow_is_null(n, 3) && arrow_i64(n, 3) == 2147483647 && arrow_i64(n, 1) == -1);
	CHECK("arrow: offsets from 3", str_is(s, 0, "ab") && str_is(s, 1, "") &&
	    arrow_is_null(s, 2) && str_is(s, 3, "ghi") && !arrow_is_null(s, 3));
	CHECK("arrow: bool", arrow_i64(b, 0) == 1 && arrow_i64(b, 1) == 0 && arrow_i64(b, 2) == 1);
	CHECK("arrow: int as f64 and u64", arrow_f64(n, 1) == -1.0 && arrow_u64(n, 1) == 0 &&
	    arrow_u64(n, 0) == 7);
	tm.nn = 0;	/* no nodes at all */
	r = feed_batch(a, 4);
	CHECK("arrow: missing field node", refused(a, r, "column 'n': field node 0 is missing") &&
	    arrow_nrows(a) == 0);
	tm.nn = 3;
	r = feed_batch(a, 4);
	CHECK("arrow: a good batch after a refused one", r == ARROW_BATCH && arrow_nrows(a) == 4 &&
	    str_is(arrow_column(a, 1), 3, "ghi"));
	arrow_ipc_free(a);
}

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

/* A buffer as a compressed body holds it: the int64 uncompressed length,
 * then an LZ4 frame or a zstd frame; raw keeps it as is behind -1. */
static void cbuf(struct tbatch *m, const void *p, size_t len, int raw)
{
	uint8_t out[4096];
	int64_t n = raw ? -1 : (int64_t)len;
	size_t c;
	memcpy(out, &n, 8);
	if (raw) {
		memcpy(out + 8, p, len);
		c = len;
	} else if (m->codec == 0) {
		c = LZ4F_compressFrame(out + 8, sizeof out - 8, p, len, NULL);
		if (LZ4F_isError(c))
			abort();
	} else {
		c = ZSTD_compress(out + 8, sizeof out - 8, p, len, 3);
		if (ZSTD_isError(c))
			abort();
	}
	buf(m, out, 8 + c);
}

static void compressed_batch(int codec)
{
	static const struct tfield f[] = {
		{ .name = "n", .type = TY_INT, .bits = 64, .sgn = 1 },
		{ .name = "s", .type = TY_UTF8 },
	};
	static const uint8_t zero8[8];
	int64_t vals[300];
	int32_t offs[301];
	char data[300 * 4];
	for (int i = 0; i < 300; i++) {
		vals[i] = (int64_t)i * 1000003;
		offs[i] = 4 * i;
		memcpy(data + 4 * i, i % 2 ? "odd." : "even", 4);
	}
	offs[300] = 1200;
	struct arrow_ipc *a = with_schema(f, 2);
	tb_init(&tm, 8);
	tm.codec = codec;
	node(&tm, 300, 0);
	buf(&tm, "", 0);
	cbuf(&tm, vals, sizeof vals, 0);
	node(&tm, 300, 0);
	buf(&tm, zero8, 8);	/* uncompressed length 0: empty, no frame */
	cbuf(&tm, offs, sizeof offs, 1);	/* stored as is */
	cbuf(&tm, data, sizeof data, 0);
	const char *name = codec ? "arrow: zstd body" : "arrow: LZ4 frame body";
	enum arrow_msg r = feed_batch(a, 300);
	CHECK(name, r == ARROW_BATCH && arrow_i64(arrow_column(a, 0), 299) == 299 * 1000003LL &&
	    str_is(arrow_column(a, 1), 7, "odd.") && str_is(arrow_column(a, 1), 298, "even"));
	if (r != ARROW_BATCH)
		fprintf(stderr, "  %s\n", arrow_ipc_error(a));
	/* A claim that does not match what the frame holds. */
	int64_t lie = 2399;
	memcpy(tm.body + tm.bufs[4][0], &lie, 8);
	r = feed_batch(a, 300);
	CHECK(codec ? "arrow: zstd size mismatch" : "arrow: LZ4 size mismatch",
	    refused(a, r, "buffer 4: ") && refused(a, r, "does not decompress to the 2399 bytes claimed"));
	/* A bomb: a claim past the limit is refused before any allocation. */
	lie = (int64_t)1 << 40;
	memcpy(tm.body + tm.bufs[4][0], &lie, 8);
	r = feed_batch(a, 300);
	CHECK(codec ? "arrow: zstd claim too large" : "arrow: LZ4 claim too large",
	    refused(a, r, "compressed buffer 4 claims 1099511627776 bytes uncompressed"));
	/* A limit set lower. */
	lie = 2400;
	memcpy(tm.body + tm.bufs[4][0], &lie, 8);
	arrow_ipc_set_limit(a, 4000);	/* buffer 1 takes 2400 of it */
	r = feed_batch(a, 300);
	CHECK(codec ? "arrow: zstd past a lower limit" : "arrow: LZ4 past a lower limit",
	    refused(a, r, "compressed buffer 4 claims 2400 bytes uncompressed (the limit for a message is 4000)"));
	arrow_ipc_set_limit(a, 0);
	/* Garbage in place of the frame. */
	lie = 2400;
	memcpy(tm.body + tm.bufs[4][0], &lie, 8);
	memset(tm.body + tm.bufs[4][0] + 8, 0x5a, (size_t)tm.bufs[4][1] - 8);
	r = feed_batch(a, 300);
	CHECK(codec ? "arrow: zstd garbage" : "arrow: LZ4 garbage",
	    refused(a, r, "does not decompress"));
	/* A prefix cut short. */
	tm.bufs[4][1] = 5;
	r = feed_batch(a, 300);
	CHECK(codec ? "arrow: zstd prefix cut" : "arrow: LZ4 prefix cut",
	    refused(a, r, "too short for its length prefix"));
	arrow_ipc_free(a);
}

static void test_compression(void)
{
	compressed_batch(0);
	compressed_batch(1);
	struct arrow_ipc *a = with_schema((const struct tfield[]){ { .name = "n", .type = TY_NULL } }, 1);
	tb_init(&tm, 8);
	tm.codec = 2;
	node(&tm, 1, 1);
	CHECK("arrow: unknown codec", refused(a, feed_batch(a, 1), "compression codec 2 is not supported"));
	arrow_ipc_free(a);
}

/* --- bounds ------------------------------------------------------------- */
static const struct tfield item16 = { .name = "item", .type = TY_INT, .bits = 16, .sgn = 1 };
static const struct tfield bounds_schema[] = {
	{ .name = "n", .type = TY_INT, .bits = 32, .sgn = 1 },
	{ .name = "s", .type = TY_UTF8 },
	{ .name = "l", .type = TY_LIST, .child = &item16 },
	{ .name = "d", .type = TY_UTF8, .dict = 1, .dict_id = 5, .ibits = 8, .isgn = 1 },
	{ .name = "t", .type = TY_TIMESTAMP, .unit = 0, .tz = "UTC" },
};

/* Dictionary 5 = ["x", "y"]. */
static enum arrow_msg send_dict5(struct arrow_ipc *a)
{
	static const int32_t offs[] = { 0, 1, 2 };
	tb_init(&tm, 8);
	node(&tm, 2, 0);
	buf(&tm, "", 0);
	buf(&tm, offs, sizeof offs);
	buf(&tm, "xy", 2);
	return feed_dict(a, 2, 5, 0);
}

/* A good batch of 3 rows in tm; buffers 0-12 as commented. */
static void good_batch(const int32_t *soffs, const int32_t *loffs, const int8_t *idx,
    const int64_t *ts)
{
	static const int16_t items[] = { 1, 2, 3 };
	static const uint8_t valid_d[] = { 0x05 };
	tb_init(&tm, 8);
	node(&tm, 3, 0);	/* n: 0 validity, 1 values */
	buf(&tm, "", 0);
	buf(&tm, i32s, 12);
	node(&tm, 3, 0);	/* s: 2 validity, 3 offsets, 4 data */
	buf(&tm, "", 0);
	buf(&tm, soffs, 16);
	buf(&tm, "abbccc", 6);
	node(&tm, 3, 0);	/* l: 5 validity, 6 offsets */
	buf(&tm, "", 0);
	buf(&tm, loffs, 16);
	node(&tm, 3, 0);	/* l.item: 7 validity, 8 values */
	buf(&tm, "", 0);
	buf(&tm, items, sizeof items);
	node(&tm, 3, 1);	/* d: 9 validity, 10 indices */
	buf(&tm, valid_d, 1);
	buf(&tm, idx, 3);
	node(&tm, 3, 0);	/* t: 11 validity, 12 values */
	buf(&tm, "", 0);
	buf(&tm, ts, 24);
}

static const int32_t soffs_ok[] = { 0, 1, 3, 6 }, loffs_ok[] = { 0, 2, 2, 3 };
static const int8_t idx_ok[] = { 1, 99, 0 };
static const int64_t ts_ok[] = { 0, 1, -1 };

static void good(void)
{
	good_batch(soffs_ok, loffs_ok, idx_ok, ts_ok);
}

static void test_good_bounds_batch(struct arrow_ipc *a)
{
	int64_t first;
	good();
	enum arrow_msg r = feed_batch(a, 3);
	const struct arrow_array *l = arrow_column(a, 2), *d = arrow_column(a, 3),
	    *t = arrow_column(a, 4);
	CHECK("arrow: the bounds batch is good", r == ARROW_BATCH);
	if (r != ARROW_BATCH)
		return;
	CHECK("arrow: list", arrow_list(l, 0, &first) == 2 && first == 0 &&
	    arrow_list(l, 1, &first) == 0 && arrow_list(l, 2, &first) == 1 && first == 2 &&
	    arrow_i64(arrow_child(l), 2) == 3);
	CHECK("arrow: dictionary column", str_is(d, 0, "y") && arrow_is_null(d, 1) &&
	    str_is(d, 2, "x") && arrow_kind(d) == ARROW_K_STRING);
	CHECK("arrow: timestamp seconds to ns", arrow_i64(t, 1) == 1000000000 &&
	    arrow_i64(t, 2) == -1000000000);
	CHECK("arrow: type names", strcmp(arrow_col_type(a, 2), "List(Int16)") == 0 &&
	    strcmp(arrow_col_type(a, 3), "Dictionary(Int8, Utf8)") == 0 &&
	    strcmp(arrow_col_type(a, 4), "Timestamp(s, UTC)") == 0);
}

/* Each mutation of the good batch's buffers and values, refused with its
 * message. */
static void test_broken_batches(struct arrow_ipc *a)
{
	static const int32_t s_past[] = { 0, 1, 3, 7 }, s_down[] = { 0, 3, 1, 6 },
	    s_neg[] = { -1, 1, 3, 6 }, l_past[] = { 0, 2, 2, 4 };
	static const int8_t i_past[] = { 1, 99, 2 }, i_neg[] = { -1, 0, 0 };
	const int64_t t_big[] = { 0, INT64_MAX / 1000000000 + 1, 0 };
	good();
	tm.bufs[4][1] = 4096;
	CHECK("arrow: buffer past the body", refused(a, feed_batch(a, 3),
	    "record batch: buffer 4 (offset 32, length 4096) runs past the body's 104 bytes"));
	good();
	tm.bufs[1][0] = -8;
	CHECK("arrow: negative buffer offset", refused(a, feed_batch(a, 3),
	    "buffer 1 (offset -8, length 12) runs past"));
	good();
	tm.bufs[1][1] = -1;
	CHECK("arrow: negative buffer length", refused(a, feed_batch(a, 3),
	    "buffer 1 (offset 0, length -1) runs past"));
	good_batch(s_past, loffs_ok, idx_ok, ts_ok);
	CHECK("arrow: offset past the data", refused(a, feed_batch(a, 3),
	    "column 's': last offset 7 runs past the 6 bytes of data"));
	good_batch(s_down, loffs_ok, idx_ok, ts_ok);
	CHECK("arrow: offsets going down", refused(a, feed_batch(a, 3),
	    "column 's': offset 2 is 1, below offset 1's 3"));
	good_batch(s_neg, loffs_ok, idx_ok, ts_ok);
	CHECK("arrow: negative offset", refused(a, feed_batch(a, 3),
	    "column 's': offset 0 is -1, negative"));
	good_batch(soffs_ok, l_past, idx_ok, ts_ok);
	CHECK("arrow: list offset past its child", refused(a, feed_batch(a, 3),
	    "column 'l': last offset 4 runs past the 3 child values"));
	good_batch(soffs_ok, loffs_ok, i_past, ts_ok);
	CHECK("arrow: index past the dictionary", refused(a, feed_batch(a, 3),
	    "column 'd': row 2: index 2 is outside dictionary 5's 2 values"));
	good_batch(soffs_ok, loffs_ok, i_neg, ts_ok);
	CHECK("arrow: negative index", refused(a, feed_batch(a, 3), "row 0: index -1 is outside"));
	good_batch(soffs_ok, loffs_ok, idx_ok, t_big);
	CHECK("arrow: timestamp past int64 ns", refused(a, feed_batch(a, 3),
	    "column 't': row 1: timestamp 9223372037 does not fit in 64-bit nanoseconds"));
}

/* Nodes and buffers missing or of the wrong size. */
static void test_broken_nodes(struct arrow_ipc *a)
{
	good();
	tm.nodes[0][0] = -1;
	CHECK("arrow: negative node length", refused(a, feed_batch(a, 3),
	    "column 'n': field node of length -1 with 0 nulls"));
	good();
	tm.nodes[0][1] = 4;
	CHECK("arrow: more nulls than values", refused(a, feed_batch(a, 3),
	    "field node of length 3 with 4 nulls"));
	good();
	tm.bufs[1][1] = 8;
	CHECK("arrow: values buffer too short", refused(a, feed_batch(a, 3),
	    "column 'n': values buffer 1 of 8 bytes is too short for 3 values of 4 bytes"));
	good();
	tm.bufs[9][1] = 0;
	CHECK("arrow: nulls without a bitmap", refused(a, feed_batch(a, 3),
	    "column 'd': validity bitmap (buffer 9) of 0 bytes for 3 values with 1 nulls"));
	good();
	tm.nb = 10;
	CHECK("arrow: missing buffer", refused(a, feed_batch(a, 3),
	    "column 'd': buffer 10 is missing (the message has 10)"));
	good();
	CHECK("arrow: column shorter than the batch", refused(a, feed_batch(a, 4),
	    "column 'n': 3 values in a batch of 4 rows"));
	good();
	tm.nodes[3][0] = 2;
	CHECK("arrow: list child shorter than its offsets", refused(a, feed_batch(a, 3),
	    "column 'l': last offset 3 runs past the 2 child values"));
	good();
	tm.nodes[3][1] = 5;
	CHECK("arrow: a list child's node", refused(a, feed_batch(a, 3),
	    "column 'l.item': field node of length 3 with 5 nulls"));
	good();
	CHECK("arrow: negative batch length", refused(a, feed_batch(a, -3),
	    "record batch: length -3 is negative"));
	good();
	build_batch(&hb, &tm, 3);
	CHECK("arrow: body shorter than its length", refused(a,
	    arrow_ipc_message(a, hb.p, hb.n, tm.body, tm.blen - 8), "message: body length"));
}

/* Every cut of a header is refused: its last bytes are part of an object
 * the message needs. */
static void test_cuts(struct arrow_ipc *a)
{
	struct fbb copy;
	int bad = 0;
	good();
	build_batch(&hb, &tm, 3);
	copy = hb;
	for (size_t n = 0; n < copy.n; n++) {
		uint8_t *p = malloc(n ? n : 1);	/* exactly n bytes, for ASan */
		memcpy(p, copy.p, n);
		if (arrow_ipc_message(a, p, n, tm.body, tm.blen) != ARROW_ERROR)
			bad++;
		free(p);
	}
	CHECK("arrow: every cut of a batch header is refused", bad == 0);
	build_schema(&hb, bounds_schema, 5);
	copy = hb;
	bad = 0;
	/* The header ends with the NUL of a string, which the reader needs not. */
	for (size_t n = 0; n < copy.n - 1; n++) {
		struct arrow_ipc *b = arrow_ipc_new();
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, copy.p, n);
		if (arrow_ipc_message(b, p, n, NULL, 0) != ARROW_ERROR || arrow_ncols(b) != 0) {
			fprintf(stderr, "  cut at %zu of %zu: %s\n", n, copy.n, arrow_ipc_error(b));
			bad++;
		}
		free(p);
		arrow_ipc_free(b);
	}
	CHECK("arrow: every cut of a schema header is refused", bad == 0);
	CHECK("arrow: a cut header names the flatbuffer",
	    arrow_ipc_message(a, copy.p, 40, NULL, 0) == ARROW_ERROR &&
	    strstr(arrow_ipc_error(a), "truncated flatbuffer"));
}

static void test_bounds(void)
{
	struct arrow_ipc *a = with_schema(bounds_schema, 5);
	good();
	CHECK("arrow: a batch before its dictionary", refused(a, feed_batch(a, 3),
	    "column 'd': dictionary 5 was not sent before this batch"));
	CHECK("arrow: dictionary 5", send_dict5(a) == ARROW_DICTIONARY);
	tb_init(&tm, 8);
	node(&tm, 0, 0);
	CHECK("arrow: a dictionary not in the schema", refused(a, feed_dict(a, 0, 9, 0),
	    "dictionary batch 9: the schema has no dictionary of that id"));
	test_good_bounds_batch(a);
	test_broken_batches(a);
	test_broken_nodes(a);
	test_cuts(a);
	arrow_ipc_free(a);
	a = arrow_ipc_new();
	good();
	CHECK("arrow: a batch before the schema", refused(a, feed_batch(a, 3),
	    "record batch before the schema"));
	arrow_ipc_free(a);
}

/* --- schemas ---------------------------------------------------------------- */
static void refuse_type(const struct tfield *f, const char *name, const char *want)
{
	struct arrow_ipc *a = arrow_ipc_new();
	build_schema(&hb, f, 1);
	CHECK(name, refused(a, arrow_ipc_message(a, hb.p, hb.n, NULL, 0), want) &&
	    arrow_ncols(a) == 0);
	arrow_ipc_free(a);
}

static void test_schemas(void)
{
	static struct tfield deep[40];
	refuse_type(&(struct tfield){ .name = "v", .type = TY_UTF8VIEW }, "arrow: Utf8View refused",
	    "column 'v': type Utf8View is not supported");
	refuse_type(&(struct tfield){ .name = "m", .type = TY_DECIMAL }, "arrow: Decimal refused",
	    "column 'm': type Decimal is not supported");
	refuse_type(&(struct tfield){ .name = "st", .type = TY_STRUCT, .child = &item16 },
	    "arrow: Struct refused", "column 'st': type Struct is not supported");
	refuse_type(&(struct tfield){ .name = "x", .type = 99 }, "arrow: unknown type number",
	    "column 'x': type number 99 is not supported");
	refuse_type(&(struct tfield){ .name = "i", .type = TY_INT, .bits = 12 }, "arrow: Int of 12 bits",
	    "column 'i': Int of 12 bits");
	refuse_type(&(struct tfield){ .name = "h", .type = TY_FLOAT, .prec = 0 }, "arrow: Float16 refused",
	    "column 'h': type Float16 is not supported");
	refuse_type(&(struct tfield){ .name = "l", .type = TY_LIST, .nchildren = -1 },
	    "arrow: list without a child", "column 'l': List with 0 children (expected 1)");
	refuse_type(&(struct tfield){ .name = "t", .type = TY_TIMESTAMP, .unit = 7 },
	    "arrow: timestamp unit", "column 't': Timestamp unit 7");
	refuse_type(&(struct tfield){ .name = "dl", .type = TY_LIST, .child = &item16, .dict = 1 },
	    "arrow: dictionary of lists", "column 'dl': a dictionary of List(Int16) is not supported");
	refuse_type(&(struct tfield){ .name = "l", .type = TY_LIST, .child = &(struct tfield){
	    .name = "item", .type = TY_UTF8VIEW } }, "arrow: nested field named",
	    "column 'l.item': type Utf8View is not supported");
	for (int i = 0; i < 40; i++)
		deep[i] = (struct tfield){ .name = "l", .type = TY_LIST,
		    .child = i < 39 ? &deep[i + 1] : NULL };
	deep[39].type = TY_NULL;
	refuse_type(deep, "arrow: lists nested too deep", "lists nested more than 32 deep");
	deep[6] = (struct tfield){ .name = "n", .type = TY_NULL };
	struct arrow_ipc *a = with_schema(deep, 1);
	CHECK("arrow: lists nested 6 deep", strcmp(arrow_col_type(a, 0),
	    "List(List(List(List(List(List(Null))))))") == 0);
	/* A Tensor message. */
	size_t h;
	struct tb t;
	w_message(&hb, 4, 0, &h);
	tb_begin(&hb, &t, 1);
	tb_end(&hb, &t);
	patch(&hb, h, t.t);
	CHECK("arrow: Tensor refused", refused(a, arrow_ipc_message(a, hb.p, hb.n, NULL, 0),
	    "message of type 4 (Tensor) is not supported"));
	arrow_ipc_free(a);
}

/* --- dictionaries ------------------------------------------------------------- */
static const struct tfield dict_schema[] = {
	{ .name = "d", .type = TY_UTF8, .dict = 1, .dict_id = 0, .ibits = 16 },
	{ .name = "e", .type = TY_INT, .bits = 64, .sgn = 1, .dict = 1, .dict_id = 1 },
	{ .name = "u", .type = TY_INT, .bits = 64 },
	{ .name = "i", .type = TY_INT, .bits = 8, .sgn = 1 },
};

static enum arrow_msg dict_batch(struct arrow_ipc *a, uint16_t d0)
{
	const uint16_t d[] = { d0, 0, 0 };
	static const int32_t e[] = { 0, 1, 0 };
	static const uint64_t u[] = { UINT64_MAX, 5, 0 };
	static const int8_t i[] = { -5, 0, 127 };
	tb_init(&tm, 64);
	node(&tm, 3, 0);
	buf(&tm, "", 0);
	buf(&tm, d, sizeof d);
	node(&tm, 3, 0);
	buf(&tm, no_nulls, 1);
	buf(&tm, e, sizeof e);
	node(&tm, 3, 0);
	buf(&tm, "", 0);
	buf(&tm, u, sizeof u);
	node(&tm, 3, 0);
	buf(&tm, "", 0);
	buf(&tm, i, sizeof i);
	return feed_batch(a, 3);
}

/* Dictionary 0 of Utf8, its offsets and data as given. */
static enum arrow_msg send_strings(struct arrow_ipc *a, const int32_t *offs, int n,
    const char *data, int delta)
{
	tb_init(&tm, 8);
	node(&tm, n, 0);
	buf(&tm, "", 0);
	buf(&tm, offs, 4 * ((size_t)n + 1));
	buf(&tm, data, strlen(data));
	return feed_dict(a, n, 0, delta);
}

static void test_dicts(void)
{
	static const int32_t o1[] = { 2, 3, 5 }, o2[] = { 0, 1 }, o3[] = { 4, 5 }, obad[] = { 0, 9 };
	static const int64_t ev[] = { 10, 20 };
	static const uint8_t ev_valid[] = { 0x01 };
	static const int64_t big[300];
	struct arrow_ipc *a = with_schema(dict_schema, 4);
	CHECK("arrow: dictionary type names", strcmp(arrow_col_type(a, 0), "Dictionary(UInt16, Utf8)") == 0 &&
	    strcmp(arrow_col_type(a, 1), "Dictionary(Int32, Int64)") == 0 &&
	    arrow_col_kind(a, 1) == ARROW_K_INT);
	CHECK("arrow: dictionary offsets from 2", send_strings(a, o1, 2, "zzabc", 0) == ARROW_DICTIONARY);
	tb_init(&tm, 8);
	node(&tm, 2, 1);
	buf(&tm, ev_valid, 1);
	buf(&tm, ev, sizeof ev);
	CHECK("arrow: dictionary with a null", feed_dict(a, 2, 1, 0) == ARROW_DICTIONARY);
	enum arrow_msg r = dict_batch(a, 1);
	const struct arrow_array *d = arrow_column(a, 0), *e = arrow_column(a, 1),
	    *u = arrow_column(a, 2), *i = arrow_column(a, 3);
	CHECK("arrow: dictionary batch", r == ARROW_BATCH && str_is(d, 0, "bc") && str_is(d, 1, "a"));
	CHECK("arrow: a null value in a dictionary", !arrow_is_null(e, 0) && arrow_is_null(e, 1) &&
	    arrow_i64(e, 0) == 10);
	CHECK("arrow: UInt64 above INT64_MAX", arrow_i64(u, 0) == INT64_MAX &&
	    arrow_u64(u, 0) == UINT64_MAX && arrow_f64(u, 0) > 1.8e19 && arrow_i64(u, 1) == 5);
	CHECK("arrow: negative Int as u64", arrow_u64(i, 0) == 0 && arrow_i64(i, 0) == -5 &&
	    arrow_u64(i, 2) == 127);
	CHECK("arrow: delta", send_strings(a, o2, 1, "d", 1) == ARROW_DICTIONARY);
	r = dict_batch(a, 2);
	CHECK("arrow: a batch after a delta", r == ARROW_BATCH && str_is(arrow_column(a, 0), 0, "d") &&
	    str_is(arrow_column(a, 0), 2, "a"));
	CHECK("arrow: past the delta", refused(a, dict_batch(a, 3),
	    "column 'd': row 0: index 3 is outside dictionary 0's 3 values"));
	CHECK("arrow: a broken delta", refused(a, send_strings(a, obad, 1, "x", 1),
	    "dictionary batch 0: column 'd': last offset 9 runs past the 1 bytes of data"));
	CHECK("arrow: the dictionary after a broken delta", dict_batch(a, 2) == ARROW_BATCH &&
	    str_is(arrow_column(a, 0), 0, "d"));
	tb_init(&tm, 8);	/* no values, and no offsets either */
	node(&tm, 0, 0);
	buf(&tm, "", 0);
	buf(&tm, "", 0);
	buf(&tm, "", 0);
	CHECK("arrow: an empty delta without offsets", feed_dict(a, 0, 0, 1) == ARROW_DICTIONARY &&
	    dict_batch(a, 2) == ARROW_BATCH && str_is(arrow_column(a, 0), 0, "d"));
	arrow_ipc_set_limit(a, 4096);
	tb_init(&tm, 8);
	node(&tm, 300, 0);
	buf(&tm, "", 0);
	buf(&tm, big, sizeof big);
	CHECK("arrow: dictionaries within the limit", feed_dict(a, 300, 1, 0) == ARROW_DICTIONARY);
	CHECK("arrow: dictionaries past the limit", refused(a, feed_dict(a, 300, 1, 1),
	    "dictionary batch 1: the dictionaries would grow past 4096 bytes") &&
	    dict_batch(a, 2) == ARROW_BATCH && arrow_i64(arrow_column(a, 1), 0) == 0);
	arrow_ipc_set_limit(a, 0);
	CHECK("arrow: replacement", send_strings(a, o3, 1, "....q", 0) == ARROW_DICTIONARY);
	CHECK("arrow: past the replacement", refused(a, dict_batch(a, 1),
	    "index 1 is outside dictionary 0's 1 values"));
	r = dict_batch(a, 0);
	CHECK("arrow: a batch after a replacement", r == ARROW_BATCH &&
	    str_is(arrow_column(a, 0), 0, "q") && str_is(arrow_column(a, 0), 1, "q"));
	arrow_ipc_free(a);
}

/* --read FILE: every cell of every batch read through the accessors, as a
 * client would; prints the counts (time it from outside). */
static int read_file(const char *path)
{
	size_t n, hlen, blen, pos = 0;
	const uint8_t *hdr, *body;
	uint8_t *p = slurp(path, &n);
	struct arrow_ipc *a = arrow_ipc_new();
	int64_t batches = 0, rows = 0, sum = 0;
	while (arrow_ipc_next(p, n, &pos, &hdr, &hlen, &body, &blen) > 0) {
		enum arrow_msg m = arrow_ipc_message(a, hdr, hlen, body, blen);
		if (m == ARROW_ERROR) {
			fprintf(stderr, "%s: %s\n", path, arrow_ipc_error(a));
			return 65;
		}
		if (m != ARROW_BATCH)
			continue;
		batches++;
		rows += arrow_nrows(a);
		for (int c = 0; c < arrow_ncols(a); c++) {
			const struct arrow_array *x = arrow_column(a, c);
			enum arrow_kind k = arrow_kind(x);
			for (int64_t r = 0; r < arrow_nrows(a); r++) {
				size_t len;
				if (arrow_is_null(x, r))
					continue;
				if (k == ARROW_K_STRING || k == ARROW_K_BINARY) {
					const char *s = arrow_str(x, r, &len);
					sum += (int64_t)len + (len ? s[len - 1] : 0);
				} else if (k != ARROW_K_LIST && k != ARROW_K_NULL)
					sum += arrow_i64(x, r);
			}
		}
	}
	printf("%lld batches, %lld rows, checksum %lld\n", (long long)batches, (long long)rows,
	    (long long)sum);
	arrow_ipc_free(a);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(void); } tests[] = {
		{ "layout", test_layout }, { "compression", test_compression },
		{ "bounds", test_bounds }, { "schemas", test_schemas }, { "dicts", test_dicts },
	};
	if (argc > 1 && strcmp(argv[1], "--dump") == 0)
		return dump_files(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[1], "--read") == 0)
		return read_file(argv[2]);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (argc > 2 && strcmp(argv[1], "--seeds") == 0) {
			char path[4096];
			snprintf(path, sizeof path, "%s/hand-%s.arrow", argv[2], tests[i].name);
			if (!(seeds = fopen(path, "wb"))) {
				perror(path);
				return 73;
			}
		}
		tests[i].fn();
		if (seeds && fclose(seeds) != 0) {
			perror("seeds");
			return 74;
		}
		seeds = NULL;
	}
	return test_failed;
}
