/* A hash map from 64-bit keys to pointers, with removal. */
#ifndef SPANPIPE_U64MAP_H
#define SPANPIPE_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map;

struct u64map *um_new(void);
void um_free(struct u64map *m);
void um_clear(struct u64map *m);
/* The slot for key; with create, a new slot holding NULL is made. */
void **um_slot(struct u64map *m, uint64_t key, int create, int *created);
void *um_get(const struct u64map *m, uint64_t key);
/* Removes key; returns its value (NULL if absent). */
void *um_del(struct u64map *m, uint64_t key);
size_t um_count(const struct u64map *m);
/* Calls fn for every entry, in no set order; fn must not change m. */
void um_each(const struct u64map *m, void (*fn)(uint64_t key, void *val,
    void *arg), void *arg);

#endif
