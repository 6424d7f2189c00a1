/* Writing records: the canonical header, and fields quoted per RFC 4180. */
#include <string.h>

#include "base/sig.h"
#include "base/util.h"
#include "records/record.h"

/* Bytes that make a field quoted. */
static const unsigned char special[256] = {
	['"'] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1,
};

void
rec_write_header(void)
{
	for (int c = 0; c < NCOLS; c++)
		rec_field(col_names[c], strlen(col_names[c]), c == NCOLS - 1);
}

/*
 * Quotes a field that holds a comma, a quote or a line end. The caller
 * has room for the worst case, REC_FIELD_MAX(n): every byte a doubled
 * quote.
 */
char *
rec_put(char *o, const char *s, size_t n, int last)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (special[(unsigned char)s[i]])
			break;
	if (i == n) {
		memcpy(o, s, n);
		o += n;
	} else {
		*o++ = '"';
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				*o++ = '"';
			*o++ = s[i];
		}
		*o++ = '"';
	}
	*o++ = last ? '\n' : ',';
	return o;
}

/* Fields go straight into the output buffer, room for them taken at once. */
void
rec_field(const char *s, size_t n, int last)
{
	char *o = out_reserve(REC_FIELD_MAX(n));

	out_commit((size_t)(rec_put(o, s, n, last) - o));
	if (last)
		sig_check();	/* a whole record: a place to stop */
}

void
rec_write(const struct record *r)
{
	size_t max = 0;
	char *o, *start;

	for (int c = 0; c < NCOLS; c++)
		max += REC_FIELD_MAX(r->len[c]);
	o = start = out_reserve(max);
	for (int c = 0; c < NCOLS; c++)
		o = rec_put(o, r->v[c], r->len[c], c == NCOLS - 1);
	out_commit((size_t)(o - start));
	sig_check();
}

void
rec_pass(const struct record *r)
{
	size_t n;
	const char *raw = rec_raw(r, &n);

	if (!raw) {
		rec_write(r);
		return;
	}
	memcpy(out_reserve(n), raw, n);
	out_commit(n);
	sig_check();
}
