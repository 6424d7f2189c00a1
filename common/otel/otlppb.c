/*
 * OTLP protobuf in: a bare TracesData (or ExportTraceServiceRequest: the
 * same message), or the Collector file exporter's proto format, each
 * message preceded by its length as 4 bytes big-endian. Both are read one
 * ResourceSpans at a time (field 1 of the message), decoded by protobuf-c
 * with proto/otlp_trace.proto, so memory is one ResourceSpans (a framed
 * message is held whole: at most OT_MAXVALUE bytes). Before decoding, the
 * nesting of its length-delimited fields is checked, since protobuf-c
 * recurses once per level.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "otel/input.h"
#include "otel/otlp.h"
#include "records/diag.h"
#include "otlp_trace.pb-c.h"

#define MAXDEPTH (3 * OT_MAXNEST + 12)

typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Trace__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Trace__V1__AnyValue AnyValue;

struct pbc {
	struct ot_import *im;
	struct ot_in *in;
	char where[600];
	uint64_t off;			/* where the ResourceSpans starts */
	unsigned long nmsg;
};

static int
varint(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
	*v = 0;
	for (int s = 0; s < 64 && *i < n; s += 7) {
		uint8_t b = p[(*i)++];

		*v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			return 1;
	}
	return 0;
}

/* Whether p holds fields nested deeper than depth allows (a field that
 * does not parse as a message counts as a leaf). -1: not a message. */
static int
too_deep(const uint8_t *p, size_t n, int depth)
{
	size_t i = 0;
	uint64_t tag, v;

	while (i < n) {
		if (!varint(p, n, &i, &tag) || (tag >> 3) == 0)
			return -1;
		switch (tag & 7) {
		case 0:
			if (!varint(p, n, &i, &v))
				return -1;
			break;
		case 1:
			i += 8;
			break;
		case 5:
			i += 4;
			break;
		case 2:
			if (!varint(p, n, &i, &v) || v > n - i)
				return -1;
			if (depth == 0)
				return 1;
			if (too_deep(p + i, (size_t)v, depth - 1) == 1)
				return 1;
			i += (size_t)v;
			break;
		default:
			return -1;
		}
		if (i > n)
			return -1;
	}
	return 0;
}

static json_object *kvs(KeyValue **kv, size_t n, int depth);

static json_object *
anyval(const AnyValue *v, int depth)
{
	json_object *a;
	char *b;
	size_t k;

	if (!v || depth > OT_MAXNEST)
		return NULL;
	switch (v->value_case) {
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_STRING_VALUE:
		return json_object_new_string(v->string_value);
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_BOOL_VALUE:
		return json_object_new_boolean(v->bool_value);
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_INT_VALUE:
		return json_object_new_int64(v->int_value);
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
		return json_object_new_double(v->double_value);
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
		a = json_object_new_array();
		for (k = 0; v->array_value && k < v->array_value->n_values; k++)
			json_object_array_add(a,
			    anyval(v->array_value->values[k], depth + 1));
		return a;
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
		if (!v->kvlist_value)
			return NULL;
		return kvs(v->kvlist_value->values,
		    v->kvlist_value->n_values, depth + 1);
	case OPENTELEMETRY__PROTO__TRACE__V1__ANY_VALUE__VALUE_BYTES_VALUE:
		/* as the JSON form has them: base64 */
		b = xmalloc(4 * (v->bytes_value.len / 3 + 1) + 1);
		{
			static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789+/";
			const uint8_t *s = v->bytes_value.data;
			size_t n = v->bytes_value.len, o = 0;

			for (k = 0; k < n; k += 3) {
				uint32_t w = (uint32_t)s[k] << 16 |
				    (k + 1 < n ? (uint32_t)s[k + 1] << 8 : 0) |
				    (k + 2 < n ? s[k + 2] : 0);

				b[o++] = t[w >> 18 & 63];
				b[o++] = t[w >> 12 & 63];
				b[o++] = k + 1 < n ? t[w >> 6 & 63] : '=';
				b[o++] = k + 2 < n ? t[w & 63] : '=';
			}
			b[o] = '\0';
		}
		a = json_object_new_string(b);
		free(b);
		return a;
	default:
		return NULL;
	}
}

static json_object *
kvs(KeyValue **kv, size_t n, int depth)
{
	json_object *o;

	if (!n)
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; i < n; i++)
		if (kv[i]->key)
			json_object_object_add(o, kv[i]->key,
			    anyval(kv[i]->value, depth));
	return o;
}

/* An id of len bytes: 1, 0 when empty or zero, -1 when of another size. */
static int
pbid(ProtobufCBinaryData d, uint8_t *out, size_t len)
{
	memset(out, 0, len);
	if (d.len == 0)
		return 0;
	if (d.len != len)
		return -1;
	memcpy(out, d.data, len);
	for (size_t i = 0; i < len; i++)
		if (out[i])
			return 1;
	return 0;
}

static int64_t
pbtime(uint64_t t)
{
	return t == 0 ? OT_NOTIME : t > (uint64_t)INT64_MAX ? -1 : (int64_t)t;
}

static void
span(struct pbc *c, const struct ot_res *res, const Span *sp,
    struct ot_event *ev, struct ot_link *ln)
{
	struct ot_span s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.res = *res;
	if (pbid(sp->trace_id, s.trace_id, 16) <= 0 ||
	    pbid(sp->span_id, s.span_id, 8) <= 0) {
		ot_bad(c->where, "span '%s': trace_id of %zu bytes, span_id of "
		    "%zu bytes: expected 16 and 8, not zero", sp->name ?
		    sp->name : "", sp->trace_id.len, sp->span_id.len);
		ot_note(c->im, OT_N_BADSPAN);
		return;
	}
	s.has_parent = pbid(sp->parent_span_id, s.parent_id, 8) > 0;
	s.name = sp->name;
	s.kind = sp->kind;
	s.status = sp->status ? sp->status->code : 0;
	s.status_msg = sp->status ? sp->status->message : NULL;
	s.start = pbtime(sp->start_time_unix_nano);
	s.end = pbtime(sp->end_time_unix_nano);
	s.attrs = kvs(sp->attributes, sp->n_attributes, 0);
	for (i = 0; i < sp->n_events; i++) {
		ev[i].name = sp->events[i]->name;
		ev[i].ts = pbtime(sp->events[i]->time_unix_nano);
		ev[i].attrs = kvs(sp->events[i]->attributes,
		    sp->events[i]->n_attributes, 0);
	}
	for (i = 0; i < sp->n_links; i++) {
		if (pbid(sp->links[i]->trace_id, ln[s.nlinks].trace_id, 16) <= 0 ||
		    pbid(sp->links[i]->span_id, ln[s.nlinks].span_id, 8) <= 0)
			continue;
		ln[s.nlinks++].attrs = kvs(sp->links[i]->attributes,
		    sp->links[i]->n_attributes, 0);
	}
	s.events = ev;
	s.nevents = sp->n_events;
	s.links = ln;
	ot_span(c->im, &s, c->where);
	json_object_put(s.attrs);
	for (i = 0; i < s.nevents; i++)
		json_object_put(ev[i].attrs);
	for (i = 0; i < s.nlinks; i++)
		json_object_put(ln[i].attrs);
}

static void
scope_spans(struct pbc *c, struct ot_res *res, ScopeSpans **ss, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		res->scope = ss[i]->scope && ss[i]->scope->name &&
		    *ss[i]->scope->name ? ss[i]->scope->name : NULL;
		for (size_t k = 0; k < ss[i]->n_spans; k++) {
			const Span *sp = ss[i]->spans[k];
			struct ot_event *ev = xcalloc(sp->n_events + 1,
			    sizeof(*ev));
			struct ot_link *ln = xcalloc(sp->n_links + 1,
			    sizeof(*ln));

			span(c, res, sp, ev, ln);
			free(ev);
			free(ln);
		}
	}
}

/* One ResourceSpans message of n bytes at p. */
static void
resource_spans(struct pbc *c, const uint8_t *p, size_t n)
{
	ResourceSpans *rs;
	struct ot_res res;
	char inst[64];
	json_object *a;

	snprintf(c->where, sizeof(c->where), "%s:1:%" PRIu64,
	    ot_in_name(c->in), c->off + 1);
	if (too_deep(p, n, MAXDEPTH) == 1) {
		ot_bad(c->where, "byte %" PRIu64 ": ResourceSpans nested more "
		    "than %d levels deep", c->off, MAXDEPTH);
		ot_note(c->im, OT_N_BADLINE);
		return;
	}
	rs = opentelemetry__proto__trace__v1__resource_spans__unpack(NULL, n, p);
	if (!rs) {
		ot_bad(c->where, "byte %" PRIu64 ": %zu bytes that are not an "
		    "OTLP ResourceSpans message", c->off, n);
		ot_note(c->im, OT_N_BADLINE);
		return;
	}
	memset(&res, 0, sizeof(res));
	a = rs->resource ? kvs(rs->resource->attributes,
	    rs->resource->n_attributes, 0) : NULL;
	otlp_res(a, &res, inst, sizeof(inst));
	res.resource = a;
	scope_spans(c, &res, rs->scope_spans, rs->n_scope_spans);
	scope_spans(c, &res, rs->instrumentation_library_spans,
	    rs->n_instrumentation_library_spans);
	json_object_put(a);
	opentelemetry__proto__trace__v1__resource_spans__free_unpacked(rs, NULL);
}

/* The fields of a TracesData held in memory at p (a framed message). */
static void
traces_mem(struct pbc *c, const uint8_t *p, size_t n, uint64_t base)
{
	size_t i = 0;
	uint64_t tag, v;

	while (i < n) {
		size_t at = i;

		if (!varint(p, n, &i, &tag))
			goto bad;
		if ((tag & 7) == 2) {
			if (!varint(p, n, &i, &v) || v > n - i)
				goto bad;
			c->off = base + i;
			if (tag >> 3 == 1)
				resource_spans(c, p + i, (size_t)v);
			i += (size_t)v;
		} else if ((tag & 7) == 0) {
			if (!varint(p, n, &i, &v))
				goto bad;
		} else if ((tag & 7) == 1 || (tag & 7) == 5)
			i += (tag & 7) == 1 ? 8 : 4;
		else
			goto bad;
		if (i > n)
			goto bad;
		continue;
bad:
		snprintf(c->where, sizeof(c->where), "%s:1:%" PRIu64,
		    ot_in_name(c->in), base + at + 1);
		ot_bad(c->where, "byte %" PRIu64 ": not a protobuf field of "
		    "a TracesData message", base + at);
		ot_note(c->im, OT_N_BADLINE);
		return;
	}
}

/* The Collector's proto format: [u32 BE length][message]... */
static void
framed(struct pbc *c)
{
	uint8_t hdr[4], *buf = NULL;
	size_t got;
	uint64_t off = 0;

	while (ot_in_full(c->in, hdr, 4, &got)) {
		uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		    (uint32_t)hdr[2] << 8 | hdr[3];

		snprintf(c->where, sizeof(c->where), "%s:1:%" PRIu64,
		    ot_in_name(c->in), off + 1);
		if (len > OT_MAXVALUE) {
			ot_bad(c->where, "byte %" PRIu64 ": a message of %" PRIu32
			    " bytes (at most %u MiB)", off, len,
			    OT_MAXVALUE >> 20);
			break;
		}
		buf = xrealloc(buf, len ? len : 1);
		if (!ot_in_full(c->in, buf, len, &got)) {
			ot_bad(c->where, "byte %" PRIu64 ": message %lu is cut "
			    "short: %zu of %" PRIu32 " bytes", off, c->nmsg + 1,
			    got, len);
			break;
		}
		traces_mem(c, buf, len, off + 4);
		off += 4 + (uint64_t)len;
		c->nmsg++;
	}
	if (got && got < 4) {
		snprintf(c->where, sizeof(c->where), "%s:1:%" PRIu64,
		    ot_in_name(c->in), off + 1);
		ot_bad(c->where, "byte %" PRIu64 ": %zu bytes left after the "
		    "last message, too few for a length", off, got);
	}
	free(buf);
}

/* A bare TracesData, streamed: each field read as it comes. */
static void
bare(struct pbc *c)
{
	uint8_t *buf = NULL, b;
	uint64_t off = 0, tag, len;
	size_t got;

	for (;;) {
		uint64_t at = off;
		int s;

		/* the tag and the length, byte by byte */
		for (tag = 0, s = 0; ot_in_full(c->in, &b, 1, &got); s += 7) {
			off++;
			tag |= (uint64_t)(b & 0x7f) << (s < 63 ? s : 63);
			if (!(b & 0x80))
				break;
		}
		if (!got)
			break;
		snprintf(c->where, sizeof(c->where), "%s:1:%" PRIu64,
		    ot_in_name(c->in), at + 1);
		if ((tag & 7) != 2 || tag >> 3 == 0) {
			ot_bad(c->where, "byte %" PRIu64 ": not a field of a "
			    "TracesData message (tag 0x%" PRIx64 ")", at, tag);
			break;
		}
		for (len = 0, s = 0; ot_in_full(c->in, &b, 1, &got); s += 7) {
			off++;
			len |= (uint64_t)(b & 0x7f) << (s < 63 ? s : 63);
			if (!(b & 0x80))
				break;
		}
		if (!got || len > OT_MAXVALUE) {
			ot_bad(c->where, "byte %" PRIu64 ": %s", at, got ?
			    "a ResourceSpans of more than OT_MAXVALUE bytes" :
			    "the input ends inside a field");
			break;
		}
		buf = xrealloc(buf, len ? (size_t)len : 1);
		if (!ot_in_full(c->in, buf, (size_t)len, &got)) {
			ot_bad(c->where, "byte %" PRIu64 ": the input ends inside "
			    "a field: %zu of %" PRIu64 " bytes", at, got, len);
			break;
		}
		c->off = off;
		if (tag >> 3 == 1)
			resource_spans(c, buf, (size_t)len);
		off += len;
	}
	free(buf);
}

void
otlp_pb(struct ot_in *in, struct ot_import *im)
{
	struct pbc c;
	const uint8_t *h;
	size_t n;

	memset(&c, 0, sizeof(c));
	c.im = im;
	c.in = in;
	h = ot_in_head(in, 5, &n);
	if (n >= 5 && h[0] == 0 && h[4] == 0x0a)
		framed(&c);
	else if (n && h[0] == 0x0a)
		bare(&c);
	else {
		const char *looks = ot_sniff(h, n);

		pos_error(ot_in_name(in), 1, 1, -1, "this is not OTLP/JSON or "
		    "OTLP protobuf%s%s", looks ? ": it looks like " : "",
		    looks ? looks : "");
	}
}
