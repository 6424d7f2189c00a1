/*
 * Streaming the events of a Chrome trace-event JSON file, plain or gzip
 * (base/gzread.h; positions in messages are then in the inflated text).
 *
 * A small hand-written scanner walks the top level (the array, or the
 * object and its keys) through a 256 KiB read buffer, counting lines as it
 * goes; each event object is parsed by a json-c tokener fed from that
 * buffer, refilled as often as the event needs, so the event may span any
 * number of reads. The values of keys other than traceEvents and
 * displayTimeUnit (stackFrames, metadata, systemTraceEvents...) are
 * skipped without being kept: only their brackets and strings are
 * followed. Cost: one pass over the bytes; memory is the read buffer plus
 * the largest event.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/gzread.h"
#include "base/util.h"
#include "chrome/jsonev.h"
#include "records/args.h"
#include "records/diag.h"

#define RDBUF (256 * 1024)
#define MAXSKIP 4096		/* nesting followed in a skipped value */
#define MAXKEYS 200		/* bytes of other key names remembered */

enum { ST_TOP, ST_KEYS, ST_EVENTS, ST_TAIL, ST_END };

struct jev {
	int fd;
	struct gzr *gz;			/* plain or gzip input */
	char *name;
	char *buf;
	size_t len, pos;
	uint64_t base;			/* file offset of buf[0] */
	int eof;
	unsigned long line;
	uint64_t linestart;		/* file offset where line starts */
	json_tokener *tok;
	int state;
	int inobj;			/* events array inside the object form */
	int firstkey, sep, seen, arrayform, unterminated;
	struct jev_pos ev;
	char *time_unit;
	char keys[MAXKEYS + 8];
};

struct jev *
jev_open(const char *path)
{
	struct jev *j = xcalloc(1, sizeof(*j));

	if (!path || strcmp(path, "-") == 0) {
		j->fd = STDIN_FILENO;
		j->name = xstrdup("<stdin>");
	} else {
		if ((j->fd = open(path, O_RDONLY)) < 0)
			die(EX_NOINPUT, "%s:", path);
		j->name = xstrdup(path);
	}
	j->gz = gzr_open(j->fd);
	j->buf = xmalloc(RDBUF);
	j->line = 1;
	j->tok = json_tokener_new_ex(ARGS_MAXDEPTH + 1);
	if (!j->tok)
		die(EX_OSERR, "out of memory");
	json_c_locale();
	/*
	 * Not strict: trailing commas in objects and arrays and control
	 * characters in strings are read, as Perfetto's importer reads them
	 * (json-c also takes single quotes, comments and leading zeros, which
	 * Perfetto refuses). Trailing characters are the next event's.
	 */
	json_tokener_set_flags(j->tok, JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return j;
}

void
jev_close(struct jev *j)
{
	if (!j)
		return;
	if (j->fd != STDIN_FILENO)
		close(j->fd);
	gzr_close(j->gz);
	json_tokener_free(j->tok);
	free(j->time_unit);
	free(j->buf);
	free(j->name);
	free(j);
}

const char *
jev_name(const struct jev *j)
{
	return j->name;
}

struct jev_pos
jev_where(const struct jev *j)
{
	return j->ev;
}

const char *
jev_time_unit(const struct jev *j)
{
	return j->time_unit;
}

const char *
jev_other_keys(const struct jev *j)
{
	return j->keys;
}

int
jev_unterminated(const struct jev *j)
{
	return j->unterminated;
}

int
jev_array_form(const struct jev *j)
{
	return j->arrayform;
}

static struct jev_pos here(const struct jev *j);
static void err_at(const struct jev *j, struct jev_pos p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads more input once the buffer is used up: 0 at the end. */
static int
fill(struct jev *j)
{
	ssize_t k;

	if (j->eof)
		return 0;
	j->base += j->len;
	j->len = j->pos = 0;
	k = gzr_read(j->gz, j->buf, RDBUF);
	if (k == -1)
		die(EX_IOERR, "%s:", j->name);
	if (k == -2) {
		/* what inflated before the fault is read; no more is */
		j->eof = 1;
		err_at(j, here(j), "%s", gzr_fault(j->gz));
		return 0;
	}
	if (k == 0)
		j->eof = 1;
	j->len = (size_t)k;
	return k > 0;
}

static int
peekc(struct jev *j)
{
	if (j->pos == j->len && !fill(j))
		return -1;
	return (unsigned char)j->buf[j->pos];
}

/* Moves past n buffered bytes, counting the lines they end. */
static void
adv(struct jev *j, size_t n)
{
	const char *p = j->buf + j->pos, *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		j->line++;
		j->linestart = j->base + (uint64_t)(nl - j->buf) + 1;
		p = nl + 1;
	}
	j->pos += n;
}

static int
skip_ws(struct jev *j)
{
	int c;

	while ((c = peekc(j)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		adv(j, 1);
	return c;
}

static struct jev_pos
here(const struct jev *j)
{
	struct jev_pos p;

	p.byte = j->base + j->pos;
	p.line = j->line;
	p.col = (unsigned long)(p.byte - j->linestart) + 1;
	return p;
}

static void
err_at(const struct jev *j, struct jev_pos p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_error(j->name, p.line, p.col, -1, "byte %" PRIu64 ": %s", p.byte,
	    msg);
}

/* What was found instead, for a message. */
static const char *
found(int c)
{
	static char s[16];

	if (c < 0)
		return "the end of the input";
	if (c > ' ' && c < 127)
		snprintf(s, sizeof(s), "'%c'", c);
	else
		snprintf(s, sizeof(s), "byte 0x%02x", (unsigned)c);
	return s;
}

/* One JSON value with the tokener, fed buffer after buffer: 1 and *obj,
 * or 0 after reporting what is wrong. */
static int
parse_value(struct jev *j, json_object **obj)
{
	json_tokener_reset(j->tok);
	for (;;) {
		enum json_tokener_error e;
		json_object *o;
		size_t avail, end;

		if (j->pos == j->len && !fill(j)) {
			err_at(j, here(j), "unexpected end of the input inside "
			    "a value");
			return 0;
		}
		avail = j->len - j->pos;
		if (avail > INT_MAX)
			avail = INT_MAX;
		o = json_tokener_parse_ex(j->tok, j->buf + j->pos, (int)avail);
		e = json_tokener_get_error(j->tok);
		if (e == json_tokener_continue) {
			adv(j, avail);
			continue;
		}
		end = json_tokener_get_parse_end(j->tok);
		adv(j, end);
		if (e != json_tokener_success) {
			err_at(j, here(j), "%s", e == json_tokener_error_depth ?
			    "JSON nested too deeply" : json_tokener_error_desc(e));
			return 0;
		}
		*obj = o;
		return 1;
	}
}

/* Past a string whose opening quote is at pos: 0 if it never ends. */
static int
skip_string(struct jev *j, char *copy, size_t cap)
{
	size_t n = 0;
	int c, esc = 0;

	adv(j, 1);
	while ((c = peekc(j)) >= 0) {
		adv(j, 1);
		if (!esc && c == '"') {
			if (copy)
				copy[n < cap ? n : cap - 1] = '\0';
			return 1;
		}
		esc = !esc && c == '\\';
		if (copy && n < cap)
			copy[n++] = (char)c;
	}
	err_at(j, here(j), "unexpected end of the input inside a string");
	return 0;
}

/* Past one value of a key we do not read, following only its strings and
 * brackets: 0 after reporting what is wrong. */
static int
skip_value(struct jev *j)
{
	char open[MAXSKIP];
	size_t depth = 0;
	int c;

	while ((c = peekc(j)) >= 0) {
		if (c == '"') {
			if (!skip_string(j, NULL, 0))
				return 0;
			if (depth == 0)
				return 1;
			continue;
		}
		if (depth == 0 && (c == ',' || c == '}' || c == ']'))
			return 1;
		if (c == '{' || c == '[') {
			if (depth == MAXSKIP) {
				err_at(j, here(j), "JSON nested too deeply");
				return 0;
			}
			open[depth++] = c == '{' ? '}' : ']';
		} else if (c == '}' || c == ']') {
			if (c != open[depth - 1]) {
				err_at(j, here(j), "expected '%c', found '%c'",
				    open[depth - 1], c);
				return 0;
			}
			if (--depth == 0) {
				adv(j, 1);
				return 1;
			}
		}
		adv(j, 1);
	}
	err_at(j, here(j), "unexpected end of the input inside a value");
	return 0;
}

static void
note_key(struct jev *j, const char *key)
{
	size_t n = strlen(j->keys), k = strlen(key);

	if (n >= MAXKEYS)
		return;
	if (n + k + 2 > MAXKEYS) {
		strcpy(j->keys + n, n ? ", ..." : "...");
		return;
	}
	snprintf(j->keys + n, sizeof(j->keys) - n, "%s%s", n ? ", " : "", key);
}

static void
time_unit(struct jev *j)
{
	json_object *o;

	if (!parse_value(j, &o))
		return;
	if (json_object_is_type(o, json_type_string)) {
		free(j->time_unit);
		j->time_unit = xstrdup(json_object_get_string(o));
	} else {
		warnmsg("%s: warning: displayTimeUnit is not a string; ignored",
		    j->name);
	}
	json_object_put(o);
}

/* After an error among the events: on at the next '{' that follows a ','
 * or a '[', a guess at the next event. */
static void
resync(struct jev *j)
{
	int c, last = 0;

	while ((c = peekc(j)) >= 0) {
		if (c == '{' && (last == ',' || last == '[')) {
			j->state = ST_EVENTS;
			j->sep = 0;
			return;
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			last = c;
		adv(j, 1);
	}
	j->state = ST_END;
}

static void
start(struct jev *j)
{
	int c;

	if (j->len == 0 && fill(j) && j->len >= 3 &&
	    memcmp(j->buf, "\xef\xbb\xbf", 3) == 0)
		j->pos = 3;		/* a UTF-8 byte order mark */
	c = skip_ws(j);
	if (c == '[' || c == '{') {
		adv(j, 1);
		j->arrayform = c == '[';
		j->state = c == '[' ? ST_EVENTS : ST_KEYS;
		j->firstkey = 1;
		return;
	}
	err_at(j, here(j), "expected '[' or '{' to begin a trace, found %s",
	    found(c));
	j->state = ST_END;
}

/* One key of the object form and its value. */
static void
key(struct jev *j)
{
	char k[64];
	int c = skip_ws(j);

	if (!j->firstkey && c == ',') {
		adv(j, 1);
		c = skip_ws(j);
	} else if (c == '}') {
		adv(j, 1);
		j->state = ST_TAIL;
		if (!j->seen)
			err_at(j, here(j), "no traceEvents key in the object");
		return;
	} else if (!j->firstkey) {
		err_at(j, here(j), "expected ',' or '}' after a value, found "
		    "%s", found(c));
		j->state = ST_END;
		return;
	}
	j->firstkey = 0;
	j->state = ST_END;		/* unless all goes well */
	if (c != '"') {
		err_at(j, here(j), "expected a key in quotes, found %s",
		    found(c));
		return;
	}
	if (!skip_string(j, k, sizeof(k)))
		return;
	if ((c = skip_ws(j)) != ':') {
		err_at(j, here(j), "expected ':' after the key, found %s",
		    found(c));
		return;
	}
	j->state = ST_KEYS;
	adv(j, 1);
	c = skip_ws(j);
	if (strcmp(k, "traceEvents") == 0) {
		if (c != '[') {
			err_at(j, here(j), "traceEvents: expected '[', found "
			    "%s", found(c));
			j->state = ST_END;
			return;
		}
		adv(j, 1);
		j->state = ST_EVENTS;
		j->inobj = j->seen = 1;
	} else if (strcmp(k, "displayTimeUnit") == 0) {
		time_unit(j);
	} else {
		note_key(j, k);
		if (!skip_value(j))
			j->state = ST_END;
	}
}

static void
close_events(struct jev *j)
{
	adv(j, 1);
	j->state = j->inobj ? ST_KEYS : ST_TAIL;
}

/* In the events array: 1 with an event, 0 when there is none here. */
static int
event(struct jev *j, json_object **obj)
{
	int c = skip_ws(j);

	if (c < 0) {
		if (j->inobj)
			err_at(j, here(j), "unexpected end of the input in "
			    "traceEvents: expected %s", j->sep ? "',' or ']'" :
			    "an event");
		j->unterminated = !j->inobj;
		j->state = ST_END;
		return 0;
	}
	if (j->sep) {
		if (c == ',') {
			adv(j, 1);
			j->sep = 0;
		} else if (c == ']') {
			close_events(j);
		} else {
			err_at(j, here(j), "expected ',' or ']' after an event, "
			    "found %s", found(c));
			resync(j);
		}
		return 0;
	}
	if (c == ']') {		/* after a trailing comma too, as Perfetto */
		close_events(j);
		return 0;
	}
	j->ev = here(j);
	if (!parse_value(j, obj)) {
		resync(j);
		return 0;
	}
	j->sep = 1;
	if (json_object_is_type(*obj, json_type_object))
		return 1;
	json_object_put(*obj);
	err_at(j, j->ev, "an event must be a JSON object");
	return 0;
}

int
jev_next(struct jev *j, json_object **obj)
{
	int c;

	for (;;) {
		switch (j->state) {
		case ST_TOP:
			start(j);
			break;
		case ST_KEYS:
			key(j);
			break;
		case ST_EVENTS:
			if (event(j, obj))
				return 1;
			break;
		case ST_TAIL:
			if ((c = skip_ws(j)) >= 0)
				err_at(j, here(j), "text after the end of the "
				    "trace: %s", found(c));
			j->state = ST_END;
			break;
		default:
			return 0;
		}
	}
}
