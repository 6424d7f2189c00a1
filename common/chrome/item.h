/*
 * The import of Chrome JSON works in two halves: import.c turns each
 * event into items and sorts them by ts (extsort.h); pair.c reads
 * them back in ts order, pairs and binds what needs it, and writes the
 * records. An item is the phase, flags and NF length-prefixed fields.
 */
#ifndef SPANPIPE_CHROME_ITEM_H
#define SPANPIPE_CHROME_ITEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/extsort.h"
#include "base/util.h"
#include "records/record.h"

enum ifield {
	F_DUR, F_PID, F_TID, F_NAME, F_CAT, F_ARGS, F_FLOWS, F_FLOWS_END,
	F_VALUE,		/* counter value; a step's name (T) */
	F_ID,			/* async id as written; v1 flow token */
	F_KEY,			/* what async events match on */
	NF
};

#define IT_BIND_ENCLOSING 1	/* 'f' with "bp":"e" */

struct item {
	char ph;
	unsigned char flags;
	const char *f[NF];
	size_t n[NF];
};

/* What the import skipped or changed, reported at the end. */
enum note {
	N_NODUR, N_NOB, N_EARGS, N_UNBOUND, N_UNBOUND_NEXT, N_NOSTART,
	N_ORPHAN_END, N_BADVALUE, N_META, N_NODIR, N_UNCLOSED, N_SPILL, NNOTES
};
extern unsigned long chrome_notes[NNOTES];

/* item.c: encodes it into a buffer owned by the caller (*buf, *cap) and
 * adds it to the sort. */
void item_add(struct extsort *xs, int64_t ts, const struct item *it,
    char **buf, size_t *cap);
/* Decodes an item read back from the sort: its fields point into p. */
void item_decode(const void *p, size_t n, struct item *it);

/* A record of kind k; a NULL column is empty (see spanpipe-records(5)). */
void chrome_write(enum kind k, const char *v[NCOLS], const size_t n[NCOLS]);

/* A growing string, always NUL-terminated once written to. */
struct dstr {
	char *p;
	size_t n, cap;
};

static inline void
ds_put(struct dstr *d, const char *s, size_t n)
{
	if (d->n + n + 1 > d->cap) {
		d->cap = d->n + n + 1 > 2 * d->cap ? d->n + n + 64 : 2 * d->cap;
		d->p = xrealloc(d->p, d->cap);
	}
	if (n)
		memcpy(d->p + d->n, s, n);
	d->n += n;
	d->p[d->n] = '\0';
}

static inline void
ds_set(struct dstr *d, const char *s, size_t n)
{
	d->n = 0;
	ds_put(d, s, n);
}

/* Writes the records of the sorted items (pair.c); v1flows says
 * whether any s/t/f event needs binding to a slice first. */
void chrome_pair(struct extsort *xs, int v1flows);

#endif
