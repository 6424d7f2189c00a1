/*
 * The Perfetto packet writer: framing, sequences, interning and the clock.
 * Every event track gets a packet sequence of its own whose defaults name
 * the track, so events carry no track_uuid; names, categories, source
 * locations and annotation names are interned per sequence; timestamps are
 * deltas on an incremental clock declared per sequence (unless absolute).
 */
#ifndef SPANPIPE_TRACE_H
#define SPANPIPE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "perfetto_trace.pb-c.h"

#define TW_DESCRIPTOR_SEQ 1	/* the sequence track descriptors go on */
#define TW_CLOCK 64		/* the sequence-scoped incremental clock */
#define TW_BOOTTIME 6
#define TW_INTERN_MAX (1 << 14)	/* interned entries before a reset */
#define TW_INTERN_BYTES (8 << 20)

enum tev_type {
	TEV_BEGIN = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_BEGIN,
	TEV_END = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END,
	TEV_INSTANT = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_INSTANT,
	TEV_COUNTER = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_COUNTER,
};

struct tev {
	enum tev_type type;
	int64_t ts;
	const char *name, *cat, *file;	/* "" or NULL: none */
	uint32_t line;
	json_object *args;		/* NULL: none */
	const uint64_t *flows, *flows_end;
	size_t nflows, nflows_end;
	int counter;			/* 1 int, 2 double */
	int64_t ival;
	double dval;
};

struct seq;

void tw_init(int absolute_ts);
struct seq *tw_seq_new(uint64_t track_uuid);
void tw_seq_free(struct seq *s);
uint32_t tw_seq_id(const struct seq *s);
void tw_descriptor(const Perfetto__Protos__TrackDescriptor *d);
void tw_event(struct seq *s, const struct tev *e);
void tw_end(struct seq *s, int64_t ts);	/* tw_event of a TEV_END, faster */
unsigned long tw_resets(void);	/* interning resets so far */

/* Framing, for tests and tools: a varint, and a whole packet field. */
size_t pb_varint(uint8_t *p, uint64_t v);
void pb_put_packet(const ProtobufCMessage *packet);

#endif
