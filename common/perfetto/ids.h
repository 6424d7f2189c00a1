/*
 * Identifiers to Perfetto numbers. pid and tid identifiers that are decimal
 * int32 values are used as they are; any other is given a number derived
 * with xxHash, above 4194303 (Linux's largest pid), and a number taken by
 * one identifier is never given to another. Track uuids are xxh64 (seed 0)
 * of a canonical key, or the track id itself when it is a decimal uint64.
 */
#ifndef SPANPIPE_IDS_H
#define SPANPIPE_IDS_H

#include <stddef.h>
#include <stdint.h>

enum idspace { ID_PID, ID_TID };

/* The Perfetto pid or tid for an identifier, stable within a run. */
int32_t id_number(enum idspace space, const char *s, size_t n);
/* A flow id: a decimal uint64 token is the id, any other is hashed. */
uint64_t id_flow(const char *tok, size_t n);
/* A uuid no other key has had in this run: xxh64 of key, reseeded on a
 * collision. A key of a decimal uint64 (literal set) is used as it is. */
uint64_t id_uuid(const char *key, size_t n, int literal_ok);
void id_reset(void);

#endif
