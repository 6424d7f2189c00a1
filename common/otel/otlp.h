/*
 * OpenTelemetry OTLP files to records, as span-fetch --otlp reads them:
 * OTLP/JSON in its dialects (otlp.c) and OTLP protobuf (otlppb.c), told
 * apart by content. The mapping is in span-fetch(1).
 */
#ifndef SPANPIPE_OTEL_OTLP_H
#define SPANPIPE_OTEL_OTLP_H

#include <json-c/json.h>

#include "otel/input.h"
#include "otel/span.h"

#define OT_MAXNEST 32		/* attribute values nested deeper are refused */

/*
 * Reads path ("-" or NULL: standard input) and writes the record header
 * and the records. Returns the exit status: 0, or EX_DATAERR when bad
 * input was skipped (keep-going); strict errors exit EX_DATAERR.
 */
int otlp_import(const char *path);

/* otlppb.c: the protobuf forms, from in (the mapper is open). */
void otlp_pb(struct ot_in *in, struct ot_import *im);

/* otlp.c, shared with otlppb.c: service, instance from resource
 * attributes (an object). */
void otlp_res(json_object *attrs, struct ot_res *res, char *inst,
    size_t cap);

#endif
