/* Typed access to record fields, reporting what is wrong where. */
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
