/* A hash map from byte strings to pointers, for tracks, ids and interning. */
#ifndef SPANPIPE_STRMAP_H
#define SPANPIPE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *sm_new(void);
void sm_free(struct strmap *m);
/* Empties the map; the values are the caller's to free first. */
void sm_clear(struct strmap *m);
/*
 * The value slot for key, or NULL when it is absent and create is 0. A slot
 * made by create holds NULL; *created (if given) tells whether it was made.
 */
void **sm_slot(struct strmap *m, const char *key, size_t n, int create,
    int *created);
void *sm_get(const struct strmap *m, const char *key, size_t n);
/* Removes key (its value is the caller's to free first): 1 if it was in. */
int sm_del(struct strmap *m, const char *key, size_t n);
size_t sm_count(const struct strmap *m);
size_t sm_keybytes(const struct strmap *m);	/* bytes of keys held */
/* Calls fn for every entry, in no set order. */
void sm_each(const struct strmap *m,
    void (*fn)(const char *key, size_t n, void *val, void *arg), void *arg);

#endif
