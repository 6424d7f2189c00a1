/*
 * A packer for the packets written most: a track event with interned
 * names, categories and source locations, and no debug annotations. Its
 * bytes equal protobuf-c's for the same message (fields in ascending
 * number order, numbers read from the generated descriptors) at a fraction
 * of the cost; any other packet goes through protobuf-c.
 */
#ifndef SPANPIPE_PBFAST_H
#define SPANPIPE_PBFAST_H

#include <stddef.h>
#include <stdint.h>

#include "perfetto_trace.pb-c.h"

/* Whether pbfast_pack can pack p. */
int pbfast_ok(const Perfetto__Protos__TracePacket *p);
size_t pbfast_size(const Perfetto__Protos__TracePacket *p);
/* Writes p (pbfast_size bytes) at out; returns the bytes written. */
size_t pbfast_pack(const Perfetto__Protos__TracePacket *p, uint8_t *out);

/* A SLICE_END packet's fields at out, without framing; clock 0: none. */
#define PBFAST_END_MAX 48
size_t pbfast_end(uint8_t *out, uint64_t ts, uint32_t seq, uint32_t clock);

#endif
