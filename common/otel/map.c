/*
 * Spans, logs and metric samples to records (span.h; the mapping is
 * described in span-fetch(1)).
 *
 * Spans come in any order, are known whole only at the end, and refer to
 * each other by id (a parent, a link) across the file. Three external
 * sorts (extsort.h) keep memory bounded whatever the input's size:
 *
 *   T, by time: what becomes records (a span's begin, its events, its
 *      end; instants; counter samples);
 *   J, by a hash of a span id: each span's definition ('D', even key)
 *      just before the references to it ('R' parent, 'L' link; odd key),
 *      so reading J joins children and links to their targets, one id at
 *      a time: duplicates, orphans, and the flows to draw are found there;
 *   N, by time: what the join decided (a flow out of or into a span's
 *      begin, a duplicate to drop), keyed by the begin it applies to.
 *
 * ot_close reads J, then T merged with N: a note is always read before
 * the begin it applies to, since both have the begin's time and N is read
 * first at equal times. Async ids are made unique among the spans open in
 * a process (async-match needs that), renaming a clash "id#n".
 *
 * Cost: each span is written to T and J and read back once; memory is the
 * three sort budgets, the spans open at one time, and per id, the spans
 * that share it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/extsort.h"
#include "base/sbuf.h"
#include "base/strmap.h"
#include "base/u64map.h"
#include "base/utf8.h"
#include "base/util.h"
#include "otel/input.h"
#include "otel/mapint.h"
#include "otel/span.h"
#include "records/diag.h"
#include "records/record.h"

struct ot_import *
ot_open(const char *fmtname)
{
	struct ot_import *im = xcalloc(1, sizeof(*im));

	im->fmt = fmtname;
	im->t = xs_new(T_MEM);
	im->j = xs_new(J_MEM);
	im->n = xs_new(N_MEM);
	im->procmap = sm_new();
	rec_write_header();
	return im;
}

void
ot_input(struct ot_import *im, const char *name)
{
	free(im->input);
	im->input = xstrdup(name);
}

void
ot_note(struct ot_import *im, enum ot_note n)
{
	im->count[n]++;
}

/* A bad span or record, reported at where ("FILE:LINE:COL"). */
void
ot_bad(const char *where, const char *fmt, ...)
{
	char file[512], msg[512];
	unsigned long line = 0, col = 0;
	const char *c2 = strrchr(where, ':'), *c1 = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (const char *p = where; c2 && p < c2; p++)
		if (*p == ':')
			c1 = p;
	snprintf(file, sizeof(file), "%s", where);
	if (c1 && c2) {
		file[c1 - where < (long)sizeof(file) ? c1 - where : 0] = '\0';
		line = strtoul(c1 + 1, NULL, 10);
		col = strtoul(c2 + 1, NULL, 10);
	}
	pos_error(file, line, col, -1, "%s", msg);
}

/* The process of res: its index, made on first sight. */
static uint32_t
proc_of(struct ot_import *im, const struct ot_res *res)
{
	const char *svc = res->service && *res->service ? res->service :
	    "unknown_service";
	const char *inst = res->instance ? res->instance : "";
	size_t a = strlen(svc), b = strlen(inst);
	char *key = xmalloc(a + b + 2);
	void **slot;
	struct proc *p;
	int made;

	memcpy(key, svc, a + 1);
	memcpy(key + a + 1, inst, b + 1);
	slot = sm_slot(im->procmap, key, a + b + 1, 1, &made);
	free(key);
	if (!made)
		return (uint32_t)((uintptr_t)*slot - 1);
	if (im->nprocs == im->capprocs) {
		im->capprocs = im->capprocs ? 2 * im->capprocs : 16;
		im->procs = xreallocarray(im->procs, im->capprocs,
		    sizeof(*im->procs));
	}
	p = &im->procs[im->nprocs];
	memset(p, 0, sizeof(*p));
	p->service = xstrdup(svc);
	p->instance = res->instance ? xstrdup(res->instance) : NULL;
	if (res->resource && json_object_is_type(res->resource,
	    json_type_object) && json_object_object_length(res->resource))
		p->labels = xstrdup(json_object_to_json_string_ext(
		    res->resource, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
	if (p->labels && utf8_valid(p->labels, strlen(p->labels)) !=
	    strlen(p->labels)) {
		warnmsg("%s: process '%s': resource attributes not valid "
		    "UTF-8: left out", im->input ? im->input : im->fmt, svc);
		free(p->labels);
		p->labels = NULL;
	}
	*slot = (void *)(uintptr_t)(++im->nprocs);
	return (uint32_t)(im->nprocs - 1);
}

static void
t_add(struct ot_import *im, int64_t ts, struct titem *h,
    const char *s[NS], const size_t n[NS])
{
	im->item.n = 0;
	for (int i = 0; i < NS; i++)
		h->n[i] = s[i] ? (uint32_t)n[i] : 0;
	sb_put(&im->item, h, sizeof(*h));
	for (int i = 0; i < NS; i++)
		if (s[i] && n[i])
			sb_put(&im->item, s[i], n[i]);
	xs_add(im->t, ts, im->item.p, im->item.n);
}

static int64_t
jkey(const uint8_t trace[16], const uint8_t span[8], int ref)
{
	uint8_t k[24];
	uint64_t h;

	memcpy(k, trace, 16);
	memcpy(k + 16, span, 8);
	h = XXH64(k, sizeof(k), 0);
	return (int64_t)((h & ~(uint64_t)1) | (uint64_t)ref);
}

static const char *
jstr(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Record fields must be UTF-8 without NUL (spanpipe-records(5)). */
static int
utf8_ok(const char *s, size_t n)
{
	return !s || utf8_valid(s, n) == n;
}

static int
utf8_str(const char *s)
{
	return !s || utf8_ok(s, strlen(s));
}

/* The text of a process: 0 after reporting what is not UTF-8. */
static int
res_ok(const struct ot_res *r, const char *where)
{
	if (utf8_str(r->service) && utf8_str(r->instance) && utf8_str(r->scope))
		return 1;
	ot_bad(where, "service, instance or scope name: not valid UTF-8");
	return 0;
}

static void
arg_id(struct sbuf *b, const char *key, const uint8_t *id, size_t len)
{
	char hex[33];

	ot_id_hex(id, len, hex);
	sb_puts(b, key);
	sb_putc(b, '"');
	sb_puts(b, hex);
	sb_putc(b, '"');
}

static const char *const kinds[] = {
	"unspecified", "internal", "server", "client", "producer", "consumer"
};

/* The span's args: ids, kind, status, attributes, links (span-fetch(1)). */
static void
span_args(struct sbuf *b, const struct ot_span *s)
{
	b->n = 0;
	arg_id(b, "{\"trace_id\":", s->trace_id, 16);
	arg_id(b, ",\"span_id\":", s->span_id, 8);
	if (s->has_parent)
		arg_id(b, ",\"parent_id\":", s->parent_id, 8);
	sb_puts(b, ",\"kind\":\"");
	sb_puts(b, s->kind >= 0 && s->kind <= 5 ? kinds[s->kind] :
	    "unspecified");
	sb_putc(b, '"');
	if (s->status == OT_STATUS_OK || s->status == OT_STATUS_ERROR)
		sb_puts(b, s->status == OT_STATUS_OK ? ",\"status\":\"ok\"" :
		    ",\"status\":\"error\"");
	if (s->status_msg && *s->status_msg) {
		sb_puts(b, ",\"status_message\":");
		sb_json_str(b, s->status_msg, strlen(s->status_msg));
	}
	if (s->shared)
		sb_puts(b, ",\"shared\":true");
	if (s->attrs_json && s->attrs_len > 2) {
		sb_puts(b, ",\"attributes\":");
		sb_put(b, s->attrs_json, s->attrs_len);
	} else if (s->attrs && json_object_object_length(s->attrs)) {
		sb_puts(b, ",\"attributes\":");
		sb_puts(b, jstr(s->attrs));
	}
	for (size_t i = 0; i < s->nlinks; i++) {
		sb_puts(b, i ? "," : ",\"links\":[");
		arg_id(b, "{\"trace_id\":", s->links[i].trace_id, 16);
		arg_id(b, ",\"span_id\":", s->links[i].span_id, 8);
		if (s->links[i].attrs &&
		    json_object_object_length(s->links[i].attrs)) {
			sb_puts(b, ",\"attributes\":");
			sb_puts(b, jstr(s->links[i].attrs));
		}
		sb_puts(b, i + 1 == s->nlinks ? "}]" : "}");
	}
	sb_putc(b, '}');
}

static json_object *
attr(json_object *attrs, const char *k1, const char *k2)
{
	json_object *v;

	if (!attrs)
		return NULL;
	if (json_object_object_get_ex(attrs, k1, &v) ||
	    json_object_object_get_ex(attrs, k2, &v))
		return v;
	return NULL;
}

/* code.file.path and code.line.number (or their old names). */
static const char *
source(const struct ot_span *s, int64_t *line)
{
	json_object *f, *l;

	if (s->attrs_json) {
		*line = s->line > 0 ? s->line : 0;
		return s->file;
	}
	f = attr(s->attrs, "code.file.path", "code.filepath");
	l = attr(s->attrs, "code.line.number", "code.lineno");
	*line = 0;
	if (l && (json_object_is_type(l, json_type_int) ||
	    json_object_is_type(l, json_type_string)))
		*line = json_object_get_int64(l);
	if (*line < 0)
		*line = 0;
	return f && json_object_is_type(f, json_type_string) ?
	    json_object_get_string(f) : NULL;
}

static void
j_add(struct ot_import *im, const struct jitem *ji, int ref)
{
	const uint8_t *tr = ji->trace, *sp = ji->span;

	xs_add(im->j, jkey(tr, sp, ref), ji, sizeof(*ji));
}

/* The join entries of span s, whose begin is bseq in T. */
static void
span_joins(struct ot_import *im, const struct ot_span *s, uint32_t proc,
    uint64_t bseq, int64_t end)
{
	struct jitem ji;

	memset(&ji, 0, sizeof(ji));
	ji.type = 'D';
	ji.shared = (uint8_t)!!s->shared;
	ji.proc = proc;
	memcpy(ji.trace, s->trace_id, 16);
	memcpy(ji.span, s->span_id, 8);
	ji.start = s->start;
	ji.end = end;
	ji.bseq = bseq;
	ji.namehash = XXH64(s->name ? s->name : "", s->name ?
	    strlen(s->name) : 0, (uint64_t)s->kind);
	j_add(im, &ji, 0);
	/* references: the target's ids in trace, span; the child's in c* */
	memcpy(ji.ctrace, s->trace_id, 16);
	memcpy(ji.cspan, s->span_id, 8);
	ji.cshared = ji.shared;
	ji.end = 0;
	if (s->shared) {		/* child of the client half */
		ji.type = 'R';
		ji.shared = 1;
		j_add(im, &ji, 1);
	} else if (s->has_parent) {
		ji.type = 'R';
		ji.shared = 0;
		memcpy(ji.span, s->parent_id, 8);
		j_add(im, &ji, 1);
	}
	for (size_t i = 0; i < s->nlinks; i++) {
		ji.type = 'L';
		ji.shared = 0;
		ji.link = (uint32_t)i;
		memcpy(ji.trace, s->links[i].trace_id, 16);
		memcpy(ji.span, s->links[i].span_id, 8);
		j_add(im, &ji, 1);
	}
}

static void
span_events(struct ot_import *im, const struct ot_span *s, uint32_t proc,
    uint64_t bseq, const char *cat)
{
	struct titem h;
	const char *v[NS] = { 0 };
	size_t n[NS] = { 0 };

	for (size_t i = 0; i < s->nevents; i++) {
		const struct ot_event *e = &s->events[i];

		if (e->ts == OT_NOTIME || e->ts <= 0) {
			CNT(im, Q_EVNOTIME)++;
			continue;
		}
		memset(&h, 0, sizeof(h));
		h.type = T_EVENT;
		h.flags = F_BSEQ | (s->shared ? F_SHARED : 0);
		h.proc = proc;
		h.bseq = bseq;
		memcpy(h.span, s->span_id, 8);
		v[S_NAME] = e->name ? e->name : "";
		n[S_NAME] = strlen(v[S_NAME]);
		v[S_CAT] = cat;
		n[S_CAT] = cat ? strlen(cat) : 0;
		v[S_ARGS] = e->attrs && json_object_object_length(e->attrs) ?
		    jstr(e->attrs) : NULL;
		n[S_ARGS] = v[S_ARGS] ? strlen(v[S_ARGS]) : 0;
		if (!utf8_ok(v[S_NAME], n[S_NAME]) ||
		    !utf8_ok(v[S_ARGS], n[S_ARGS])) {
			CNT(im, Q_BADEVENT)++;
			continue;
		}
		t_add(im, e->ts, &h, v, n);
		CNT(im, Q_EVENTS)++;
	}
}

/* The checks a span must pass; 0 when it is skipped. */
static int
span_ok(struct ot_import *im, const struct ot_span *s, const char *where,
    int64_t *end)
{
	if (s->start == OT_NOTIME || s->start == 0) {
		CNT(im, Q_NOSTART)++;
		return 0;
	}
	if (s->start < 0) {
		ot_bad(where, "span '%s': start time %" PRId64 " is before "
		    "1970", s->name ? s->name : "", s->start);
		CNT(im, Q_BAD)++;
		return 0;
	}
	*end = s->end;
	if (s->end == OT_NOTIME || s->end == 0) {
		CNT(im, Q_NOEND)++;
		*end = s->start;
	} else if (s->end < s->start) {
		ot_bad(where, "span '%s': end time %" PRId64 " is before its "
		    "start %" PRId64, s->name ? s->name : "", s->end, s->start);
		CNT(im, Q_BAD)++;
		return 0;
	}
	return 1;
}

void
ot_span(struct ot_import *im, const struct ot_span *s, const char *where)
{
	struct titem h;
	const char *v[NS];
	size_t n[NS];
	int64_t end, line;
	uint64_t bseq;
	uint32_t proc;
	struct sbuf nm = { 0 };

	if (!span_ok(im, s, where, &end))
		return;
	if (!res_ok(&s->res, where)) {
		CNT(im, Q_BAD)++;
		return;
	}
	proc = proc_of(im, &s->res);
	memset(&h, 0, sizeof(h));
	h.type = T_BEGIN;
	h.flags = (s->shared ? F_SHARED : 0) | (s->has_parent ? F_PARENT : 0);
	h.proc = proc;
	memcpy(h.span, s->span_id, 8);
	memcpy(h.parent, s->parent_id, 8);
	sb_puts(&nm, s->name ? s->name : "");
	if (s->status == OT_STATUS_ERROR)
		sb_puts(&nm, " [error]");
	v[S_NAME] = nm.p ? nm.p : "";
	n[S_NAME] = nm.n;
	v[S_CAT] = s->res.scope;
	n[S_CAT] = s->res.scope ? strlen(s->res.scope) : 0;
	v[S_FILE] = source(s, &line);
	n[S_FILE] = v[S_FILE] ? strlen(v[S_FILE]) : 0;
	h.line = v[S_FILE] || line ? line : 0;
	span_args(&im->args, s);
	v[S_ARGS] = im->args.p;
	n[S_ARGS] = im->args.n;
	if (!utf8_ok(v[S_NAME], n[S_NAME]) || !utf8_ok(v[S_FILE], n[S_FILE]) ||
	    !utf8_ok(v[S_ARGS], n[S_ARGS])) {
		ot_bad(where, "span '%.80s': name, file or attributes not valid "
		    "UTF-8", s->name && utf8_str(s->name) ? s->name : "?");
		CNT(im, Q_BAD)++;
		sb_free(&nm);
		return;
	}
	bseq = xs_count(im->t);
	t_add(im, s->start, &h, v, n);
	sb_free(&nm);
	span_events(im, s, proc, bseq, s->res.scope);
	memset(&h, 0, sizeof(h));
	h.type = T_END;
	h.proc = proc;
	h.bseq = bseq;
	memset(v, 0, sizeof(v));
	t_add(im, end, &h, v, n);
	span_joins(im, s, proc, bseq, end);
	CNT(im, Q_SPANS)++;
}

void
ot_log(struct ot_import *im, const struct ot_log *l, const char *where)
{
	struct titem h;
	const char *v[NS] = { 0 };
	size_t n[NS] = { 0 };
	struct sbuf *b = &im->args;

	(void)where;
	if (l->ts == OT_NOTIME || l->ts <= 0) {
		CNT(im, Q_LOGNOTIME)++;
		return;
	}
	if (!res_ok(&l->res, where))
		return;
	memset(&h, 0, sizeof(h));
	h.type = l->has_span ? T_EVENT : T_INSTANT;
	memcpy(h.span, l->span_id, 8);
	v[S_NAME] = l->name ? l->name : "log";
	n[S_NAME] = strlen(v[S_NAME]);
	v[S_CAT] = l->res.scope;
	n[S_CAT] = l->res.scope ? strlen(l->res.scope) : 0;
	b->n = 0;
	sb_putc(b, '{');
	if (l->severity) {
		sb_puts(b, "\"severity\":");
		sb_json_str(b, l->severity, strlen(l->severity));
	}
	if (l->body) {
		sb_puts(b, b->n > 1 ? ",\"body\":" : "\"body\":");
		sb_puts(b, jstr(l->body));
	}
	if (l->has_span) {
		arg_id(b, b->n > 1 ? ",\"trace_id\":" : "\"trace_id\":",
		    l->trace_id, 16);
		arg_id(b, ",\"span_id\":", l->span_id, 8);
	}
	if (l->attrs && json_object_object_length(l->attrs)) {
		sb_puts(b, b->n > 1 ? ",\"attributes\":" : "\"attributes\":");
		sb_puts(b, jstr(l->attrs));
	}
	sb_putc(b, '}');
	v[S_ARGS] = b->p;
	n[S_ARGS] = b->n;
	if (!utf8_ok(v[S_NAME], n[S_NAME]) || !utf8_ok(v[S_ARGS], n[S_ARGS])) {
		ot_bad(where, "log record: not valid UTF-8");
		return;
	}
	h.proc = proc_of(im, &l->res);
	t_add(im, l->ts, &h, v, n);
	CNT(im, Q_LOGS)++;
}

void
ot_sample(struct ot_import *im, const struct ot_sample *m, const char *where)
{
	struct titem h;
	const char *v[NS] = { 0 };
	size_t n[NS] = { 0 };
	struct sbuf *b = &im->args;
	char num[40];

	(void)where;
	if (m->ts == OT_NOTIME || m->ts <= 0) {
		im->count[OT_N_METRIC_NOVALUE]++;
		return;
	}
	if (!res_ok(&m->res, where))
		return;
	memset(&h, 0, sizeof(h));
	h.type = T_COUNTER;
	b->n = 0;
	sb_puts(b, m->metric ? m->metric : "");
	if (m->attrs && json_object_object_length(m->attrs)) {
		const char *sep = "{";

		json_object_object_foreach(m->attrs, k, val) {
			sb_puts(b, sep);
			sb_puts(b, k);
			sb_putc(b, '=');
			sb_puts(b, json_object_is_type(val, json_type_string) ?
			    json_object_get_string(val) : jstr(val));
			sep = ",";
		}
		sb_putc(b, '}');
	}
	v[S_NAME] = b->p;
	n[S_NAME] = b->n;
	if (!utf8_ok(v[S_NAME], n[S_NAME])) {
		ot_bad(where, "metric: name or attributes not valid UTF-8");
		return;
	}
	h.proc = proc_of(im, &m->res);
	if (m->isint)
		snprintf(num, sizeof(num), "%" PRId64, m->ivalue);
	else
		snprintf(num, sizeof(num), "%.17g", m->value);
	v[S_ARGS] = num;
	n[S_ARGS] = strlen(num);
	t_add(im, m->ts, &h, v, n);
	CNT(im, Q_SAMPLES)++;
}

static void
say(const struct ot_import *im, unsigned long n, const char *what)
{
	if (n)
		warnmsg("%s: %lu %s", im->input ? im->input : im->fmt, n,
		    what);
}

/* Everything counted, so that nothing is lost unsaid. */
static void
summary(const struct ot_import *im)
{
	warnmsg("%s: %lu spans, %lu events, %lu logs, %lu counter samples in "
	    "%zu processes; %lu flows between spans, %lu for links",
	    im->input ? im->input : im->fmt, CNT(im, Q_SPANS), CNT(im, Q_EVENTS), CNT(im, Q_LOGS),
	    CNT(im, Q_SAMPLES), im->nprocs, CNT(im, Q_FLOWS),
	    CNT(im, Q_LINKFLOWS));
	say(im, CNT(im, Q_DUP), "duplicate spans dropped (kept once)");
	say(im, CNT(im, Q_ORPHAN), "spans whose parent is not in the input "
	    "(roots)");
	say(im, CNT(im, Q_SAMEID), "spans that share a span id with another "
	    "span (both kept)");
	say(im, CNT(im, Q_NOSTART), "spans without a start time skipped");
	say(im, CNT(im, Q_NOEND), "spans without an end time written with "
	    "duration 0");
	say(im, CNT(im, Q_NOLINK), "links to spans not in the input");
	say(im, CNT(im, Q_SKEW), "children that start before their parent "
	    "(clock skew): no flow drawn");
	say(im, CNT(im, Q_RENAMED), "async ids renamed id#n to keep them "
	    "unique among open spans");
	say(im, CNT(im, Q_EVNOTIME), "events without a time skipped");
	say(im, CNT(im, Q_BADEVENT), "events not valid UTF-8 skipped");
	say(im, CNT(im, Q_LOGNOTIME), "logs without a time skipped");
	say(im, CNT(im, Q_BAD), "spans skipped as bad");
	say(im, im->count[OT_N_BADSPAN], "spans skipped as malformed");
	say(im, im->count[OT_N_BADLINE], "lines or messages skipped as "
	    "malformed");
	say(im, im->count[OT_N_HISTOGRAM], "histogram or summary points "
	    "skipped");
	say(im, im->count[OT_N_METRIC_NOVALUE], "metric points without a "
	    "value or time skipped");
	say(im, im->count[OT_N_OTHER_SIGNAL], "lines of another signal "
	    "skipped");
}

int
ot_close(struct ot_import *im)
{
	int status;

	ot_join(im);
	ot_write(im);
	summary(im);
	for (size_t i = 0; i < im->nprocs; i++) {
		free(im->procs[i].service);
		free(im->procs[i].instance);
		free(im->procs[i].labels);
		free(im->procs[i].pid);
	}
	free(im->procs);
	free(im->input);
	sm_free(im->procmap);
	xs_free(im->t);
	xs_free(im->j);
	xs_free(im->n);
	sb_free(&im->item);
	sb_free(&im->args);
	free(im);
	status = diag_status();
	return status;
}
