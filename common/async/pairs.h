/*
 * Pairing begins with ends by id: a table of the spans open now, and a
 * bounded memory of the ids that ended lately, to tell a second end of one
 * span (an error) from the end of a span that began before the input did.
 */
#ifndef SPANPIPE_PAIRS_H
#define SPANPIPE_PAIRS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Open spans by id. Keys are not copied: the bytes belong to the value and
 * must stay put until pt_del. Open addressing with backward-shift removal,
 * so a table that sees a million inserts and removals keeps no tombstones;
 * memory follows the largest number of keys held at once.
 */
struct ptab;

struct ptab *pt_new(void);
void pt_free(struct ptab *t);
void *pt_get(const struct ptab *t, const char *key, size_t n);
/* Adds key (absent from t) with val. */
void pt_put(struct ptab *t, const char *key, size_t n, void *val);
/* Removes key; returns its value, or NULL if it was absent. */
void *pt_del(struct ptab *t, const char *key, size_t n);
size_t pt_count(const struct ptab *t);

/*
 * The last n ids that ended, as 64-bit hashes (the caller hashes pid and
 * id together), each with where and how it ended. Adding past n forgets
 * the oldest. Memory: about 48 bytes per entry, fixed at rc_new.
 */
struct recent;

struct rc_entry {
	uint64_t hash;
	unsigned long line;	/* the input line of the end */
	int64_t ts;
	int flags;		/* the caller's */
};

struct recent *rc_new(size_t n);
void rc_free(struct recent *r);
void rc_add(struct recent *r, const struct rc_entry *e);
/* The latest entry with hash h, or NULL. */
const struct rc_entry *rc_find(const struct recent *r, uint64_t h);

#endif
