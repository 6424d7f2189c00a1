/*
 * The JSON cursor of jscan.h: a read buffer of OT_BLOCK bytes filled from
 * the input, a line count kept as bytes are consumed, and a json-c
 * tokener fed from the buffer, refill after refill, for each value parsed
 * whole. Cost: one pass over the bytes; memory is the buffer plus the
 * value being parsed.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "otel/jscan.h"
#include "records/args.h"
#include "records/diag.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define JS_DEPTH_TEXT XSTR(JS_MAXDEPTH)

struct jscan {
	struct ot_in *in;
	char *buf;
	size_t len, pos;
	uint64_t base;			/* offset of buf[0] */
	int eof;
	unsigned long line;
	uint64_t linestart;		/* offset where the line starts */
	json_tokener *tok;
	char where[512];
};

struct jscan *
js_open(struct ot_in *in)
{
	struct jscan *js = xcalloc(1, sizeof(*js));

	js->in = in;
	js->buf = xmalloc(OT_BLOCK);
	js->line = 1;
	if (!(js->tok = json_tokener_new_ex(JS_MAXDEPTH)))
		die(EX_OSERR, "out of memory");
	json_c_locale();
	json_tokener_set_flags(js->tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return js;
}

void
js_close(struct jscan *js)
{
	if (!js)
		return;
	json_tokener_free(js->tok);
	free(js->buf);
	free(js);
}

const char *
js_name(const struct jscan *js)
{
	return ot_in_name(js->in);
}

struct js_pos
js_here(const struct jscan *js)
{
	struct js_pos p;

	p.byte = js->base + js->pos;
	p.line = js->line;
	p.col = (unsigned long)(p.byte - js->linestart) + 1;
	return p;
}

const char *
js_where(struct jscan *js, struct js_pos p)
{
	snprintf(js->where, sizeof(js->where), "%s:%lu:%lu", js_name(js),
	    p.line, p.col);
	return js->where;
}

void
js_error(struct jscan *js, struct js_pos p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_error(js_name(js), p.line, p.col, -1, "byte %" PRIu64 ": %s",
	    p.byte, msg);
}

const char *
js_found(int c)
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

/* More input once the buffer is used up: 0 at the end. */
static int
fill(struct jscan *js)
{
	size_t k;

	if (js->eof)
		return 0;
	js->base += js->len;
	js->len = js->pos = 0;
	if ((k = ot_in_read(js->in, js->buf, OT_BLOCK)) == 0)
		js->eof = 1;
	js->len = k;
	return k > 0;
}

static int
peekc(struct jscan *js)
{
	if (js->pos == js->len && !fill(js))
		return -1;
	return (unsigned char)js->buf[js->pos];
}

/* Past n buffered bytes, counting the lines they end. */
static void
adv(struct jscan *js, size_t n)
{
	const char *p = js->buf + js->pos, *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		js->line++;
		js->linestart = js->base + (uint64_t)(nl - js->buf) + 1;
		p = nl + 1;
	}
	js->pos += n;
}

int
js_peek(struct jscan *js)
{
	int c;

	/* a UTF-8 byte order mark at the very start is skipped */
	if (js->base == 0 && js->pos == 0 && peekc(js) == 0xef &&
	    js->len >= 3 && memcmp(js->buf, "\xef\xbb\xbf", 3) == 0)
		js->pos = 3, js->linestart = 3;
	while ((c = peekc(js)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		adv(js, 1);
	return c;
}

void
js_take(struct jscan *js)
{
	if (peekc(js) >= 0)
		adv(js, 1);
}

int
js_value(struct jscan *js, json_object **obj)
{
	struct js_pos start = js_here(js);
	uint64_t fed = 0;

	json_tokener_reset(js->tok);
	for (;;) {
		enum json_tokener_error e;
		json_object *o;
		size_t avail;

		if (js->pos == js->len && !fill(js)) {
			js_error(js, js_here(js), "unexpected end of the input "
			    "inside a value that starts at line %lu, column %lu",
			    start.line, start.col);
			return 0;
		}
		avail = js->len - js->pos;
		if (avail > INT_MAX)
			avail = INT_MAX;
		o = json_tokener_parse_ex(js->tok, js->buf + js->pos,
		    (int)avail);
		e = json_tokener_get_error(js->tok);
		if (e == json_tokener_continue) {
			adv(js, avail);
			if ((fed += avail) > OT_MAXVALUE) {
				js_error(js, start, "a JSON value of more than "
				    "%u MiB", OT_MAXVALUE >> 20);
				return 0;
			}
			continue;
		}
		adv(js, json_tokener_get_parse_end(js->tok));
		if (e != json_tokener_success) {
			js_error(js, js_here(js), "%s",
			    e == json_tokener_error_depth ? "JSON nested more "
			    "than " JS_DEPTH_TEXT " levels deep" :
			    json_tokener_error_desc(e));
			return 0;
		}
		*obj = o;
		return 1;
	}
}

/* A key at '"', into key (cap bytes; "" when longer), then its ':'. */
static int
read_key(struct jscan *js, char *key, size_t cap)
{
	struct js_pos p;
	size_t n = 0;
	int c, esc = 0;

	adv(js, 1);
	while ((c = peekc(js)) >= 0) {
		adv(js, 1);
		if (!esc && c == '"')
			break;
		esc = !esc && c == '\\';
		if (n < cap)
			key[n] = (char)c;
		n++;
	}
	if (c < 0) {
		js_error(js, js_here(js), "unexpected end of the input inside "
		    "a key");
		return 0;
	}
	key[n < cap ? n : 0] = '\0';
	p = js_here(js);
	if ((c = js_peek(js)) != ':') {
		js_error(js, p, "expected ':' after a key, found %s",
		    js_found(c));
		return 0;
	}
	adv(js, 1);
	js_peek(js);
	return 1;
}

int
js_member(struct jscan *js, int close, unsigned long *n, char *key,
    size_t cap)
{
	struct js_pos p = js_here(js);
	int c = js_peek(js);

	if (c == close && *n == 0) {
		adv(js, 1);
		return 0;
	}
	if (*n > 0) {
		if (c == close) {
			adv(js, 1);
			return 0;
		}
		if (c != ',') {
			js_error(js, js_here(js), "expected ',' or '%c', found "
			    "%s", close, js_found(c));
			return -1;
		}
		adv(js, 1);
		p = js_here(js);
		if ((c = js_peek(js)) == close) {
			js_error(js, js_here(js), "expected a value after ',', "
			    "found '%c'", close);
			return -1;
		}
	}
	if (c < 0) {
		js_error(js, p, "unexpected end of the input: expected %s or "
		    "'%c'", close == '}' ? "a key" : "a value", close);
		return -1;
	}
	(*n)++;
	if (close == ']')
		return 1;
	if (c != '"') {
		js_error(js, js_here(js), "expected a key in quotes, found %s",
		    js_found(c));
		return -1;
	}
	return read_key(js, key, cap) ? 1 : -1;
}
