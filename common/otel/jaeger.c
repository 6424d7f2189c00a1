/*
 * Jaeger JSON to spans (jaeger.h). The cursor (jscan.h) walks the top
 * level, the envelope's data array and each trace's members; every span
 * and the processes map are parsed whole. A trace's processes usually
 * come after its spans (the Go writer's order), so spans wait in memory
 * until the processes are known or the trace ends; then each becomes an
 * ot_span: tags to typed attributes, span.kind and the error and
 * otel.status tags to kind and status, logs to events, the first CHILD_OF
 * reference in the span's own trace to its parent and every other
 * reference to a link, microseconds to nanoseconds.
 *
 * Cost: one pass; memory is one trace's spans at most.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/num.h"
#include "base/strmap.h"
#include "base/util.h"
#include "otel/input.h"
#include "otel/jaeger.h"
#include "otel/jscan.h"
#include "otel/jzfield.h"
#include "records/diag.h"

/* A process of the trace, as the mapper takes it. */
struct jproc {
	const char *service, *instance;
	json_object *conv;		/* owns service, instance, resource */
	json_object *resource;
};

struct pending {
	json_object *span;
	struct js_pos pos;
};

struct jtrace {
	json_object *procs;		/* the processes member, once seen */
	struct strmap *pmap;		/* processID -> struct jproc */
	struct pending *pend;
	size_t npend, cap;
	int spans;			/* a spans member was seen */
};

struct jaeger {
	struct jscan *js;
	struct ot_import *im;
	unsigned long warnings, noproc, query_errors, traces;
	int stop;			/* a syntax error: read no further */
};

/* Process keys that tell instances of one service apart, best first. */
static const char *const instance_keys[] = {
	"service.instance.id", "client-uuid", "host.name", "hostname", "ip",
	"process.pid",
};

/* --- tags, fields and processes ------------------------------------------ */

/* A tag's value with its declared type: an int64 written as a string
 * (Jaeger does so past 2^53) becomes a number again, a bool as text a
 * bool; others as they are (binary stays base64 text). */
static json_object *
typed(json_object *kv)
{
	json_object *v = jz_get(kv, "value"), *t = jz_get(kv, "type");
	const char *type = json_object_is_type(t, json_type_string) ?
	    json_object_get_string(t) : "";
	int64_t i;

	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		if (strcmp(type, "int64") == 0 && !num_i64(s, &i))
			return json_object_new_int64(i);
		if (strcmp(type, "bool") == 0 && (strcmp(s, "true") == 0 ||
		    strcmp(s, "false") == 0))
			return json_object_new_boolean(s[0] == 't');
	}
	return json_object_get(v);
}

/*
 * A list of {key, type, value} into out (an object), typed values kept
 * typed; what names the list in messages. 0 after reporting a bad one.
 */
static int
kv_list(struct jz_at *at, json_object *list, const char *what,
    json_object *out)
{
	size_t n, i;

	if (!list)
		return 1;
	if (!json_object_is_type(list, json_type_array)) {
		jz_bad(at, "%s: an array of {key, type, value} expected", what);
		return 0;
	}
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		json_object *kv = json_object_array_get_idx(list, i);
		json_object *k = jz_get(kv, "key");

		if (!json_object_is_type(k, json_type_string)) {
			jz_bad(at, "%s[%zu]: a key string expected", what, i);
			return 0;
		}
		json_object_object_add(out, json_object_get_string(k),
		    typed(kv));
	}
	return 1;
}

/* Member k of o as text (a string, or a number as written), or NULL. */
static const char *
text_of(json_object *o, const char *k)
{
	json_object *v = jz_get(o, k);

	switch (json_object_get_type(v)) {
	case json_type_string:
	case json_type_int:
	case json_type_double:
		return json_object_get_string(v);
	default:
		return NULL;
	}
}

/* p from a process object {serviceName, tags}: 0 after reporting. */
static int
make_proc(struct jz_at *at, json_object *po, struct jproc *p)
{
	json_object *res = json_object_new_object();
	const char *svc = jz_str(at, po, "serviceName"), *inst = NULL;

	memset(p, 0, sizeof(*p));
	p->conv = json_object_new_object();
	if (at->bad || !kv_list(at, jz_get(po, "tags"), "process tags",
	    res)) {
		json_object_put(res);
		json_object_put(p->conv);
		p->conv = NULL;
		return 0;
	}
	for (size_t i = 0; i < LEN(instance_keys) && !inst; i++)
		inst = text_of(res, instance_keys[i]);
	/* the strings are kept alive by conv */
	if (svc)
		json_object_object_add(p->conv, "s",
		    json_object_new_string(svc));
	if (inst)
		json_object_object_add(p->conv, "i",
		    json_object_new_string(inst));
	json_object_object_add(p->conv, "r", res);
	p->service = text_of(p->conv, "s");
	p->instance = text_of(p->conv, "i");
	p->resource = res;
	return 1;
}

static void
free_proc(const char *key, size_t n, void *val, void *arg)
{
	struct jproc *p = val;

	(void)key, (void)n, (void)arg;
	json_object_put(p->conv);
	free(p);
}

/* The processes member, into t->pmap; a bad entry is left out. */
static void
load_procs(struct jaeger *jg, struct jtrace *t, json_object *procs,
    struct js_pos pos)
{
	struct jz_at at = { jg->js, pos, 0, "" };

	if (!json_object_is_type(procs, json_type_object)) {
		if (procs)
			jz_bad(&at, "processes: an object expected");
		return;
	}
	t->procs = procs;
	t->pmap = sm_new();
	json_object_object_foreach(procs, id, po) {
		struct jproc p;

		at.bad = 0;
		at.in[0] = '\0';
		if (!json_object_is_type(po, json_type_object)) {
			jz_bad(&at, "processes.%.100s: an object expected", id);
			continue;
		}
		snprintf(at.in, sizeof(at.in), "processes.%.26s", id);
		if (make_proc(&at, po, &p))
			*sm_slot(t->pmap, id, strlen(id), 1, NULL) =
			    xmemdup(&p, sizeof(p));
	}
}

/* --- one span ------------------------------------------------------------ */

/* Everything a span owns while it is handed over. */
struct jspan {
	struct ot_span s;
	struct ot_event *ev;
	struct ot_link *ln;
	json_object *attrs;
	json_object *keep;		/* owns what the fields point to */
	struct jproc own;		/* an inline "process" */
};

static void
jspan_free(struct jspan *j)
{
	json_object_put(j->attrs);
	json_object_put(j->keep);
	json_object_put(j->own.conv);
	free(j->ev);
	free(j->ln);
}

/* Removes member k from o and gives it (the caller puts it), or NULL. */
static json_object *
take(json_object *o, const char *k)
{
	json_object *v = jz_get(o, k);

	if (!v)
		return NULL;
	json_object_get(v);
	json_object_object_del(o, k);
	return v;
}

static int
kind_of(const char *s)
{
	static const char *const names[] = { "", "internal", "server",
	    "client", "producer", "consumer" };

	for (int k = 1; k < (int)LEN(names); k++)
		if (strcasecmp(s, names[k]) == 0)
			return k;
	return -1;
}

/* A tag that is true: a bool, or the text "true". */
static int
truthy(json_object *v)
{
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "true") == 0;
}

/* The tags that say kind, status and scope leave attrs for those fields. */
static void
special_tags(struct jspan *j)
{
	json_object *v;
	const char *s;
	int k;

	if (json_object_is_type(v = jz_get(j->attrs, "span.kind"),
	    json_type_string) && (k = kind_of(json_object_get_string(v))) > 0) {
		j->s.kind = k;
		json_object_object_del(j->attrs, "span.kind");
	}
	if ((v = jz_get(j->attrs, "error")) &&
	    (json_object_is_type(v, json_type_boolean) || truthy(v))) {
		if (truthy(v))
			j->s.status = OT_STATUS_ERROR;
		json_object_object_del(j->attrs, "error");
	}
	if ((s = text_of(j->attrs, "otel.status_code"))) {
		if (strcasecmp(s, "ERROR") == 0)
			j->s.status = OT_STATUS_ERROR;
		else if (strcasecmp(s, "OK") == 0)
			j->s.status = OT_STATUS_OK;
		if (j->s.status != OT_STATUS_UNSET)
			json_object_object_del(j->attrs, "otel.status_code");
	}
	if (json_object_is_type(v = jz_get(j->attrs,
	    "otel.status_description"), json_type_string)) {
		j->s.status_msg = json_object_get_string(v);
		json_object_array_add(j->keep, take(j->attrs,
		    "otel.status_description"));
	}
	for (k = 0; k < 2; k++) {
		const char *key = k ? "otel.library.name" : "otel.scope.name";

		if (!j->s.res.scope && json_object_is_type(v =
		    jz_get(j->attrs, key), json_type_string)) {
			j->s.res.scope = json_object_get_string(v);
			json_object_array_add(j->keep, take(j->attrs, key));
		}
	}
}

/* tags -> attrs, kind, status, scope; warnings -> an attribute. */
static int
span_tags(struct jaeger *jg, struct jz_at *at, json_object *o,
    struct jspan *j)
{
	json_object *w = jz_get(o, "warnings");

	j->attrs = json_object_new_object();
	if (!kv_list(at, jz_get(o, "tags"), "tags", j->attrs))
		return 0;
	special_tags(j);
	if (json_object_is_type(w, json_type_array) &&
	    json_object_array_length(w) > 0) {
		jg->warnings += json_object_array_length(w);
		json_object_object_add(j->attrs, "jaeger.warnings",
		    json_object_get(w));
	}
	return 1;
}

/* logs -> events: the "event" field names one ("log" if none), the
 * other fields are its attributes. */
static int
span_logs(struct jz_at *at, json_object *o, struct jspan *j)
{
	json_object *logs = jz_get(o, "logs");
	size_t n, i;

	if (!logs)
		return 1;
	if (!json_object_is_type(logs, json_type_array)) {
		jz_bad(at, "logs: an array expected");
		return 0;
	}
	n = json_object_array_length(logs);
	j->ev = xcalloc(n ? n : 1, sizeof(*j->ev));
	for (i = 0; i < n; i++) {
		json_object *log = json_object_array_get_idx(logs, i);
		json_object *a = json_object_new_object(), *name;

		json_object_array_add(j->keep, a);
		if (!json_object_is_type(log, json_type_object)) {
			jz_bad(at, "logs[%zu]: an object expected", i);
			return 0;
		}
		snprintf(at->in, sizeof(at->in), "logs[%zu]", i);
		if (jz_us(at, log, "timestamp", &j->ev[i].ts) <= 0) {
			if (!at->bad)
				jz_bad(at, "timestamp: missing");
			return 0;
		}
		if (!kv_list(at, jz_get(log, "fields"), "fields", a))
			return 0;
		at->in[0] = '\0';
		name = jz_get(a, "event");
		if (json_object_is_type(name, json_type_string)) {
			name = take(a, "event");
			json_object_array_add(j->keep, name);
			j->ev[i].name = json_object_get_string(name);
		} else {
			j->ev[i].name = "log";
		}
		j->ev[i].attrs = a;
	}
	j->s.events = j->ev;
	j->s.nevents = n;
	return 1;
}

/*
 * references -> parent and links: the first CHILD_OF into the span's own
 * trace is the parent (as Jaeger's model takes it); FOLLOWS_FROM, further
 * CHILD_OF and references into other traces are links, their type in
 * the link's opentracing.ref_type attribute. parentSpanID (older
 * writers) is the parent when no reference gave one.
 */
static int
span_refs(struct jz_at *at, json_object *o, struct jspan *j)
{
	json_object *refs = jz_get(o, "references");
	size_t n = 0, i;

	if (refs && !json_object_is_type(refs, json_type_array)) {
		jz_bad(at, "references: an array expected");
		return 0;
	}
	if (refs)
		n = json_object_array_length(refs);
	j->ln = xcalloc(n ? n : 1, sizeof(*j->ln));
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(refs, i), *a;
		struct ot_link *l = &j->ln[j->s.nlinks];
		const char *type;
		char *lower;
		int tid;

		if (!json_object_is_type(r, json_type_object)) {
			jz_bad(at, "references[%zu]: an object expected", i);
			return 0;
		}
		snprintf(at->in, sizeof(at->in), "references[%zu]", i);
		type = jz_str(at, r, "refType");
		if (at->bad || (tid = jz_id(at, r, "traceID", l->trace_id,
		    16)) < 0)
			return 0;
		if (jz_id(at, r, "spanID", l->span_id, 8) <= 0) {
			if (!at->bad)
				jz_bad(at, "spanID: missing");
			return 0;
		}
		at->in[0] = '\0';
		if (!tid)
			memcpy(l->trace_id, j->s.trace_id, 16);
		if (!type)
			type = "CHILD_OF";
		if (!j->s.has_parent && strcmp(type, "CHILD_OF") == 0 &&
		    memcmp(l->trace_id, j->s.trace_id, 16) == 0) {
			memcpy(j->s.parent_id, l->span_id, 8);
			j->s.has_parent = 1;
			continue;
		}
		lower = xstrdup(type);
		for (char *c = lower; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		a = json_object_new_object();
		json_object_object_add(a, "opentracing.ref_type",
		    json_object_new_string(lower));
		free(lower);
		json_object_array_add(j->keep, a);
		l->attrs = a;
		j->s.nlinks++;
	}
	j->s.links = j->ln;
	if (!j->s.has_parent)
		j->s.has_parent = jz_id(at, o, "parentSpanID", j->s.parent_id,
		    8) == 1;
	return !at->bad;
}

static int
span_ids(struct jz_at *at, json_object *o, struct jspan *j)
{
	if (jz_id(at, o, "traceID", j->s.trace_id, 16) <= 0) {
		if (!at->bad)
			jz_bad(at, "traceID: missing");
		return 0;
	}
	if (jz_id(at, o, "spanID", j->s.span_id, 8) <= 0) {
		if (!at->bad)
			jz_bad(at, "spanID: missing");
		return 0;
	}
	return span_refs(at, o, j);
}

static int
span_times(struct jz_at *at, json_object *o, struct jspan *j)
{
	int64_t dur;

	if (jz_us(at, o, "startTime", &j->s.start) <= 0) {
		if (!at->bad)
			jz_bad(at, "startTime: missing");
		return 0;
	}
	if (jz_us(at, o, "duration", &dur) <= 0) {
		if (!at->bad)
			jz_bad(at, "duration: missing");
		return 0;
	}
	return jz_end(at, j->s.start, dur, &j->s.end);
}

/* The span's process: its processID in the trace's processes, else an
 * inline "process"; NULL when neither is there. */
static const struct jproc *
span_proc(struct jaeger *jg, struct jtrace *t, struct jz_at *at,
    json_object *o, struct jspan *j)
{
	const char *id = jz_str(at, o, "processID");
	json_object *po = jz_get(o, "process");
	struct jproc *p;

	if (id && t->pmap && (p = sm_get(t->pmap, id, strlen(id))))
		return p;
	if (json_object_is_type(po, json_type_object) &&
	    make_proc(at, po, &j->own))
		return &j->own;
	if (!at->bad)
		jg->noproc++;
	return NULL;
}

/* One span object to the mapper; a bad one is skipped (keep-going). */
static void
span(struct jaeger *jg, struct jtrace *t, json_object *o, struct js_pos pos)
{
	struct jz_at at = { jg->js, pos, 0, "" };
	struct jspan j;
	const struct jproc *p;

	memset(&j, 0, sizeof(j));
	j.keep = json_object_new_array();
	if (!json_object_is_type(o, json_type_object)) {
		jz_bad(&at, "a span object expected, found %s",
		    json_type_to_name(json_object_get_type(o)));
	} else if (span_ids(&at, o, &j) && span_times(&at, o, &j) &&
	    span_tags(jg, &at, o, &j) && span_logs(&at, o, &j) &&
	    (j.s.name = jz_str(&at, o, "operationName"), !at.bad) &&
	    ((p = span_proc(jg, t, &at, o, &j)), !at.bad)) {
		const char *scope = j.s.res.scope;

		if (p) {
			j.s.res.service = p->service;
			j.s.res.instance = p->instance;
			j.s.res.resource = p->resource;
		}
		j.s.res.scope = scope;
		if (!j.s.name)
			j.s.name = "";
		j.s.attrs = j.attrs;
		ot_span(jg->im, &j.s, js_where(jg->js, pos));
	}
	if (at.bad)
		ot_note(jg->im, OT_N_BADSPAN);
	jspan_free(&j);
}

/* --- the structure ------------------------------------------------------- */

static void
flush(struct jaeger *jg, struct jtrace *t)
{
	for (size_t i = 0; i < t->npend; i++) {
		span(jg, t, t->pend[i].span, t->pend[i].pos);
		json_object_put(t->pend[i].span);
	}
	t->npend = 0;
}

static void
trace_free(struct jtrace *t)
{
	for (size_t i = 0; i < t->npend; i++)
		json_object_put(t->pend[i].span);
	free(t->pend);
	if (t->pmap) {
		sm_each(t->pmap, free_proc, NULL);
		sm_free(t->pmap);
	}
	json_object_put(t->procs);
}

/* The spans member at its '[': each span now if the processes are
 * known, else kept until they are. */
static int
spans(struct jaeger *jg, struct jtrace *t)
{
	unsigned long n = 0;
	int r;

	js_take(jg->js);
	while ((r = js_member(jg->js, ']', &n, NULL, 0)) > 0) {
		struct js_pos pos = js_here(jg->js);
		json_object *o;

		if (!js_value(jg->js, &o))
			return 0;
		if (t->procs) {
			span(jg, t, o, pos);
			json_object_put(o);
			continue;
		}
		if (t->npend == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			t->pend = xreallocarray(t->pend, t->cap,
			    sizeof(*t->pend));
		}
		t->pend[t->npend].span = o;
		t->pend[t->npend++].pos = pos;
	}
	return r == 0;
}

/* The query API's errors member: each one said on stderr. */
static void
query_errors(struct jaeger *jg, json_object *v, struct js_pos pos)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return;
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		const char *msg = text_of(e, "msg");

		jg->query_errors++;
		warnmsg("%s: warning: the query reported an error: %.300s",
		    js_where(jg->js, pos), msg ? msg :
		    json_object_to_json_string(e));
	}
}

static int object(struct jaeger *jg, int top);

/* An array of traces at its '[' (the envelope's data, or a top level
 * array). */
static int
traces(struct jaeger *jg)
{
	unsigned long n = 0;
	int r, c;

	js_take(jg->js);
	while ((r = js_member(jg->js, ']', &n, NULL, 0)) > 0) {
		if ((c = js_peek(jg->js)) != '{') {
			js_error(jg->js, js_here(jg->js), "expected a trace "
			    "object, found %s", js_found(c));
			return 0;
		}
		if (!object(jg, 0))
			return 0;
	}
	return r == 0;
}

/* A member other than spans, processes and data. */
static int
other(struct jaeger *jg, struct jtrace *t, const char *key, int top)
{
	struct js_pos pos = js_here(jg->js);
	json_object *v;

	if (!js_value(jg->js, &v))
		return 0;
	if (strcmp(key, "processes") == 0 && !t->procs) {
		load_procs(jg, t, v, pos);
		if (t->procs)
			flush(jg, t);
		else
			json_object_put(v);
		return 1;
	}
	if (strcmp(key, "warnings") == 0 &&
	    json_object_is_type(v, json_type_array))
		jg->warnings += json_object_array_length(v);
	else if (top && strcmp(key, "errors") == 0)
		query_errors(jg, v, pos);
	json_object_put(v);
	return 1;
}

/* A wrong format's keys at the top: what it looks like. */
static const char *
foreign_key(const char *key)
{
	static const char *const keys[][2] = {
		{ "resourceSpans", "OTLP/JSON" }, { "resource_spans", "OTLP/JSON" },
		{ "resourceMetrics", "OTLP/JSON" }, { "resourceLogs", "OTLP/JSON" },
		{ "traceEvents", "Chrome JSON" }, { "localEndpoint", "Zipkin JSON" },
		{ "traceId", "Zipkin JSON" },
	};

	for (size_t i = 0; i < LEN(keys); i++)
		if (strcmp(key, keys[i][0]) == 0)
			return keys[i][1];
	return NULL;
}

/*
 * An object at its '{': the envelope (top, with data) or a trace. Its
 * spans wait for its processes; at its end whatever waits goes out.
 */
static int
object(struct jaeger *jg, int top)
{
	struct js_pos pos = js_here(jg->js);
	struct jtrace t;
	unsigned long n = 0;
	char key[64];
	const char *fmt;
	int r, ok = 1, data = 0;

	memset(&t, 0, sizeof(t));
	js_take(jg->js);
	while (ok && (r = js_member(jg->js, '}', &n, key, sizeof(key))) > 0) {
		int c = js_peek(jg->js);

		if (!data && !t.spans && (fmt = foreign_key(key))) {
			js_error(jg->js, pos, "this looks like %s, not Jaeger "
			    "JSON: read it with %s", fmt, jz_flag(fmt));
			ok = 0;
		} else if (strcmp(key, "spans") == 0 && c == '[') {
			t.spans = 1;
			ok = spans(jg, &t);
		} else if (top && strcmp(key, "data") == 0 && c == '[') {
			data = 1;
			ok = traces(jg);
		} else {
			ok = other(jg, &t, key, top);
		}
	}
	if (ok && r < 0)
		ok = 0;
	if (ok && !t.spans && !data)
		js_error(jg->js, pos, "expected a Jaeger trace (an object with "
		    "spans) or {\"data\":[trace...]}");
	if (ok)
		flush(jg, &t);
	jg->traces += t.spans;
	trace_free(&t);
	return ok;
}

static void
summary(const struct jaeger *jg)
{
	if (jg->warnings)
		warnmsg("%s: %lu Jaeger warning%s in the file (span warnings "
		    "kept as the jaeger.warnings arg)", js_name(jg->js),
		    jg->warnings, jg->warnings == 1 ? "" : "s");
	if (jg->noproc)
		warnmsg("%s: %lu span%s without a process in processes "
		    "(service unknown)", js_name(jg->js), jg->noproc,
		    jg->noproc == 1 ? "" : "s");
}

int
jaeger_read(struct ot_import *im, struct ot_in *in)
{
	const char *sniffed = jz_sniff(in);
	struct jaeger jg;
	int c, ok = 1;

	memset(&jg, 0, sizeof(jg));
	jg.js = js_open(in);
	jg.im = im;
	while (ok && (c = js_peek(jg.js)) >= 0) {
		if (c == '{') {
			ok = object(&jg, 1);
		} else if (c == '[') {
			ok = traces(&jg);
		} else {
			jz_not_json(jg.js, sniffed, "Jaeger JSON", "'{' (a "
			    "Jaeger trace or {\"data\":[...]}) or '['", c);
			ok = 0;
		}
	}
	summary(&jg);
	js_close(jg.js);
	return ok ? 0 : EX_DATAERR;
}

int
jaeger_import(const char *path)
{
	struct ot_in *in = ot_in_open(path);
	struct ot_import *im = ot_open("jaeger");
	int st = jaeger_read(im, in), st2;

	ot_in_close(in);
	st2 = ot_close(im);

	if (st || st2)
		return st ? st : st2;
	return diag_errors() ? EX_DATAERR : 0;
}
