/* Unit tests for the packet writer: framing, sequences, interning, clock. */
#include <stdint.h>

#include "perfetto_trace.pb-c.h"
#include "trace.h"
#include "util.h"
#include "test.h"

static uint8_t *data;
static size_t size, pos;

/* Reads back the file the writer produced. */
static void
load(const char *path)
{
	FILE *f = fopen(path, "rb");

	free(data);
	data = NULL;
	size = pos = 0;
	if (!f)
		return;
	data = malloc(1 << 24);
	size = fread(data, 1, 1 << 24, f);
	fclose(f);
}

static uint64_t
varint(void)
{
	uint64_t v = 0;

	for (int shift = 0; pos < size; shift += 7) {
		uint8_t b = data[pos++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80)
			break;
	}
	return v;
}

/* The next packet, unpacked by protobuf-c; NULL at the end. */
static Perfetto__Protos__TracePacket *
next_packet(void)
{
	uint64_t len;
	Perfetto__Protos__TracePacket *p;

	if (pos >= size || data[pos] != 0x0a)
		return NULL;
	pos++;
	len = varint();
	if (len > size - pos)
		return NULL;
	p = perfetto__protos__trace_packet__unpack(NULL, len, data + pos);
	pos += len;
	return p;
}

static void
test_packets(const char *path)
{
	struct seq *s;
	struct tev e = { .type = TEV_BEGIN, .ts = 1000, .name = "alpha", .cat = "c" };
	Perfetto__Protos__TracePacket *p;
	int ok;

	out_open(path, 0);
	tw_init(0);
	s = tw_seq_new(77);
	tw_event(s, &e);
	e.ts = 1500;
	tw_event(s, &e);
	e.type = TEV_END;
	e.ts = 1400;		/* back in time: absolute on BOOTTIME */
	e.name = e.cat = NULL;
	tw_event(s, &e);
	out_flush();
	load(path);

	p = next_packet();
	CHECK("first packet clears state", p && p->sequence_flags == 1 &&
	    p->trusted_packet_sequence_id == tw_seq_id(s));
	CHECK("first packet sets the track", p && p->trace_packet_defaults &&
	    p->trace_packet_defaults->track_event_defaults &&
	    p->trace_packet_defaults->track_event_defaults->track_uuid == 77);
	CHECK("first packet declares the clock", p && p->clock_snapshot &&
	    p->clock_snapshot->n_clocks == 2 &&
	    p->clock_snapshot->clocks[1]->clock_id == TW_CLOCK &&
	    p->clock_snapshot->clocks[1]->is_incremental &&
	    p->clock_snapshot->clocks[1]->timestamp == 1000);
	perfetto__protos__trace_packet__free_unpacked(p, NULL);

	p = next_packet();
	ok = p && p->track_event && p->interned_data &&
	    p->interned_data->n_event_names == 1 &&
	    strcmp(p->interned_data->event_names[0]->name, "alpha") == 0 &&
	    p->track_event->name_iid == p->interned_data->event_names[0]->iid;
	CHECK("a new name is interned in its packet", ok);
	CHECK("events need the state", p && p->sequence_flags == 2);
	CHECK("first delta is 0", p && p->has_timestamp && p->timestamp == 0);
	CHECK("no track uuid on events", p && p->track_event && !p->track_event->has_track_uuid);
	perfetto__protos__trace_packet__free_unpacked(p, NULL);

	p = next_packet();
	CHECK("a known name is not interned again", p && !p->interned_data &&
	    p->track_event && p->track_event->has_name_iid);
	CHECK("timestamps are deltas", p && p->timestamp == 500);
	perfetto__protos__trace_packet__free_unpacked(p, NULL);

	p = next_packet();
	CHECK("going back in time is absolute", p && p->timestamp == 1400 &&
	    p->has_timestamp_clock_id && p->timestamp_clock_id == TW_BOOTTIME);
	perfetto__protos__trace_packet__free_unpacked(p, NULL);
	CHECK("nothing more", next_packet() == NULL);
}

/* More distinct names than the tables hold: the state is cleared again. */
static void
test_reset(const char *path)
{
	struct seq *s = tw_seq_new(88);
	char name[32];
	unsigned long before = tw_resets(), clears = 0, interned = 0;
	Perfetto__Protos__TracePacket *p;

	for (int i = 0; i < TW_INTERN_MAX + 100; i++) {
		struct tev e = { .type = TEV_INSTANT, .ts = 5000 + i, .name = name };

		snprintf(name, sizeof(name), "n%d", i);
		tw_event(s, &e);
	}
	out_flush();
	CHECK("interning resets past its bound", tw_resets() == before + 1);
	load(path);
	while ((p = next_packet())) {
		if (p->trusted_packet_sequence_id == tw_seq_id(s)) {
			clears += p->sequence_flags == 1;
			interned += p->interned_data ? p->interned_data->n_event_names : 0;
		}
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	CHECK("a reset writes a clear", clears == 2);
	CHECK("every name interned once per state", interned == TW_INTERN_MAX + 100);
}

int
main(void)
{
	char *path = test_file("", 0);

	setprogname("trace_test");
	test_packets(path);
	test_reset(path);
	unlink(path);
	free(path);
	free(data);
	return test_failed;
}
