/* The growable buffer: doubles its size when full. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "base/util.h"

static void
room(struct sbuf *b, size_t n)
{
	if (b->cap - b->n >= n)
		return;
	while (b->cap - b->n < n)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xrealloc(b->p, b->cap);
}

void
sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	room(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void
sb_putc(struct sbuf *b, int c)
{
	room(b, 1);
	b->p[b->n++] = (char)c;
}

void
sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void
sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do
		tmp[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_put(b, tmp + i, sizeof(tmp) - i);
}

void
sb_i64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sb_putc(b, '-');
		sb_u64(b, 0 - (uint64_t)v);
	} else {
		sb_u64(b, (uint64_t)v);
	}
}

void
sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void
sb_double(struct sbuf *b, double d, int json)
{
	char tmp[40];
	int prec;

	if (isnan(d) || isinf(d)) {
		const char *s = isnan(d) ? "NaN" : d > 0 ? "Infinity" :
		    "-Infinity";

		if (json)
			sb_json_str(b, s, strlen(s));
		else
			sb_puts(b, s);
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(tmp, sizeof(tmp), "%.17g", d);
	sb_puts(b, tmp);
	if (!strpbrk(tmp, ".e"))
		sb_puts(b, ".0");
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 if not valid. */
static size_t
utf8len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
sb_json_str(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";

	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		size_t len = utf8len(u + i, n - i);
		unsigned c = u[i];

		if (len > 1) {
			sb_put(b, u + i, len);
			i += len;
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (int)c);
		} else if (c == '\n') {
			sb_puts(b, "\\n");
		} else if (c == '\t') {
			sb_puts(b, "\\t");
		} else if (c == '\r') {
			sb_puts(b, "\\r");
		} else if (c < 0x20 || len == 0) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4],
			    hex[c & 15] };

			sb_put(b, e, sizeof(e));
		} else {
			sb_putc(b, (int)c);
		}
	}
	sb_putc(b, '"');
}
