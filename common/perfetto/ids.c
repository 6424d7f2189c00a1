/*
 * Numbering of pids, tids and track uuids. Each number handed out is kept
 * in a set so that no two identifiers share one; on a clash the identifier
 * is hashed again with the next seed, so the outcome depends only on the
 * input. Memory grows with the number of distinct identifiers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "base/num.h"
#include "base/strmap.h"
#include "base/util.h"
#include "perfetto/ids.h"

#define HASHED_MIN 4194304u	/* above Linux's pid_max limit */

static struct strmap *names[2];	/* identifier -> number + 1 */
static struct strmap *taken[2];	/* numbers given out, as 4 bytes */

static int
claim(enum idspace space, uint32_t num)
{
	int created;

	if (!taken[space])
		taken[space] = sm_new();
	sm_slot(taken[space], (const char *)&num, sizeof(num), 1, &created);
	return created;
}

static int32_t
hashed(enum idspace space, const char *s, size_t n)
{
	for (uint64_t seed = 0;; seed++) {
		uint64_t h = XXH64(s, n, seed);
		uint32_t num = HASHED_MIN +
		    (uint32_t)(h % ((uint64_t)INT32_MAX - HASHED_MIN + 1));

		if (claim(space, num))
			return (int32_t)num;
	}
}

/* A decimal int32 below the hashed range is always itself; one inside it
 * is itself unless a hashed identifier took that number first. */
int32_t
id_number(enum idspace space, const char *s, size_t n)
{
	int created;
	void **slot;
	int64_t v;
	char buf[16];

	if (!names[space])
		names[space] = sm_new();
	slot = sm_slot(names[space], s, n, 1, &created);
	if (!created)
		return (int32_t)((intptr_t)*slot - 1);
	if (n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
	}
	if (n >= sizeof(buf) || num_i64(buf, &v) || v < INT32_MIN ||
	    v > INT32_MAX || (v >= (int64_t)HASHED_MIN &&
	    !claim(space, (uint32_t)v)))
		v = hashed(space, s, n);
	*slot = (void *)(intptr_t)(v + 1);
	return (int32_t)v;
}

uint64_t
id_flow(const char *tok, size_t n)
{
	char buf[32];
	uint64_t v;

	if (n < sizeof(buf)) {
		memcpy(buf, tok, n);
		buf[n] = '\0';
		if (!num_u64(buf, &v))
			return v;
	}
	return XXH64(tok, n, 0);
}

static struct strmap *uuids;

uint64_t
id_uuid(const char *key, size_t n, int literal_ok)
{
	int created;
	uint64_t u;

	if (!uuids)
		uuids = sm_new();
	if (literal_ok) {
		char buf[32];

		if (n < sizeof(buf)) {
			memcpy(buf, key, n);
			buf[n] = '\0';
			/* "500000" and "0500000" are one number: once */
			if (!num_u64(buf, &u) && u != 0) {
				sm_slot(uuids, (const char *)&u, sizeof(u), 1,
				    &created);
				if (created)
					return u;
			}
		}
	}
	for (uint64_t seed = 0;; seed++) {
		u = XXH64(key, n, seed);
		if (u == 0)
			continue;
		sm_slot(uuids, (const char *)&u, sizeof(u), 1, &created);
		if (created)
			return u;
	}
}

void
id_reset(void)
{
	for (int i = 0; i < 2; i++) {
		sm_free(names[i]);
		sm_free(taken[i]);
		names[i] = taken[i] = NULL;
	}
	sm_free(uuids);
	uuids = NULL;
}
