/* Typed members of Jaeger and Zipkin spans (jzfield.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "otel/input.h"
#include "otel/jzfield.h"

void
jz_bad(struct jz_at *at, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	at->bad = 1;
	if (at->in[0])
		js_error(at->js, at->pos, "%s.%s", at->in, msg);
	else
		js_error(at->js, at->pos, "%s", msg);
}

json_object *
jz_get(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* The JSON type of v, for messages. */
static const char *
tname(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

const char *
jz_str(struct jz_at *at, json_object *o, const char *k)
{
	json_object *v = jz_get(o, k);

	if (!v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		jz_bad(at, "%s: a string expected, found %s", k, tname(v));
		return NULL;
	}
	return json_object_get_string(v);
}

int
jz_id(struct jz_at *at, json_object *o, const char *k, uint8_t *out,
    size_t len)
{
	json_object *v = jz_get(o, k);
	const char *s;
	size_t n;
	int r;

	memset(out, 0, len);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		jz_bad(at, "%s: a string of hex digits expected, found %s", k,
		    tname(v));
		return -1;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if ((r = ot_hex_parse(s, n, out, len)) < 0)
		jz_bad(at, "%s: '%.80s' is not an id of 1 to %zu hex digits", k,
		    s, 2 * len);
	return r;
}

int
jz_us(struct jz_at *at, json_object *o, const char *k, int64_t *ns)
{
	json_object *v = jz_get(o, k);
	const char *s, *why;

	if (!v)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int:
	case json_type_double:
	case json_type_string:
		s = json_object_get_string(v);
		break;
	default:
		jz_bad(at, "%s: a number of microseconds expected, found %s", k,
		    tname(v));
		return -1;
	}
	if ((why = num_us_ns(s, strlen(s), ns))) {
		jz_bad(at, "%s: '%.80s' %s (microseconds expected)", k, s, why);
		return -1;
	}
	if (*ns < 0) {
		jz_bad(at, "%s: '%.80s' is negative", k, s);
		return -1;
	}
	return 1;
}

int
jz_end(struct jz_at *at, int64_t start, int64_t dur, int64_t *end)
{
	if (dur > INT64_MAX - start) {
		jz_bad(at, "the span ends past the int64 range of "
		    "nanoseconds (start %lld ns, duration %lld ns)",
		    (long long)start, (long long)dur);
		return 0;
	}
	*end = start + dur;
	return 1;
}

static int
has(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v);
}

const char *
jz_looks_like(json_object *o)
{
	if (json_object_is_type(o, json_type_array))
		o = json_object_array_length(o) ?
		    json_object_array_get_idx(o, 0) : NULL;
	if (!json_object_is_type(o, json_type_object))
		return NULL;
	if (has(o, "resourceSpans") || has(o, "resource_spans") ||
	    has(o, "resourceMetrics") || has(o, "resourceLogs") ||
	    has(o, "scopeSpans") || has(o, "batches"))
		return "OTLP/JSON";
	if (has(o, "traceEvents") || (has(o, "ph") && has(o, "ts")))
		return "Chrome JSON";
	if (has(o, "spanID") || has(o, "operationName") || has(o, "spans") ||
	    has(o, "processes") || has(o, "data"))
		return "Jaeger JSON";
	if (has(o, "traceId") && (has(o, "id") || has(o, "localEndpoint")))
		return "Zipkin JSON";
	return NULL;
}

const char *
jz_flag(const char *fmt)
{
	static const char *const map[][2] = {
		{ "OTLP", "--otlp" }, { "Jaeger", "--jaeger" },
		{ "Zipkin", "--zipkin" }, { "Chrome", "--chrome" },
		{ "spanpipe records", "async-match or perfetto-encode" },
	};

	if (!fmt)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(fmt, map[i][0], strlen(map[i][0])) == 0)
			return map[i][1];
	return NULL;
}

const char *
jz_sniff(struct ot_in *in)
{
	size_t got;
	const uint8_t *head = ot_in_head(in, 4096, &got);

	return ot_sniff(head, got);
}

void
jz_not_json(struct jscan *js, const char *sniffed, const char *want,
    const char *expected, int c)
{
	struct js_pos p = js_here(js);
	const char *flag = jz_flag(sniffed);

	if (sniffed && p.byte <= 3)
		js_error(js, p, "this looks like %s, not %s%s%s", sniffed, want,
		    flag ? ": read it with " : "", flag ? flag : "");
	else
		js_error(js, p, "expected %s, found %s", expected,
		    js_found(c));
}
