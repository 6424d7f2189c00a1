/*
 * Chrome trace-event JSON in. Each event read by jsonev.h becomes zero or
 * more items, sorted by ts in an external sort (extsort.h) because Chrome
 * files need not be in time order and their metadata often comes last;
 * pair.c then writes the records. Metadata events (M) are gathered
 * apart, one entry per process and thread, and written first.
 *
 * Cost: one pass over the file, then one (two when v1 flow events need
 * binding) over the sorted items. Memory: the sort's budget, one event, and
 * a few bytes per process, thread and open span; nothing is written until
 * the whole file is read.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/util.h"
#include "chrome/import.h"
#include "chrome/item.h"
#include "chrome/jsonev.h"
#include "records/diag.h"
#include "records/record.h"

struct meta {
	char *pid, *tid;		/* tid NULL: a process */
	char *name;
	json_object *args;
	struct meta *next;
};

static struct {
	struct jev *j;
	struct extsort *xs;
	char *ibuf;
	size_t icap;
	unsigned long skipped[256];
	int v1flows;
	struct strmap *meta;
	struct meta *first, *last;
	struct dstr tok, key, name;
	char pid[32], tid[32], dur[32];
} in;

const char *
chrome_us_ns(const char *s, size_t n, int64_t *ns)
{
	return num_us_ns(s, n, ns);
}

/* A bad event: reported at its position, then skipped (with -k). */
static void
bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
bad(const char *fmt, ...)
{
	struct jev_pos p = jev_where(in.j);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_error(jev_name(in.j), p.line, p.col, -1, "byte %" PRIu64
	    ": event: %s", p.byte, msg);
}

static json_object *
member(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* The text of a string, or of a number as it was written; NULL else. */
static const char *
scalar(json_object *v, size_t *n)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_string:
		*n = (size_t)json_object_get_string_len(v);
		return json_object_get_string(v);
	case json_type_int:
	case json_type_double:
		s = json_object_get_string(v);
		*n = strlen(s);
		return s;
	default:
		return NULL;
	}
}

/* Member k as text: "" when absent; NULL (reported) when not a scalar. */
static const char *
text(json_object *ev, const char *k, size_t *n)
{
	json_object *v = member(ev, k);
	const char *s;

	*n = 0;
	if (!v)
		return "";
	if (!(s = scalar(v, n)))
		bad("%s: not a string or a number", k);
	return s;
}

/* Member k as nanoseconds: 0 when absent, -1 when bad (reported). */
static int
time_of(json_object *ev, const char *k, int64_t *ns)
{
	json_object *v = member(ev, k);
	const char *s, *why;
	size_t n;

	if (!v)
		return 0;
	if (!(s = scalar(v, &n))) {
		bad("%s: not a number", k);
		return -1;
	}
	if ((why = chrome_us_ns(s, n, ns))) {
		bad("%s: '%.40s' %s", k, s, why);
		return -1;
	}
	if (*ns < 0) {
		bad("%s: '%.40s' is negative", k, s);
		return -1;
	}
	return 1;
}

/* A token for a flow: decimal for a number or a 0x hex string, else the
 * string, with the bytes that would split a token list escaped as %XX. */
static void
esc_put(struct dstr *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char hex[4];

		if (c > ' ' && c != '%' && c != 127) {
			ds_put(d, s + i, 1);
			continue;
		}
		snprintf(hex, sizeof(hex), "%%%02X", c);
		ds_put(d, hex, 3);
	}
}

static int
token(json_object *v, struct dstr *d)
{
	const char *s;
	size_t n, i;

	d->n = 0;
	if (!(s = scalar(v, &n)))
		return 0;
	if (json_object_is_type(v, json_type_string) && n > 2 && n <= 18 &&
	    s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n && strchr("0123456789abcdefABCDEF", s[i]); i++)
			;
		if (i == n) {
			char dec[24];

			snprintf(dec, sizeof(dec), "%" PRIu64,
			    (uint64_t)strtoull(s + 2, NULL, 16));
			ds_put(d, dec, strlen(dec));
			return 1;
		}
	}
	esc_put(d, s, n);
	return 1;
}

static void
add(int64_t ts, const struct item *it)
{
	static const char *const names[NF] = { "dur", "pid", "tid", "name",
	    "cat", "args", "bind_id", "bind_id", "args", "id", "" };

	for (int i = 0; i < F_KEY; i++)
		if (it->f[i] && utf8_valid(it->f[i], it->n[i]) != it->n[i]) {
			bad("%s: not valid UTF-8, or holds a NUL", names[i]);
			return;
		}
	item_add(in.xs, ts, it, &in.ibuf, &in.icap);
}

/* args as compact JSON: "" for none or {}, an object as it is, anything
 * else under the key "args". *hold keeps what the text lives in. */
static int
args_text(json_object *ev, struct item *it, json_object **hold)
{
	json_object *a = member(ev, "args");
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

	*hold = NULL;
	it->f[F_ARGS] = "";
	it->n[F_ARGS] = 0;
	if (!a || json_object_is_type(a, json_type_null))
		return 1;
	if (json_object_is_type(a, json_type_object)) {
		if (json_object_object_length(a) == 0)
			return 1;
	} else {
		*hold = json_object_new_object();
		json_object_object_add(*hold, "args", json_object_get(a));
		a = *hold;
	}
	it->f[F_ARGS] = json_object_to_json_string_ext(a, flags);
	it->n[F_ARGS] = strlen(it->f[F_ARGS]);
	return 1;
}

/* What every event has: ts, pid, tid (the pid's when absent, as Chrome
 * does), name, category. 0 (reported) when something is wrong. */
static int
common(json_object *ev, struct item *it, int64_t *ts)
{
	int st = time_of(ev, "ts", ts);

	if (st == 0)
		bad("ts: missing");
	if (st <= 0)
		return 0;
	if (!(it->f[F_PID] = text(ev, "pid", &it->n[F_PID])) ||
	    !(it->f[F_TID] = text(ev, "tid", &it->n[F_TID])) ||
	    !(it->f[F_NAME] = text(ev, "name", &it->n[F_NAME])) ||
	    !(it->f[F_CAT] = text(ev, "cat", &it->n[F_CAT])))
		return 0;
	if (!member(ev, "pid"))
		it->f[F_PID] = "0", it->n[F_PID] = 1;
	if (!member(ev, "tid"))
		it->f[F_TID] = it->f[F_PID], it->n[F_TID] = it->n[F_PID];
	return 1;
}

/* Flow v2: bind_id with flow_out (starts or goes on) or flow_in (ends). */
static int
flows_v2(json_object *ev, struct item *it)
{
	json_object *b = member(ev, "bind_id"), *o = member(ev, "flow_out");
	json_object *i = member(ev, "flow_in");
	int out = o && json_object_get_boolean(o);
	int fin = i && json_object_get_boolean(i);

	if (!b)
		return 1;
	if (!token(b, &in.tok)) {
		bad("bind_id: not a string or a number");
		return 0;
	}
	if (!out && !fin) {
		chrome_notes[N_NODIR]++;
		return 1;
	}
	it->f[out ? F_FLOWS : F_FLOWS_END] = in.tok.p;
	it->n[out ? F_FLOWS : F_FLOWS_END] = in.tok.n;
	return 1;
}

/* The id of an async or flow event: id, else id2's global or local. */
static json_object *
event_id(json_object *ev, int *local)
{
	json_object *v = member(ev, "id"), *id2 = member(ev, "id2");
	size_t n;

	*local = 0;
	if (!v && id2 && json_object_is_type(id2, json_type_object)) {
		if (!(v = member(id2, "global")) && (v = member(id2, "local")))
			*local = 1;
	}
	if (!v) {
		bad("id: missing (the event needs id or id2)");
		return NULL;
	}
	if (!scalar(v, &n)) {
		bad("id: not a string or a number");
		return NULL;
	}
	return v;
}

/* C: each member of args is a series, a counter record of its own named
 * "NAME KEY" ("NAME" for the key "value"; "NAME[ID]" with an id). */
static void
counters(json_object *ev, int64_t ts, struct item *it)
{
	json_object *args = member(ev, "args"), *idv = member(ev, "id");
	const char *s;
	size_t base, n;

	ds_set(&in.name, it->f[F_NAME], it->n[F_NAME]);
	if (idv && (s = scalar(idv, &n))) {
		ds_put(&in.name, "[", 1);
		ds_put(&in.name, s, n);
		ds_put(&in.name, "]", 1);
	}
	base = in.name.n;
	if (!args || !json_object_is_type(args, json_type_object)) {
		chrome_notes[N_BADVALUE]++;
		return;
	}
	it->f[F_TID] = it->f[F_CAT] = it->f[F_ARGS] = NULL;
	json_object_object_foreach(args, k, v) {
		int64_t i;
		double d;
		int isint;

		in.name.n = base;
		if (strcmp(k, "value") != 0) {
			ds_put(&in.name, " ", 1);
			ds_put(&in.name, k, strlen(k));
		}
		if (!(s = scalar(v, &n)) || num_value(s, &i, &d, &isint)) {
			chrome_notes[N_BADVALUE]++;
			continue;
		}
		it->f[F_NAME] = in.name.p;
		it->n[F_NAME] = in.name.n;
		it->f[F_VALUE] = s;
		it->n[F_VALUE] = n;
		add(ts, it);
	}
}

/* The key async events match on: kind, the pid for a process-local id,
 * then the category (and the name, for legacy S/T/F), scope and id. */
static int
async_key(json_object *ev, struct item *it, char kind)
{
	json_object *v;
	const char *id, *scope;
	size_t n, sn;
	int local;

	if (!(v = event_id(ev, &local)) || !(scope = text(ev, "scope", &sn)))
		return 0;
	id = scalar(v, &n);
	ds_set(&in.key, &kind, 1);
	if (local)
		ds_put(&in.key, it->f[F_PID], it->n[F_PID]);
	ds_put(&in.key, "", 1);
	ds_put(&in.key, it->f[F_CAT], it->n[F_CAT]);
	ds_put(&in.key, "", 1);
	if (kind == 'L') {
		ds_put(&in.key, it->f[F_NAME], it->n[F_NAME]);
		ds_put(&in.key, "", 1);
	}
	ds_put(&in.key, scope, sn);
	ds_put(&in.key, "", 1);
	ds_put(&in.key, id, n);
	it->f[F_KEY] = in.key.p;
	it->n[F_KEY] = in.key.n;
	it->f[F_ID] = id;
	it->n[F_ID] = n;
	return 1;
}

/* S, T, p, F: legacy async spans; a step (T, p) names a part of one. */
static void
legacy(json_object *ev, int64_t ts, struct item *it, char ph)
{
	json_object *args = member(ev, "args"), *step;

	if (!async_key(ev, it, 'L'))
		return;
	it->ph = ph == 'p' ? 'T' : ph;
	if (it->ph == 'T' && args && (step = member(args, "step")))
		it->f[F_VALUE] = scalar(step, &it->n[F_VALUE]);
	add(ts, it);
}

/* s, t, f: flow v1, bound later to a slice on the event's thread. Flows
 * match on id, category and name, as in Perfetto: the token is the id,
 * then "@category/name" when either is set. */
static void
flow_v1(json_object *ev, int64_t ts, struct item *it, char ph)
{
	json_object *bp = member(ev, "bp"), *v;
	int local;

	if (!(v = event_id(ev, &local)))
		return;
	token(v, &in.tok);
	if (it->n[F_CAT] || it->n[F_NAME]) {
		ds_put(&in.tok, "@", 1);
		esc_put(&in.tok, it->f[F_CAT], it->n[F_CAT]);
		ds_put(&in.tok, "/", 1);
		esc_put(&in.tok, it->f[F_NAME], it->n[F_NAME]);
	}
	it->ph = ph;
	it->f[F_ID] = in.tok.p;
	it->n[F_ID] = in.tok.n;
	if (ph == 'f' && bp && json_object_is_type(bp, json_type_string) &&
	    strcmp(json_object_get_string(bp), "e") == 0)
		it->flags |= IT_BIND_ENCLOSING;
	in.v1flows = 1;
	add(ts, it);
}

/* i, I, n and R (a mark, which Perfetto shows as an instant): an instant
 * on its thread, process ("s":"p") or the whole trace ("s":"g"). */
static void
instant(json_object *ev, int64_t ts, struct item *it, char ph)
{
	json_object *sv = member(ev, "s");
	const char *s = sv && ph != 'n' ? json_object_get_string(sv) : "t";

	if (strcmp(s, "g") == 0) {
		it->f[F_PID] = it->f[F_TID] = NULL;
	} else if (strcmp(s, "p") == 0) {
		it->f[F_TID] = NULL;
	} else if (strcmp(s, "t") != 0) {
		bad("s: '%.20s' is not g, p or t", s);
		return;
	}
	it->ph = 'i';
	if (flows_v2(ev, it))
		add(ts, it);
}

static struct meta *
meta_get(const struct item *it, int thread)
{
	int created;
	void **slot;
	struct meta *m;

	ds_set(&in.key, thread ? "t" : "p", 2);
	ds_put(&in.key, it->f[F_PID], it->n[F_PID]);
	if (thread) {
		ds_put(&in.key, "", 1);
		ds_put(&in.key, it->f[F_TID], it->n[F_TID]);
	}
	if (!in.meta)
		in.meta = sm_new();
	slot = sm_slot(in.meta, in.key.p, in.key.n, 1, &created);
	if (!created)
		return *slot;
	m = xcalloc(1, sizeof(*m));
	m->pid = xmemdup(it->f[F_PID], it->n[F_PID] + 1);
	m->pid[it->n[F_PID]] = '\0';
	if (thread) {
		m->tid = xmemdup(it->f[F_TID], it->n[F_TID] + 1);
		m->tid[it->n[F_TID]] = '\0';
	}
	m->args = json_object_new_object();
	if (in.last)
		in.last->next = m;
	else
		in.first = m;
	in.last = m;
	return *slot = m;
}

/* M: process and thread names, labels and sort indexes. A name event's
 * other args, the labels and the sort index go in the record's args. */
static void
metadata(json_object *ev, struct item *it)
{
	static const char *const names[] = { "process_name",
	    "process_labels", "process_sort_index", "thread_name",
	    "thread_sort_index" };
	json_object *args = member(ev, "args");
	struct meta *m;
	size_t i, n;
	const char *s;

	for (i = 0; i < LEN(names); i++)
		if (strcmp(it->f[F_NAME], names[i]) == 0)
			break;
	if (i == LEN(names) || !args ||
	    !json_object_is_type(args, json_type_object)) {
		chrome_notes[N_META]++;
		return;
	}
	m = meta_get(it, i >= 3);
	json_object_object_foreach(args, k, v) {
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		if (utf8_valid(s, strlen(s)) != strlen(s) ||
		    utf8_valid(k, strlen(k)) != strlen(k)) {
			bad("args: not valid UTF-8, or holds a NUL");
			return;
		}
		if ((i == 0 || i == 3) && strcmp(k, "name") == 0 &&
		    (s = scalar(v, &n))) {
			free(m->name);
			m->name = xstrdup(s);
		} else {
			json_object_object_add(m->args, k, json_object_get(v));
		}
	}
}

static void
write_meta(int threads)
{
	const char *v[NCOLS] = { 0 };
	size_t n[NCOLS] = { 0 };
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

	for (struct meta *m = in.first; m; m = m->next) {
		if (!m->tid != !threads)
			continue;
		v[C_PID] = m->pid;
		v[C_TID] = m->tid;
		v[C_NAME] = m->name;
		v[C_ARGS] = json_object_object_length(m->args) ?
		    json_object_to_json_string_ext(m->args, flags) : NULL;
		for (int c = 0; c < NCOLS; c++)
			n[c] = v[c] ? strlen(v[c]) : 0;
		chrome_write(threads ? K_THREAD : K_PROCESS, v, n);
	}
}

/* One event with its common fields read: to its items. */
static void
phase(json_object *ev, int64_t ts, struct item *it)
{
	int64_t dur;
	int st;

	switch (it->ph) {
	case 'X':
		if ((st = time_of(ev, "dur", &dur)) == 0)
			chrome_notes[N_NODUR]++;
		if (st <= 0 || !flows_v2(ev, it))
			return;
		snprintf(in.dur, sizeof(in.dur), "%" PRId64, dur);
		it->f[F_DUR] = in.dur;
		it->n[F_DUR] = strlen(in.dur);
		break;
	case 'B':
		if (!flows_v2(ev, it))
			return;
		break;
	case 'E':
		if (it->n[F_ARGS])
			chrome_notes[N_EARGS]++;
		it->f[F_NAME] = it->f[F_CAT] = it->f[F_ARGS] = NULL;
		break;
	case 'i': case 'I': case 'n': case 'R':
		instant(ev, ts, it, it->ph);
		return;
	case 'C':
		counters(ev, ts, it);
		return;
	case 'b': case 'e':
		if (!async_key(ev, it, 'N') || !flows_v2(ev, it))
			return;
		break;
	case 'S': case 'T': case 'p': case 'F':
		legacy(ev, ts, it, it->ph);
		return;
	default:	/* s, t, f */
		flow_v1(ev, ts, it, it->ph);
		return;
	}
	add(ts, it);
}

static void
event(json_object *ev)
{
	json_object *phv = member(ev, "ph"), *hold = NULL;
	struct item it = { 0 };
	int64_t ts = 0;
	char ph;

	/* "{}" closes many an array to spare a trailing comma: Perfetto
	 * skips it silently too */
	if (json_object_object_length(ev) == 0)
		return;
	if (!phv || !json_object_is_type(phv, json_type_string) ||
	    json_object_get_string_len(phv) != 1) {
		bad("ph: %s", phv ? "not a one-letter string" : "missing");
		return;
	}
	it.ph = ph = *json_object_get_string(phv);
	if (!strchr("BEXiIRCbenSTpFstfM", ph)) {
		in.skipped[(unsigned char)ph]++;
		return;
	}
	if (ph == 'M') {
		if (!member(ev, "pid"))
			bad("pid: missing");
		else if ((it.f[F_PID] = text(ev, "pid", &it.n[F_PID])) &&
		    (it.f[F_TID] = text(ev, "tid", &it.n[F_TID])) &&
		    (it.f[F_NAME] = text(ev, "name", &it.n[F_NAME]))) {
			if (!member(ev, "tid"))
				it.f[F_TID] = it.f[F_PID], it.n[F_TID] = it.n[F_PID];
			metadata(ev, &it);
		}
		return;
	}
	if (!common(ev, &it, &ts) || !args_text(ev, &it, &hold))
		return;
	phase(ev, ts, &it);
	json_object_put(hold);
}

static const char *
phase_what(int c)
{
	switch (c) {
	case 'O': case 'N': case 'D':
		return "objects are not imported";
	case 'P':
		return "samples are not imported";
	case 'c':
		return "clock syncs are not imported";
	case '(': case ')':
		return "contexts are not imported";
	case 'V': case 'v':
		return "memory dumps are not imported";
	default:
		return "an unknown phase";
	}
}

/* Everything skipped or changed, so that nothing is lost unsaid. */
static void
summary(const char *name)
{
	static const char *const what[NNOTES] = {
		"skipped %lu X event%s without dur",
		"skipped %lu E event%s with no B open on their thread",
		"dropped the args of %lu E event%s (an end record has none)",
		"skipped %lu flow event%s with no slice around them",
		"skipped %lu flow end%s (f) with no slice after them",
		"skipped %lu T event%s with no S open",
		"%lu e or F event%s with nothing open to end: written as "
		    "async_end records with ids of their own",
		"skipped %lu counter value%s that are not numbers",
		"skipped %lu metadata event%s other than process_name, "
		    "process_labels, process_sort_index, thread_name and "
		    "thread_sort_index",
		"ignored %lu bind_id%s without flow_in or flow_out",
		"%lu B event%s never ended: written as begin records, which "
		    "perfetto-encode shows as not finished",
		"%lu X event%s partly overlapping a slice open on their "
		    "thread: moved to a track of their own, TID (overlapping)",
	};
	char fmt[200];

	for (int c = 0; c < 256; c++)
		if (in.skipped[c])
			warnmsg("%s: skipped %lu '%c' event%s (%s)", name,
			    in.skipped[c], c, in.skipped[c] == 1 ? "" : "s",
			    phase_what(c));
	for (int i = 0; i < NNOTES; i++) {
		if (!chrome_notes[i])
			continue;
		snprintf(fmt, sizeof(fmt), "%%s: %s", what[i]);
		warnmsg(fmt, name, chrome_notes[i],
		    chrome_notes[i] == 1 ? "" : "s");
	}
	if (*jev_other_keys(in.j))
		warnmsg("%s: top-level keys not imported: %s", name,
		    jev_other_keys(in.j));
}

static void
cleanup(void)
{
	struct meta *m, *next;

	for (m = in.first; m; m = next) {
		next = m->next;
		free(m->pid);
		free(m->tid);
		free(m->name);
		json_object_put(m->args);
		free(m);
	}
	sm_free(in.meta);
	xs_free(in.xs);
	jev_close(in.j);
	free(in.ibuf);
	free(in.tok.p);
	free(in.key.p);
	free(in.name.p);
	memset(&in, 0, sizeof(in));
	memset(chrome_notes, 0, sizeof(chrome_notes));
}

void
chrome_import(const char *path, size_t sortmem)
{
	json_object *ev;
	const char *unit;

	in.j = jev_open(path);
	in.xs = xs_new(sortmem);
	rec_write_header();
	while (jev_next(in.j, &ev)) {
		event(ev);
		json_object_put(ev);
	}
	unit = jev_time_unit(in.j);
	if (unit && strcmp(unit, "ms") != 0 && strcmp(unit, "ns") != 0)
		warnmsg("%s: warning: displayTimeUnit '%s' is not ms or ns; "
		    "ignored", jev_name(in.j), unit);
	write_meta(0);
	write_meta(1);
	chrome_pair(in.xs, in.v1flows);
	summary(jev_name(in.j));
	cleanup();
}
