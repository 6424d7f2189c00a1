/*
 * Zipkin v2 JSON to spans (zipkin.h). The cursor (jscan.h) walks the
 * arrays; each span is parsed whole and handed over at once: ids left-
 * padded, timestamp and duration in microseconds to nanoseconds (absent
 * ones stay absent: the mapper's rule applies), localEndpoint to the
 * service and its instance, remoteEndpoint and tags to attributes, the
 * kind, the error and otel.status tags to kind and status, annotations to
 * events, and shared (the server half of an RPC that reuses the client's
 * span id) to ot_span.shared.
 *
 * Cost: one pass; memory is one span.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "otel/input.h"
#include "otel/jscan.h"
#include "otel/jzfield.h"
#include "otel/zipkin.h"
#include "records/args.h"
#include "records/diag.h"

struct zipkin {
	struct jscan *js;
	struct ot_import *im;
	int stop;			/* not Zipkin after all */
};

/* Everything a span owns while it is handed over. */
struct zspan {
	struct ot_span s;
	struct ot_event *ev;
	json_object *attrs, *resource;
	json_object *keep;		/* owns what the fields point to */
	char inst[128];
};

static void
zspan_free(struct zspan *z)
{
	json_object_put(z->attrs);
	json_object_put(z->resource);
	json_object_put(z->keep);
	free(z->ev);
}

static int
kind_of(const char *s)
{
	static const char *const names[] = { "", "", "SERVER", "CLIENT",
	    "PRODUCER", "CONSUMER" };

	for (int k = 2; k < (int)LEN(names); k++)
		if (strcasecmp(s, names[k]) == 0)
			return k;
	return -1;
}

static int
span_ids(struct jz_at *at, json_object *o, struct zspan *z)
{
	if (jz_id(at, o, "traceId", z->s.trace_id, 16) <= 0) {
		if (!at->bad)
			jz_bad(at, "traceId: missing");
		return 0;
	}
	if (jz_id(at, o, "id", z->s.span_id, 8) <= 0) {
		if (!at->bad)
			jz_bad(at, "id: missing");
		return 0;
	}
	z->s.has_parent = jz_id(at, o, "parentId", z->s.parent_id, 8) == 1;
	return !at->bad;
}

/* timestamp and duration; either may be absent. */
static int
span_times(struct jz_at *at, json_object *o, struct zspan *z)
{
	int64_t dur;
	int r;

	z->s.start = z->s.end = OT_NOTIME;
	if (jz_us(at, o, "timestamp", &z->s.start) < 0)
		return 0;
	if ((r = jz_us(at, o, "duration", &dur)) < 0)
		return 0;
	if (r == 1 && z->s.start != OT_NOTIME)
		return jz_end(at, z->s.start, dur, &z->s.end);
	return 1;
}

/* localEndpoint: the service; its address and port tell instances apart
 * and become the process's labels. */
static int
span_endpoint(struct jz_at *at, json_object *o, struct zspan *z)
{
	json_object *ep = jz_get(o, "localEndpoint");
	const char *v4, *v6, *port;

	if (!ep)
		return 1;
	if (!json_object_is_type(ep, json_type_object)) {
		jz_bad(at, "localEndpoint: an object expected");
		return 0;
	}
	snprintf(at->in, sizeof(at->in), "localEndpoint");
	z->s.res.service = jz_str(at, ep, "serviceName");
	v4 = jz_str(at, ep, "ipv4");
	v6 = jz_str(at, ep, "ipv6");
	if (at->bad)
		return 0;
	at->in[0] = '\0';
	port = jz_get(ep, "port") ? json_object_get_string(jz_get(ep,
	    "port")) : NULL;
	if (v4 || v6)
		snprintf(z->inst, sizeof(z->inst), v4 ? "%s%s%s" : "[%s]%s%s",
		    v4 ? v4 : v6, port ? ":" : "", port ? port : "");
	z->s.res.instance = z->inst[0] ? z->inst : NULL;
	z->resource = json_object_new_object();
	json_object_object_foreach(ep, k, v)
		if (strcmp(k, "serviceName") != 0)
			json_object_object_add(z->resource, k,
			    json_object_get(v));
	z->s.res.resource = z->resource;
	return 1;
}

/* Moves member k of attrs into z->keep, giving its text; NULL if absent
 * or not a string. */
static const char *
take_str(struct zspan *z, const char *k)
{
	json_object *v = jz_get(z->attrs, k);

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	json_object_array_add(z->keep, json_object_get(v));
	json_object_object_del(z->attrs, k);
	return json_object_get_string(v);
}

/*
 * tags to attrs; the error tag (its text the message, unless empty or
 * "true"), otel.status_code and otel.status_description to the status,
 * otel.scope.name (or otel.library.name) to the scope.
 */
static int
span_tags(struct jz_at *at, json_object *o, struct zspan *z)
{
	json_object *tags = jz_get(o, "tags");
	const char *s;

	if (tags && !json_object_is_type(tags, json_type_object)) {
		jz_bad(at, "tags: an object of strings expected");
		return 0;
	}
	if (tags) {
		json_object_object_foreach(tags, k, v)
			json_object_object_add(z->attrs, k,
			    json_object_get(v));
	}
	if ((s = take_str(z, "error"))) {
		z->s.status = OT_STATUS_ERROR;
		if (*s && strcmp(s, "true") != 0)
			z->s.status_msg = s;
	}
	if ((s = take_str(z, "otel.status_code")))
		z->s.status = strcasecmp(s, "ERROR") == 0 ? OT_STATUS_ERROR :
		    strcasecmp(s, "OK") == 0 ? OT_STATUS_OK : z->s.status;
	if ((s = take_str(z, "otel.status_description")))
		z->s.status_msg = s;
	if ((s = take_str(z, "otel.scope.name")) ||
	    (s = take_str(z, "otel.library.name")))
		z->s.res.scope = s;
	return 1;
}

/*
 * An annotation's value to an event: "name: {json}" (OpenTelemetry's
 * Zipkin exporters write an event with attributes so, the name quoted or
 * not) gives the name and the attributes; any other text is the name.
 */
static void
annotation(struct zspan *z, const char *val, struct ot_event *e)
{
	const char *sep = strstr(val, ": {");
	size_t n = strlen(val), k;
	json_object *a;
	const char *why;
	size_t at;
	char *name;

	e->name = val;
	if (!sep || n < 2 || val[n - 1] != '}')
		return;
	a = args_parse(sep + 2, strlen(sep + 2), &why, &at);
	if (!a)
		return;
	k = (size_t)(sep - val);
	if (k >= 2 && val[0] == '"' && val[k - 1] == '"')
		name = xmemdup(val + 1, k - 2), name[k - 2] = '\0';
	else
		name = xmemdup(val, k), name[k] = '\0';
	json_object_array_add(z->keep, json_object_new_string(name));
	free(name);
	json_object_array_add(z->keep, a);
	e->name = json_object_get_string(json_object_array_get_idx(z->keep,
	    json_object_array_length(z->keep) - 2));
	e->attrs = a;
}

static int
span_annotations(struct jz_at *at, json_object *o, struct zspan *z)
{
	json_object *list = jz_get(o, "annotations");
	size_t n, i;

	if (!list)
		return 1;
	if (!json_object_is_type(list, json_type_array)) {
		jz_bad(at, "annotations: an array expected");
		return 0;
	}
	n = json_object_array_length(list);
	z->ev = xcalloc(n ? n : 1, sizeof(*z->ev));
	for (i = 0; i < n; i++) {
		json_object *an = json_object_array_get_idx(list, i);
		json_object *v = jz_get(an, "value");

		if (!json_object_is_type(an, json_type_object)) {
			jz_bad(at, "annotations[%zu]: an object expected", i);
			return 0;
		}
		snprintf(at->in, sizeof(at->in), "annotations[%zu]", i);
		if (jz_us(at, an, "timestamp", &z->ev[i].ts) <= 0) {
			if (!at->bad)
				jz_bad(at, "timestamp: missing");
			return 0;
		}
		if (!json_object_is_type(v, json_type_string)) {
			jz_bad(at, "value: a string expected");
			return 0;
		}
		at->in[0] = '\0';
		annotation(z, json_object_get_string(v), &z->ev[i]);
	}
	z->s.events = z->ev;
	z->s.nevents = n;
	return 1;
}

/* name, kind, shared, debug and remoteEndpoint. */
static int
span_misc(struct jz_at *at, json_object *o, struct zspan *z)
{
	const char *kind = jz_str(at, o, "kind");
	json_object *re = jz_get(o, "remoteEndpoint");
	json_object *sh = jz_get(o, "shared"), *dbg = jz_get(o, "debug");

	z->s.name = jz_str(at, o, "name");
	if (at->bad)
		return 0;
	if (kind && (z->s.kind = kind_of(kind)) < 0) {
		jz_bad(at, "kind: '%.40s' is not CLIENT, SERVER, PRODUCER or "
		    "CONSUMER", kind);
		return 0;
	}
	if (!kind)
		z->s.kind = OT_KIND_UNSPECIFIED;
	/* as Zipkin's UI: shared is for the server side only */
	z->s.shared = json_object_get_boolean(sh) &&
	    z->s.kind != OT_KIND_CLIENT;
	if (re)
		json_object_object_add(z->attrs, "remoteEndpoint",
		    json_object_get(re));
	if (json_object_get_boolean(dbg))
		json_object_object_add(z->attrs, "debug",
		    json_object_new_boolean(1));
	return 1;
}

/* One span object to the mapper; a bad one is skipped (keep-going). */
static void
span(struct zipkin *zk, json_object *o, struct js_pos pos)
{
	struct jz_at at = { zk->js, pos, 0, "" };
	const char *fmt;
	struct zspan z;

	memset(&z, 0, sizeof(z));
	z.attrs = json_object_new_object();
	z.keep = json_object_new_array();
	if (!jz_get(o, "traceId") && (fmt = jz_looks_like(o)) &&
	    strcmp(fmt, "Zipkin JSON") != 0) {
		js_error(zk->js, pos, "this looks like %s, not Zipkin JSON: "
		    "read it with %s", fmt, jz_flag(fmt));
		zk->stop = 1;
		at.bad = 1;
	} else if (!json_object_is_type(o, json_type_object)) {
		jz_bad(&at, "a span object expected, found %s",
		    json_type_to_name(json_object_get_type(o)));
	} else if (span_ids(&at, o, &z) && span_times(&at, o, &z) &&
	    span_misc(&at, o, &z) && span_endpoint(&at, o, &z) &&
	    span_tags(&at, o, &z) && span_annotations(&at, o, &z)) {
		if (!z.s.name)
			z.s.name = "";
		z.s.attrs = z.attrs;
		ot_span(zk->im, &z.s, js_where(zk->js, pos));
	}
	if (at.bad && !zk->stop)
		ot_note(zk->im, OT_N_BADSPAN);
	zspan_free(&z);
}

/* A value at the cursor parsed whole as a span. */
static int
one(struct zipkin *zk)
{
	struct js_pos pos = js_here(zk->js);
	json_object *o;

	if (!js_value(zk->js, &o))
		return 0;
	span(zk, o, pos);
	json_object_put(o);
	return !zk->stop;
}

/* An array at its '[': spans, or (at depth 1) arrays of spans. */
static int
array(struct zipkin *zk, int depth)
{
	unsigned long n = 0;
	int r, c, ok = 1;

	js_take(zk->js);
	while (ok && (r = js_member(zk->js, ']', &n, NULL, 0)) > 0) {
		c = js_peek(zk->js);
		if (c == '[' && depth == 1)
			ok = array(zk, 2);
		else
			ok = one(zk);
	}
	return ok && r == 0;
}

int
zipkin_read(struct ot_import *im, struct ot_in *in)
{
	const char *sniffed = jz_sniff(in);
	struct zipkin zk;
	int c, ok = 1;

	memset(&zk, 0, sizeof(zk));
	zk.js = js_open(in);
	zk.im = im;
	while (ok && (c = js_peek(zk.js)) >= 0) {
		if (c == '[') {
			ok = array(&zk, 1);
		} else if (c == '{') {
			ok = one(&zk);
		} else {
			jz_not_json(zk.js, sniffed, "Zipkin JSON", "'[' (a "
			    "Zipkin span array) or '{' (a span)", c);
			ok = 0;
		}
	}
	js_close(zk.js);
	return ok ? 0 : EX_DATAERR;
}

int
zipkin_import(const char *path)
{
	struct ot_in *in = ot_in_open(path);
	struct ot_import *im = ot_open("zipkin");
	int st = zipkin_read(im, in), st2;

	ot_in_close(in);
	st2 = ot_close(im);

	if (st || st2)
		return st ? st : st2;
	return diag_errors() ? EX_DATAERR : 0;
}
