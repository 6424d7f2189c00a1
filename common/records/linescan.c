#include <string.h>

#include "base/utf8.h"
#include "records/linescan.h"

/* All the bytes line_scan() looks at are below '#' or past ASCII. */
#define LOOKED_AT 0x23

/* The flag of byte c, or -1 when c may end the line. */
static int
flag_of(unsigned char c)
{
	switch (c) {
	case '\n':
	case '\r':
		return -1;
	case '"':
		return LS_QUOTE;
	case ' ':
	case '\t':
		return LS_BLANK;
	case '\0':
		return LS_HIGH;
	default:
		return c >= 0x80 ? LS_HIGH : 0;
	}
}

size_t
line_scan(const char *str, size_t n, int *flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int fl = 0;

	while (i < n) {
		int f;

		if (n - i >= 8 && !word_has_below(s + i, LOOKED_AT)) {
			i += 8;
			continue;
		}
		if ((f = flag_of(s[i])) >= 0) {
			fl |= f;
			i++;
			continue;
		}
		/* an LF, or a CR: a line end unless it is the last byte (an
		 * LF may follow in the next block) or an LF follows it */
		if (s[i] == '\n' || (i + 1 < n && s[i + 1] != '\n')) {
			*flags = fl | LS_EOL;
			return i + 1;
		}
		i++;
	}
	*flags = fl;
	return n;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

int
line_may_trim(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	if (memchr(s, '\t', n))
		return 1;
	while ((p = memchr(p, ' ', (size_t)(end - p))) != NULL) {
		if (p == s || p[-1] == ',' || p[-1] == '"')
			return 1;
		while (p < end && blank(*p))
			p++;
		if (p == end || *p == ',' || *p == '\r' || *p == '\n')
			return 1;
	}
	return 0;
}
