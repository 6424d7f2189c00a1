/*
 * Unit tests for common/: numbers, ids, the hash map, varints, the line
 * scan, records.
 */
#include <inttypes.h>
#include <stdint.h>

#include "base/num.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/util.h"
#include "perfetto/ids.h"
#include "perfetto/trace.h"
#include "records/diag.h"
#include "records/linescan.h"
#include "records/record.h"

#define HEADER "kind,ts,dur,pid,tid,track,id,parent,depth,name,category," \
    "file,line,value,flows,flows_end,args\n"
#include "test.h"

static void
test_num(void)
{
	int64_t i;
	uint64_t u;
	double d;
	int isint;

	CHECK("num_i64 plain", !num_i64("-42", &i) && i == -42);
	CHECK("num_i64 max", !num_i64("9223372036854775807", &i) && i == INT64_MAX);
	CHECK("num_i64 min", !num_i64("-9223372036854775808", &i) && i == INT64_MIN);
	CHECK("num_i64 overflow", num_i64("9223372036854775808", &i) != NULL);
	CHECK("num_i64 junk", num_i64("12a", &i) != NULL);
	CHECK("num_i64 empty", num_i64("", &i) != NULL);
	CHECK("num_i64 space", num_i64(" 1", &i) != NULL);
	CHECK("num_u64 max", !num_u64("18446744073709551615", &u) && u == UINT64_MAX);
	CHECK("num_u64 overflow", num_u64("18446744073709551616", &u) != NULL);
	CHECK("num_u64 negative", num_u64("-1", &u) != NULL);
	CHECK("num_value int", !num_value("7", &i, &d, &isint) && isint && i == 7);
	CHECK("num_value double", !num_value("2.5", &i, &d, &isint) && !isint && d == 2.5);
	CHECK("num_value nan", num_value("nan", &i, &d, &isint) != NULL);
	CHECK("num_value hex", num_value("0x10", &i, &d, &isint) != NULL);
	CHECK("num_value huge", num_value("1e999", &i, &d, &isint) != NULL);
}

/* Formatting against printf, and back through the parser. */
static void
test_num_fmt(void)
{
	static const int64_t v[] = { 0, 1, -1, 9, 10, 99, 100, 101, 999, 1000,
	    1700000000000000000, INT64_MAX, INT64_MIN, -1234567890123 };
	char buf[NUM_BUF], want[32];
	int good = 1;
	size_t n;

	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		const char *p = num_fmt_i64(buf, v[k], &n);
		int64_t back;

		snprintf(want, sizeof(want), "%" PRId64, v[k]);
		good &= strcmp(p, want) == 0 && n == strlen(want) &&
		    !num_i64(p, &back) && back == v[k];
	}
	for (uint64_t u = 1; u != 0 && good; u = u * 3 + 1) {
		const char *p = num_fmt_u64(buf, u, &n);

		snprintf(want, sizeof(want), "%" PRIu64, u);
		good &= strcmp(p, want) == 0 && n == strlen(want);
		if (u > UINT64_MAX / 4)
			break;
	}
	CHECK("num_fmt matches printf", good);
	CHECK("num_fmt u64 max", strcmp(num_fmt_u64(buf, UINT64_MAX, &n),
	    "18446744073709551615") == 0 && n == 20);
}

static void
test_ids(void)
{
	int32_t a, b;

	CHECK("id literal pid", id_number(ID_PID, "1234", 4) == 1234);
	a = id_number(ID_PID, "service-a", 9);
	b = id_number(ID_PID, "service-b", 9);
	CHECK("id hashed range", a >= 4194304 && b >= 4194304);
	CHECK("id distinct", a != b);
	CHECK("id stable", id_number(ID_PID, "service-a", 9) == a);
	CHECK("id out of int32 is hashed",
	    id_number(ID_PID, "3000000000", 10) >= 4194304);
	/* a literal in the hashed range that a hashed id took is renumbered */
	char lit[16];
	snprintf(lit, sizeof(lit), "%" PRId32, a);
	CHECK("id clash resolved", id_number(ID_PID, lit, strlen(lit)) != a);
	CHECK("flow literal", id_flow("99", 2) == 99);
	CHECK("flow hashed", id_flow("req-1", 5) != id_flow("req-2", 5));
	uint64_t u1 = id_uuid("k", 1, 0), u2 = id_uuid("k", 1, 0);
	CHECK("uuid never repeats", u1 != u2 && u1 && u2);
	CHECK("uuid literal", id_uuid("77", 2, 1) == 77);
	id_reset();
}

static void
test_strmap(void)
{
	struct strmap *m = sm_new();
	char key[32];
	int ok = 1;

	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		*sm_slot(m, key, strlen(key), 1, NULL) = (void *)(intptr_t)(i + 1);
	}
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (sm_get(m, key, strlen(key)) != (void *)(intptr_t)(i + 1))
			ok = 0;
	}
	CHECK("strmap 10000 keys", ok && sm_count(m) == 10000);
	CHECK("strmap absent", sm_get(m, "nope", 4) == NULL);
	sm_clear(m);
	CHECK("strmap clear", sm_count(m) == 0 && sm_get(m, "k1", 2) == NULL);
	sm_free(m);
}

static void
test_varint(void)
{
	uint8_t b[10];

	CHECK("varint 0", pb_varint(b, 0) == 1 && b[0] == 0);
	CHECK("varint 300", pb_varint(b, 300) == 2 && b[0] == 0xac && b[1] == 0x02);
	CHECK("varint max", pb_varint(b, UINT64_MAX) == 10 && b[9] == 0x01);
}

/* Reads all records of s; returns how many, the last in *last. */
static int
read_all(const char *s, struct record *last, char *namebuf, size_t nb)
{
	char *path = test_file(s, strlen(s));
	struct reader *rd = rd_open(path);
	struct record r;
	int n = 0;

	while (rd_next(rd, &r) > 0) {
		n++;
		*last = r;
		snprintf(namebuf, nb, "%s|%lu|%s", r.v[C_NAME], r.line, r.v[C_ARGS]);
	}
	rd_close(rd);
	unlink(path);
	free(path);
	return n;
}

static void
test_records(void)
{
	struct record r;
	char got[256];

	CHECK("rec header + 2", read_all("kind,ts,name\nslice,1,a\nslice,2,b\n",
	    &r, got, sizeof(got)) == 2 && strcmp(got, "b|3|") == 0);
	CHECK("rec no header", read_all("slice,5,7,1,1,,,,,x\n", &r, got,
	    sizeof(got)) == 1 && strcmp(got, "x|1|") == 0);
	CHECK("rec reordered header", read_all("kind,args,name\ninstant,{},hi\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "hi|2|{}") == 0);
	CHECK("rec quoting", read_all("kind,name,args\ninstant,\"a,\"\"b\"\"\","
	    "\"{\"\"k\"\":1}\"\n", &r, got, sizeof(got)) == 1 &&
	    strcmp(got, "a,\"b\"|2|{\"k\":1}") == 0);
	CHECK("rec embedded newline", read_all("kind,name\ninstant,\"x\ny\"\n"
	    "instant,z\n", &r, got, sizeof(got)) == 2 && strcmp(got, "z|4|") == 0);
	CHECK("rec crlf", read_all("kind,name\r\ninstant,a\r\ninstant,b\r\n",
	    &r, got, sizeof(got)) == 2 && strcmp(got, "b|3|") == 0);
	CHECK("rec blank lines", read_all("kind,name\n\ninstant,a\n\n\ninstant,b\n",
	    &r, got, sizeof(got)) == 2 && strcmp(got, "b|6|") == 0);
	CHECK("rec no final newline", read_all("kind,name\ninstant,a",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "a|2|") == 0);
	CHECK("rec spaces kept", read_all("kind,name\ninstant, a \n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, " a |2|") == 0);
	/* libcsv trims only where told not to: every place a space can be */
	CHECK("rec inner space kept", read_all("kind,name\ninstant,a b\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "a b|2|") == 0);
	CHECK("rec tab kept", read_all("kind,name\ninstant,\ta\t\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "\ta\t|2|") == 0);
	CHECK("rec space before comma", read_all("kind,name,args\ninstant,a  ,x\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "a  |2|x") == 0);
	CHECK("rec space before crlf", read_all("kind,name\r\ninstant,a \r\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "a |2|") == 0);
	CHECK("rec space at line start", read_all("kind,name\n slice,b\n",
	    &r, got, sizeof(got)) == 1 && r.kind == K_UNKNOWN);
	CHECK("rec space after quote refused", read_all("kind,name\n"
	    "instant,\"a\" \n", &r, got, sizeof(got)) == 0);
	CHECK("rec bom", read_all("\xEF\xBB\xBFkind,name\ninstant,a\n",
	    &r, got, sizeof(got)) == 1 && strcmp(got, "a|2|") == 0);
	CHECK("rec kind", read_all("kind\ncounter\n", &r, got, sizeof(got)) == 1 &&
	    r.kind == K_COUNTER);
	CHECK("rec column", read_all("kind,ts,name\nslice,\"x\",abc\n", &r, got,
	    sizeof(got)) == 1);
}

/*
 * Lines of every shape the parsing thread treats apart (plain, quoted,
 * spaced, CRLF, blank), enough of them to cross 64 KiB blocks: each
 * record read back whole, with its line number.
 */
static void
test_many_lines(void)
{
	enum { N = 6000 };
	size_t cap = N * 64, len = 0;
	char *text = xmalloc(cap), *path, want[64];
	unsigned long wline[N], line = 2;
	struct reader *rd;
	struct record r;
	int i = 0, ok = 1;

	len += (size_t)snprintf(text, cap, "kind,ts,name,args\n");
	for (int k = 0; k < N; k++) {
		static const char *const fmt[] = { "slice,%d,n%d,\n",
		    "slice,%d,\"n%d\",\"{\"\"a\"\":1}\"\n", "slice,%d,n%d , x\n",
		    "slice,%d,n%d,\r\n", "slice,%d,n%d,\n\n" };
		int f = k % 5;

		len += (size_t)snprintf(text + len, cap - len, fmt[f], k, k);
		wline[k] = line;
		line += f == 4 ? 2 : 1;
	}
	path = test_file(text, len);
	rd = rd_open(path);
	while (ok && i < N && rd_next(rd, &r) == 1) {
		snprintf(want, sizeof(want), i % 5 == 2 ? "n%d " : "n%d", i);
		ok = r.line == wline[i] && strcmp(r.v[C_NAME], want) == 0 &&
		    r.len[C_NAME] == strlen(want) && atoi(r.v[C_TS]) == i &&
		    strcmp(r.v[C_ARGS], i % 5 == 1 ? "{\"a\":1}" :
		    i % 5 == 2 ? " x" : "") == 0;
		i++;
	}
	CHECK("many lines read back", ok && i == N && rd_next(rd, &r) == 0);
	rd_close(rd);
	unlink(path);
	free(path);
	free(text);
}

/* The column of a field needs the reader still open: checked on its own. */
static void
test_column(void)
{
	const char *s = "kind,ts,name\nslice,\"1,2\",abc\n";
	char *path = test_file(s, strlen(s));
	struct reader *rd = rd_open(path);
	struct record r;

	CHECK("column read", rd_next(rd, &r) == 1);
	CHECK("column of name", rec_column(&r, C_NAME) == 13);
	CHECK("column of ts", rec_column(&r, C_TS) == 7);
	rd_close(rd);
	unlink(path);
	free(path);
}

/* Whether the first record of s is given as it was read; its text in *got. */
static int
raw_of(const char *s, char *got, size_t nb)
{
	char *path = test_file(s, strlen(s));
	struct reader *rd = rd_open(path);
	struct record r;
	const char *raw = NULL;
	size_t n = 0;

	*got = '\0';
	if (rd_next(rd, &r) == 1 && (raw = rec_raw(&r, &n)) != NULL)
		snprintf(got, nb, "%.*s", (int)n, raw);
	rd_close(rd);
	unlink(path);
	free(path);
	return raw != NULL;
}

static void
test_raw(void)
{
	const char *line = "slice,1,2,p,t,,,,,\"a, \"\"b\"\"\",,,,,,,\n";
	char s[512], got[256];

	snprintf(s, sizeof(s), "%s%s", HEADER, line);
	CHECK("raw canonical", raw_of(s, got, sizeof(got)) &&
	    strcmp(got, line) == 0);
	CHECK("raw no header", raw_of(line, got, sizeof(got)) &&
	    strcmp(got, line) == 0);
	CHECK("raw reordered header", !raw_of("kind,name\nslice,a\n", got,
	    sizeof(got)));
	CHECK("raw short record", !raw_of("slice,1,2\n", got, sizeof(got)));
	CHECK("raw crlf", !raw_of("slice,1,2,p,t,,,,,a,,,,,,,\r\n", got,
	    sizeof(got)));
	CHECK("raw no newline", !raw_of("slice,1,2,p,t,,,,,a,,,,,,,", got,
	    sizeof(got)));
}

/* Closing a reader whose input pipe stays open must not hang or leak. */
static void
test_close_early(void)
{
	int fds[2];
	char path[64];
	struct reader *rd;
	struct record r;

	if (pipe(fds) < 0)
		return;
	if (write(fds[1], "kind,name\ninstant,a\n", 20) != 20)
		return;
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	alarm(10);	/* a hang fails the test by the signal */
	rd = rd_open(path);
	CHECK("early close reads", rd_next(rd, &r) == 1 && strcmp(r.v[C_NAME], "a") == 0);
	rd_close(rd);
	alarm(0);
	CHECK("early close returns", 1);
	close(fds[0]);
	close(fds[1]);
}

static void
test_utf8(void)
{
	CHECK("utf8 ascii", utf8_valid("abc", 3) == 3);
	CHECK("utf8 two bytes", utf8_valid("\xc3\xa9t\xc3\xa9", 5) == 5);
	CHECK("utf8 four bytes", utf8_valid("\xf0\x9f\x98\x80", 4) == 4);
	CHECK("utf8 stray continuation", utf8_valid("a\x80", 2) == 1);
	CHECK("utf8 overlong", utf8_valid("\xc0\xaf", 2) == 0);
	CHECK("utf8 overlong three", utf8_valid("\xe0\x80\xaf", 3) == 0);
	CHECK("utf8 surrogate", utf8_valid("\xed\xa0\x80", 3) == 0);
	CHECK("utf8 past U+10FFFF", utf8_valid("\xf4\x90\x80\x80", 4) == 0);
	CHECK("utf8 truncated", utf8_valid("ab\xe2\x82", 4) == 2);
	CHECK("utf8 latin-1", utf8_valid("caf\xe9", 4) == 3);
	CHECK("utf8 NUL", utf8_valid("ab\0c", 4) == 2);
}

/* line_scan() done a byte at a time, as its header says. */
static size_t
scan_ref(const char *s, size_t n, int *flags)
{
	*flags = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] != '\n')) {
			*flags |= LS_EOL;
			return i + 1;
		}
		if (c == '"')
			*flags |= LS_QUOTE;
		else if (c == ' ' || c == '\t')
			*flags |= LS_BLANK;
		else if (c == 0 || c >= 0x80)
			*flags |= LS_HIGH;
	}
	return n;
}

static int
scan_agrees(const char *s, size_t n)
{
	int fl, want;

	return line_scan(s, n, &fl) == scan_ref(s, n, &want) && fl == want;
}

static void
test_linescan(void)
{
	/* every byte it looks for, and its neighbours, at every place of
	 * two words and a tail, in a line of plain text */
	static const char look[] = "\n\r\" \t\0\x80\xff!#,\x22\x23\x1f";
	char s[24];
	int all = 1, fl;

	for (size_t k = 0; k < sizeof(look) - 1; k++)
		for (size_t at = 0; at < sizeof(s); at++)
			for (size_t n = at + 1; n <= sizeof(s); n++) {
				memset(s, 'a', sizeof(s));
				s[at] = look[k];
				all &= scan_agrees(s, n);
			}
	CHECK("scan each byte at each place", all);
	/* random lines of the bytes that matter, against the reference */
	srand(7);
	for (int t = 0; t < 20000; t++) {
		size_t n = (size_t)(rand() % 24);

		for (size_t i = 0; i < n; i++)
			s[i] = look[rand() % (sizeof(look) - 1)] & (rand() % 4 ? 0xff : 0x7f);
		for (size_t i = 0; i < n; i++)
			if (rand() % 3)
				s[i] = (char)('a' + i);
		all &= scan_agrees(s, n);
	}
	CHECK("scan random lines", all);
	CHECK("scan lf", line_scan("ab,c\nd", 6, &fl) == 5 && fl == LS_EOL);
	CHECK("scan crlf", line_scan("ab\r\nd", 5, &fl) == 4 && fl == LS_EOL);
	CHECK("scan lone cr", line_scan("ab\rd", 4, &fl) == 3 && fl == LS_EOL);
	CHECK("scan cr at the end", line_scan("ab\r", 3, &fl) == 3 && fl == 0);
	CHECK("scan no end", line_scan("abcdefghijk", 11, &fl) == 11 && fl == 0);
	CHECK("scan flags", line_scan("a \"\xc3\xa9\"\n", 7, &fl) == 7 &&
	    fl == (LS_EOL | LS_BLANK | LS_QUOTE | LS_HIGH));
	CHECK("trim inner space", !line_may_trim("a b,c\n", 6));
	CHECK("trim leading space", line_may_trim(" a,b\n", 5));
	CHECK("trim after comma", line_may_trim("a, b\n", 5));
	CHECK("trim before comma", line_may_trim("a ,b\n", 5));
	CHECK("trim before crlf", line_may_trim("a,b \r\n", 6));
	CHECK("trim at the end", line_may_trim("a,b ", 4));
	CHECK("trim after quote", line_may_trim("\"a\" ,b\n", 7));
	CHECK("trim tab", line_may_trim("a\tb\n", 4));
}

int
main(void)
{
	setprogname("common_test");
	diag_keep_going = 1;
	test_num();
	test_num_fmt();
	test_raw();
	test_ids();
	test_strmap();
	test_varint();
	test_records();
	test_column();
	test_many_lines();
	test_utf8();
	test_linescan();
	test_close_early();
	return test_failed;
}
