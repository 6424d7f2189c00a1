/*
 * The neutral span model shared by the OpenTelemetry (OTLP), Jaeger and
 * Zipkin readers, and the mapping of spans, logs and metric samples to
 * records (map.c): a reader fills one struct ot_span at a time and hands
 * it to ot_span(); ot_close() writes the records in time order (through
 * the external sort, in bounded memory) and prints what it counted.
 * See span-fetch(1) and spanpipe-records(5) for the mapping itself.
 */
#ifndef SPANPIPE_OTEL_SPAN_H
#define SPANPIPE_OTEL_SPAN_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define OT_NOTIME INT64_MIN	/* a time that is absent */

struct ot_import;		/* the mapper: a run's processes, spans, sort */

/* Where a span, log or sample comes from: becomes a process. */
struct ot_res {
	const char *service;		/* service.name; NULL: "unknown_service" */
	const char *instance;		/* tells instances apart (service.instance.id,
					   host.name, process.pid, ...), or NULL */
	json_object *resource;		/* resource attributes (object) or NULL:
					   process labels */
	const char *scope;		/* instrumentation scope name, or NULL:
					   the category */
};

struct ot_event {
	const char *name;
	int64_t ts;			/* ns since the epoch */
	json_object *attrs;		/* object or NULL */
};

struct ot_link {
	uint8_t trace_id[16], span_id[8];
	json_object *attrs;		/* object or NULL */
};

/* OTLP SpanKind and StatusCode numbers. */
enum { OT_KIND_UNSPECIFIED, OT_KIND_INTERNAL, OT_KIND_SERVER,
	OT_KIND_CLIENT, OT_KIND_PRODUCER, OT_KIND_CONSUMER };
enum { OT_STATUS_UNSET, OT_STATUS_OK, OT_STATUS_ERROR };

struct ot_span {
	struct ot_res res;
	uint8_t trace_id[16], span_id[8], parent_id[8];
	int has_parent;
	const char *name;
	int kind;			/* OTLP SpanKind numbers 0..5 */
	int status;			/* OTLP StatusCode 0 unset, 1 ok, 2 error */
	const char *status_msg;		/* or NULL */
	int64_t start, end;		/* ns since the epoch; OT_NOTIME: absent */
	json_object *attrs;		/* object or NULL */
	/* Or, instead of attrs, the attributes already as JSON object text
	 * (attrs_json, attrs_len) with the source location found in them
	 * (file or NULL, line or 0): a reader that writes the text directly
	 * saves building and serializing the object. */
	const char *attrs_json;
	size_t attrs_len;
	const char *file;
	int64_t line;
	const struct ot_event *events;
	size_t nevents;
	const struct ot_link *links;
	size_t nlinks;
	int shared;			/* Zipkin: the server half of a shared
					   span id */
};

/* A log record: on its span's lane when it has a span context, else an
 * instant on the process. */
struct ot_log {
	struct ot_res res;
	uint8_t trace_id[16], span_id[8];
	int has_span;
	const char *name;		/* event name, or the body as text, or NULL */
	const char *severity;		/* severity text, or NULL */
	int64_t ts;			/* OT_NOTIME: absent */
	json_object *body;		/* any JSON value, or NULL */
	json_object *attrs;		/* object or NULL */
};

/* One sample of a gauge or a sum: a counter track per (process, metric
 * name, attribute set). */
struct ot_sample {
	struct ot_res res;
	const char *metric;
	const char *unit;		/* or NULL */
	json_object *attrs;		/* the data point's attributes, or NULL */
	int64_t ts;
	double value;
	int64_t ivalue;
	int isint;			/* ivalue holds the exact value */
};

/* What a reader skipped or met, counted into the summary. */
enum ot_note {
	OT_N_BADSPAN,		/* a span skipped as malformed */
	OT_N_BADLINE,		/* a line or message skipped as malformed */
	OT_N_HISTOGRAM,		/* histogram, exp. histogram, summary points */
	OT_N_METRIC_NOVALUE,	/* a data point without a value */
	OT_N_OTHER_SIGNAL,	/* a line of a kind this reader does not map */
	OT_NNOTES
};

/*
 * Bad input at where ("FILE:LINE:COL"), through diag (records/diag.h):
 * fatal (EX_DATAERR) unless keep-going, when it is counted and the
 * caller skips what was bad.
 */
void ot_bad(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fmtname: "otlp", "jaeger" or "zipkin", for messages. */
struct ot_import *ot_open(const char *fmtname);
/* The input's name, for the summary (else fmtname). */
void ot_input(struct ot_import *im, const char *name);
/*
 * Takes one span; keeps copies of what it needs (the caller frees its
 * own). where names the position for messages ("spans.json:1:2345").
 */
void ot_span(struct ot_import *im, const struct ot_span *s, const char *where);
void ot_log(struct ot_import *im, const struct ot_log *l, const char *where);
void ot_sample(struct ot_import *im, const struct ot_sample *m,
    const char *where);
void ot_note(struct ot_import *im, enum ot_note n);
/*
 * Writes all records (sorted), prints the count summary on stderr, frees;
 * returns the exit status (0, or EX_DATAERR if anything was skipped as bad
 * under --keep-going).
 */
int ot_close(struct ot_import *im);

#endif
