/*
 * A k-way merge of ordered sources: a binary min-heap holding the next key
 * of each source. Equal keys come out in source order, so merging sources
 * that are each in order gives one deterministic order. Push and pop cost
 * O(log k) for k sources.
 */
#ifndef SPANPIPE_MERGE_H
#define SPANPIPE_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct merge;

struct merge *merge_new(size_t nsources);
void merge_free(struct merge *m);
/* Source src's next key; a source has at most one key in the heap. */
void merge_push(struct merge *m, int64_t key, size_t src);
/* The source holding the smallest key: 1, or 0 when the heap is empty. */
int merge_pop(struct merge *m, size_t *src, int64_t *key);
size_t merge_count(const struct merge *m);

#endif
