/*
 * Zipkin v2 JSON in (span-fetch --zipkin): a span array (ListOfSpans), an
 * array of such arrays (ListOfTraces), or spans and arrays one after
 * another (JSON lines); plain or gzip. How spans, annotations, tags and
 * shared spans become spans of the mapper (span.h) is in span-fetch(1).
 */
#ifndef SPANPIPE_OTEL_ZIPKIN_H
#define SPANPIPE_OTEL_ZIPKIN_H

#include "otel/input.h"
#include "otel/span.h"

/*
 * Reads in (input.h) into im. Returns 0, or
 * EX_DATAERR when the file is another format (said on stderr) or a JSON
 * error stopped the reading (keep-going; strict runs exit there).
 */
int zipkin_read(struct ot_import *im, struct ot_in *in);

/* Reads path ("-" or NULL: standard input) through the mapper into
 * records: the exit status of span-fetch. */
int zipkin_import(const char *path);

#endif
