/*
 * Hand packing of the common track event packet. Two passes over the same
 * few fields: sizes (nested messages are length-prefixed), then bytes.
 */
#include <string.h>

#include "base/util.h"
#include "perfetto/pbfast.h"

/* Field numbers of the fields packed here, looked up once by name. */
static struct {
	uint32_t ts, clock, seq, te, interned, flags;
	uint32_t cat_iids, type, name_iid, counter, loc_iid, dcounter, flows,
	    ends;
	uint32_t cats, names, locs;
	uint32_t iid, name, loc_iid_f, loc_file, loc_line;
	int ready;
} F;

static uint32_t
num(const ProtobufCMessageDescriptor *d, const char *name)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field_by_name(d, name);

	if (!f)
		die(EX_SOFTWARE, "the schema has no field %s.%s", d->name, name);
	return f->id;
}

static void
init(void)
{
	const ProtobufCMessageDescriptor *p = &perfetto__protos__trace_packet__descriptor;
	const ProtobufCMessageDescriptor *t = &perfetto__protos__track_event__descriptor;
	const ProtobufCMessageDescriptor *i = &perfetto__protos__interned_data__descriptor;
	const ProtobufCMessageDescriptor *n = &perfetto__protos__event_name__descriptor;
	const ProtobufCMessageDescriptor *l = &perfetto__protos__source_location__descriptor;

	F.ts = num(p, "timestamp");
	F.clock = num(p, "timestamp_clock_id");
	F.seq = num(p, "trusted_packet_sequence_id");
	F.te = num(p, "track_event");
	F.interned = num(p, "interned_data");
	F.flags = num(p, "sequence_flags");
	F.cat_iids = num(t, "category_iids");
	F.type = num(t, "type");
	F.name_iid = num(t, "name_iid");
	F.counter = num(t, "counter_value");
	F.loc_iid = num(t, "source_location_iid");
	F.dcounter = num(t, "double_counter_value");
	F.flows = num(t, "flow_ids");
	F.ends = num(t, "terminating_flow_ids");
	F.cats = num(i, "event_categories");
	F.names = num(i, "event_names");
	F.locs = num(i, "source_locations");
	F.iid = num(n, "iid");
	F.name = num(n, "name");
	F.loc_iid_f = num(l, "iid");
	F.loc_file = num(l, "file_name");
	F.loc_line = num(l, "line_number");
	F.ready = 1;
}

int
pbfast_ok(const Perfetto__Protos__TracePacket *p)
{
	const Perfetto__Protos__TrackEvent *t = p->track_event;
	const Perfetto__Protos__InternedData *i = p->interned_data;

	if (!F.ready)
		init();
	if (!t || p->clock_snapshot || p->has_incremental_state_cleared ||
	    p->has_previous_packet_dropped || p->has_compressed_packets ||
	    p->trace_packet_defaults || p->track_descriptor ||
	    p->has_first_packet_on_sequence || p->base.n_unknown_fields)
		return 0;
	if (t->n_debug_annotations || t->has_track_uuid || t->n_categories ||
	    t->name || t->source_location || t->n_flow_ids_old ||
	    t->n_terminating_flow_ids_old || t->base.n_unknown_fields)
		return 0;
	if (i && (i->n_debug_annotation_names ||
	    i->n_debug_annotation_string_values || i->base.n_unknown_fields))
		return 0;
	if (i)
		for (size_t k = 0; k < i->n_source_locations; k++)
			if (i->source_locations[k]->function_name)
				return 0;
	return 1;
}

static size_t
vlen(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Bytes of a tag-and-value field: varint, length-delimited, fixed64. */
#define VF(f, v) (vlen((uint64_t)(f) << 3) + vlen(v))
#define LF(f, n) (vlen((uint64_t)(f) << 3) + vlen(n) + (n))
#define XF(f) (vlen((uint64_t)(f) << 3) + 8)

/* An EventName or EventCategory: iid and name. */
static size_t
entry_size(uint64_t iid, const char *name)
{
	return VF(F.iid, iid) + LF(F.name, strlen(name));
}

static size_t
loc_size(const Perfetto__Protos__SourceLocation *l)
{
	size_t n = VF(F.loc_iid_f, l->iid);

	if (l->file_name)
		n += LF(F.loc_file, strlen(l->file_name));
	if (l->has_line_number)
		n += VF(F.loc_line, l->line_number);
	return n;
}

static size_t
interned_size(const Perfetto__Protos__InternedData *i)
{
	size_t n = 0;

	for (size_t k = 0; k < i->n_event_categories; k++)
		n += LF(F.cats, entry_size(i->event_categories[k]->iid,
		    i->event_categories[k]->name));
	for (size_t k = 0; k < i->n_event_names; k++)
		n += LF(F.names, entry_size(i->event_names[k]->iid,
		    i->event_names[k]->name));
	for (size_t k = 0; k < i->n_source_locations; k++)
		n += LF(F.locs, loc_size(i->source_locations[k]));
	return n;
}

static size_t
event_size(const Perfetto__Protos__TrackEvent *t)
{
	size_t n = 0;

	for (size_t k = 0; k < t->n_category_iids; k++)
		n += VF(F.cat_iids, t->category_iids[k]);
	if (t->has_type)
		n += VF(F.type, (uint64_t)t->type);
	if (t->has_name_iid)
		n += VF(F.name_iid, t->name_iid);
	if (t->has_counter_value)
		n += VF(F.counter, (uint64_t)t->counter_value);
	if (t->has_source_location_iid)
		n += VF(F.loc_iid, t->source_location_iid);
	if (t->has_double_counter_value)
		n += XF(F.dcounter);
	n += t->n_flow_ids * XF(F.flows);
	n += t->n_terminating_flow_ids * XF(F.ends);
	return n;
}

size_t
pbfast_size(const Perfetto__Protos__TracePacket *p)
{
	size_t n = 0, m;

	if (p->has_timestamp)
		n += VF(F.ts, p->timestamp);
	if (p->has_trusted_packet_sequence_id)
		n += VF(F.seq, p->trusted_packet_sequence_id);
	m = event_size(p->track_event);
	n += LF(F.te, m);
	if (p->interned_data) {
		m = interned_size(p->interned_data);
		n += LF(F.interned, m);
	}
	if (p->has_sequence_flags)
		n += VF(F.flags, p->sequence_flags);
	if (p->has_timestamp_clock_id)
		n += VF(F.clock, p->timestamp_clock_id);
	return n;
}

static uint8_t *
put_varint(uint8_t *o, uint64_t v)
{
	while (v >= 0x80) {
		*o++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*o++ = (uint8_t)v;
	return o;
}

static uint8_t *
put_v(uint8_t *o, uint32_t f, uint64_t v)
{
	return put_varint(put_varint(o, (uint64_t)f << 3), v);
}

static uint8_t *
put_l(uint8_t *o, uint32_t f, size_t n)
{
	return put_varint(put_varint(o, (uint64_t)f << 3 | 2), n);
}

static uint8_t *
put_x(uint8_t *o, uint32_t f, uint64_t v)
{
	o = put_varint(o, (uint64_t)f << 3 | 1);
	for (int k = 0; k < 8; k++)
		*o++ = (uint8_t)(v >> (8 * k));
	return o;
}

static uint8_t *
put_s(uint8_t *o, uint32_t f, const char *s)
{
	size_t n = strlen(s);

	o = put_l(o, f, n);
	memcpy(o, s, n);
	return o + n;
}

static uint8_t *
put_entry(uint8_t *o, uint32_t f, uint64_t iid, const char *name)
{
	o = put_l(o, f, entry_size(iid, name));
	return put_s(put_v(o, F.iid, iid), F.name, name);
}

static uint8_t *
put_interned(uint8_t *o, const Perfetto__Protos__InternedData *i)
{
	o = put_l(o, F.interned, interned_size(i));
	for (size_t k = 0; k < i->n_event_categories; k++)
		o = put_entry(o, F.cats, i->event_categories[k]->iid,
		    i->event_categories[k]->name);
	for (size_t k = 0; k < i->n_event_names; k++)
		o = put_entry(o, F.names, i->event_names[k]->iid,
		    i->event_names[k]->name);
	for (size_t k = 0; k < i->n_source_locations; k++) {
		const Perfetto__Protos__SourceLocation *l = i->source_locations[k];

		o = put_v(put_l(o, F.locs, loc_size(l)), F.loc_iid_f, l->iid);
		if (l->file_name)
			o = put_s(o, F.loc_file, l->file_name);
		if (l->has_line_number)
			o = put_v(o, F.loc_line, l->line_number);
	}
	return o;
}

static uint8_t *
put_event(uint8_t *o, const Perfetto__Protos__TrackEvent *t)
{
	uint64_t bits;

	o = put_l(o, F.te, event_size(t));
	for (size_t k = 0; k < t->n_category_iids; k++)
		o = put_v(o, F.cat_iids, t->category_iids[k]);
	if (t->has_type)
		o = put_v(o, F.type, (uint64_t)t->type);
	if (t->has_name_iid)
		o = put_v(o, F.name_iid, t->name_iid);
	if (t->has_counter_value)
		o = put_v(o, F.counter, (uint64_t)t->counter_value);
	if (t->has_source_location_iid)
		o = put_v(o, F.loc_iid, t->source_location_iid);
	if (t->has_double_counter_value) {
		memcpy(&bits, &t->double_counter_value, sizeof(bits));
		o = put_x(o, F.dcounter, bits);
	}
	for (size_t k = 0; k < t->n_flow_ids; k++)
		o = put_x(o, F.flows, t->flow_ids[k]);
	for (size_t k = 0; k < t->n_terminating_flow_ids; k++)
		o = put_x(o, F.ends, t->terminating_flow_ids[k]);
	return o;
}

/* Fields go out in ascending number order, as protobuf-c writes them. */
size_t
pbfast_pack(const Perfetto__Protos__TracePacket *p, uint8_t *out)
{
	uint8_t *o = out;

	if (p->has_timestamp)
		o = put_v(o, F.ts, p->timestamp);
	if (p->has_trusted_packet_sequence_id)
		o = put_v(o, F.seq, p->trusted_packet_sequence_id);
	o = put_event(o, p->track_event);
	if (p->interned_data)
		o = put_interned(o, p->interned_data);
	if (p->has_sequence_flags)
		o = put_v(o, F.flags, p->sequence_flags);
	if (p->has_timestamp_clock_id)
		o = put_v(o, F.clock, p->timestamp_clock_id);
	return (size_t)(o - out);
}

/*
 * The packet written most, a slice's end, from its values alone: no
 * message is built or sized. Its bytes equal pbfast_pack's for the packet
 * tw_event() would build (clock 0: no timestamp_clock_id); at most
 * PBFAST_END_MAX of them.
 */
size_t
pbfast_end(uint8_t *out, uint64_t ts, uint32_t seq, uint32_t clock)
{
	uint8_t *o = out;

	if (!F.ready)
		init();
	o = put_v(o, F.ts, ts);
	o = put_v(o, F.seq, seq);
	o = put_l(o, F.te, VF(F.type,
	    PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END));
	o = put_v(o, F.type, PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END);
	if (clock)
		o = put_v(o, F.clock, clock);
	return (size_t)(o - out);
}
