/*
 * The members of a Jaeger or Zipkin span, read with their types checked:
 * hex ids, microsecond times, strings. A member that is wrong is reported
 * at the span's position ("FILE:LINE:COL: byte N: key: what") and marks
 * the span bad; the reader then skips it (keep-going) or the run ends.
 */
#ifndef SPANPIPE_OTEL_JZFIELD_H
#define SPANPIPE_OTEL_JZFIELD_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "otel/jscan.h"

/* The span (or trace) being read. */
struct jz_at {
	struct jscan *js;
	struct js_pos pos;
	int bad;			/* something was reported */
	char in[40];			/* or "": the member being read,
					   such as "references[2]" */
};

void jz_bad(struct jz_at *at, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Member k of o, or NULL (absent, null, or o not an object). */
json_object *jz_get(json_object *o, const char *k);

/* A string member: its text, NULL when absent or bad (reported). */
const char *jz_str(struct jz_at *at, json_object *o, const char *k);

/*
 * A hex id member of len bytes (16 or 8), fewer digits left-padded:
 * 1 set, 0 absent (missing, "" or all zeros; out zeroed), -1 bad.
 */
int jz_id(struct jz_at *at, json_object *o, const char *k, uint8_t *out,
    size_t len);

/* A time member in microseconds (a JSON number, or a decimal string), to
 * nanoseconds, not negative: 1 set, 0 absent, -1 bad. */
int jz_us(struct jz_at *at, json_object *o, const char *k, int64_t *ns);

/* start + dur, 1; 0 after reporting that it passes the int64 range. */
int jz_end(struct jz_at *at, int64_t start, int64_t dur, int64_t *end);

/* What format a value that is not a span looks like: "OTLP/JSON",
 * "Jaeger JSON", "Zipkin JSON", "Chrome JSON" or NULL. */
const char *jz_looks_like(json_object *o);
/* The flag that reads fmt (a jz_looks_like or ot_sniff name), or NULL. */
const char *jz_flag(const char *fmt);

/* What the first bytes of in look like (ot_sniff), before any is read. */
const char *jz_sniff(struct ot_in *in);
/*
 * Reports byte c, where a JSON value of want ("Zipkin JSON") should
 * start: as the format sniffed when it is known and c is the first byte,
 * else as what was expected and found.
 */
void jz_not_json(struct jscan *js, const char *sniffed, const char *want,
    const char *expected, int c);

#endif
