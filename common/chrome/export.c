/*
 * Records to Chrome trace-event JSON. Each record's events are built in a
 * buffer and handed to the output whole, one event a line, so that a bad
 * record leaves nothing of itself behind and cj_finish can always close
 * the JSON. Times are written as exact decimal microseconds; when any is
 * not a whole microsecond, the trace says "displayTimeUnit":"ns" at its
 * end, which makes viewers show nanoseconds (the values stay microseconds).
 * Readers that take numbers as doubles cannot hold epoch nanoseconds: a
 * warning says how far off they read such times (check_double).
 *
 * Memory: per track, its name; per async span begun and not yet ended, its
 * category, name and id as written (an 'e' must repeat the 'b''s for
 * viewers to pair them); per flow started and not ended, its token (a flow
 * that goes on must say so, with flow_in and flow_out both).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/num.h"
#include "base/strmap.h"
#include "base/util.h"
#include "chrome/export.h"
#include "chrome/item.h"
#include "perfetto/ids.h"
#include "records/args.h"
#include "records/diag.h"
#include "records/record.h"

struct tinfo {
	char *pid, *name;
	int counter;
};

struct ainfo {
	char *cat, *name;
	char *root;			/* the id of its outermost open ancestor */
};

static struct {
	int started, finished, nevents, subus;
	unsigned long dropped;		/* flow tokens with no way out */
	unsigned long inexact;		/* times a double cannot hold */
	uint64_t maxerr;		/* the most one of them is read off */
	struct dstr ev;
	struct strmap *tracks;		/* track id -> struct tinfo */
	struct strmap *open;		/* pid NUL id -> struct ainfo */
	struct strmap *flows;		/* flow tokens started, not ended */
	json_object *args;		/* the record's, parsed */
} cj;

void
cj_begin(void)
{
	out_puts("{\"traceEvents\":[\n");
	cj.started = 1;
}

static void
put(const char *s)
{
	ds_put(&cj.ev, s, strlen(s));
}

/* s as a JSON string. */
static void
put_str(const char *s, size_t n)
{
	size_t i, from = 0;
	char esc[8];

	ds_put(&cj.ev, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ds_put(&cj.ev, s + from, i - from);
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			snprintf(esc, sizeof(esc), "\\%c", c == '\n' ? 'n' :
			    c == '\t' ? 't' : 'r');
		else
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		put(esc);
		from = i + 1;
	}
	ds_put(&cj.ev, s + from, n - from);
	ds_put(&cj.ev, "\"", 1);
}

/* ,"key": */
static void
put_key(const char *key)
{
	put(",\"");
	put(key);
	put("\":");
}

/* An identifier: a number when it is one written plainly, else a string,
 * so that both come back as the same text. */
static void
put_ident(const char *s, size_t n)
{
	int64_t i;
	int plain = n > 0 && n < 20 && !num_i64(s, &i) &&
	    (s[0] != '0' || n == 1) && !(s[0] == '-' && (n == 1 ||
	    s[1] == '0'));

	if (plain)
		ds_put(&cj.ev, s, n);
	else
		put_str(s, n);
}

/* A flow token as the number perfetto-encode makes of it (the token if it
 * is a decimal uint64, else its hash): viewers link only numeric ids. */
static void
put_token(const char *s, size_t n)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, id_flow(s, n));
	put(buf);
}

/*
 * Counts a time that readers will not get back. They take the decimal
 * text as a double d and the time as llround(d * 1000) ns: chrome://tracing
 * with the double nearest the text (strtod), Perfetto's importer with the
 * integer part plus the fraction, each a double (json_parser.h). Either is
 * exact only while a double holds the nanoseconds, below about 2^51 ns (26
 * days): epoch times with a fraction of a microsecond come back up to some
 * hundred ns off. The largest error of either is kept for the warning.
 */
static void
check_double(const char *text, int64_t ns, uint64_t us, unsigned frac)
{
	double reads[2] = {
		strtod(text, NULL),
		(double)us + (double)frac / 1000.0,
	};

	uint64_t worst = 0;

	for (int i = 0; i < 2; i++) {
		long long got = llround(reads[i] * 1000.0);
		uint64_t err = got > ns ? (uint64_t)got - (uint64_t)ns :
		    (uint64_t)ns - (uint64_t)got;

		if (err > worst)
			worst = err;
	}
	if (worst)
		cj.inexact++;
	if (worst > cj.maxerr)
		cj.maxerr = worst;
}

/* Nanoseconds as exact decimal microseconds. */
static void
put_us(const char *key, int64_t ns)
{
	uint64_t u = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
	char buf[40];
	int n;

	n = snprintf(buf, sizeof(buf), "%s%" PRIu64, ns < 0 ? "-" : "",
	    u / 1000);
	if (u % 1000) {
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ".%03u",
		    (unsigned)(u % 1000));
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
		cj.subus = 1;
		if (ns > 0)
			check_double(buf, ns, u / 1000, (unsigned)(u % 1000));
	}
	put_key(key);
	put(buf);
}

static int
get_time(const struct record *r, enum col c, int64_t *v)
{
	const char *why;

	if (!r->len[c]) {
		rec_error(r, c, "missing");
		return 0;
	}
	if ((why = num_i64(r->v[c], v))) {
		rec_error(r, c, "'%s' %s", r->v[c], why);
		return 0;
	}
	if (*v < 0) {
		rec_error(r, c, "'%s' is negative", r->v[c]);
		return 0;
	}
	return 1;
}

/* Parses the args column into cj.args (NULL when empty): 0 if bad. */
static int
get_args(const struct record *r)
{
	const char *why;
	size_t at;

	json_object_put(cj.args);
	cj.args = args_parse(r->v[C_ARGS], r->len[C_ARGS], &why, &at);
	if (!cj.args && why) {
		rec_error(r, C_ARGS, "%s at byte %zu", why, at + 1);
		return 0;
	}
	return 1;
}

/* Starts an event: {"ph":P,"name":N,"cat":C */
static void
begin_event(char ph, const char *name, size_t n, const char *cat, size_t cn)
{
	char s[16];

	snprintf(s, sizeof(s), "{\"ph\":\"%c\"", ph);
	put(s);
	put_key("name");
	put_str(name, n);
	if (cn) {
		put_key("cat");
		put_str(cat, cn);
	}
}

/* Where an event goes: a custom track becomes a thread of its own (tid:
 * the track id) in its process, or in process 0. */
static void
place(const struct record *r, int tid)
{
	struct tinfo *t = NULL;
	const char *pid = r->v[C_PID];
	size_t pn = r->len[C_PID];

	if (r->len[C_TRACK] && cj.tracks)
		t = sm_get(cj.tracks, r->v[C_TRACK], r->len[C_TRACK]);
	if (r->len[C_TRACK] && !pn) {
		pid = t && t->pid ? t->pid : "0";
		pn = strlen(pid);
	}
	if (pn) {
		put_key("pid");
		put_ident(pid, pn);
	}
	if (!tid)
		return;
	if (r->len[C_TRACK]) {
		put_key("tid");
		put_ident(r->v[C_TRACK], r->len[C_TRACK]);
	} else if (r->len[C_TID]) {
		put_key("tid");
		put_ident(r->v[C_TID], r->len[C_TID]);
	}
}

static void
put_args(void)
{
	if (!cj.args || json_object_object_length(cj.args) == 0)
		return;
	put_key("args");
	put(json_object_to_json_string_ext(cj.args, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The event is complete: on the output, after a separator. */
static void
emit(void)
{
	if (cj.nevents++)
		out_put(",\n", 2);
	out_put(cj.ev.p, cj.ev.n);
	cj.ev.n = 0;
}

/* The next space-separated token of s from *at: 0 when there is none. */
static int
token(const char *s, size_t n, size_t *at, const char **tok, size_t *tn)
{
	size_t i = *at, j;

	while (i < n && s[i] == ' ')
		i++;
	for (j = i; j < n && s[j] != ' '; j++)
		;
	*at = j;
	*tok = s + i;
	*tn = j - i;
	return j > i;
}

/* Whether flow token tok was started before; notes that it is now (or,
 * for an end, that it is no more). */
static int
flow_seen(const char *tok, size_t n, int end)
{
	void **slot;

	if (!cj.flows)
		cj.flows = sm_new();
	if (end)
		return sm_del(cj.flows, tok, n);
	slot = sm_slot(cj.flows, tok, n, 1, NULL);
	if (*slot)
		return 1;
	*slot = (void *)1;
	return 0;
}

/* The first flow token rides on the event as bind_id: flow_out for one of
 * flows (flow_in too when it goes on), flow_in for one of flows_end. */
static void
put_bind(const struct record *r)
{
	const char *tok;
	size_t tn, at = 0;
	int end = 0;

	if (!token(r->v[C_FLOWS], r->len[C_FLOWS], &at, &tok, &tn)) {
		at = 0;
		end = 1;
		if (!token(r->v[C_FLOWS_END], r->len[C_FLOWS_END], &at, &tok,
		    &tn))
			return;
	}
	put_key("bind_id");
	put_token(tok, tn);
	if (flow_seen(tok, tn, end) || end)
		put(",\"flow_in\":true");
	if (!end)
		put(",\"flow_out\":true");
}

/* The other tokens: for a slice, flow v1 events bound to it (s, and f
 * with "bp":"e"); elsewhere they cannot be said, and are counted. */
static void
more_flows(const struct record *r, int64_t ts, int slice)
{
	const char *tok;
	size_t tn, at;
	int skip = 1;

	for (int end = 0; end < 2; end++) {
		enum col c = end ? C_FLOWS_END : C_FLOWS;

		for (at = 0; token(r->v[c], r->len[c], &at, &tok, &tn);) {
			if (skip) {
				skip = 0;
				continue;
			}
			if (!slice) {
				cj.dropped++;
				continue;
			}
			put(end ? "{\"ph\":\"f\",\"bp\":\"e\"" :
			    flow_seen(tok, tn, 0) ? "{\"ph\":\"t\"" :
			    "{\"ph\":\"s\"");
			if (end)
				flow_seen(tok, tn, 1);
			put_key("id");
			put_token(tok, tn);
			place(r, 1);
			put_us("ts", ts);
			put("}");
			emit();
		}
	}
}

/* slice, begin, instant: X, B, i. */
static void
span(const struct record *r, char ph)
{
	int64_t ts, dur = 0;

	if (!get_time(r, C_TS, &ts) || (ph == 'X' && !get_time(r, C_DUR,
	    &dur)) || !get_args(r))
		return;
	begin_event(ph, r->v[C_NAME], r->len[C_NAME], r->v[C_CATEGORY],
	    r->len[C_CATEGORY]);
	put_us("ts", ts);
	if (ph == 'X')
		put_us("dur", dur);
	place(r, 1);
	if (ph == 'i') {
		put_key("s");
		put(r->len[C_TRACK] || r->len[C_TID] ? "\"t\"" :
		    r->len[C_PID] ? "\"p\"" : "\"g\"");
	}
	put_bind(r);
	put_args();
	put("}");
	emit();
	more_flows(r, ts, ph != 'i');
}

static void
end_event(const struct record *r)
{
	int64_t ts;

	if (!get_time(r, C_TS, &ts))
		return;
	put("{\"ph\":\"E\"");
	put_us("ts", ts);
	place(r, 1);
	put("}");
	emit();
}

static size_t
digits(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* Whether s is a number as JSON writes them. */
static int
json_number(const char *s, size_t n)
{
	size_t i = s[0] == '-', j;

	if (i < n && s[i] == '0')
		i++;
	else if ((j = digits(s, i, n)) > i)
		i = j;
	else
		return 0;
	if (i < n && s[i] == '.' && (j = digits(s, i + 1, n)) > i + 1)
		i = j;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i += 1 + (i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-'));
		if ((j = digits(s, i, n)) == i)
			return 0;
		i = j;
	}
	return i == n;
}

/* A record value that num_value took, as a JSON number. */
static void
put_number(const char *s, size_t n, double d)
{
	char buf[40];

	if (json_number(s, n)) {
		ds_put(&cj.ev, s, n);
		return;
	}
	snprintf(buf, sizeof(buf), "%.17g", d);
	put(buf);
}

/* counter: C. On a declared counter track it takes the track's name. */
static void
counter(const struct record *r)
{
	struct tinfo *t = NULL;
	const char *why, *name = r->v[C_NAME];
	size_t n = r->len[C_NAME];
	int64_t ts, i;
	double d;
	int isint;

	if (!get_time(r, C_TS, &ts))
		return;
	if ((why = num_value(r->v[C_VALUE], &i, &d, &isint))) {
		rec_error(r, C_VALUE, "'%s' %s", r->v[C_VALUE], why);
		return;
	}
	if (r->len[C_TRACK] && cj.tracks)
		t = sm_get(cj.tracks, r->v[C_TRACK], r->len[C_TRACK]);
	if (t && t->counter && !n) {
		name = t->name;
		n = strlen(name);
	}
	begin_event('C', name, n, NULL, 0);
	put_us("ts", ts);
	if (r->len[C_PID] || (t && t->pid))
		place(r, 0);
	if (r->len[C_TRACK] && !(t && t->counter)) {
		put_key("id");
		put_str(r->v[C_TRACK], r->len[C_TRACK]);
	}
	put(",\"args\":{\"value\":");
	put_number(r->v[C_VALUE], r->len[C_VALUE], d);
	put("}}");
	emit();
}

static void
async_event(const struct record *r, char ph, int64_t ts,
    const struct ainfo *a, int flows)
{
	begin_event(ph, a->name, strlen(a->name), a->cat, strlen(a->cat));
	put(",\"id2\":{\"local\":");
	put_str(a->root, strlen(a->root));
	put("}");
	put_us("ts", ts);
	place(r, 1);
	if (flows)
		put_bind(r);
	if (ph == 'b' || r->kind == K_ASYNC_END)
		put_args();
	put("}");
	emit();
}

static void
free_async(const char *key, size_t n, void *val, void *arg)
{
	struct ainfo *a = val;

	(void)key, (void)n, (void)arg;
	free(a->cat);
	free(a->name);
	free(a->root);
	free(a);
}

/* The (pid, id) key of span id in r's process, in cj.ev. */
static void
span_key(const struct record *r, const char *id, size_t n)
{
	ds_set(&cj.ev, r->v[C_PID], r->len[C_PID]);
	ds_put(&cj.ev, "", 1);
	ds_put(&cj.ev, id, n);
}

/* An async_begin is remembered with the id it is written with: that of
 * its outermost ancestor still open, so that viewers nest it in it. */
static struct ainfo *
remember(const struct record *r)
{
	struct ainfo *a = xcalloc(1, sizeof(*a)), *p = NULL;
	void **slot;

	if (r->len[C_PARENT] && cj.open) {
		span_key(r, r->v[C_PARENT], r->len[C_PARENT]);
		p = sm_get(cj.open, cj.ev.p, cj.ev.n);
	}
	a->cat = xstrdup(r->v[C_CATEGORY]);
	a->name = xstrdup(r->v[C_NAME]);
	a->root = xstrdup(p ? p->root : r->v[C_ID]);
	span_key(r, r->v[C_ID], r->len[C_ID]);
	if (!cj.open)
		cj.open = sm_new();
	slot = sm_slot(cj.open, cj.ev.p, cj.ev.n, 1, NULL);
	if (*slot)
		free_async(NULL, 0, *slot, NULL);
	*slot = a;
	cj.ev.n = 0;
	return a;
}

/* The begin an async_end ends, taken out of the table, or NULL. */
static struct ainfo *
recall(const struct record *r)
{
	struct ainfo *a;

	if (!cj.open)
		return NULL;
	span_key(r, r->v[C_ID], r->len[C_ID]);
	if ((a = sm_get(cj.open, cj.ev.p, cj.ev.n)))
		sm_del(cj.open, cj.ev.p, cj.ev.n);
	cj.ev.n = 0;
	return a;
}

/* async_begin, async_end, async: b and e with a local id (async-match
 * pairs by pid and id too); the lane is left to the viewer. */
static void
async(const struct record *r)
{
	struct ainfo own, *a = NULL;
	int64_t ts, dur = 0;

	if (!get_time(r, C_TS, &ts) || (r->kind == K_ASYNC && !get_time(r,
	    C_DUR, &dur)) || !get_args(r))
		return;
	if (!r->len[C_ID]) {
		rec_error(r, C_ID, "missing");
		return;
	}
	own.cat = (char *)r->v[C_CATEGORY];
	own.name = (char *)r->v[C_NAME];
	own.root = (char *)r->v[C_ID];
	if (r->kind == K_ASYNC_BEGIN)
		a = remember(r);
	else if (r->kind == K_ASYNC_END)
		a = recall(r);
	async_event(r, r->kind == K_ASYNC_END ? 'e' : 'b', ts, a ? a : &own,
	    1);
	if (r->kind == K_ASYNC)
		async_event(r, 'e', ts + dur, &own, 0);
	if (r->kind == K_ASYNC_END && a)
		free_async(NULL, 0, a, NULL);
	more_flows(r, ts, 0);
}

/* An M event: {"ph":"M","name":what,"ts":0,pid,tid,"args":{...}}. */
static void
meta_event(const struct record *r, const char *what, int tid,
    const char *args)
{
	begin_event('M', what, strlen(what), NULL, 0);
	put(",\"ts\":0");
	place(r, tid);
	put(",\"args\":{");
	put(args);
	put("}}");
	emit();
}

/* process_sort_index, thread_sort_index, process_labels. */
static void
index_event(const struct record *r, int thread, const char *key,
    json_object *v)
{
	char what[32], *args;
	const char *val = json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(key) + strlen(val) + 4;

	snprintf(what, sizeof(what), "%s_%s", thread ? "thread" : "process",
	    key);
	args = xmalloc(n);
	snprintf(args, n, "\"%s\":%s", key, val);
	meta_event(r, what, thread, args);
	free(args);
}

/* process and thread: process_name or thread_name (even with no name, so
 * that the declaration comes back) with the name and the args, but for
 * sort_index (process_sort_index, thread_sort_index) and a process's
 * labels (process_labels). */
static void
names(const struct record *r, int thread)
{
	struct dstr rest = { 0 };
	const char *s;
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	json_object *sort = NULL, *labels = NULL;

	if (!r->len[C_PID] || (thread && !r->len[C_TID])) {
		rec_error(r, r->len[C_PID] ? C_TID : C_PID, "missing");
		return;
	}
	if (!get_args(r))
		return;
	put_str(r->v[C_NAME], r->len[C_NAME]);
	ds_set(&rest, "\"name\":", 7);
	ds_put(&rest, cj.ev.p, cj.ev.n);
	cj.ev.n = 0;
	if (cj.args) {
		json_object_object_foreach(cj.args, k, v) {
			if (strcmp(k, "sort_index") == 0) {
				sort = v;
				continue;
			}
			if (!thread && strcmp(k, "labels") == 0) {
				labels = v;
				continue;
			}
			put_str(k, strlen(k));
			ds_put(&rest, rest.n ? "," : "", rest.n ? 1 : 0);
			ds_put(&rest, cj.ev.p, cj.ev.n);
			ds_put(&rest, ":", 1);
			s = json_object_to_json_string_ext(v, flags);
			ds_put(&rest, s, strlen(s));
			cj.ev.n = 0;
		}
	}
	meta_event(r, thread ? "thread_name" : "process_name", thread, rest.p);
	free(rest.p);
	if (sort)
		index_event(r, thread, "sort_index", sort);
	if (labels)
		index_event(r, thread, "labels", labels);
}

/* track: remembered for the events on it; a track that is not a counter
 * track is named as the thread its events go on. */
static void
track(const struct record *r)
{
	json_object *v;
	struct tinfo *t;
	void **slot;
	char *args;
	size_t n;

	if (!r->len[C_TRACK]) {
		rec_error(r, C_TRACK, "missing");
		return;
	}
	if (!get_args(r))
		return;
	if (!cj.tracks)
		cj.tracks = sm_new();
	slot = sm_slot(cj.tracks, r->v[C_TRACK], r->len[C_TRACK], 1, NULL);
	if (!(t = *slot))
		t = *slot = xcalloc(1, sizeof(*t));
	free(t->pid);
	free(t->name);
	t->pid = r->len[C_PID] ? xstrdup(r->v[C_PID]) : NULL;
	t->name = xstrdup(r->len[C_NAME] ? r->v[C_NAME] : r->v[C_TRACK]);
	t->counter = cj.args && (json_object_object_get_ex(cj.args, "unit",
	    NULL) || (json_object_object_get_ex(cj.args, "counter", &v) &&
	    json_object_get_boolean(v)));
	if (t->counter)
		return;
	put_str(t->name, strlen(t->name));
	n = cj.ev.n + 8;
	args = xmalloc(n);
	snprintf(args, n, "\"name\":%.*s", (int)cj.ev.n, cj.ev.p);
	cj.ev.n = 0;
	meta_event(r, "thread_name", 1, args);
	free(args);
}

void
cj_record(const struct record *r)
{
	cj.ev.n = 0;
	switch (r->kind) {
	case K_PROCESS:
		names(r, 0);
		break;
	case K_THREAD:
		names(r, 1);
		break;
	case K_TRACK:
		track(r);
		break;
	case K_SLICE:
		span(r, 'X');
		break;
	case K_BEGIN:
		span(r, 'B');
		break;
	case K_END:
		end_event(r);
		break;
	case K_INSTANT:
		span(r, 'i');
		break;
	case K_COUNTER:
		counter(r);
		break;
	case K_ASYNC_BEGIN: case K_ASYNC_END: case K_ASYNC:
		async(r);
		break;
	default:
		rec_error(r, C_KIND, "'%s' is not a kind of record", r->v[C_KIND]);
	}
}

static void
free_track(const char *key, size_t n, void *val, void *arg)
{
	struct tinfo *t = val;

	(void)key, (void)n, (void)arg;
	free(t->pid);
	free(t->name);
	free(t);
}

void
cj_finish(void)
{
	if (!cj.started || cj.finished)
		return;
	cj.finished = 1;
	out_puts(cj.nevents ? "\n]" : "]");
	if (cj.subus)
		out_puts(",\"displayTimeUnit\":\"ns\"");
	out_puts("}\n");
	if (cj.dropped)
		warnmsg("warning: %lu flow token%s of instants and async spans "
		    "beyond the first of each cannot be written in JSON",
		    cj.dropped, cj.dropped == 1 ? "" : "s");
	if (cj.maxerr)
		warnmsg("warning: %lu time%s with a fraction of a microsecond "
		    "too large for a double: the JSON says them exactly, but "
		    "Perfetto and chrome://tracing read them up to %" PRIu64
		    " ns off", cj.inexact, cj.inexact == 1 ? "" : "s",
		    cj.maxerr);
	if (cj.tracks) {
		sm_each(cj.tracks, free_track, NULL);
		sm_free(cj.tracks);
	}
	if (cj.open) {
		sm_each(cj.open, free_async, NULL);
		sm_free(cj.open);
	}
	sm_free(cj.flows);
	json_object_put(cj.args);
	free(cj.ev.p);
	memset(&cj, 0, sizeof(cj));
	cj.finished = 1;
}
