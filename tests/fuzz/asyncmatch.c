/*
 * Fuzzes async-match: its pairing and orphans (common/async/match.c), the
 * open-span table and the ended-id memory (pairs.c) and the lanes
 * (lanes.c). The input's
 * length picks the options: --orphans, a small --max-held, --start-time
 * and --end-time. The output is read back and checked: every async span
 * has a dur within int64 and lies on a lane declared before it, and on
 * every lane the spans come in ts order and only nest or stay apart
 * (unless the input holds lane ids of its own, passed through).
 */
#define _GNU_SOURCE		/* memmem */
#include <stdlib.h>
#include <string.h>

#include "async/match.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/util.h"
#include "fuzz.h"
#include "records/diag.h"
#include "records/record.h"

struct lspan_out {
	int64_t s, e;
};

struct lane_out {
	struct lspan_out *v;
	size_t n, cap;
	int declared;
};

static struct reader *rd;

/* The tool's run(), with the reader where an exit leaves it reachable. */
static void
run_input(void *path)
{
	struct record r;
	int st;

	rd = rd_open(path);
	rec_write_header();
	while ((st = rd_next(rd, &r)) != 0) {
		if (st < 0)
			continue;
		am_record(&r);
	}
	rd_close(rd);
	rd = NULL;
	am_finish();
}

static int
by_start(const void *a, const void *b)
{
	const struct lspan_out *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->e > y->e ? -1 : x->e < y->e;	/* outer first */
}

static void
check_lane(const char *key, size_t n, void *val, void *arg)
{
	struct lane_out *l = val;
	int64_t *stack = xreallocarray(NULL, l->n + 1, sizeof(*stack));
	size_t depth = 0;

	(void)key;
	(void)n;
	(void)arg;
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i].s < l->v[i - 1].s)
			abort();	/* not in ts order on its lane */
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), by_start);
	for (size_t i = 0; i < l->n; i++) {
		while (depth > 0 && stack[depth - 1] <= l->v[i].s)
			depth--;
		if (depth > 0 && l->v[i].e > stack[depth - 1])
			abort();	/* crosses the end of an open span */
		stack[depth++] = l->v[i].e;
	}
	free(stack);
	free(l->v);
	free(l);
}

static void
read_back(void *arg)
{
	struct reader *rd = rd_open(arg);
	struct strmap *lanes = sm_new();
	struct record r;
	int64_t ts, dur;
	int st;

	while ((st = rd_next(rd, &r)) != 0) {
		void **slot;
		struct lane_out *l;

		if (st < 0)
			abort();
		/* only the lanes the tool made: others pass through */
		if ((r.kind != K_TRACK && r.kind != K_ASYNC) ||
		    strncmp(r.v[C_TRACK], "async-lane:", 11) != 0)
			continue;
		slot = sm_slot(lanes, r.v[C_TRACK], r.len[C_TRACK], 1, NULL);
		if (!*slot)
			*slot = xcalloc(1, sizeof(struct lane_out));
		l = *slot;
		if (r.kind == K_TRACK) {
			l->declared = 1;
			continue;
		}
		if (!l->declared || num_i64(r.v[C_TS], &ts) ||
		    num_i64(r.v[C_DUR], &dur) || dur < 0 || ts > INT64_MAX - dur)
			abort();
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		}
		l->v[l->n++] = (struct lspan_out){ ts, ts + dur };
	}
	rd_close(rd);
	sm_each(lanes, check_lane, NULL);
	sm_free(lanes);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setprogname("fuzz-async-match");
	diag_keep_going = 1;
	fz_init(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxheld[] = { 65536, 1, 2, 5 };
	const char *path = fz_input(data, size);
	int st;

	fz_output_clear();
	am_open(&(struct am_opts){
	    .recent = size % 7 == 0 ? 1 : AM_RECENT,
	    .max_held = maxheld[size % 4],
	    .drop = size / 4 % 2,
	    .has_start = size / 8 % 2, .start = 500,
	    .has_end = size / 16 % 2, .end = 5000,
	});
	st = fz_run(run_input, (void *)path);
	rd_close(rd);
	rd = NULL;
	if (st >= 0) {
		/* only a bad header may end the run, before any event */
		if (st != EX_DATAERR || am_seen_async())
			abort();
	} else if (!memmem(data, size, "async-lane", 10) &&
	    fz_run(read_back, (void *)fz_output()) >= 0) {
		abort();
	}
	am_close();
	return 0;
}
