/* Typed access to record fields, and reports of what is wrong where. */
#include <stdarg.h>

#include "base/num.h"
#include "records/diag.h"
#include "records/record.h"

int
rec_i64(const struct record *r, enum col c, int64_t *v)
{
	const char *why;

	if (r->len[c] == 0) {
		rec_error(r, c, "missing");
		return 0;
	}
	if ((why = num_i64(r->v[c], v))) {
		rec_error(r, c, "'%s' %s", r->v[c], why);
		return 0;
	}
	return 1;
}

void
rec_error(const struct record *r, enum col c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pos_verror(0, rd_name(r->rd), r->line, rec_column(r, c), (int)c, fmt,
	    ap);
	va_end(ap);
}

void
rec_warn(const struct record *r, enum col c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pos_verror(1, rd_name(r->rd), r->line, rec_column(r, c), (int)c, fmt,
	    ap);
	va_end(ap);
}
