/*
 * Records to track events, with the nesting Perfetto needs. The importer
 * closes the innermost open slice of a track at every END, and at one
 * timestamp keeps file order; so, per track, this keeps the stack of open
 * slices and writes each END only when time has passed it (ends before
 * begins at equal times), and holds the events that begin at the current
 * timestamp until a later one comes, to write them longest first (outer
 * before inner) whatever their input order. Cost per event: a copy of its
 * strings into the track's buffer and a sort of the few events sharing its
 * timestamp; memory: the open slices and that one group, per track.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/util.h"
#include "perfetto/encode.h"
#include "perfetto/ids.h"
#include "perfetto/trace.h"
#include "perfetto/tracks.h"
#include "records/args.h"
#include "records/diag.h"

#define UNBOUNDED INT64_MAX	/* the end of a begin record's slice */

struct open {
	int64_t end;
	unsigned long line;
};

struct pev {			/* an event waiting in its track's group */
	enum kind kind;
	int64_t ts, dur;
	const char *file;	/* input name, for messages */
	unsigned long line, order;
	size_t name, cat, src;	/* offsets of strings in the arena */
	uint32_t srcline;
	json_object *args;
	size_t flows, nflows, ends, nends;	/* offsets in fl */
};

struct nest {
	struct open *stack;
	size_t depth, scap;
	struct pev *group;
	size_t ngroup, gcap;
	int64_t gts, last;
	int has_begin;
	char *arena;
	size_t alen, acap;
	uint64_t *fl;
	size_t nfl, flcap;
};

static unsigned long order, unsorted_line;
static uint64_t flowbuf[2][256];

void
enc_init(int absolute_ts)
{
	tw_init(absolute_ts);
}

/* ---- writing events ---- */

static struct seq *
seq_of(struct track *t)
{
	if (!t->seq) {
		tk_write(t);
		t->seq = tw_seq_new(t->uuid);
	}
	return t->seq;
}

static void
put_end(struct track *t, int64_t ts)
{
	tw_end(seq_of(t), ts);
	if (ts > t->nest->last)		/* an unsorted event never lowers it */
		t->nest->last = ts;
}

static void
put_pev(struct track *t, const struct pev *p, enum tev_type type)
{
	const struct nest *n = t->nest;
	struct tev e;

	zero(&e, sizeof(e));	/* see zero() */
	e.type = type;
	e.ts = p->ts;
	e.name = n->arena + p->name;
	e.cat = n->arena + p->cat;
	e.file = n->arena + p->src;
	e.line = p->srcline;
	e.args = p->args;
	e.nflows = p->nflows;
	e.nflows_end = p->nends;

	if (n->fl) {		/* no flows yet: no array (NULL + 0 is UB) */
		e.flows = n->fl + p->flows;
		e.flows_end = n->fl + p->ends;
	}

	tw_event(seq_of(t), &e);
	if (p->ts > t->nest->last)
		t->nest->last = p->ts;
}

/* Writes the ENDs of the slices that end at or before ts. */
static void
pop_ends(struct track *t, int64_t ts)
{
	struct nest *n = t->nest;

	while (n->depth > 0 && n->stack[n->depth - 1].end <= ts) {
		n->depth--;
		put_end(t, n->stack[n->depth].end);
	}
}

static void
push(struct nest *n, int64_t end, unsigned long line)
{
	if (n->depth == n->scap) {
		n->scap = n->scap ? n->scap * 2 : 16;
		n->stack = xreallocarray(n->stack, n->scap, sizeof(*n->stack));
	}
	n->stack[n->depth++] = (struct open){ end, line };
}

/* The innermost open slice with a known end, or NULL. */
static const struct open *
bounded_top(const struct nest *n, size_t below)
{
	for (size_t i = n->depth - below; i-- > 0;)
		if (n->stack[i].end != UNBOUNDED)
			return &n->stack[i];
	return NULL;
}

static int64_t
pev_end(const struct pev *p)
{
	return p->kind == K_BEGIN ? UNBOUNDED : p->ts + p->dur;
}

/* Outer first: begin records, then longer slices; ties keep input order. */
static int
outer_first(const void *a, const void *b)
{
	const struct pev *x = a, *y = b;
	int64_t dx = pev_end(x), dy = pev_end(y);

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Writes one event of a group. A slice must fit inside the open slice;
 * one that crosses its end is not written: returns 0.
 */
static int
write_pev(struct track *t, struct pev *p)
{
	struct nest *n = t->nest;
	int64_t end = pev_end(p);
	const struct open *o;

	pop_ends(t, p->ts);
	if (p->kind == K_INSTANT) {
		put_pev(t, p, TEV_INSTANT);
		return 1;
	}
	/* a begin record's end is checked when its end record comes */
	if (p->kind != K_BEGIN && (o = bounded_top(n, 0)) && o->end < end)
		return 0;
	put_pev(t, p, TEV_BEGIN);
	push(n, end, p->line);
	return 1;
}

static void
report_crossing(const struct pev *p, const struct open *o)
{
	pos_error(p->file, p->line, 0, C_DUR, "the slice [%" PRId64 ", %"
	    PRId64 ") crosses the end (%" PRId64 ") of the slice from line "
	    "%lu on the same track; overlapping spans need tracks of their "
	    "own", p->ts, pev_end(p), o->end, o->line);
}

/*
 * Writes the group, then reports a slice that did not fit: the report may
 * end the run, and what came before it must be out by then.
 */
static void
flush_group(struct track *t)
{
	struct nest *n = t->nest;
	struct pev bad = { .kind = K_SLICE };
	struct open enclosing = { 0, 0 };
	int nbad = 0;

	if (!n || n->ngroup == 0)
		return;
	qsort(n->group, n->ngroup, sizeof(*n->group), outer_first);
	for (size_t i = 0; i < n->ngroup; i++) {
		if (!write_pev(t, &n->group[i]) && !nbad++) {
			bad = n->group[i];
			enclosing = *bounded_top(n, 0);
		}
		json_object_put(n->group[i].args);
	}
	n->ngroup = n->alen = n->nfl = 0;
	n->has_begin = 0;
	if (nbad)
		report_crossing(&bad, &enclosing);
}

/* ---- taking records in ---- */

static size_t
keep_str(struct nest *n, const char *s, size_t len)
{
	size_t off = n->alen;

	if (n->acap - n->alen < len + 1) {
		n->acap = (n->acap + len + 1) * 2;
		n->arena = xrealloc(n->arena, n->acap);
	}
	memcpy(n->arena + off, s, len);
	n->arena[off + len] = '\0';
	n->alen += len + 1;
	return off;
}

static size_t
keep_ids(struct nest *n, const uint64_t *ids, size_t k)
{
	size_t off = n->nfl;

	if (k == 0)
		return off;
	if (n->flcap - n->nfl < k) {
		n->flcap = (n->flcap + k) * 2;
		n->fl = xreallocarray(n->fl, n->flcap, sizeof(*n->fl));
	}
	memcpy(n->fl + off, ids, k * sizeof(*ids));
	n->nfl += k;
	return off;
}

static struct nest *
nest_of(struct track *t)
{
	if (!t->nest) {
		t->nest = xcalloc(1, sizeof(*t->nest));
		t->nest->last = INT64_MIN;
	}
	return t->nest;
}

/* Input out of time order on a track: written at once, never lost. */
static void
write_unsorted(struct track *t, struct pev *p, const char *file)
{
	if (!unsorted_line) {
		unsorted_line = p->line;
		warnmsg("%s:%lu: warning: input is not sorted by ts on this "
		    "track; the trace stays valid but nesting and durations "
		    "on it may be wrong (sort the input by ts first)", file,
		    p->line);
	}
	if (p->kind == K_INSTANT) {
		put_pev(t, p, TEV_INSTANT);
	} else {
		put_pev(t, p, TEV_BEGIN);
		if (p->kind != K_BEGIN)
			put_end(t, p->ts + p->dur);
	}
	json_object_put(p->args);
}

static void
add_event(struct track *t, struct pev *p, const struct record *r)
{
	struct nest *n = nest_of(t);

	if (n->ngroup > 0 && p->ts != n->gts)
		flush_group(t);
	p->order = order++;
	p->file = rd_name(r->rd);
	p->name = keep_str(n, r->v[C_NAME], r->len[C_NAME]);
	p->cat = keep_str(n, r->v[C_CATEGORY], r->len[C_CATEGORY]);
	p->src = keep_str(n, r->v[C_FILE], r->len[C_FILE]);
	p->flows = keep_ids(n, flowbuf[0], p->nflows);
	p->ends = keep_ids(n, flowbuf[1], p->nends);
	if (p->ts < n->last) {
		write_unsorted(t, p, p->file);
		n->alen = n->nfl = 0;
		return;
	}
	if (n->ngroup == n->gcap) {
		n->gcap = n->gcap ? n->gcap * 2 : 8;
		n->group = xreallocarray(n->group, n->gcap, sizeof(*n->group));
	}
	n->group[n->ngroup++] = *p;
	n->gts = p->ts;
	n->has_begin |= p->kind == K_BEGIN;
}

/*
 * An end record closes the innermost begin record of its track. Events
 * waiting at the same timestamp are its siblings and follow it, unless a
 * begin record among them is what it closes.
 */
static void
end_event(struct track *t, int64_t ts, const struct record *r)
{
	struct nest *n = nest_of(t);

	if (n->ngroup > 0 && (ts != n->gts || n->has_begin))
		flush_group(t);
	pop_ends(t, ts);
	if (n->depth == 0) {
		rec_error(r, C_TS, "an end with no slice open on its track");
		return;
	}
	if (n->stack[n->depth - 1].end != UNBOUNDED) {
		rec_error(r, C_TS, "an end at %" PRId64 " inside the slice from "
		    "line %lu, which ends at %" PRId64, ts,
		    n->stack[n->depth - 1].line, n->stack[n->depth - 1].end);
		return;
	}
	const struct open *o = bounded_top(n, 1);

	if (o && o->end < ts) {
		rec_error(r, C_TS, "an end at %" PRId64 " after the end (%"
		    PRId64 ") of the enclosing slice from line %lu", ts, o->end,
		    o->line);
		return;
	}
	if (ts < n->last) {
		rec_error(r, C_TS, "an end at %" PRId64 " before the last event "
		    "on its track (%" PRId64 ")", ts, n->last);
		return;
	}
	n->depth--;
	put_end(t, ts);
}

/* ---- fields ---- */

static int
get_ts(const struct record *r, int64_t *ts)
{
	if (!rec_i64(r, C_TS, ts))
		return 0;
	if (*ts < 0) {
		rec_error(r, C_TS, "%" PRId64 " is negative (Perfetto drops "
		    "events before time 0)", *ts);
		return 0;
	}
	return 1;
}

/* Splits a space-separated list of flow tokens into ids. */
static int
get_flows(const struct record *r, enum col c, uint64_t *ids, size_t *k)
{
	const char *s = r->v[c];

	*k = 0;
	while (*s) {
		size_t len;

		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (len == 0)
			break;
		if (*k == LEN(flowbuf[0])) {
			rec_error(r, c, "more than %zu flow ids", LEN(flowbuf[0]));
			return 0;
		}
		ids[(*k)++] = id_flow(s, len);
		s += len;
	}
	return 1;
}

static int
get_args(const struct record *r, json_object **args)
{
	const char *why;
	size_t at;

	*args = args_parse(r->v[C_ARGS], r->len[C_ARGS], &why, &at);
	if (why) {
		rec_error(r, C_ARGS, "%s (at byte %zu of the JSON)", why, at + 1);
		return 0;
	}
	return 1;
}

/* The track an event goes on: its track, else its thread, else process. */
static struct track *
event_track(const struct record *r, int global_ok)
{
	if (r->len[C_TRACK]) {
		struct track *t = tk_custom(r->v[C_TRACK]);

		if (!t->declared && !t->written && !t->parent && r->len[C_PID])
			t->parent = tk_process(r->v[C_PID]);
		if (t->kind == TK_COUNTER) {
			rec_error(r, C_TRACK, "'%s' is a counter track",
			    r->v[C_TRACK]);
			return NULL;
		}
		return t;
	}
	if (r->len[C_TID]) {
		if (!r->len[C_PID]) {
			rec_error(r, C_PID, "missing (a tid needs its pid)");
			return NULL;
		}
		return tk_thread(r->v[C_PID], r->v[C_TID]);
	}
	if (r->len[C_PID])
		return tk_process(r->v[C_PID]);
	if (global_ok)
		return tk_global();
	rec_error(r, C_TRACK, "missing (an event needs a track, a tid or a pid)");
	return NULL;
}

/* slice, async, begin, instant: checked in full, then queued. */
static void
span_record(const struct record *r)
{
	struct pev p;
	struct track *t;
	const char *why;

	zero(&p, sizeof(p));
	p.kind = r->kind;
	p.line = r->line;
	if (r->kind == K_ASYNC && !r->len[C_TRACK]) {
		rec_error(r, C_TRACK, "missing (an async span needs its lane; "
		    "see async-match)");
		return;
	}
	if (!get_ts(r, &p.ts))
		return;
	if (r->kind == K_SLICE || r->kind == K_ASYNC) {
		if (!rec_i64(r, C_DUR, &p.dur))
			return;
		if (p.dur < 0) {
			rec_error(r, C_DUR, "%" PRId64 " is negative", p.dur);
			return;
		}
		if (p.dur > INT64_MAX - 1 - p.ts) {
			rec_error(r, C_DUR, "ts + dur is past the int64 range");
			return;
		}
		p.kind = K_SLICE;
	}
	if (r->len[C_LINE] && (why = num_u32(r->v[C_LINE], &p.srcline))) {
		rec_error(r, C_LINE, "'%s' %s", r->v[C_LINE], why);
		return;
	}
	if (!get_flows(r, C_FLOWS, flowbuf[0], &p.nflows) ||
	    !get_flows(r, C_FLOWS_END, flowbuf[1], &p.nends) ||
	    !get_args(r, &p.args))
		return;
	if (!(t = event_track(r, r->kind == K_INSTANT))) {
		json_object_put(p.args);
		return;
	}
	add_event(t, &p, r);
}

static void
end_record(const struct record *r)
{
	int64_t ts;
	struct track *t;

	if (get_ts(r, &ts) && (t = event_track(r, 0)))
		end_event(t, ts, r);
}

static void
counter_record(const struct record *r)
{
	struct tev e = { .type = TEV_COUNTER };
	struct track *t = NULL;
	const char *why;
	int isint;

	if (!get_ts(r, &e.ts))
		return;
	if (!r->len[C_VALUE]) {
		rec_error(r, C_VALUE, "missing");
		return;
	}
	if ((why = num_value(r->v[C_VALUE], &e.ival, &e.dval, &isint))) {
		rec_error(r, C_VALUE, "'%s' %s", r->v[C_VALUE], why);
		return;
	}
	e.counter = isint ? 1 : 2;
	if (r->len[C_TRACK])
		t = tk_find_custom(r->v[C_TRACK]);
	if (!t || t->kind != TK_COUNTER) {
		if (!r->len[C_NAME]) {
			rec_error(r, C_NAME, "missing (a counter needs a name "
			    "or a counter track)");
			return;
		}
		t = tk_counter(r->v[C_PID], r->v[C_TRACK], r->v[C_NAME]);
	}
	tw_event(seq_of(t), &e);
}

/* Takes a declaration's name unless the track is already written. */
static int
declare(struct track *t, const struct record *r)
{
	if (t->written) {
		if (r->len[C_NAME] && strcmp(t->name, r->v[C_NAME]) != 0)
			rec_warn(r, C_NAME, "'%s' comes after the track's first "
			    "use; it keeps the name '%s'", r->v[C_NAME], t->name);
		return 0;
	}
	t->declared = 1;
	if (r->len[C_NAME]) {
		free(t->name);
		t->name = xstrdup(r->v[C_NAME]);
	}
	return 1;
}

static void
process_labels(struct track *t, json_object *args)
{
	size_t i = 0;

	t->nlabels = (size_t)json_object_object_length(args);
	t->labels = xreallocarray(NULL, t->nlabels, sizeof(*t->labels));
	json_object_object_foreach(args, key, val) {
		const char *v = json_object_is_type(val, json_type_string) ?
		    json_object_get_string(val) :
		    json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN);
		size_t n = strlen(key) + strlen(v) + 2;

		t->labels[i] = xmalloc(n);
		snprintf(t->labels[i++], n, "%s=%s", key, v);
	}
}

static void
process_record(const struct record *r)
{
	struct track *t;
	json_object *args;
	int64_t start;

	if (!r->len[C_PID]) {
		rec_error(r, C_PID, "missing");
		return;
	}
	if ((r->len[C_TS] && !get_ts(r, &start)) || !get_args(r, &args))
		return;
	t = tk_process(r->v[C_PID]);
	if (declare(t, r)) {
		if (r->len[C_TS]) {
			t->has_start = 1;
			t->start = start;
		}
		if (args && !t->labels)
			process_labels(t, args);
	}
	json_object_put(args);
}

static void
thread_record(const struct record *r)
{
	if (!r->len[C_PID] || !r->len[C_TID]) {
		rec_error(r, r->len[C_PID] ? C_TID : C_PID, "missing");
		return;
	}
	declare(tk_thread(r->v[C_PID], r->v[C_TID]), r);
}

static const char *
json_str(json_object *args, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(args, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* Args that make a track a counter track: a unit, or "counter": true. */
static int
counter_args(json_object *args)
{
	json_object *v;

	return args && (json_object_object_get_ex(args, "unit", &v) ||
	    (json_object_object_get_ex(args, "counter", &v) &&
	    json_object_get_boolean(v)));
}

/* A track's args: counter properties and a description. */
static void
track_args(struct track *t, json_object *args)
{
	static const char *const units[] = { "", "time_ns", "count",
	    "size_bytes" };
	json_object *v;
	const char *s;

	if ((s = json_str(args, "description"))) {
		free(t->description);	/* a track declared again */
		t->description = xstrdup(s);
	}
	if (!counter_args(args))
		return;
	t->kind = TK_COUNTER;
	if ((s = json_str(args, "unit"))) {
		for (size_t u = 1; u < LEN(units); u++)
			if (strcmp(s, units[u]) == 0)
				t->unit = (int)u;
		if (!t->unit) {
			free(t->unit_name);
			t->unit_name = xstrdup(s);
		}
	}
	if (json_object_object_get_ex(args, "unit_multiplier", &v))
		t->multiplier = json_object_get_int64(v);
	if (json_object_object_get_ex(args, "incremental", &v))
		t->incremental = json_object_get_boolean(v);
}

static void
track_record(const struct record *r)
{
	struct track *t;
	json_object *args;

	if (!r->len[C_TRACK]) {
		rec_error(r, C_TRACK, "missing");
		return;
	}
	if (!get_args(r, &args))
		return;
	t = tk_custom(r->v[C_TRACK]);
	if (t->nest && counter_args(args)) {	/* slices wait on it */
		rec_error(r, C_ARGS, "'%s' has slices or instants already; a "
		    "counter track needs an id of its own", r->v[C_TRACK]);
		json_object_put(args);
		return;
	}
	if (declare(t, r)) {
		if (r->len[C_PARENT]) {
			if (strcmp(r->v[C_PARENT], r->v[C_TRACK]) == 0)
				rec_error(r, C_PARENT, "a track cannot be its "
				    "own parent");
			else
				t->parent = tk_custom(r->v[C_PARENT]);
		} else if (r->len[C_PID]) {
			t->parent = tk_process(r->v[C_PID]);
		}
		if (args)
			track_args(t, args);
	}
	json_object_put(args);
}

void
enc_record(const struct record *r)
{
	switch (r->kind) {
	case K_PROCESS:
		process_record(r);
		break;
	case K_THREAD:
		thread_record(r);
		break;
	case K_TRACK:
		track_record(r);
		break;
	case K_SLICE:
	case K_ASYNC:
	case K_BEGIN:
	case K_INSTANT:
		span_record(r);
		break;
	case K_END:
		end_record(r);
		break;
	case K_COUNTER:
		counter_record(r);
		break;
	case K_ASYNC_BEGIN:
	case K_ASYNC_END:
		rec_error(r, C_KIND, "'%s': pair async events into async "
		    "spans with async-match first", r->v[C_KIND]);
		break;
	default:
		rec_error(r, C_KIND, "'%s' is not a record kind", r->v[C_KIND]);
		break;
	}
}

static unsigned long never_ended;

static void
finish_track(struct track *t)
{
	struct nest *n = t->nest;

	if (n) {
		flush_group(t);
		while (n->depth > 0 && n->stack[n->depth - 1].end != UNBOUNDED) {
			n->depth--;
			put_end(t, n->stack[n->depth].end);
		}
		never_ended += n->depth;
	}
	if (t->declared)
		tk_write(t);
}

unsigned long
enc_finish(void)
{
	tk_each(finish_track);
	return never_ended;
}
