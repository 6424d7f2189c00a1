/* Unit tests for the packet writer: framing, sequences, interning, clock. */
#include <stdint.h>

#include "base/util.h"
#include "perfetto/pbfast.h"
#include "perfetto/trace.h"
#include "perfetto_trace.pb-c.h"
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

	/* standard output, so that what is flushed is in the file at once */
	if (!freopen(path, "w", stdout))
		exit(2);
	out_open(NULL, 0);
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
	CHECK("an end carries no sequence flags", p && !p->has_sequence_flags);
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

/* A name on two sequences: one iid, interned on each sequence once. */
static void
test_two_seqs(const char *path)
{
	struct seq *s[2] = { tw_seq_new(91), tw_seq_new(92) };
	uint64_t iid[2] = { 0, 0 }, used[2] = { 0, 0 };
	int interned[2] = { 0, 0 };
	Perfetto__Protos__TracePacket *p;

	for (int i = 0; i < 4; i++) {
		struct tev e = { .type = TEV_INSTANT, .ts = 9000 + i,
		    .name = "shared" };

		tw_event(s[i % 2], &e);
	}
	out_flush();
	load(path);
	while ((p = next_packet())) {
		for (int k = 0; k < 2; k++) {
			if (p->trusted_packet_sequence_id != tw_seq_id(s[k]) ||
			    !p->track_event)
				continue;
			if (p->interned_data && p->interned_data->n_event_names) {
				interned[k]++;
				iid[k] = p->interned_data->event_names[0]->iid;
			}
			if (used[k] && used[k] != p->track_event->name_iid)
				used[k] = UINT64_MAX;
			else
				used[k] = p->track_event->name_iid;
		}
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	CHECK("a name is interned once on each sequence",
	    interned[0] == 1 && interned[1] == 1);
	CHECK("a name has one iid on every sequence", iid[0] && iid[0] == iid[1] &&
	    used[0] == iid[0] && used[1] == iid[1]);
	tw_seq_free(s[0]);
	tw_seq_free(s[1]);
}

/* The hand packer writes exactly protobuf-c's bytes, over random events. */
static void
test_pbfast(void)
{
	static uint8_t a[4096], b[4096];
	int same = 1, n_ok = 0;

	srand(7);
	for (int i = 0; i < 5000; i++) {
		Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
		Perfetto__Protos__TrackEvent t = PERFETTO__PROTOS__TRACK_EVENT__INIT;
		Perfetto__Protos__InternedData d = PERFETTO__PROTOS__INTERNED_DATA__INIT;
		Perfetto__Protos__EventName nm = PERFETTO__PROTOS__EVENT_NAME__INIT, *pn = &nm;
		Perfetto__Protos__EventCategory ct = PERFETTO__PROTOS__EVENT_CATEGORY__INIT, *pc = &ct;
		Perfetto__Protos__SourceLocation sl = PERFETTO__PROTOS__SOURCE_LOCATION__INIT, *ps = &sl;
		uint64_t cat = (uint64_t)rand(), flows[3] = { (uint64_t)rand() << 40, 1, UINT64_MAX };

		p.has_timestamp = rand() % 2;
		p.timestamp = (uint64_t)rand() * (uint64_t)rand();
		p.has_trusted_packet_sequence_id = 1;
		p.trusted_packet_sequence_id = (uint32_t)rand();
		p.has_sequence_flags = rand() % 2;
		p.sequence_flags = 2;
		p.has_timestamp_clock_id = rand() % 4 == 0;
		p.timestamp_clock_id = 6;
		t.has_type = 1;
		t.type = 1 + rand() % 4;
		t.has_name_iid = rand() % 2;
		t.name_iid = (uint64_t)rand();
		t.n_category_iids = rand() % 2;
		t.category_iids = &cat;
		t.has_counter_value = rand() % 3 == 0;
		t.counter_value = rand() % 2 ? -(int64_t)rand() : rand();
		t.has_double_counter_value = rand() % 3 == 0;
		t.double_counter_value = rand() / 3.0;
		t.has_source_location_iid = rand() % 2;
		t.source_location_iid = 300;
		t.n_flow_ids = (size_t)(rand() % 4);
		t.flow_ids = flows;
		t.n_terminating_flow_ids = (size_t)(rand() % 3);
		t.terminating_flow_ids = flows;
		p.track_event = &t;
		if (rand() % 2) {
			nm.has_iid = ct.has_iid = sl.has_iid = 1;
			nm.iid = 5, nm.name = "a name";
			ct.iid = 70000, ct.name = "cat";
			sl.iid = 9, sl.file_name = "f.c";
			sl.has_line_number = rand() % 2, sl.line_number = 4242;
			d.n_event_names = rand() % 2, d.event_names = &pn;
			d.n_event_categories = rand() % 2, d.event_categories = &pc;
			d.n_source_locations = rand() % 2, d.source_locations = &ps;
			p.interned_data = &d;
		}
		if (!pbfast_ok(&p))
			continue;
		n_ok++;
		size_t na = pbfast_pack(&p, a), nb = protobuf_c_message_pack(&p.base, b);
		if (na != nb || na != pbfast_size(&p) || memcmp(a, b, na) != 0)
			same = 0;
	}
	CHECK("pbfast packs the common packets", n_ok == 5000);
	CHECK("pbfast bytes equal protobuf-c's", same);
}

/* A slice's end packed from its values equals protobuf-c's packet. */
static void
test_pbfast_end(void)
{
	static uint8_t a[PBFAST_END_MAX], b[256];
	int same = 1;

	srand(11);
	for (int i = 0; i < 5000; i++) {
		Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
		Perfetto__Protos__TrackEvent t = PERFETTO__PROTOS__TRACK_EVENT__INIT;
		uint64_t ts = i % 7 == 0 ? UINT64_MAX - (uint64_t)rand() :
		    (uint64_t)rand() << (rand() % 33);
		uint32_t seq = i % 5 == 0 ? UINT32_MAX : (uint32_t)rand();
		uint32_t clock = i % 3 == 0 ? TW_BOOTTIME : 0;

		p.has_timestamp = 1;
		p.timestamp = ts;
		p.has_trusted_packet_sequence_id = 1;
		p.trusted_packet_sequence_id = seq;
		p.has_timestamp_clock_id = clock != 0;
		p.timestamp_clock_id = clock;
		t.has_type = 1;
		t.type = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END;
		p.track_event = &t;
		size_t na = pbfast_end(a, ts, seq, clock);
		size_t nb = protobuf_c_message_pack(&p.base, b);
		if (na != nb || na >= 128 || memcmp(a, b, na) != 0)
			same = 0;
	}
	CHECK("pbfast_end bytes equal protobuf-c's", same);
}

int
main(void)
{
	char *path = test_file("", 0);

	setprogname("trace_test");
	test_packets(path);
	test_reset(path);
	test_two_seqs(path);
	test_pbfast();
	test_pbfast_end();
	unlink(path);
	free(path);
	free(data);
	return test_failed;
}
