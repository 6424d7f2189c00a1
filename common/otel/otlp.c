/*
 * OTLP/JSON in: each top-level value (a line of the Collector's file
 * exporter, a pretty-printed request, an element of an array) is an
 * ExportTraceServiceRequest, ExportMetricsServiceRequest or
 * ExportLogsServiceRequest ("resourceSpans", "resourceMetrics",
 * "resourceLogs"; Tempo's "batches"), or a bare ResourceSpans (the Java
 * OtlpJsonLoggingSpanExporter). Field names in lowerCamelCase or
 * snake_case, ids in hex or base64, enums as numbers or names, 64-bit
 * numbers as strings or numbers, the legacy instrumentationLibrary*
 * names: all as the Collector reads them (otel-formats.md §1.4). Each span
 * goes to the mapper (span.h) as it is read; memory is one top-level value.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/sbuf.h"
#include "base/util.h"
#include "otel/input.h"
#include "otel/otlp.h"
#include "records/diag.h"

struct ctx {
	struct ot_import *im;
	struct sbuf text;		/* a span's attributes as JSON */
	const char *where;
	char path[200];
	struct ot_res res;
	char inst[64];
	int bad;			/* the span being read is bad */
};

static void
bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bad(struct ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->bad)
		ot_bad(c->where, "%s: %s", c->path, msg);
	c->bad = 1;
}

static const char *
jtext(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* k is camel (lowerCamelCase) or its snake_case form. */
static int
is(const char *k, const char *camel, const char *snake)
{
	return strcmp(k, camel) == 0 || strcmp(k, snake) == 0;
}

/* Member k (lowerCamelCase) or s (snake_case, or another old name). */
static json_object *
get(json_object *o, const char *k, const char *s)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	if (json_object_object_get_ex(o, k, &v) ||
	    (s && json_object_object_get_ex(o, s, &v)))
		return json_object_is_type(v, json_type_null) ? NULL : v;
	return NULL;
}

static const char *
str(json_object *o, const char *k, const char *s)
{
	json_object *v = get(o, k, s);

	return v && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* An array member, or NULL (reported when it is something else). */
static json_object *
arr(struct ctx *c, json_object *o, const char *k, const char *s)
{
	json_object *v = get(o, k, s);

	if (v && !json_object_is_type(v, json_type_array)) {
		bad(c, "%s: expected an array, found %s", k,
		    json_type_to_name(json_object_get_type(v)));
		return NULL;
	}
	return v;
}

/* A uint64 given as a decimal string or a number (time in ns): 1, 0 if
 * absent, -1 if bad (reported). Out of the int64 range is bad. */
static int
u64v(struct ctx *c, const char *k, json_object *v, int64_t *out)
{
	const char *why = NULL, *t;
	uint64_t u = 0;

	*out = OT_NOTIME;
	if (!v)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_string:
		t = json_object_get_string(v);
		if (!*t)
			return 0;
		why = num_u64(t, &u);
		break;
	case json_type_int:
		if (json_object_get_int64(v) < 0)
			why = "is negative";
		u = (uint64_t)json_object_get_int64(v);
		if (json_object_get_int64(v) == INT64_MAX)
			u = json_object_get_uint64(v);
		break;
	default:
		bad(c, "%s: expected a decimal string or an integer, found %s",
		    k, json_type_to_name(json_object_get_type(v)));
		return -1;
	}
	if (!why && u > (uint64_t)INT64_MAX)
		why = "is out of range (after the year 2262)";
	if (why) {
		bad(c, "%s: '%s' %s", k, json_object_get_string(v), why);
		return -1;
	}
	*out = (int64_t)u;
	return u ? 1 : 0;
}

static int
u64(struct ctx *c, json_object *o, const char *k, const char *s, int64_t *out)
{
	return u64v(c, k, get(o, k, s), out);
}

/* An enum as its number or its name (prefix + NAME): -1 if bad. */
static int
enumv(struct ctx *c, const char *k, json_object *v, const char *prefix,
    const char *const *names, int nnames)
{
	const char *t;

	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_int))
		return (int)json_object_get_int(v);
	if (json_object_is_type(v, json_type_string)) {
		t = json_object_get_string(v);
		if (strncmp(t, prefix, strlen(prefix)) == 0)
			t += strlen(prefix);
		for (int i = 0; i < nnames; i++)
			if (strcmp(t, names[i]) == 0)
				return i;
	}
	bad(c, "%s: '%s' is not a %s value", k, json_object_get_string(v),
	    prefix);
	return -1;
}

static int
enumval(struct ctx *c, json_object *o, const char *k, const char *prefix,
    const char *const *names, int nnames)
{
	return enumv(c, k, get(o, k, NULL), prefix, names, nnames);
}

static int
idv(struct ctx *c, const char *k, json_object *v, uint8_t *out, size_t len)
{
	int r;

	memset(out, 0, len);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		bad(c, "%s: expected a hex string, found %s", k,
		    json_type_to_name(json_object_get_type(v)));
		return -1;
	}
	r = ot_id_parse(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), out, len);
	if (r < 0)
		bad(c, "%s: '%s' is not a %zu-byte id in hex (at most %zu "
		    "digits) or base64", k, json_object_get_string(v), len,
		    2 * len);
	return r;
}

static int
id(struct ctx *c, json_object *o, const char *k, const char *s, uint8_t *out,
    size_t len)
{
	return idv(c, k, get(o, k, s), out, len);
}

static json_object *kvlist(struct ctx *c, json_object *a, int depth);

/* An AnyValue as plain JSON: strings, numbers, booleans, arrays and
 * objects as they are; bytes as their base64 text; empty as null. */
static json_object *
anyvalue(struct ctx *c, json_object *v, int depth)
{
	json_object *x, *out;
	const char *t;
	int64_t i;

	if (depth > OT_MAXNEST) {
		bad(c, "attribute value nested more than %d levels deep",
		    OT_MAXNEST);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_object))
		return NULL;
	if ((x = get(v, "stringValue", "string_value")) ||
	    (x = get(v, "boolValue", "bool_value")) ||
	    (x = get(v, "bytesValue", "bytes_value")))
		return json_object_get(x);
	if ((x = get(v, "intValue", "int_value"))) {
		if (json_object_is_type(x, json_type_int))
			return json_object_get(x);
		t = json_object_get_string(x);
		if (num_i64(t, &i) == NULL)
			return json_object_new_int64(i);
		return json_object_get(x);
	}
	if ((x = get(v, "doubleValue", "double_value")))
		return json_object_get(x);	/* "NaN" and such stay text */
	if ((x = get(v, "arrayValue", "array_value"))) {
		json_object *vals = get(x, "values", NULL);
		size_t n = vals && json_object_is_type(vals, json_type_array) ?
		    json_object_array_length(vals) : 0;

		out = json_object_new_array_ext((int)n);
		for (size_t k = 0; k < n; k++)
			json_object_array_add(out, anyvalue(c,
			    json_object_array_get_idx(vals, k), depth + 1));
		return out;
	}
	if ((x = get(v, "kvlistValue", "kvlist_value")))
		return kvlist(c, get(x, "values", NULL), depth + 1);
	return NULL;
}

/* A list of KeyValue as an object (NULL when absent or empty). */
static json_object *
kvlist(struct ctx *c, json_object *a, int depth)
{
	json_object *out;
	size_t n;

	if (!a || !json_object_is_type(a, json_type_array) ||
	    !(n = json_object_array_length(a)))
		return NULL;
	out = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		json_object *kv = json_object_array_get_idx(a, i);
		const char *k = str(kv, "key", NULL);

		if (!k)
			continue;
		json_object_object_add(out, k, anyvalue(c, get(kv, "value",
		    NULL), depth));
	}
	return out;
}

static void kvtext(struct ctx *c, struct sbuf *b, json_object *a,
    int depth, struct ot_span *s);

/* An AnyValue as JSON text, as anyvalue() would give it: its one member
 * looked at directly. */
static void
anytext(struct ctx *c, struct sbuf *b, json_object *v, int depth)
{
	const char *t;
	int64_t i;

	if (depth > OT_MAXNEST) {
		bad(c, "attribute value nested more than %d levels deep",
		    OT_MAXNEST);
		sb_puts(b, "null");
		return;
	}
	if (!json_object_is_type(v, json_type_object)) {
		sb_puts(b, "null");
		return;
	}
	json_object_object_foreach(v, k, x) {
		if (json_object_is_type(x, json_type_null))
			continue;
		if (is(k, "stringValue", "string_value") ||
		    is(k, "bytesValue", "bytes_value")) {
			if (json_object_is_type(x, json_type_string))
				sb_json_str(b, json_object_get_string(x),
				    (size_t)json_object_get_string_len(x));
			else
				sb_puts(b, jtext(x));
		} else if (is(k, "intValue", "int_value")) {
			t = json_object_get_string(x);
			if (!json_object_is_type(x, json_type_string))
				sb_puts(b, jtext(x));
			else if (num_i64(t, &i) == NULL)
				sb_i64(b, i);
			else
				sb_json_str(b, t, strlen(t));
		} else if (is(k, "boolValue", "bool_value") ||
		    is(k, "doubleValue", "double_value"))
			sb_puts(b, jtext(x));
		else if (is(k, "arrayValue", "array_value")) {
			json_object *vals = get(x, "values", NULL);
			size_t n = vals && json_object_is_type(vals,
			    json_type_array) ? json_object_array_length(vals) : 0;

			sb_putc(b, '[');
			for (size_t m = 0; m < n; m++) {
				if (m)
					sb_putc(b, ',');
				anytext(c, b, json_object_array_get_idx(vals, m),
				    depth + 1);
			}
			sb_putc(b, ']');
		} else if (is(k, "kvlistValue", "kvlist_value"))
			kvtext(c, b, get(x, "values", NULL), depth + 1, NULL);
		else
			continue;
		return;
	}
	sb_puts(b, "null");
}

/* The source location of a span among its attributes. */
static void
source_attr(struct ot_span *s, const char *k, json_object *v)
{
	json_object *x;

	if (strcmp(k, "code.file.path") == 0 ||
	    (strcmp(k, "code.filepath") == 0 && !s->file)) {
		if ((x = get(v, "stringValue", "string_value")) &&
		    json_object_is_type(x, json_type_string))
			s->file = json_object_get_string(x);
	} else if (strcmp(k, "code.line.number") == 0 ||
	    (strcmp(k, "code.lineno") == 0 && !s->line)) {
		if ((x = get(v, "intValue", "int_value")))
			s->line = json_object_get_int64(x);
	}
}

/* A list of KeyValue as JSON object text ("{}" when empty); with s, the
 * source location is picked up on the way. */
static void
kvtext(struct ctx *c, struct sbuf *b, json_object *a, int depth,
    struct ot_span *s)
{
	size_t n = a && json_object_is_type(a, json_type_array) ?
	    json_object_array_length(a) : 0;
	int first = 1;

	sb_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		json_object *kv = json_object_array_get_idx(a, i), *k, *v;

		if (!json_object_object_get_ex(kv, "key", &k) ||
		    !json_object_is_type(k, json_type_string))
			continue;
		if (!first)
			sb_putc(b, ',');
		first = 0;
		sb_json_str(b, json_object_get_string(k),
		    (size_t)json_object_get_string_len(k));
		sb_putc(b, ':');
		v = get(kv, "value", NULL);
		if (s && strncmp(json_object_get_string(k), "code.", 5) == 0)
			source_attr(s, json_object_get_string(k), v);
		anytext(c, b, v, depth);
	}
	sb_putc(b, '}');
}

static json_object *
attrs(struct ctx *c, json_object *o)
{
	return kvlist(c, get(o, "attributes", NULL), 0);
}

void
otlp_res(json_object *a, struct ot_res *res, char *inst, size_t cap)
{
	static const char *const keys[] = {
		"service.instance.id", "host.name", "process.pid"
	};
	json_object *v;

	res->service = NULL;
	res->instance = NULL;
	if (!a)
		return;
	if (json_object_object_get_ex(a, "service.name", &v) &&
	    json_object_is_type(v, json_type_string))
		res->service = json_object_get_string(v);
	for (size_t i = 0; i < LEN(keys); i++)
		if (json_object_object_get_ex(a, keys[i], &v) &&
		    !json_object_is_type(v, json_type_null)) {
			snprintf(inst, cap, "%s", json_object_get_string(v));
			res->instance = inst;
			return;
		}
}

static const char *const kindnames[] = {
	"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"
};
static const char *const statusnames[] = { "UNSET", "OK", "ERROR" };

struct lists {
	struct ot_event *ev;
	size_t nev, capev;
	struct ot_link *ln;
	size_t nln, capln;
};

static void
events(struct ctx *c, json_object *sp, struct lists *l)
{
	json_object *a = arr(c, sp, "events", NULL);
	size_t n = a ? json_object_array_length(a) : 0;

	if (n > l->capev) {
		l->capev = n;
		l->ev = xreallocarray(l->ev, n, sizeof(*l->ev));
	}
	for (l->nev = 0; l->nev < n; l->nev++) {
		json_object *e = json_object_array_get_idx(a, l->nev);
		struct ot_event *o = &l->ev[l->nev];

		o->name = str(e, "name", NULL);
		u64(c, e, "timeUnixNano", "time_unix_nano", &o->ts);
		o->attrs = attrs(c, e);
	}
}

static void
links(struct ctx *c, json_object *sp, struct lists *l)
{
	json_object *a = arr(c, sp, "links", NULL);
	size_t n = a ? json_object_array_length(a) : 0, k = 0;

	if (n > l->capln) {
		l->capln = n;
		l->ln = xreallocarray(l->ln, n, sizeof(*l->ln));
	}
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		struct ot_link *o = &l->ln[k];

		if (id(c, e, "traceId", "trace_id", o->trace_id, 16) <= 0 ||
		    id(c, e, "spanId", "span_id", o->span_id, 8) <= 0)
			continue;	/* a link to nothing */
		o->attrs = attrs(c, e);
		k++;
	}
	l->nln = k;
}

static void
put_lists(struct lists *l)
{
	for (size_t i = 0; i < l->nev; i++)
		json_object_put(l->ev[i].attrs);
	for (size_t i = 0; i < l->nln; i++)
		json_object_put(l->ln[i].attrs);
	l->nev = l->nln = 0;
}

/* The members of a span, each looked at once. */
static void
span_members(struct ctx *c, json_object *sp, struct ot_span *s,
    struct lists *l, int *ids)
{
	json_object_object_foreach(sp, k, v) {
		if (json_object_is_type(v, json_type_null))
			continue;
		if (is(k, "traceId", "trace_id"))
			ids[0] = idv(c, "traceId", v, s->trace_id, 16);
		else if (is(k, "spanId", "span_id"))
			ids[1] = idv(c, "spanId", v, s->span_id, 8);
		else if (is(k, "parentSpanId", "parent_span_id"))
			s->has_parent = idv(c, "parentSpanId", v, s->parent_id,
			    8) > 0;
		else if (strcmp(k, "name") == 0)
			s->name = json_object_is_type(v, json_type_string) ?
			    json_object_get_string(v) : NULL;
		else if (strcmp(k, "kind") == 0)
			s->kind = enumv(c, "kind", v, "SPAN_KIND_", kindnames,
			    6);
		else if (is(k, "startTimeUnixNano", "start_time_unix_nano"))
			u64v(c, "startTimeUnixNano", v, &s->start);
		else if (is(k, "endTimeUnixNano", "end_time_unix_nano"))
			u64v(c, "endTimeUnixNano", v, &s->end);
		else if (strcmp(k, "attributes") == 0) {
			c->text.n = 0;
			kvtext(c, &c->text, v, 0, s);
			s->attrs_json = c->text.p;
			s->attrs_len = c->text.n;
		} else if (strcmp(k, "status") == 0) {
			s->status = enumval(c, v, "code", "STATUS_CODE_",
			    statusnames, 3);
			s->status_msg = str(v, "message", NULL);
		} else if (strcmp(k, "events") == 0)
			events(c, sp, l);
		else if (strcmp(k, "links") == 0)
			links(c, sp, l);
	}
}

static void
span(struct ctx *c, json_object *sp, struct lists *l)
{
	struct ot_span s;
	int ids[2] = { 0, 0 };

	memset(&s, 0, sizeof(s));
	c->bad = 0;
	s.res = c->res;
	s.start = s.end = OT_NOTIME;
	if (!json_object_is_type(sp, json_type_object)) {
		bad(c, "expected a span object");
		goto out;
	}
	span_members(c, sp, &s, l, ids);
	if (ids[0] == 0)
		bad(c, "traceId: missing or all zero");
	if (ids[1] == 0)
		bad(c, "spanId: missing or all zero");
	s.events = l->ev;
	s.nevents = l->nev;
	s.links = l->ln;
	s.nlinks = l->nln;
	if (!c->bad)
		ot_span(c->im, &s, c->where);
	put_lists(l);
out:
	if (c->bad)
		ot_note(c->im, OT_N_BADSPAN);
}

/* A resource: the process every span, point and log under it goes to. */
static json_object *
resource(struct ctx *c, json_object *r)
{
	json_object *a = attrs(c, get(r, "resource", NULL));

	c->res.resource = a;
	otlp_res(a, &c->res, c->inst, sizeof(c->inst));
	return a;
}

/* The scopes of r under any of their names, with what each holds. */
static void
scopes(struct ctx *c, json_object *r, const char *const names[4],
    const char *items, void (*each)(struct ctx *, json_object *, void *),
    void *arg, size_t ri)
{
	for (int k = 0; k < 4; k += 2) {
		json_object *ss;

		c->bad = 0;
		snprintf(c->path, sizeof(c->path), "resource %zu", ri);
		ss = arr(c, r, names[k], names[k + 1]);
		size_t n = ss ? json_object_array_length(ss) : 0;

		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_array_get_idx(ss, i);
			json_object *sc = get(s, "scope", NULL);
			json_object *it;

			snprintf(c->path, sizeof(c->path), "resource %zu, %s %zu",
			    ri, names[k], i);
			c->bad = 0;
			it = arr(c, s, items, NULL);
			size_t m = it ? json_object_array_length(it) : 0;

			if (!sc)
				sc = get(s, "instrumentationLibrary",
				    "instrumentation_library");
			c->res.scope = str(sc, "name", NULL);
			if (c->res.scope && !*c->res.scope)
				c->res.scope = NULL;
			for (size_t j = 0; j < m; j++) {
				snprintf(c->path, sizeof(c->path),
				    "resource %zu, %s %zu, %s %zu", ri,
				    names[k], i, items, j);
				each(c, json_object_array_get_idx(it, j), arg);
			}
		}
	}
}

static void
span_cb(struct ctx *c, json_object *sp, void *arg)
{
	span(c, sp, arg);
}

static void
resource_spans(struct ctx *c, json_object *rs, struct lists *l, size_t ri)
{
	static const char *const names[4] = {
		"scopeSpans", "scope_spans", "instrumentationLibrarySpans",
		"instrumentation_library_spans"
	};
	json_object *a = resource(c, rs);

	scopes(c, rs, names, "spans", span_cb, l, ri);
	json_object_put(a);
}

/* Metrics: gauges and sums to counter samples. */
static void
points(struct ctx *c, json_object *m, json_object *data)
{
	json_object *dp = arr(c, data, "dataPoints", "data_points");
	size_t n = dp ? json_object_array_length(dp) : 0;
	struct ot_sample s;

	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(dp, i), *v;

		memset(&s, 0, sizeof(s));
		c->bad = 0;
		s.res = c->res;
		s.metric = str(m, "name", NULL);
		s.unit = str(m, "unit", NULL);
		u64(c, p, "timeUnixNano", "time_unix_nano", &s.ts);
		if ((v = get(p, "asInt", "as_int"))) {
			s.isint = 1;
			if (json_object_is_type(v, json_type_int))
				s.ivalue = json_object_get_int64(v);
			else if (num_i64(json_object_get_string(v), &s.ivalue))
				bad(c, "asInt: '%s' is not an integer",
				    json_object_get_string(v));
		} else if ((v = get(p, "asDouble", "as_double")) &&
		    (json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_int)))
			s.value = json_object_get_double(v);
		else {
			ot_note(c->im, OT_N_METRIC_NOVALUE);
			continue;
		}
		if (!s.isint && !isfinite(s.value)) {
			ot_note(c->im, OT_N_METRIC_NOVALUE);
			continue;
		}
		s.attrs = attrs(c, p);
		if (!c->bad)
			ot_sample(c->im, &s, c->where);
		json_object_put(s.attrs);
	}
}

static void
metric_cb(struct ctx *c, json_object *m, void *arg)
{
	static const char *const skipped[][2] = {
		{ "histogram", NULL },
		{ "exponentialHistogram", "exponential_histogram" },
		{ "summary", NULL },
	};
	json_object *d;

	(void)arg;
	if ((d = get(m, "gauge", NULL)) || (d = get(m, "sum", NULL))) {
		points(c, m, d);
		return;
	}
	for (size_t i = 0; i < LEN(skipped); i++)
		if ((d = get(m, skipped[i][0], skipped[i][1]))) {
			json_object *dp = get(d, "dataPoints", "data_points");

			for (size_t k = dp && json_object_is_type(dp,
			    json_type_array) ? json_object_array_length(dp) :
			    0; k; k--)
				ot_note(c->im, OT_N_HISTOGRAM);
		}
}

static void
log_cb(struct ctx *c, json_object *r, void *arg)
{
	struct ot_log l;
	json_object *b;

	(void)arg;
	memset(&l, 0, sizeof(l));
	c->bad = 0;
	l.res = c->res;
	if (u64(c, r, "timeUnixNano", "time_unix_nano", &l.ts) == 0)
		u64(c, r, "observedTimeUnixNano", "observed_time_unix_nano",
		    &l.ts);
	l.severity = str(r, "severityText", "severity_text");
	l.name = str(r, "eventName", "event_name");
	b = get(r, "body", NULL);
	l.body = b ? anyvalue(c, b, 0) : NULL;
	if (!l.name && l.body && json_object_is_type(l.body,
	    json_type_string))
		l.name = json_object_get_string(l.body);
	if (!l.name)
		l.name = l.severity;
	id(c, r, "traceId", "trace_id", l.trace_id, 16);
	l.has_span = id(c, r, "spanId", "span_id", l.span_id, 8) > 0;
	l.attrs = attrs(c, r);
	if (!c->bad)
		ot_log(c->im, &l, c->where);
	else
		ot_note(c->im, OT_N_BADLINE);
	json_object_put(l.attrs);
	json_object_put(l.body);
}

static void
resource_other(struct ctx *c, json_object *r, int logs, size_t ri)
{
	static const char *const mnames[4] = {
		"scopeMetrics", "scope_metrics",
		"instrumentationLibraryMetrics",
		"instrumentation_library_metrics"
	};
	static const char *const lnames[4] = {
		"scopeLogs", "scope_logs", "instrumentationLibraryLogs",
		"instrumentation_library_logs"
	};
	json_object *a = resource(c, r);

	if (logs)
		scopes(c, r, lnames, "logRecords", log_cb, NULL, ri);
	else
		scopes(c, r, mnames, "metrics", metric_cb, NULL, ri);
	json_object_put(a);
}

/* Which of the top-level keys v has: 0 spans, 1 metrics, 2 logs, 3 a bare
 * ResourceSpans; -1 none. */
static int
which(json_object *v, json_object **list)
{
	static const char *const keys[][2] = {
		{ "resourceSpans", "resource_spans" },
		{ "resourceMetrics", "resource_metrics" },
		{ "resourceLogs", "resource_logs" },
		{ "batches", NULL },
	};

	for (int i = 0; i < (int)LEN(keys); i++)
		if ((*list = get(v, keys[i][0], keys[i][1])))
			return i == 3 ? 0 : i;
	*list = v;
	if (get(v, "scopeSpans", "scope_spans") ||
	    get(v, "instrumentationLibrarySpans",
	    "instrumentation_library_spans"))
		return 3;
	return -1;
}

static void
value(struct ctx *c, json_object *v, struct lists *l)
{
	json_object *list;
	int w = which(v, &list);
	size_t n;

	if (w == 3) {
		resource_spans(c, v, l, 0);
		return;
	}
	if (w < 0 || !json_object_is_type(list, json_type_array)) {
		snprintf(c->path, sizeof(c->path), "top level");
		c->bad = 0;
		bad(c, w < 0 ? "no resourceSpans, resourceMetrics or "
		    "resourceLogs: not an OTLP request" :
		    "expected an array of resources");
		ot_note(c->im, OT_N_BADLINE);
		return;
	}
	n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(list, i);

		if (w == 0)
			resource_spans(c, r, l, i);
		else
			resource_other(c, r, w == 2, i);
	}
}

/* The first value must be OTLP: else say what the file looks like and
 * give up on it (0). */
static int
check_first(struct ot_in *in, json_object *v, const uint8_t *head,
    size_t hn)
{
	json_object *list;
	const char *looks;

	if (which(v, &list) >= 0)
		return 1;
	looks = ot_sniff(head, hn);
	if (!looks || strcmp(looks, "OTLP/JSON") == 0)
		return 1;
	pos_error(ot_in_name(in), 1, 1, -1, "this is not OTLP: it looks "
	    "like %s%s", looks, strcmp(looks, "Jaeger JSON") == 0 ?
	    " (use --jaeger)" : strcmp(looks, "Zipkin JSON") == 0 ?
	    " (use --zipkin)" : strcmp(looks, "Chrome JSON") == 0 ?
	    " (use --chrome)" : "");
	return 0;
}

static void
otlp_json(struct ot_in *in, struct ot_import *im, const uint8_t *head,
    size_t hn)
{
	struct ot_json *j = ot_json_open(in, 1);
	struct ctx c;
	struct lists l = { 0 };
	json_object *v;
	int r, first = 1;

	memset(&c, 0, sizeof(c));
	c.im = im;
	while ((r = ot_json_next(j, &v)) != 0) {
		if (r < 0) {
			ot_note(im, OT_N_BADLINE);
			continue;
		}
		c.where = ot_json_where(j);
		if (first && !check_first(in, v, head, hn)) {
			json_object_put(v);
			break;
		}
		first = 0;
		value(&c, v, &l);
		json_object_put(v);
	}
	free(l.ev);
	free(l.ln);
	sb_free(&c.text);
	ot_json_close(j);
}

int
otlp_import(const char *path)
{
	struct ot_in *in = ot_in_open(path);
	struct ot_import *im;
	const uint8_t *head;
	size_t hn, i = 0;
	int status;

	head = ot_in_head(in, 4096, &hn);
	while (i < hn && (head[i] == ' ' || head[i] == '\n' ||
	    head[i] == '\r' || head[i] == '\t'))
		i++;
	im = ot_open("otlp");
	ot_input(im, ot_in_name(in));
	/* JSON, or all blank so far: the JSON reader skips the rest */
	if (i == hn || head[i] == '{' || head[i] == '[' || head[i] == 0xef)
		otlp_json(in, im, head, hn);
	else if (hn)
		otlp_pb(in, im);
	status = ot_close(im);
	ot_in_close(in);
	return status;
}
