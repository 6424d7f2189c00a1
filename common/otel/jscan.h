/*
 * A JSON cursor over an input (input.h) for the Jaeger and Zipkin readers:
 * they walk the containers that hold spans (a Zipkin span array, a Jaeger
 * {"data":[...]} envelope and a trace's spans array) byte by byte, and
 * parse each span, process map or other member whole with json-c. So a
 * file of any size is read in the memory of one span (one Jaeger trace's
 * spans while its processes are not yet known), and every span has its
 * own line and column for messages.
 */
#ifndef SPANPIPE_OTEL_JSCAN_H
#define SPANPIPE_OTEL_JSCAN_H

#include <stdint.h>

#include <json-c/json.h>

#include "otel/input.h"

struct jscan;

/* Where a value starts. */
struct js_pos {
	unsigned long line, col;
	uint64_t byte;			/* from 0, in the inflated input */
};

struct jscan *js_open(struct ot_in *in);
void js_close(struct jscan *js);
const char *js_name(const struct jscan *js);
struct js_pos js_here(const struct jscan *js);
/* "FILE:LINE:COL" of p, in a buffer of js's (valid until the next call). */
const char *js_where(struct jscan *js, struct js_pos p);

/* The next byte that is not white space, not consumed: -1 at the end. */
int js_peek(struct jscan *js);
/* Consumes the byte js_peek gave. */
void js_take(struct jscan *js);

/*
 * Reported through diag as "FILE:LINE:COL: byte N: what"; strict runs
 * end there (exit EX_DATAERR), with keep-going the caller goes on.
 */
void js_error(struct jscan *js, struct js_pos p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * One JSON value parsed whole: 1 with *obj (put it; NULL for null), or 0
 * after reporting a syntax error, a value over OT_MAXVALUE bytes or one
 * nested deeper than JS_MAXDEPTH. A span parsed within that depth keeps
 * its attributes within the args column's (ARGS_MAXDEPTH, 64) once they
 * are wrapped in the span's args: the deepest, a Zipkin remoteEndpoint
 * at level 2 of its span, ends at level 3 of the args.
 */
#define JS_MAXDEPTH 63
int js_value(struct jscan *js, json_object **obj);

/*
 * The members of a container whose opening bracket was taken: 1 when one
 * follows (the ',' before it taken; for an object, its key is in key,
 * truncated to cap bytes, and its ':' taken), 0 once close was taken, -1
 * after reporting bad syntax. *n counts the members so far (start at 0).
 */
int js_member(struct jscan *js, int close, unsigned long *n, char *key,
    size_t cap);

/* What was found, for a message: "'x'", "byte 0x01", "the end". */
const char *js_found(int c);

#endif
