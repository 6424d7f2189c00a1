/*
 * What the parsing thread (csvfeed.c) must know of a line before libcsv
 * reads it: where it ends, and whether it holds bytes that need a closer
 * look. One pass over the text, eight bytes at a time.
 */
#ifndef SPANPIPE_LINESCAN_H
#define SPANPIPE_LINESCAN_H

#include <stddef.h>

enum {
	LS_EOL = 1,		/* the line has its end (LF, or a lone CR) */
	LS_HIGH = 2,		/* a byte past ASCII, or a NUL */
	LS_QUOTE = 4,		/* a '"' */
	LS_BLANK = 8,		/* a space or a tab */
};

/*
 * The length of the line at s, of the n bytes there, its end included:
 * it ends at the first LF, or at a CR followed by a byte other than LF.
 * *flags gets the LS_ bits of the line's bytes.
 */
size_t line_scan(const char *s, size_t n, int *flags);

/*
 * Whether libcsv's default would trim a space or tab of the n bytes at s:
 * one at the start of a field or the text, after a quote, or before a
 * comma or a line end.
 */
int line_may_trim(const char *s, size_t n);

#endif
