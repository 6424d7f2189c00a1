/* Unit tests for the store interface (SQLite), the merge heap and gen. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/merge.h"
#include "store/gen.h"
#include "store/store.h"
#include "test.h"

static void
test_merge(void)
{
	struct merge *m = merge_new(2);
	/* three sorted sources with ties inside and across them */
	int64_t src[3][5] = { { 1, 5, 5, 9, 12 }, { 0, 5, 9, 9, 20 },
	    { 5, 5, 6, 7, 8 } };
	size_t pos[3] = { 0, 0, 0 }, s, n = 0;
	int64_t key, last = INT64_MIN;
	size_t lastsrc = 0;
	int ok = 1;

	for (s = 0; s < 3; s++)
		merge_push(m, src[s][0], s);
	while (merge_pop(m, &s, &key)) {
		ok &= key > last || (key == last && s >= lastsrc);
		ok &= key == src[s][pos[s]];
		last = key;
		lastsrc = s;
		n++;
		if (++pos[s] < 5)
			merge_push(m, src[s][pos[s]], s);
	}
	CHECK("merge: every key once", n == 15);
	CHECK("merge: by key, ties by source", ok);
	CHECK("merge: empty at the end", merge_count(m) == 0);
	merge_free(m);
}

static void
test_is_pg(void)
{
	CHECK("is_pg uri", store_is_pg("postgresql://h/db"));
	CHECK("is_pg short uri", store_is_pg("postgres://h/db"));
	CHECK("is_pg keywords", store_is_pg("host=h dbname=x"));
	CHECK("is_pg keyword with space", store_is_pg("dbname = x"));
	CHECK("is_pg file", !store_is_pg("telemetry.db"));
	CHECK("is_pg path with =", !store_is_pg("./a=b.db"));
	CHECK("is_pg empty", !store_is_pg(""));
}

static void
test_sqlite(void)
{
	char path[] = "/tmp/spanpipe-store-test.XXXXXX";
	int fd = mkstemp(path);
	struct store *st;
	struct sq *q;
	struct sval row[11] = { SV_S("p'1"), SV_S("exe"), SV_N(), SV_N(),
	    SV_N(), SV_N(), SV_N(), SV_N(), SV_I(-42), SV_N(),
	    SV_S("{\"a\":\"b\\tc\"}") };
	const char *s;
	size_t n;
	int64_t v = 0;

	close(fd);
	st = store_create(path, 1);
	store_insert(st, ST_PROCESSES, row);
	row[0] = SV_S("p2");
	row[8] = SV_I(INT64_MAX);
	store_insert(st, ST_PROCESSES, row);
	store_close(st);
	st = store_open(path);
	q = sq_prepare(st, "SELECT process_id, start_time, realname, exe "
	    "FROM processes WHERE process_id = $1 OR start_time = $2 "
	    "ORDER BY start_time");
	sq_bind_text(q, 1, "p'1");
	sq_bind_i64(q, 2, INT64_MAX);
	CHECK("sqlite: first row", sq_step(q) == 1);
	s = sq_text(q, 0, &n);
	CHECK("sqlite: text", n == 3 && strcmp(s, "p'1") == 0);
	CHECK("sqlite: i64", sq_i64(q, 1, &v) == NULL && v == -42);
	CHECK("sqlite: null", sq_isnull(q, 2) && sq_i64(q, 2, &v) != NULL);
	CHECK("sqlite: text is not an integer", sq_i64(q, 3, &v) != NULL);
	CHECK("sqlite: second row", sq_step(q) == 1
	    && sq_i64(q, 1, &v) == NULL && v == INT64_MAX);
	CHECK("sqlite: done", sq_step(q) == 0);
	sq_finish(q);
	store_close(st);
	unlink(path);
}

/* The generator replays a source identically, and its async events come
 * in order with no span open twice. */
static void
test_gen(void)
{
	struct gen_opts o = { 3, 2, 3, 4, 3000, 800, 10, 5, 0,
	    1700000000000000000LL };
	struct gen *g = gen_new(&o);
	struct gsrc *a = gsrc_async(g, 1), *b = gsrc_async(g, 1);
	struct gev x, y;
	int same = 1, n = 0, order = 1;
	int64_t last = INT64_MIN;

	while (gsrc_next(a, &x)) {
		same &= gsrc_next(b, &y) && x.ts == y.ts && x.id == y.id
		    && x.end == y.end;
		order &= x.ts >= last;
		last = x.ts;
		n++;
	}
	CHECK("gen: async replays the same", same && !gsrc_next(b, &y));
	CHECK("gen: async in time order", order);
	CHECK("gen: async events made", n > 700);
	gsrc_free(a);
	gsrc_free(b);
	a = gsrc_thread(g, 0, 2);
	n = 0;
	while (gsrc_next(a, &x))
		n++;
	CHECK("gen: a thread's share of the spans", n == 500);
	gsrc_free(a);
	gen_free(g);
}

int
main(void)
{
	test_merge();
	test_is_pg();
	test_sqlite();
	test_gen();
	return test_failed;
}
