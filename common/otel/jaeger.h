/*
 * Jaeger JSON in (span-fetch --jaeger): the query API's and the UI's
 * "Download JSON" envelope {"data":[trace...]}, a bare trace object
 * {"traceID","spans","processes"}, an array of traces, or any of these
 * one after another (JSON lines); plain or gzip. How spans, tags, logs and
 * references become spans of the mapper (span.h) is in span-fetch(1).
 */
#ifndef SPANPIPE_OTEL_JAEGER_H
#define SPANPIPE_OTEL_JAEGER_H

#include "otel/input.h"
#include "otel/span.h"

/*
 * Reads in (input.h) into im. Returns 0, or
 * EX_DATAERR when the file is another format (said on stderr) or a JSON
 * error stopped the reading (keep-going; strict runs exit there).
 */
int jaeger_read(struct ot_import *im, struct ot_in *in);

/* Reads path ("-" or NULL: standard input) through the mapper into
 * records: the exit status of span-fetch. */
int jaeger_import(const char *path);

#endif
