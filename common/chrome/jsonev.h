/*
 * The events of a Chrome trace-event JSON file, one object at a time: the
 * JSON array form, its unterminated variant (no closing ']', as a tracer
 * that was killed leaves it), and the object form, whose traceEvents array
 * may come after other keys. Memory holds one event, never the file.
 */
#ifndef SPANPIPE_JSONEV_H
#define SPANPIPE_JSONEV_H

#include <stdint.h>

#include <json-c/json.h>

struct jev;

/* Opens path ("-" or NULL: standard input). Exits EX_NOINPUT if it can't. */
struct jev *jev_open(const char *path);
void jev_close(struct jev *j);
const char *jev_name(const struct jev *j);

/*
 * The next event: 1 with *obj set (the caller puts it), 0 at the end.
 * Malformed JSON is reported through diag as
 * "FILE:LINE:COL: byte N: what was expected"; with diag_keep_going the
 * reader goes on at the next '{' that follows a ',' (or gives up, outside
 * the events array).
 */
int jev_next(struct jev *j, json_object **obj);

/* Where the event last returned starts. */
struct jev_pos {
	unsigned long line, col;
	uint64_t byte;			/* from 0 */
};
struct jev_pos jev_where(const struct jev *j);

/* What the file said besides its events, once jev_next gave 0. */
const char *jev_time_unit(const struct jev *j);	/* displayTimeUnit or NULL */
const char *jev_other_keys(const struct jev *j); /* "k1, k2" or "" */
int jev_unterminated(const struct jev *j);	/* array lacked its ']' */
int jev_array_form(const struct jev *j);

#endif
