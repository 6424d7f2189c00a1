#include <stdint.h>
#include <string.h>

#include "linescan.h"

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * Whether a word of eight bytes may hold one that line_scan() looks at:
 * all of them are below '#' (0x23) or past ASCII. A byte below 0x23 is
 * never missed; one above it can be flagged by a borrow, which only costs
 * a look at each byte of the word.
 */
static int
special8(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return ((((w - ONES * 0x23) & ~w) | w) & HIGHS) != 0;
}

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

		if (n - i >= 8 && !special8(s + i)) {
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
