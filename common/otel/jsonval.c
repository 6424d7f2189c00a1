/*
 * The top-level JSON values of an input, one at a time: JSON lines,
 * values back to back (pretty-printed or not), or the elements of a
 * top-level array. Each value is parsed by a json-c tokener fed block
 * after block, so a value may span any number of reads; memory is a block
 * plus the value being parsed, which may not exceed OT_MAXVALUE bytes of
 * text. Cost: one pass over the bytes, plus a memchr for line ends.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "otel/input.h"
#include "records/args.h"
#include "records/diag.h"

#define TOKDEPTH 200		/* OTLP nests 10 deep before any attribute */

/* Where we are in a top-level array. */
enum { A_NONE, A_VALUE, A_SEP };

struct ot_json {
	struct ot_in *in;
	char *buf;
	size_t len, pos;
	uint64_t base;			/* offset of buf[0] */
	unsigned long line;
	uint64_t linestart;
	json_tokener *tok;
	int arrays, arr, eof;
	unsigned long vline;		/* where the last value starts */
	uint64_t vbyte;
	char where[512];
};

struct ot_json *
ot_json_open(struct ot_in *in, int arrays)
{
	struct ot_json *j = xcalloc(1, sizeof(*j));

	j->in = in;
	j->arrays = arrays;
	j->buf = xmalloc(OT_BLOCK);
	j->line = 1;
	j->tok = json_tokener_new_ex(TOKDEPTH);
	if (!j->tok)
		die(EX_OSERR, "out of memory");
	json_c_locale();
	json_tokener_set_flags(j->tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return j;
}

void
ot_json_close(struct ot_json *j)
{
	if (!j)
		return;
	json_tokener_free(j->tok);
	free(j->buf);
	free(j);
}

const char *
ot_json_where(const struct ot_json *j)
{
	return j->where;
}

unsigned long
ot_json_line(const struct ot_json *j)
{
	return j->vline;
}

static int
fill(struct ot_json *j)
{
	if (j->eof)
		return 0;
	j->base += j->len;
	j->pos = 0;
	j->len = ot_in_read(j->in, j->buf, OT_BLOCK);
	if (j->len == 0)
		j->eof = 1;
	return j->len > 0;
}

static int
peekc(struct ot_json *j)
{
	if (j->pos == j->len && !fill(j))
		return -1;
	return (unsigned char)j->buf[j->pos];
}

static void
adv(struct ot_json *j, size_t n)
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
skip_ws(struct ot_json *j)
{
	int c;

	while ((c = peekc(j)) == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    (c == 0xef && j->base + j->pos == 0))
		adv(j, c == 0xef ? 3 : 1);	/* a BOM at the start */
	return c;
}

static void
mark(struct ot_json *j)
{
	j->vbyte = j->base + j->pos;
	j->vline = j->line;
	snprintf(j->where, sizeof(j->where), "%s:%lu:%" PRIu64,
	    ot_in_name(j->in), j->line, j->vbyte - j->linestart + 1);
}

static void
err_here(struct ot_json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
err_here(struct ot_json *j, const char *fmt, ...)
{
	uint64_t byte = j->base + j->pos;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_error(ot_in_name(j->in), j->line,
	    (unsigned long)(byte - j->linestart + 1), -1, "byte %" PRIu64
	    ": %s", byte, msg);
}

/* After a bad value (keep-going): on at the start of the next line. */
static void
resync(struct ot_json *j)
{
	int c;

	while ((c = peekc(j)) >= 0) {
		char *nl = memchr(j->buf + j->pos, '\n', j->len - j->pos);

		if (nl) {
			adv(j, (size_t)(nl - (j->buf + j->pos)) + 1);
			break;
		}
		adv(j, j->len - j->pos);
	}
	if (j->arr != A_NONE)
		j->arr = A_VALUE;
}

/* One value, fed buffer after buffer: 1 and *obj, or 0 after a report. */
static int
parse_value(struct ot_json *j, json_object **obj)
{
	uint64_t fed = 0;

	json_tokener_reset(j->tok);
	for (;;) {
		enum json_tokener_error e;
		json_object *o;
		size_t avail;

		if (j->pos == j->len && !fill(j)) {
			err_here(j, "unexpected end of the input inside a JSON "
			    "value (it starts at line %lu)", j->vline);
			return 0;
		}
		avail = j->len - j->pos;
		o = json_tokener_parse_ex(j->tok, j->buf + j->pos, (int)avail);
		e = json_tokener_get_error(j->tok);
		if (e == json_tokener_continue) {
			adv(j, avail);
			if ((fed += avail) > OT_MAXVALUE) {
				err_here(j, "a JSON value of more than %u MiB "
				    "(it starts at line %lu): write it as "
				    "JSON lines", OT_MAXVALUE >> 20, j->vline);
				return 0;
			}
			continue;
		}
		adv(j, json_tokener_get_parse_end(j->tok));
		if (e != json_tokener_success) {
			err_here(j, "%s", e == json_tokener_error_depth ?
			    "JSON nested too deeply" :
			    json_tokener_error_desc(e));
			return 0;
		}
		*obj = o;
		return 1;
	}
}

/* Moves past array punctuation: the next value's first byte, or -1. */
static int
next_start(struct ot_json *j)
{
	int c;

	for (;;) {
		c = skip_ws(j);
		if (j->arr == A_NONE) {
			if (c == '[' && j->arrays) {
				adv(j, 1);
				j->arr = A_VALUE;
				continue;
			}
			return c;
		}
		if (c < 0) {
			err_here(j, "the end of the input inside the top-level "
			    "array (no ']')");
			j->arr = A_NONE;
			return -1;
		}
		if (c == ']') {
			adv(j, 1);
			j->arr = A_NONE;
		} else if (c == ',' && j->arr == A_SEP) {
			adv(j, 1);
			j->arr = A_VALUE;
		} else if (j->arr == A_VALUE)
			return c;
		else {
			err_here(j, "expected ',' or ']' after an array "
			    "element");
			return -2;
		}
	}
}

int
ot_json_next(struct ot_json *j, json_object **obj)
{
	int c;

	*obj = NULL;
	if ((c = next_start(j)) == -1)
		return 0;
	mark(j);
	if (c == -2 || !parse_value(j, obj)) {
		resync(j);
		return -1;
	}
	if (j->arr == A_VALUE)
		j->arr = A_SEP;
	return 1;
}
