#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/rcstr.h"
#include "base/util.h"

struct rcstr *
rcs_new(const void *s, size_t n)
{
	struct rcstr *r;

	if (n > UINT32_MAX - 1)
		n = UINT32_MAX - 1;
	r = xmalloc(sizeof(*r) + n + 1);
	r->refs = 1;
	r->len = (uint32_t)n;
	r->hash = XXH3_64bits(s, n);
	memcpy(r->s, s, n);
	r->s[n] = '\0';
	return r;
}

void
rcs_unref(struct rcstr *r)
{
	if (r && --r->refs == 0)
		free(r);
}
