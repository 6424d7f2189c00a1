/*
 * span-fetch's reading of the store. Each thread's spans come from their
 * own query, ordered through the index on (stream_id, begin); the async
 * events from one more query, ordered through (process_id, time). A k-way
 * merge on ts interleaves them, equal ts going to the earlier source
 * (threads in stream_id order, then the async events), and each query
 * orders its own ties (a parent before its child), so the output is
 * deterministic and the same from either engine. Memory: the process's
 * streams plus one row (SQLite) or one fetch batch (PostgreSQL) per query,
 * however many spans there are; time: the queries plus O(log k) a row for
 * k sources.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>

#include "base/merge.h"
#include "base/progress.h"
#include "base/sbuf.h"
#include "base/sig.h"
#include "base/strmap.h"
#include "base/util.h"
#include "records/spanrec.h"
#include "store/fetch.h"

#define PROC_COLS "process_id, exe, username, realname, computer, distro, " \
	"cpu_brand, tsc_frequency, start_time, parent_process_id"
#define SPAN_COLS "id, parent, depth, \"begin\", \"end\", name, target, " \
	"filename, line"
#define SPAN_ORDER " ORDER BY \"begin\", depth, \"end\" DESC, id"
#define ASYNC_COLS "stream_id, time, event_type, span_id, parent_span_id, " \
	"depth, name, target, filename, line"
/* At one time: begins before ends, parents begin first and end last. */
#define ASYNC_ORDER " ORDER BY time, event_type, " \
	"CASE WHEN event_type = 'begin' THEN depth ELSE -depth END, span_id"
/*
 * The events of the async spans that overlap [$2, $3]: those inside it,
 * begins before it whose span has not ended before it, and ends after it
 * whose span did not begin after it. A span lacking an end (or a begin)
 * is open on that side. FROM is "FROM <events of process $1> e WHERE".
 */
#define ASYNC_RANGE(FROM, OTHERS) "SELECT " ASYNC_COLS " " FROM " (" \
	"time BETWEEN $2 AND $3" \
	" OR (time < $2 AND event_type = 'begin' AND NOT EXISTS (SELECT 1 " \
	OTHERS " AND x.span_id = e.span_id " \
	"AND x.event_type = 'end' AND x.time < $2))" \
	" OR (time > $3 AND event_type = 'end' AND NOT EXISTS (SELECT 1 " \
	OTHERS " AND x.span_id = e.span_id " \
	"AND x.event_type = 'begin' AND x.time > $3)))"

/*
 * The queries of one engine. Columns: process as PROC_COLS then
 * properties (JSON text); streams as stream_id, thread_name, thread_id,
 * then tags unless threads_only; spans as SPAN_COLS; async as ASYNC_COLS.
 */
struct dialect {
	const char *process, *processes, *streams, *spans, *spans_range,
	    *async, *async_range, *span_stats, *async_stats;
	const char *lifetime;	/* FlightSQL: the process's blocks */
	int threads_only;	/* streams lists the cpu streams only */
};

static const struct dialect sql_store = {
	.process = "SELECT " PROC_COLS ", properties FROM processes "
	    "WHERE process_id = $1",
	.processes = "SELECT " PROC_COLS ", properties FROM processes "
	    "ORDER BY start_time, process_id",
	.streams = "SELECT stream_id, thread_name, thread_id, tags "
	    "FROM streams WHERE process_id = $1 ORDER BY stream_id",
	.spans = "SELECT " SPAN_COLS " FROM thread_spans WHERE stream_id = $1"
	    SPAN_ORDER,
	/* A span overlapping [$2, $3] is kept whole. */
	.spans_range = "SELECT " SPAN_COLS " FROM thread_spans "
	    "WHERE stream_id = $1 AND \"begin\" <= $3 AND \"end\" >= $2"
	    SPAN_ORDER,
	.async = "SELECT " ASYNC_COLS " FROM async_events "
	    "WHERE process_id = $1" ASYNC_ORDER,
	.async_range = ASYNC_RANGE("FROM async_events e WHERE process_id = $1"
	    " AND", "FROM async_events x WHERE x.process_id = $1")
	    ASYNC_ORDER,
	.span_stats = "SELECT count(*), max(t.\"end\") FROM thread_spans t "
	    "JOIN streams s ON s.stream_id = t.stream_id "
	    "WHERE s.process_id = $1",
	.async_stats = "SELECT count(*), max(time) FROM async_events "
	    "WHERE process_id = $1",
};

/*
 * A Micromegas analytics service: its views (processes, blocks,
 * view_instance('thread_spans', stream), view_instance('async_events',
 * process)), the thread list as its own trace generator queries it, and
 * always a range: thread_spans needs one. Its properties are JSONB;
 * depth is UInt32, so it is widened before it is negated.
 */
static const struct dialect sql_micromegas = {
	.process = "SELECT " PROC_COLS ", jsonb_format_json(properties) "
	    "AS properties FROM processes WHERE process_id = $1",
	.processes = "SELECT " PROC_COLS ", jsonb_format_json(properties) "
	    "AS properties FROM processes ORDER BY start_time, process_id",
	.streams = "SELECT stream_id, "
	    "property_get(\"streams.properties\", 'thread-name') "
	    "AS thread_name, "
	    "property_get(\"streams.properties\", 'thread-id') AS thread_id "
	    "FROM blocks WHERE process_id = $1 "
	    "AND array_has(\"streams.tags\", 'cpu') "
	    "GROUP BY stream_id, thread_name, thread_id ORDER BY stream_id",
	.spans_range = "SELECT " SPAN_COLS " FROM view_instance('thread_spans', "
	    "$1) WHERE \"begin\" <= $3 AND \"end\" >= $2" SPAN_ORDER,
	.async_range = ASYNC_RANGE("FROM view_instance('async_events', $1) e "
	    "WHERE", "FROM view_instance('async_events', $1) x WHERE TRUE")
	    " ORDER BY time, event_type, CASE WHEN event_type = 'begin' "
	    "THEN CAST(depth AS BIGINT) ELSE -CAST(depth AS BIGINT) END, "
	    "span_id",
	.lifetime = "SELECT min(begin_time) AS \"begin\", "
	    "max(end_time) AS \"end\" FROM blocks WHERE process_id = $1",
	.threads_only = 1,
};

struct thread {
	char *stream_id, *tags;
	char *name, *thread_id;		/* or NULL */
	struct str tid;
};

struct src {
	struct sq *q;
	const struct thread *th;	/* NULL: the async events */
	struct spanrow row;
};

struct fetch {
	struct store *st;
	const struct dialect *d;
	struct str pid;
	struct thread *th;
	size_t nth;
	struct strmap *bystream;	/* stream_id -> struct thread */
	struct src *src;
	size_t nsrc;
};

/* Ends the run on a value the store should not hold. */
static void __attribute__((noreturn))
bad(struct store *st, const char *table, const char *key, struct sq *q,
    int c, const char *col, const char *why)
{
	size_t n;

	if (sq_isnull(q, c))
		die(EX_DATAERR, "%s: %s (%s): %s: NULL where a value is needed",
		    store_name(st), table, key, col);
	die(EX_DATAERR, "%s: %s (%s): %s: '%s' %s", store_name(st), table, key,
	    col, sq_text(q, c, &n), why);
}

static struct str
col_str(struct sq *q, int c)
{
	struct str s = { NULL, 0 };

	if (!sq_isnull(q, c))
		s.s = sq_text(q, c, &s.n);
	return s;
}

static char *
col_dup(struct sq *q, int c)
{
	const char *s;
	size_t n;

	if (sq_isnull(q, c))
		return NULL;
	s = sq_text(q, c, &n);
	return xmemdup(s, n);
}

static void
read_proc(struct store *st, struct sq *q, struct procrow *p)
{
	const char *why;

	memset(p, 0, sizeof(*p));
	p->process_id = col_str(q, 0);
	p->exe = col_str(q, 1);
	p->username = col_str(q, 2);
	p->realname = col_str(q, 3);
	p->computer = col_str(q, 4);
	p->distro = col_str(q, 5);
	p->cpu_brand = col_str(q, 6);
	if ((p->has_tsc = !sq_isnull(q, 7))
	    && (why = sq_i64(q, 7, &p->tsc_frequency)))
		bad(st, "processes", p->process_id.s, q, 7, "tsc_frequency",
		    why);
	if ((why = sq_i64(q, 8, &p->start_time)))
		bad(st, "processes", p->process_id.s, q, 8, "start_time", why);
	p->parent_process_id = col_str(q, 9);
	p->properties = col_str(q, 10);
}

static void
write_proc(struct store *st, const struct procrow *p,
    const struct procstats *stats)
{
	const char *why = procrow_write(p, stats);

	if (why)
		die(EX_DATAERR, "%s: processes (%s): properties: %s",
		    store_name(st), p->process_id.s, why);
}

/* A stream is a thread when "cpu" is among its tags. */
static int
is_thread(const char *tags)
{
	const char *p = tags ? tags : "";
	size_t n;

	for (; *p; p += n) {
		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if (n == 3 && memcmp(p, "cpu", 3) == 0)
			return 1;
	}
	return 0;
}

/*
 * The process's threads, in stream_id order. A thread's tid is its
 * thread_id when no other thread of the process has the same one (ids are
 * reused after a thread exits), else its stream_id, which is unique.
 */
static void
load_threads(struct fetch *f)
{
	struct sq *q = sq_prepare(f->st, f->d->streams);
	struct strmap *count = sm_new();
	size_t cap = 0;

	sq_bind_text(q, 1, f->pid.s);
	while (sq_step(q)) {
		struct thread t = { col_dup(q, 0),
		    f->d->threads_only ? NULL : col_dup(q, 3), col_dup(q, 1),
		    col_dup(q, 2), { NULL, 0 } };

		if (!t.stream_id)
			bad(f->st, "streams", f->pid.s, q, 0, "stream_id", "");
		if (!f->d->threads_only && !is_thread(t.tags)) {
			free(t.stream_id), free(t.tags), free(t.name);
			free(t.thread_id);
			continue;
		}
		if (f->nth == cap) {
			cap = cap ? cap * 2 : 16;
			f->th = xreallocarray(f->th, cap, sizeof(*f->th));
		}
		f->th[f->nth++] = t;
		if (t.thread_id && *t.thread_id)
			(*(uintptr_t *)sm_slot(count, t.thread_id,
			    strlen(t.thread_id), 1, NULL))++;
	}
	sq_finish(q);
	for (size_t i = 0; i < f->nth; i++) {
		struct thread *t = &f->th[i];
		int unique = t->thread_id && *t->thread_id && (uintptr_t)sm_get(
		    count, t->thread_id, strlen(t->thread_id)) == 1;

		t->tid = STR(unique ? t->thread_id : t->stream_id);
		*sm_slot(f->bystream, t->stream_id, strlen(t->stream_id), 1,
		    NULL) = t;
	}
	sm_free(count);
}

static void
write_threads(const struct fetch *f)
{
	for (size_t i = 0; i < f->nth; i++) {
		const struct thread *t = &f->th[i];

		thread_write(f->pid, t->tid, STR(t->name), STR(t->thread_id),
		    STR(t->stream_id));
	}
}

/* Ends the run on a bad value in a span row, naming the row. */
static void __attribute__((noreturn))
bad_row(struct fetch *f, struct src *s, int c, const char *col,
    const char *why)
{
	char key[512];
	size_t n;
	int idc = s->th ? 0 : 3;
	const char *id = sq_isnull(s->q, idc) ? "NULL" : sq_text(s->q, idc, &n);

	if (s->th)
		snprintf(key, sizeof(key), "stream_id %s, id %s",
		    s->th->stream_id, id);
	else
		snprintf(key, sizeof(key), "process_id %s, span_id %s",
		    f->pid.s, id);
	bad(f->st, s->th ? "thread_spans" : "async_events", key, s->q, c, col,
	    why);
}

/* An optional integer column: sets bit in has when it is not NULL. */
static void
opt_int(struct fetch *f, struct src *s, int c, const char *col,
    unsigned bit, int64_t *v)
{
	const char *why;

	if (sq_isnull(s->q, c))
		return;
	if ((why = sq_i64(s->q, c, v)))
		bad_row(f, s, c, col, why);
	if ((bit == HAS_DEPTH || bit == HAS_LINE) && *v < 0)
		bad_row(f, s, c, col, "is negative");
	s->row.has |= bit;
}

static void
req_int(struct fetch *f, struct src *s, int c, const char *col, int64_t *v)
{
	const char *why = sq_i64(s->q, c, v);

	if (why)
		bad_row(f, s, c, col, why);
}

/* Steps a thread's query: 1 and its next span in s->row, or 0. */
static int
read_span(struct fetch *f, struct src *s)
{
	struct spanrow *r = &s->row;
	int64_t end;

	if (!sq_step(s->q))
		return 0;
	r->kind = K_SLICE;
	r->pid = f->pid;
	r->tid = s->th->tid;
	r->has = 0;
	opt_int(f, s, 0, "id", HAS_ID, &r->id);
	opt_int(f, s, 1, "parent", HAS_PARENT, &r->parent);
	opt_int(f, s, 2, "depth", HAS_DEPTH, &r->depth);
	req_int(f, s, 3, "begin", &r->ts);
	req_int(f, s, 4, "end", &end);
	if (end < r->ts || __builtin_sub_overflow(end, r->ts, &r->dur))
		bad_row(f, s, 4, "end", "is before begin");
	r->name = col_str(s->q, 5);
	r->category = col_str(s->q, 6);
	r->file = col_str(s->q, 7);
	opt_int(f, s, 8, "line", HAS_LINE, &r->line);
	return 1;
}

/* Steps the async query: 1 and its next event in s->row, or 0. */
static int
read_async(struct fetch *f, struct src *s)
{
	struct spanrow *r = &s->row;
	struct str stream, type;
	const struct thread *t;

	if (!sq_step(s->q))
		return 0;
	stream = col_str(s->q, 0);
	if (!stream.s)
		bad_row(f, s, 0, "stream_id", "");
	t = sm_get(f->bystream, stream.s, stream.n);
	r->pid = f->pid;
	r->tid = t ? t->tid : stream;
	req_int(f, s, 1, "time", &r->ts);
	type = col_str(s->q, 2);
	if (type.s && strcmp(type.s, "begin") == 0)
		r->kind = K_ASYNC_BEGIN;
	else if (type.s && strcmp(type.s, "end") == 0)
		r->kind = K_ASYNC_END;
	else
		bad_row(f, s, 2, "event_type", "is neither 'begin' nor 'end'");
	r->has = HAS_ID;
	req_int(f, s, 3, "span_id", &r->id);
	opt_int(f, s, 4, "parent_span_id", HAS_PARENT, &r->parent);
	opt_int(f, s, 5, "depth", HAS_DEPTH, &r->depth);
	r->name = col_str(s->q, 6);
	r->category = col_str(s->q, 7);
	r->file = col_str(s->q, 8);
	opt_int(f, s, 9, "line", HAS_LINE, &r->line);
	return 1;
}

static int
read_row(struct fetch *f, struct src *s)
{
	return s->th ? read_span(f, s) : read_async(f, s);
}

/* A query bound to an id and, when ranged, to [start, end]. */
static struct sq *
source_query(struct fetch *f, const char *sql, const char *sql_range,
    const char *id, const struct fetch_opts *o)
{
	struct sq *q = sq_prepare(f->st, o->ranged ? sql_range : sql);

	sq_bind_text(q, 1, id);
	if (o->ranged) {
		sq_bind_time(q, 2, o->start);
		sq_bind_time(q, 3, o->end);
	}
	return q;
}

/*
 * One query per thread, then the async one; all bound, none stepped. The
 * thread spans are read over the range, the async events over the whole
 * process (a begin long before the range may belong to a span in it).
 */
static void
open_sources(struct fetch *f, const struct fetch_opts *o,
    const struct fetch_opts *life)
{
	f->src = xcalloc(f->nth + 1, sizeof(*f->src));
	if (o->spans & FETCH_THREAD)
		for (size_t i = 0; i < f->nth; i++) {
			struct src *s = &f->src[f->nsrc++];

			s->th = &f->th[i];
			s->q = source_query(f, f->d->spans, f->d->spans_range,
			    s->th->stream_id, o);
			sq_range(s->q, o->start < o->end ? o->start : o->end,
			    o->start < o->end ? o->end : o->start);
		}
	if (o->spans & FETCH_ASYNC) {
		struct src *s = &f->src[f->nsrc++];

		s->q = source_query(f, f->d->async, f->d->async_range,
		    f->pid.s, o);
		sq_range(s->q, life->start, life->end);
	}
}

/* The k-way merge of the sources on ts; see the comment at the top. */
static void
merge_sources(struct fetch *f)
{
	struct merge *m = merge_new(f->nsrc);
	uint64_t rows = 0;
	size_t i;

	for (i = 0; i < f->nsrc; i++)
		if (read_row(f, &f->src[i]))
			merge_push(m, f->src[i].row.ts, i);
	while (merge_pop(m, &i, NULL)) {
		spanrow_write(&f->src[i].row);
		progress_update(out_bytes(), ++rows);
		if (read_row(f, &f->src[i]))
			merge_push(m, f->src[i].row.ts, i);
	}
	merge_free(m);
}

static void
fetch_free(struct fetch *f)
{
	for (size_t i = 0; i < f->nsrc; i++)
		sq_finish(f->src[i].q);
	for (size_t i = 0; i < f->nth; i++) {
		free(f->th[i].stream_id);
		free(f->th[i].tags);
		free(f->th[i].name);
		free(f->th[i].thread_id);
	}
	free(f->th);
	free(f->src);
	sm_free(f->bystream);
	free((char *)f->pid.s);
}

static const struct dialect *
dialect(struct store *st)
{
	return store_engine(st) == STORE_FLIGHT ? &sql_micromegas : &sql_store;
}

/*
 * The process's lifetime from its blocks, into life; a range bound not
 * given is taken from it (a FlightSQL service reads spans by range only).
 */
static void
lifetime(struct fetch *f, const struct procrow *p, struct fetch_opts *o,
    struct fetch_opts *life)
{
	struct sq *q;
	const char *why;

	life->start = life->end = p->start_time;
	if (!f->d->lifetime)
		return;
	q = sq_prepare(f->st, f->d->lifetime);
	sq_bind_text(q, 1, f->pid.s);
	if (sq_step(q) && !sq_isnull(q, 0) && !sq_isnull(q, 1)) {
		if ((why = sq_i64(q, 0, &life->start)))
			bad(f->st, "blocks", f->pid.s, q, 0, "begin_time", why);
		if ((why = sq_i64(q, 1, &life->end)))
			bad(f->st, "blocks", f->pid.s, q, 1, "end_time", why);
	}
	sq_finish(q);
	if (o->start == INT64_MIN)
		o->start = life->start;
	if (o->end == INT64_MAX)
		o->end = life->end;
	o->ranged = 1;
}

void
fetch_process(struct store *st, const struct fetch_opts *opts)
{
	struct fetch f = { .st = st, .d = dialect(st), .bystream = sm_new() };
	struct fetch_opts o = *opts, life = o;
	struct sq *q = sq_prepare(st, f.d->process);
	struct procrow p;

	sq_bind_text(q, 1, o.pid);
	if (!sq_step(q)) {
		sq_finish(q);		/* nothing left for leak checkers */
		sm_free(f.bystream);
		die(EX_DATAERR, "%s: no process '%s' in the store (span-fetch "
		    "--list-processes lists them)", store_name(st), o.pid);
	}
	read_proc(st, q, &p);
	f.pid.s = xmemdup(p.process_id.s, p.process_id.n);
	f.pid.n = p.process_id.n;
	lifetime(&f, &p, &o, &life);
	rec_write_header();
	write_proc(st, &p, NULL);
	sq_finish(q);
	load_threads(&f);
	write_threads(&f);
	open_sources(&f, &o, &life);
	merge_sources(&f);
	fetch_free(&f);
}

/* count(*) and max(...) of a stats query for one process. */
static void
stats(struct store *st, const char *sql, const char *pid, int64_t *count,
    struct procstats *ps)
{
	struct sq *q = sq_prepare(st, sql);
	int64_t max;

	sq_bind_text(q, 1, pid);
	if (!sq_step(q) || (count && sq_i64(q, 0, count)))
		die(EX_DATAERR, "%s: a count query gave no count",
		    store_name(st));
	if (!sq_isnull(q, 1)) {
		if (sq_i64(q, 1, &max))
			bad(st, "stats", pid, q, 1, "max", "is not an integer");
		if (!ps->has_end || max > ps->end)
			ps->end = max;
		ps->has_end = 1;
	}
	sq_finish(q);
}

static int64_t
count_threads(struct store *st, const struct dialect *d, const char *pid)
{
	struct sq *q = sq_prepare(st, d->streams);
	int64_t n = 0;
	size_t len;

	sq_bind_text(q, 1, pid);
	while (sq_step(q))
		n += d->threads_only || (!sq_isnull(q, 3)
		    && is_thread(sq_text(q, 3, &len)));
	sq_finish(q);
	return n;
}

/*
 * From a FlightSQL service the listing has the process's end from its
 * blocks and no span counts: counting would make the service materialize
 * the spans of every process.
 */
void
fetch_list(struct store *st)
{
	const struct dialect *d = dialect(st);
	struct sq *q = sq_prepare(st, d->processes);
	struct procrow p;
	int more = sq_step(q);

	rec_write_header();
	for (; more; more = sq_step(q)) {
		struct procstats ps = { 0 };

		read_proc(st, q, &p);
		ps.start = p.start_time;
		ps.threads = count_threads(st, d, p.process_id.s);
		if (d->lifetime) {
			ps.no_counts = 1;
			stats(st, d->lifetime, p.process_id.s, NULL, &ps);
		} else {
			stats(st, d->span_stats, p.process_id.s,
			    &ps.thread_spans, &ps);
			stats(st, d->async_stats, p.process_id.s,
			    &ps.async_events, &ps);
		}
		write_proc(st, &p, &ps);
	}
	sq_finish(q);
}

/* Reads a varint at *p (before end): 1 and *v, or 0 when it is cut. */
static int
varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int sh = 0; *p < end && sh < 64; sh += 7) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << sh;
		if (!(b & 0x80))
			return 1;
	}
	return 0;
}

/*
 * Writes the whole top-level fields (TracePackets) at the start of b and
 * keeps the rest, so that what is written is a valid trace whenever the
 * run stops. Returns the bytes kept.
 */
static size_t
write_packets(struct store *st, struct sbuf *b, uint64_t at)
{
	const uint8_t *p = (const uint8_t *)b->p, *end = p + b->n, *start = p;
	size_t done = 0;
	uint64_t tag, len;

	while (varint(&p, end, &tag)) {
		unsigned wt = (unsigned)(tag & 7);

		if (wt != 0 && wt != 2)
			die(EX_DATAERR, "%s: perfetto_trace_chunks: byte %"
			    PRIu64 ": wire type %u is not that of a Perfetto "
			    "trace's packets", store_name(st), at + done, wt);
		if (!varint(&p, end, &len))
			break;
		if (wt == 2) {
			if (len > (uint64_t)(end - p))
				break;
			p += len;
		}
		done = (size_t)(p - start);
	}
	out_put(b->p, done);
	memmove(b->p, b->p + done, b->n - done);
	b->n -= done;
	return b->n;
}

void
fetch_server_trace(struct store *st, const struct fetch_opts *opts)
{
	static const char *const types[] = { "", "thread", "async", "both" };
	struct fetch f = { .st = st, .d = dialect(st) };
	struct fetch_opts o = *opts, life;
	struct procrow p = { .start_time = 0 };
	struct sbuf b = { 0 }, sql = { 0 };
	struct sq *q;
	int64_t id, want = 0;
	uint64_t at = 0;

	if (!f.d->lifetime)
		die(EX_USAGE, "%s: --server-trace needs a FlightSQL service "
		    "(grpc:// or grpc+tls://)", store_name(st));
	f.pid = STR(o.pid);
	lifetime(&f, &p, &o, &life);
	sb_puts(&sql, "SELECT chunk_id, chunk_data FROM perfetto_trace_chunks("
	    "$1, '");
	sb_puts(&sql, types[o.spans & 3]);
	sb_puts(&sql, "', $2, $3) ORDER BY chunk_id");
	sb_putc(&sql, '\0');
	q = sq_prepare(st, sql.p);
	sq_bind_text(q, 1, o.pid);
	sq_bind_time(q, 2, o.start);
	sq_bind_time(q, 3, o.end);
	sq_range(q, o.start, o.end);
	while (sq_step(q)) {
		const char *why = sq_i64(q, 0, &id), *data;
		size_t n;

		if (why || id != want)
			die(EX_DATAERR, "%s: perfetto_trace_chunks: chunk %"
			    PRId64 " where chunk %" PRId64 " was expected",
			    store_name(st), why ? -1 : id, want);
		want++;
		data = sq_text(q, 1, &n);
		sb_put(&b, data, n);
		at += n;
		write_packets(st, &b, at - b.n);
		sig_check();
	}
	if (b.n)
		die(EX_DATAERR, "%s: perfetto_trace_chunks: the trace ends "
		    "inside a packet (%zu bytes of it)", store_name(st), b.n);
	sq_finish(q);
	sb_free(&b);
	sb_free(&sql);
}
