/* Reference-counted byte strings: interned names that outlive a reset of
 * the table they came from while events still point at them. */
#ifndef SPANPIPE_RCSTR_H
#define SPANPIPE_RCSTR_H

#include <stddef.h>
#include <stdint.h>

struct rcstr {
	uint32_t refs;
	uint32_t len;
	uint64_t hash;		/* XXH3 of the bytes */
	char s[];		/* NUL-terminated */
};

struct rcstr *rcs_new(const void *s, size_t n);

static inline struct rcstr *
rcs_ref(struct rcstr *r)
{
	if (r)
		r->refs++;
	return r;
}

void rcs_unref(struct rcstr *r);

#endif
