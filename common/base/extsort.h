/*
 * A stable external sort of byte strings by an int64 key: items come back
 * in key order, and items with equal keys in the order they were added.
 * Items are gathered in memory up to a budget; past it each sorted batch
 * goes to a temporary file (in $TMPDIR, else /tmp, unlinked at once) as a
 * run, and reading merges the runs. The sorted items can be read any
 * number of times.
 */
#ifndef SPANPIPE_EXTSORT_H
#define SPANPIPE_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#define XS_FANIN 64		/* runs merged at once */

struct extsort;

/* budget: bytes of items (and their index) held in memory at once. */
struct extsort *xs_new(size_t budget);
void xs_free(struct extsort *xs);
void xs_add(struct extsort *xs, int64_t key, const void *p, size_t n);
/* Starts reading from the first item; no xs_add after the first call. */
void xs_rewind(struct extsort *xs);
/*
 * The next item: 1, or 0 after the last. *seq is the item's place in the
 * order of xs_add (from 0). *p stays valid until the next call.
 */
int xs_next(struct extsort *xs, int64_t *key, uint64_t *seq, const void **p,
    size_t *n);
uint64_t xs_count(const struct extsort *xs);
/* Runs written to the temporary file so far (0: all in memory). */
unsigned long xs_runs(const struct extsort *xs);

#endif
