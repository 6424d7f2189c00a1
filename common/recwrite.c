/* Writing records: the canonical header, and fields quoted per RFC 4180. */
#include <string.h>

#include "record.h"
#include "util.h"

void
rec_write_header(void)
{
	for (int c = 0; c < NCOLS; c++)
		rec_field(col_names[c], strlen(col_names[c]), c == NCOLS - 1);
}

/* Quotes a field that holds a comma, a quote or a line end. */
void
rec_field(const char *s, size_t n, int last)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == n) {
		out_put(s, n);
	} else {
		out_putc('"');
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				out_putc('"');
			out_putc(s[i]);
		}
		out_putc('"');
	}
	out_putc(last ? '\n' : ',');
}

void
rec_write(const struct record *r)
{
	for (int c = 0; c < NCOLS; c++)
		rec_field(r->v[c], r->len[c], c == NCOLS - 1);
}
