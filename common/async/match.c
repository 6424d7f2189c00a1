/*
 * The engine of async-match (see match.h): pairs async_begin and async_end
 * records by (pid, id) into async spans, lays the spans of each process on
 * lanes on which they only nest or stay apart (see lanes.h), and passes
 * every other record through unchanged and in order.
 *
 * Cost: a hash lookup per event and O(log L) per span for L lanes. Memory:
 * the spans open at once, the ended spans waiting behind an open span on
 * their lane (at most max_held of them, default 65536), the ids of the
 * last 16384 ended spans (to catch a second end), and a few bytes per lane.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "async/lanes.h"
#include "async/match.h"
#include "async/pairs.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/util.h"
#include "records/args.h"
#include "records/diag.h"
#include "records/record.h"

#define GROUP_NAME "Async Operations"
#define LANE_NAME "async"

enum { UNSTARTED = 1 };		/* rc_entry flags */
enum { ORPHAN_NONE, ORPHAN_UNFINISHED, ORPHAN_UNSTARTED };

/* The columns an async record takes from its begin record. */
static const enum col keep[] = {
	C_TID, C_ID, C_PARENT, C_DEPTH, C_NAME, C_CATEGORY, C_FILE, C_LINE,
	C_FLOWS, C_FLOWS_END, C_ARGS,
};
#define NKEEP (sizeof(keep) / sizeof(keep[0]))
#define KEEP_ID 1		/* keep[KEEP_ID] == C_ID */

struct proc;

struct span {
	struct lspan ls;		/* first: the lane engine's part */
	struct proc *proc;
	struct span *oprev, *onext;	/* open spans, in begin order */
	char *endflows[2];		/* flows and flows_end of the end */
	unsigned long line;		/* of the begin */
	unsigned char orphan, drop;
	uint32_t off[NKEEP + 1];	/* field i is buf + off[i] */
	char buf[];
};

struct proc {
	char *pid;
	size_t pidlen;
	uint64_t seed;			/* for the hashes of its ids */
	struct ptab *open;
	struct lanes *ln;
	char *group;			/* its group track id, once written */
	struct laneid {			/* per lane: its track id, once written */
		char *s;
		size_t n;
	} *lane;
	size_t nlane;
	struct proc *next;		/* in the order first seen */
};

static struct am_opts opt;

static struct strmap *procs;
static struct proc *first_proc, *last_proc, *cached;
static struct span *open_head, *open_tail;
static struct recent *recent;
static struct ln_held held = { 0, AM_MAX_HELD };
static int64_t now, earliest, latest;
static int have_now, have_ts;
static unsigned long now_line;
static unsigned long unfinished, unstarted;
static int64_t unfinished_at, unstarted_at;
static int unstarted_now;		/* an unstarted span ended at... */
static int64_t unstarted_ts;		/* ...this ts: a begin may clash */

static const struct ln_ops ops;

/* ---- processes ---- */

static struct proc *
proc_get(const char *pid, size_t n)
{
	void **slot;
	int created;
	struct proc *p;

	if (cached && cached->pidlen == n && memcmp(cached->pid, pid, n) == 0)
		return cached;
	slot = sm_slot(procs, pid, n, 1, &created);
	if (!created)
		return cached = *slot;
	p = xcalloc(1, sizeof(*p));
	p->pid = xmemdup(pid, n + 1);
	p->pidlen = n;
	p->seed = XXH3_64bits(pid, n);
	p->open = pt_new();
	p->ln = ln_new(&ops, p, &held);
	if (last_proc)
		last_proc->next = p;
	else
		first_proc = p;
	last_proc = p;
	return cached = *slot = p;
}

static uint64_t
id_hash(const struct proc *p, const char *id, size_t n)
{
	return XXH3_64bits_withSeed(id, n, p->seed);
}

/* ---- spans ---- */

static struct span *
span_new(const struct record *r, struct proc *p)
{
	size_t total = 0;
	struct span *sp;

	for (size_t i = 0; i < NKEEP; i++)
		total += r->len[keep[i]] + 1;
	sp = xmalloc(sizeof(*sp) + total);
	sp->proc = p;
	sp->oprev = sp->onext = NULL;
	sp->endflows[0] = sp->endflows[1] = NULL;
	sp->orphan = sp->drop = 0;
	total = 0;
	for (size_t i = 0; i < NKEEP; i++) {
		size_t n = r->len[keep[i]];

		sp->off[i] = (uint32_t)total;
		memcpy(sp->buf + total, r->v[keep[i]], n + 1);
		total += n + 1;
	}
	sp->off[NKEEP] = (uint32_t)total;
	return sp;
}

static const char *
field(const struct span *sp, size_t i, size_t *n)
{
	*n = sp->off[i + 1] - sp->off[i] - 1;
	return sp->buf + sp->off[i];
}

static void
open_link(struct span *sp)
{
	sp->oprev = open_tail;
	if (open_tail)
		open_tail->onext = sp;
	else
		open_head = sp;
	open_tail = sp;
}

static void
open_unlink(struct span *sp)
{
	if (sp->oprev)
		sp->oprev->onext = sp->onext;
	else
		open_head = sp->onext;
	if (sp->onext)
		sp->onext->oprev = sp->oprev;
	else
		open_tail = sp->oprev;
}

static void
release(struct lspan *ls, void *arg)
{
	struct span *sp = (struct span *)ls;

	(void)arg;
	free(sp->endflows[0]);
	free(sp->endflows[1]);
	free(sp);
}


/* ---- output ---- */

static void
blank(struct record *r)
{
	for (int c = 0; c < NCOLS; c++) {
		r->v[c] = "";
		r->len[c] = 0;
	}
}

static void
set(struct record *r, enum col c, const char *s)
{
	r->v[c] = s;
	r->len[c] = strlen(s);
}

/*
 * Track ids: "async:PID" for the group and "async-lane:N:PID" for lane N;
 * the prefixes differ, so no pid makes two of them equal.
 */
static char *
track_id(const struct proc *p, int lane)
{
	size_t n = p->pidlen + 40;
	char *s = xmalloc(n);

	if (lane < 0)
		snprintf(s, n, "async:%s", p->pid);
	else
		snprintf(s, n, "async-lane:%d:%s", lane, p->pid);
	return s;
}

/* Writes the track records of lane (and first of the group) if not yet. */
static void
declare(struct proc *p, int lane)
{
	struct record r;

	blank(&r);
	set(&r, C_KIND, "track");
	r.v[C_PID] = p->pid;
	r.len[C_PID] = p->pidlen;
	if (!p->group) {
		p->group = track_id(p, -1);
		set(&r, C_TRACK, p->group);
		set(&r, C_NAME, GROUP_NAME);
		rec_write(&r);
	}
	if ((size_t)lane >= p->nlane) {
		size_t n = (size_t)lane * 2 + 8;

		p->lane = xreallocarray(p->lane, n, sizeof(*p->lane));
		memset(p->lane + p->nlane, 0, (n - p->nlane) * sizeof(*p->lane));
		p->nlane = n;
	}
	if (p->lane[lane].s)
		return;
	p->lane[lane].s = track_id(p, lane);
	p->lane[lane].n = strlen(p->lane[lane].s);
	set(&r, C_TRACK, p->lane[lane].s);
	set(&r, C_NAME, LANE_NAME);
	set(&r, C_PARENT, p->group);
	rec_write(&r);
}

/*
 * The args of an orphan: its own with "flag":true added. Args that are
 * not a JSON object stay as they are, for perfetto-encode to report.
 */
static char *
orphan_args(const char *args, size_t n, const char *flag)
{
	const char *why;
	size_t at;
	json_object *o = args_parse(args, n, &why, &at);
	char *s;

	if (why)
		return NULL;
	if (!o)
		o = json_object_new_object();
	json_object_object_add(o, flag, json_object_new_boolean(1));
	s = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* The begin's flow tokens, then the end's; in buf when both have some. */
static const char *
merge_flows(const char *a, const char *b, char **buf)
{
	size_t na, nb;

	if (!b || !*b)
		return a;
	if (!*a)
		return b;
	na = strlen(a);
	nb = strlen(b);
	*buf = xmalloc(na + nb + 2);
	memcpy(*buf, a, na);
	(*buf)[na] = ' ';
	memcpy(*buf + na + 1, b, nb + 1);
	return *buf;
}

static void
emit(struct lspan *ls, void *arg)
{
	static const char *const flag[] = { NULL, "unfinished", "unstarted" };
	struct span *sp = (struct span *)ls;
	struct proc *p = arg;
	struct record r;
	char ts[NUM_BUF], dur[NUM_BUF], *args = NULL, *fl[2] = { NULL, NULL };
	size_t n;

	if (sp->drop)
		return;
	if ((size_t)ls->lane >= p->nlane || !p->lane[ls->lane].s)
		declare(p, ls->lane);
	blank(&r);
	for (size_t i = 0; i < NKEEP; i++) {
		r.v[keep[i]] = field(sp, i, &n);
		r.len[keep[i]] = n;
	}
	r.v[C_KIND] = "async";
	r.len[C_KIND] = 5;
	r.v[C_TS] = num_fmt_i64(ts, ls->start, &r.len[C_TS]);
	r.v[C_DUR] = num_fmt_u64(dur, (uint64_t)ls->end - (uint64_t)ls->start,
	    &r.len[C_DUR]);
	r.v[C_PID] = p->pid;
	r.len[C_PID] = p->pidlen;
	r.v[C_TRACK] = p->lane[ls->lane].s;
	r.len[C_TRACK] = p->lane[ls->lane].n;
	set(&r, C_FLOWS, merge_flows(r.v[C_FLOWS], sp->endflows[0], &fl[0]));
	set(&r, C_FLOWS_END, merge_flows(r.v[C_FLOWS_END], sp->endflows[1],
	    &fl[1]));
	if (sp->orphan && (args = orphan_args(r.v[C_ARGS], r.len[C_ARGS],
	    flag[sp->orphan])))
		set(&r, C_ARGS, args);
	rec_write(&r);
	free(args);
	free(fl[0]);
	free(fl[1]);
}

static const struct ln_ops ops = { emit, release };

/* ---- input ---- */

/* Events' times give the input's first and last, for orphans. */
static void
note_ts(int64_t ts)
{
	if (!have_ts || ts < earliest)
		earliest = ts;
	if (!have_ts || ts > latest)
		latest = ts;
	have_ts = 1;
}

static void
pass_record(const struct record *r)
{
	int64_t ts;

	rec_pass(r);
	if (r->kind != K_PROCESS && r->kind != K_THREAD && r->kind != K_TRACK &&
	    r->len[C_TS] && !num_i64(r->v[C_TS], &ts))
		note_ts(ts);
}

static void
begin_event(struct proc *p, const struct record *r, int64_t ts)
{
	struct span *sp, *parent = NULL;
	const struct rc_entry *e;

	if ((sp = pt_get(p->open, r->v[C_ID], r->len[C_ID]))) {
		rec_error(r, C_ID, "'%s' begins again while open since line %lu",
		    r->v[C_ID], sp->line);
		return;
	}
	if (unstarted_now && unstarted_ts == ts &&
	    (e = rc_find(recent, id_hash(p, r->v[C_ID], r->len[C_ID]))) &&
	    (e->flags & UNSTARTED) && e->ts == ts) {
		rec_error(r, C_ID, "'%s' ended at line %lu, before it began",
		    r->v[C_ID], e->line);
		return;
	}
	if (r->len[C_PARENT])
		parent = pt_get(p->open, r->v[C_PARENT], r->len[C_PARENT]);
	sp = span_new(r, p);
	sp->line = r->line;
	pt_put(p->open, sp->buf + sp->off[KEEP_ID], r->len[C_ID], sp);
	open_link(sp);
	ln_begin(p->ln, &sp->ls, ts, parent ? &parent->ls : NULL);
}

/* Where a span with no begin begins: --start-time, or the first ts. */
static int64_t
orphan_start(void)
{
	return opt.has_start && opt.start < earliest ? opt.start : earliest;
}

static void
end_event(struct proc *p, const struct record *r, int64_t ts)
{
	uint64_t h = id_hash(p, r->v[C_ID], r->len[C_ID]);
	struct rc_entry add = { h, r->line, ts, 0 };
	const struct rc_entry *e;
	struct span *sp;

	if ((sp = pt_del(p->open, r->v[C_ID], r->len[C_ID]))) {
		open_unlink(sp);
		for (int i = 0; i < 2; i++)
			if (r->len[i ? C_FLOWS_END : C_FLOWS])
				sp->endflows[i] = xstrdup(r->v[i ? C_FLOWS_END :
				    C_FLOWS]);
		rc_add(recent, &add);
		ln_end(p->ln, &sp->ls, ts);
		return;
	}
	if ((e = rc_find(recent, h))) {
		rec_error(r, C_ID, "'%s' ended already, at line %lu",
		    r->v[C_ID], e->line);
		return;
	}
	add.flags = UNSTARTED;
	rc_add(recent, &add);
	unstarted_now = 1;
	unstarted_ts = ts;
	if (unstarted++ == 0)
		unstarted_at = orphan_start();
	if (opt.drop)
		return;
	sp = span_new(r, p);
	sp->line = r->line;
	sp->orphan = ORPHAN_UNSTARTED;
	ln_unstarted(p->ln, &sp->ls, orphan_start(), ts);
}

static void
async_event(const struct record *r)
{
	int64_t ts;
	struct proc *p;

	if (!rec_i64(r, C_TS, &ts))
		return;
	if (have_now && ts < now) {
		rec_error(r, C_TS, "%" PRId64 " is before %" PRId64 " at line "
		    "%lu: the input is not in time order (sort it by ts, see "
		    "async-match(1))", ts, now, now_line);
		return;
	}
	if (!r->len[C_ID]) {
		rec_error(r, C_ID, "missing (async events pair by pid and id)");
		return;
	}
	now = ts;
	now_line = r->line;
	have_now = 1;
	note_ts(ts);
	p = proc_get(r->v[C_PID], r->len[C_PID]);
	if (r->kind == K_ASYNC_BEGIN)
		begin_event(p, r, ts);
	else
		end_event(p, r, ts);
	ln_drain(p->ln, now);
}

/* At the end of input: spans never ended end at --end-time or last ts. */
static void
finish(void)
{
	int64_t end = opt.has_end && opt.end > latest ? opt.end : latest;
	struct span *sp, *next;

	unfinished_at = end;
	for (sp = open_head; sp; sp = next) {
		size_t n;
		const char *id = field(sp, KEEP_ID, &n);

		next = sp->onext;
		pt_del(sp->proc->open, id, n);
		sp->orphan = ORPHAN_UNFINISHED;
		sp->drop = (unsigned char)opt.drop;
		unfinished++;
		ln_end(sp->proc->ln, &sp->ls, end);
	}
	open_head = open_tail = NULL;
	for (struct proc *p = first_proc; p; p = p->next)
		ln_finish(p->ln);
}

static void
report(void)
{
	if (unfinished)
		warnmsg("%lu unfinished span%s (no async_end): %s%" PRId64,
		    unfinished, unfinished == 1 ? "" : "s",
		    opt.drop ? "dropped; they would end at " : "closed at ",
		    unfinished_at);
	if (unstarted)
		warnmsg("%lu unstarted span%s (no async_begin): %s%" PRId64,
		    unstarted, unstarted == 1 ? "" : "s",
		    opt.drop ? "dropped; they would begin at " : "begun at ",
		    unstarted_at);
}

void
am_open(const struct am_opts *o)
{
	opt = *o;
	held.max = o->max_held;
	procs = sm_new();
	recent = rc_new(o->recent);
}

void
am_record(const struct record *r)
{
	if (r->kind == K_ASYNC_BEGIN || r->kind == K_ASYNC_END)
		async_event(r);
	else
		pass_record(r);
}

void
am_finish(void)
{
	finish();
	report();
}

int
am_seen_async(void)
{
	return first_proc != NULL;
}

void
am_close(void)
{
	struct proc *p, *next;

	for (p = first_proc; p; p = next) {
		next = p->next;
		pt_free(p->open);
		ln_free(p->ln);
		for (size_t i = 0; i < p->nlane; i++)
			free(p->lane[i].s);
		free(p->lane);
		free(p->group);
		free(p->pid);
		free(p);
	}
	sm_free(procs);
	rc_free(recent);
	procs = NULL;
	recent = NULL;
	first_proc = last_proc = cached = NULL;
	open_head = open_tail = NULL;
	held.held = 0;
	now = earliest = latest = 0;
	have_now = have_ts = 0;
	now_line = unfinished = unstarted = 0;
	unfinished_at = unstarted_at = unstarted_ts = 0;
	unstarted_now = 0;
	memset(&opt, 0, sizeof(opt));
}
