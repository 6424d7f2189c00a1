/*
 * The packet writer. A sequence's first packet (and its first after an
 * interning reset) clears its incremental state and carries the defaults
 * (its track, the clock) and a ClockSnapshot tying the incremental clock to
 * BOOTTIME at the event's time; events after it that refer to interned
 * data need that state and say so (SLICE_END events refer to nothing).
 * A timestamp smaller than the sequence's last goes out absolute, on
 * BOOTTIME, so any input order gives a valid trace.
 * Interning: a string has one iid for the whole trace (iids are per
 * sequence in Perfetto, but need not be dense), so it is hashed once per
 * event, not once per sequence it goes on; each sequence keeps a bitmap of
 * the iids it has sent. At most TW_INTERN_MAX strings or TW_INTERN_BYTES of
 * strings and bitmaps are held: past that every sequence starts afresh, so
 * memory stays bounded however many names come.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sig.h"
#include "base/strmap.h"
#include "base/util.h"
#include "perfetto/pbfast.h"
#include "perfetto/trace.h"

enum { T_NAME, T_CAT, T_ANNO, T_LOC, NTABLES };

struct seq {
	uint32_t id;
	uint64_t track;
	int valid;			/* state packet written, not reset */
	uint64_t last;			/* last timestamp on TW_CLOCK */
	uint8_t *sent;			/* bit iid: interned on this sequence */
	size_t sentcap;
	struct seq *nextseq;		/* all sequences, for a reset */
};

static struct {
	int absolute;
	uint32_t nextid;
	struct seq *all;
	struct strmap *tab[NTABLES];	/* string -> iid */
	uint64_t lastiid;
	size_t entries, bytes;
	unsigned long resets;
} tw;

/* Interned entries a packet adds, gathered while its event is built. */
static struct {
	Perfetto__Protos__EventName names[8], *pnames[8];
	Perfetto__Protos__EventCategory cats[8], *pcats[8];
	Perfetto__Protos__DebugAnnotationName annos[64], *pannos[64];
	Perfetto__Protos__SourceLocation locs[8], *plocs[8];
	size_t nnames, ncats, nannos, nlocs;
} in;

void
tw_init(int absolute_ts)
{
	tw.absolute = absolute_ts;
	tw.nextid = TW_DESCRIPTOR_SEQ + 1;
	for (int t = 0; t < NTABLES; t++)
		if (!tw.tab[t])
			tw.tab[t] = sm_new();
}

size_t
pb_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

void
pb_put_packet(const ProtobufCMessage *packet)
{
	const Perfetto__Protos__TracePacket *tp =
	    (const Perfetto__Protos__TracePacket *)packet;
	int fast = packet->descriptor == &perfetto__protos__trace_packet__descriptor
	    && pbfast_ok(tp);
	size_t size = fast ? pbfast_size(tp) :
	    protobuf_c_message_get_packed_size(packet);
	uint8_t *p = (uint8_t *)out_reserve(size + 11);
	size_t n;

	p[0] = 0x0a;		/* Trace.packet: field 1, length-delimited */
	n = 1 + pb_varint(p + 1, size);
	n += fast ? pbfast_pack(tp, p + n) : protobuf_c_message_pack(packet, p + n);
	out_commit(n);
	sig_check();		/* a whole packet: a place to stop */
}

struct seq *
tw_seq_new(uint64_t track_uuid)
{
	struct seq *s = xcalloc(1, sizeof(*s));

	s->id = tw.nextid++;
	s->track = track_uuid;
	s->nextseq = tw.all;
	tw.all = s;
	return s;
}

void
tw_seq_free(struct seq *s)
{
	struct seq **pp;

	for (pp = &tw.all; *pp && *pp != s; pp = &(*pp)->nextseq)
		;
	if (*pp)
		*pp = s->nextseq;
	free(s->sent);
	free(s);
}

uint32_t
tw_seq_id(const struct seq *s)
{
	return s->id;
}

unsigned long
tw_resets(void)
{
	return tw.resets;
}

/* Every sequence forgets what it interned and will clear its state. */
static void
reset_all(void)
{
	for (struct seq *s = tw.all; s; s = s->nextseq) {
		free(s->sent);
		s->sent = NULL;
		s->sentcap = 0;
		s->valid = 0;
	}
	for (int t = 0; t < NTABLES; t++)
		sm_clear(tw.tab[t]);
	tw.lastiid = 0;
	tw.entries = tw.bytes = 0;
	tw.resets++;
}

/* The state packet: clear, defaults, and the clock at time ts. */
static void
put_state(struct seq *s, int64_t ts)
{
	Perfetto__Protos__TracePacket pkt = PERFETTO__PROTOS__TRACE_PACKET__INIT;
	Perfetto__Protos__TracePacketDefaults def =
	    PERFETTO__PROTOS__TRACE_PACKET_DEFAULTS__INIT;
	Perfetto__Protos__TrackEventDefaults tdef =
	    PERFETTO__PROTOS__TRACK_EVENT_DEFAULTS__INIT;
	Perfetto__Protos__ClockSnapshot snap =
	    PERFETTO__PROTOS__CLOCK_SNAPSHOT__INIT;
	Perfetto__Protos__ClockSnapshot__Clock boot =
	    PERFETTO__PROTOS__CLOCK_SNAPSHOT__CLOCK__INIT;
	Perfetto__Protos__ClockSnapshot__Clock inc =
	    PERFETTO__PROTOS__CLOCK_SNAPSHOT__CLOCK__INIT;
	Perfetto__Protos__ClockSnapshot__Clock *clocks[2] = { &boot, &inc };

	pkt.has_trusted_packet_sequence_id = 1;
	pkt.trusted_packet_sequence_id = s->id;
	pkt.has_sequence_flags = 1;
	pkt.sequence_flags =
	    PERFETTO__PROTOS__TRACE_PACKET__SEQUENCE_FLAGS__SEQ_INCREMENTAL_STATE_CLEARED;
	tdef.has_track_uuid = 1;
	tdef.track_uuid = s->track;
	def.track_event_defaults = &tdef;
	pkt.trace_packet_defaults = &def;
	if (!tw.absolute) {
		def.has_timestamp_clock_id = 1;
		def.timestamp_clock_id = TW_CLOCK;
		boot.has_clock_id = inc.has_clock_id = 1;
		boot.clock_id = TW_BOOTTIME;
		inc.clock_id = TW_CLOCK;
		boot.has_timestamp = inc.has_timestamp = 1;
		boot.timestamp = inc.timestamp = (uint64_t)ts;
		inc.has_is_incremental = 1;
		inc.is_incremental = 1;
		snap.n_clocks = 2;
		snap.clocks = clocks;
		pkt.clock_snapshot = &snap;
		s->last = (uint64_t)ts;
	}
	pb_put_packet(&pkt.base);
	s->valid = 1;
}

/* Whether iid went out on s before; from now on it has. */
static int
sent_before(struct seq *s, uint64_t iid)
{
	size_t byte = (size_t)(iid / 8);
	uint8_t bit = (uint8_t)(1u << (iid % 8));

	if (byte >= s->sentcap) {
		size_t cap = (byte / 64 + 1) * 64;

		s->sent = xrealloc(s->sent, cap);
		memset(s->sent + s->sentcap, 0, cap - s->sentcap);
		tw.bytes += cap - s->sentcap;
		s->sentcap = cap;
	}
	if (s->sent[byte] & bit)
		return 1;
	s->sent[byte] |= bit;
	return 0;
}

/*
 * The iid of key in table t, made when the key is new to the trace; *isnew
 * tells that s has not had it yet, and the caller adds it to the packet's
 * interned data.
 */
static uint64_t
intern(struct seq *s, int t, const char *key, size_t n, int *isnew)
{
	int created;
	void **slot = sm_slot(tw.tab[t], key, n, 1, &created);
	uint64_t iid;

	if (created) {
		*slot = (void *)(uintptr_t)++tw.lastiid;
		tw.entries++;
		tw.bytes += n;
	}
	iid = (uint64_t)(uintptr_t)*slot;
	*isnew = !sent_before(s, iid);
	return iid;
}

static uint64_t
intern_name(struct seq *s, const char *name)
{
	int isnew;
	uint64_t iid;

	if (in.nnames == LEN(in.names))
		return 0;
	iid = intern(s, T_NAME, name, strlen(name), &isnew);
	if (isnew) {
		Perfetto__Protos__EventName *e = &in.names[in.nnames];

		perfetto__protos__event_name__init(e);
		e->has_iid = 1;
		e->iid = iid;
		e->name = (char *)name;
		in.pnames[in.nnames++] = e;
	}
	return iid;
}

static uint64_t
intern_cat(struct seq *s, const char *cat)
{
	int isnew;
	uint64_t iid = intern(s, T_CAT, cat, strlen(cat), &isnew);

	if (isnew) {
		Perfetto__Protos__EventCategory *e = &in.cats[in.ncats];

		perfetto__protos__event_category__init(e);
		e->has_iid = 1;
		e->iid = iid;
		e->name = (char *)cat;
		in.pcats[in.ncats++] = e;
	}
	return iid;
}

static uint64_t
intern_anno(struct seq *s, const char *name)
{
	int isnew;
	uint64_t iid;

	if (in.nannos == LEN(in.annos))
		return 0;
	iid = intern(s, T_ANNO, name, strlen(name), &isnew);
	if (isnew) {
		Perfetto__Protos__DebugAnnotationName *e = &in.annos[in.nannos];

		perfetto__protos__debug_annotation_name__init(e);
		e->has_iid = 1;
		e->iid = iid;
		e->name = (char *)name;
		in.pannos[in.nannos++] = e;
	}
	return iid;
}

static uint64_t
intern_loc(struct seq *s, const char *file, uint32_t line)
{
	char key[4096];
	size_t n = strlen(file);
	int isnew;
	uint64_t iid;

	/* the key: the line's four bytes, then the file name */
	if (n > sizeof(key) - sizeof(line))
		return 0;
	memcpy(key, &line, sizeof(line));
	memcpy(key + sizeof(line), file, n);
	iid = intern(s, T_LOC, key, sizeof(line) + n, &isnew);
	if (isnew) {
		Perfetto__Protos__SourceLocation *e = &in.locs[in.nlocs];

		perfetto__protos__source_location__init(e);
		e->has_iid = 1;
		e->iid = iid;
		e->file_name = (char *)file;
		if (line) {
			e->has_line_number = 1;
			e->line_number = line;
		}
		in.plocs[in.nlocs++] = e;
	}
	return iid;
}

/* Annotation nodes of the current event, freed after it is written. */
static struct {
	Perfetto__Protos__DebugAnnotation **v;
	size_t n, cap;
} pool;

static Perfetto__Protos__DebugAnnotation *
node(void)
{
	Perfetto__Protos__DebugAnnotation *a = xmalloc(sizeof(*a));

	perfetto__protos__debug_annotation__init(a);
	if (pool.n == pool.cap) {
		pool.cap = pool.cap ? pool.cap * 2 : 64;
		pool.v = xreallocarray(pool.v, pool.cap, sizeof(*pool.v));
	}
	pool.v[pool.n++] = a;
	return a;
}

static void
pool_free(void)
{
	for (size_t i = 0; i < pool.n; i++) {
		free(pool.v[i]->dict_entries);
		free(pool.v[i]->array_values);
		free(pool.v[i]);
	}
	pool.n = 0;
}

static void anno_value(Perfetto__Protos__DebugAnnotation *a, json_object *v);

/*
 * JSON null is left out, at any depth, as Perfetto's JSON importer leaves
 * it out of args: its importer aborts on a legacy_json_value of "null"
 * (json_args.cc), so one null written would make the whole trace unreadable.
 * An array's later elements move down one index, as in that importer.
 */
static int
is_null(json_object *v)
{
	return json_object_get_type(v) == json_type_null;
}

static void
anno_dict(Perfetto__Protos__DebugAnnotation *a, json_object *obj)
{
	size_t i = 0;

	a->dict_entries = xreallocarray(NULL,
	    (size_t)json_object_object_length(obj), sizeof(*a->dict_entries));
	json_object_object_foreach(obj, key, val) {
		Perfetto__Protos__DebugAnnotation *e;

		if (is_null(val))
			continue;
		e = node();
		e->name = key;
		anno_value(e, val);
		a->dict_entries[i++] = e;
	}
	a->n_dict_entries = i;
}

/* The elements of array v that are not null, in order. */
static void
anno_array(Perfetto__Protos__DebugAnnotation *a, json_object *v)
{
	size_t n = json_object_array_length(v), k = 0;

	a->array_values = xreallocarray(NULL, n, sizeof(*a->array_values));
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (is_null(e))
			continue;
		a->array_values[k] = node();
		anno_value(a->array_values[k++], e);
	}
	a->n_array_values = k;
}

/* Fills a's value from JSON; json-c's depth limit bounds the recursion. */
static void
anno_value(Perfetto__Protos__DebugAnnotation *a, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: /* left out by the callers */
		break;
	case json_type_boolean:
		a->has_bool_value = 1;
		a->bool_value = json_object_get_boolean(v);
		break;
	case json_type_double:
		a->has_double_value = 1;
		a->double_value = json_object_get_double(v);
		break;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX &&
		    json_object_get_uint64(v) > INT64_MAX) {
			a->has_uint_value = 1;
			a->uint_value = json_object_get_uint64(v);
		} else {
			a->has_int_value = 1;
			a->int_value = json_object_get_int64(v);
		}
		break;
	case json_type_string:
		a->string_value = (char *)json_object_get_string(v);
		break;
	case json_type_object:
		anno_dict(a, v);
		break;
	case json_type_array:
		anno_array(a, v);
		break;
	}
}

/* Top-level args: one annotation each, their names interned. */
static void
annotations(struct seq *s, Perfetto__Protos__TrackEvent *te, json_object *args)
{
	size_t i = 0;

	te->debug_annotations = xreallocarray(NULL,
	    (size_t)json_object_object_length(args),
	    sizeof(*te->debug_annotations));
	json_object_object_foreach(args, key, val) {
		Perfetto__Protos__DebugAnnotation *a;
		uint64_t iid;

		if (is_null(val))
			continue;
		a = node();
		iid = intern_anno(s, key);
		if (iid) {
			a->has_name_iid = 1;
			a->name_iid = iid;
		} else {
			a->name = key;
		}
		anno_value(a, val);
		te->debug_annotations[i++] = a;
	}
	te->n_debug_annotations = i;
}

/* Before an event on s: a reset when the tables are full, then s's state. */
static void
ready(struct seq *s, int64_t ts)
{
	if (tw.entries >= TW_INTERN_MAX || tw.bytes >= TW_INTERN_BYTES)
		reset_all();
	if (!s->valid)
		put_state(s, ts);
}

/*
 * The timestamp field of an event at ts on s: the delta on TW_CLOCK, or,
 * back in time, ts itself with *clock TW_BOOTTIME (0 otherwise, and
 * always with absolute timestamps).
 */
static uint64_t
stamp(struct seq *s, int64_t ts, uint32_t *clock)
{
	uint64_t t = (uint64_t)ts;

	*clock = 0;
	if (tw.absolute)
		return t;
	if (t < s->last) {
		*clock = TW_BOOTTIME;
		return t;
	}
	t -= s->last;
	s->last = (uint64_t)ts;
	return t;
}

static void
set_time(struct seq *s, Perfetto__Protos__TracePacket *pkt, int64_t ts)
{
	uint32_t clock;

	pkt->has_timestamp = 1;
	pkt->timestamp = stamp(s, ts, &clock);
	pkt->has_timestamp_clock_id = clock != 0;
	pkt->timestamp_clock_id = clock;
}

static void
set_names(struct seq *s, Perfetto__Protos__TrackEvent *te, const struct tev *e,
    uint64_t *cat)
{
	if (e->name && *e->name) {
		uint64_t iid = intern_name(s, e->name);

		if (iid) {
			te->has_name_iid = 1;
			te->name_iid = iid;
		} else {
			te->name = (char *)e->name;
		}
	}
	if (e->cat && *e->cat) {
		*cat = intern_cat(s, e->cat);
		te->n_category_iids = 1;
		te->category_iids = cat;
	}
	if (e->file && *e->file) {
		uint64_t iid = intern_loc(s, e->file, e->line);

		if (iid) {
			te->has_source_location_iid = 1;
			te->source_location_iid = iid;
		}
	}
}

/*
 * The packet structs live across calls: zeroing them anew for every event
 * cost more than packing. Every field an event may set is set or cleared
 * here each time, so nothing carries over from the previous event.
 */
void
tw_event(struct seq *s, const struct tev *e)
{
	static Perfetto__Protos__TracePacket pkt = PERFETTO__PROTOS__TRACE_PACKET__INIT;
	static Perfetto__Protos__TrackEvent te = PERFETTO__PROTOS__TRACK_EVENT__INIT;
	static Perfetto__Protos__InternedData id = PERFETTO__PROTOS__INTERNED_DATA__INIT;
	uint64_t cat;

	ready(s, e->ts);
	in.nnames = in.ncats = in.nannos = in.nlocs = 0;

	pkt.has_trusted_packet_sequence_id = 1;
	pkt.trusted_packet_sequence_id = s->id;
	/* an END refers to nothing interned: two bytes saved on each */
	pkt.has_sequence_flags = e->type != TEV_END;
	pkt.sequence_flags =
	    PERFETTO__PROTOS__TRACE_PACKET__SEQUENCE_FLAGS__SEQ_NEEDS_INCREMENTAL_STATE;
	set_time(s, &pkt, e->ts);
	te.has_type = 1;
	te.type = (Perfetto__Protos__TrackEvent__Type)e->type;
	te.has_name_iid = te.has_source_location_iid = 0;
	te.name = NULL;
	te.n_category_iids = 0;
	set_names(s, &te, e, &cat);
	te.n_debug_annotations = 0;
	te.debug_annotations = NULL;
	if (e->args)
		annotations(s, &te, e->args);
	te.n_flow_ids = e->nflows;
	te.flow_ids = (uint64_t *)e->flows;
	te.n_terminating_flow_ids = e->nflows_end;
	te.terminating_flow_ids = (uint64_t *)e->flows_end;
	te.has_counter_value = e->counter == 1;
	te.counter_value = e->ival;
	te.has_double_counter_value = e->counter == 2;
	te.double_counter_value = e->dval;
	pkt.track_event = &te;

	pkt.interned_data = NULL;
	if (in.nnames + in.ncats + in.nannos + in.nlocs > 0) {
		id.n_event_names = in.nnames;
		id.event_names = in.pnames;
		id.n_event_categories = in.ncats;
		id.event_categories = in.pcats;
		id.n_debug_annotation_names = in.nannos;
		id.debug_annotation_names = in.pannos;
		id.n_source_locations = in.nlocs;
		id.source_locations = in.plocs;
		pkt.interned_data = &id;
	}
	pb_put_packet(&pkt.base);
	free(te.debug_annotations);
	pool_free();
}

/*
 * A slice's end: what tw_event() writes for a TEV_END, byte for byte, but
 * straight into the output (an end refers to nothing interned and needs
 * no state flag). Its packet is under 128 bytes: one byte of length.
 */
void
tw_end(struct seq *s, int64_t ts)
{
	uint8_t *p;
	uint64_t t;
	uint32_t clock;
	size_t n;

	ready(s, ts);
	t = stamp(s, ts, &clock);
	p = (uint8_t *)out_reserve(PBFAST_END_MAX + 2);
	n = pbfast_end(p + 2, t, s->id, clock);
	p[0] = 0x0a;		/* Trace.packet: field 1, length-delimited */
	p[1] = (uint8_t)n;
	out_commit(n + 2);
	sig_check();		/* a whole packet: a place to stop */
}

void
tw_descriptor(const Perfetto__Protos__TrackDescriptor *d)
{
	Perfetto__Protos__TracePacket pkt = PERFETTO__PROTOS__TRACE_PACKET__INIT;

	pkt.has_trusted_packet_sequence_id = 1;
	pkt.trusted_packet_sequence_id = TW_DESCRIPTOR_SEQ;
	pkt.track_descriptor = (Perfetto__Protos__TrackDescriptor *)d;
	pb_put_packet(&pkt.base);
}
