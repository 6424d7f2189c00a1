/*
 * One TracePacket at a time: its fields are read once, the sequence's
 * incremental state is applied (clear, loss, defaults, interned data,
 * clock snapshot), its timestamp computed, then its payload handled: track
 * descriptors and events checked, compressed_packets inflated and read
 * like the rest, everything counted by payload field.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "inspect/insp.h"

/* Fields of TracePacket that are not its payload. */
static int
metadata(uint32_t num)
{
	switch (num) {
	case 3: case 8: case 10: case 12: case 13: case 41: case 42: case 58:
	case 59: case 79: case 87: case 98:
		return 1;
	default:
		return 0;
	}
}

struct span {
	const uint8_t *data;
	size_t len;
};

struct pkt {
	int has_ts, has_clock, has_seq, needs, cleared, lost, zstd;
	uint64_t ts;
	uint32_t clock, seq;
	struct span interned, defaults, snapshot, event, descriptor,
	    compressed, thread, ftrace;
};

static void
count_payload(struct insp *in, uint32_t num)
{
	void **slot;

	if (num < LEN(in->small_payloads)) {
		in->small_payloads[num]++;
		return;
	}
	slot = um_slot(in->payloads, num, 1, NULL);
	*slot = (void *)((uintptr_t)*slot + 1);
}

/* Reads the fields of a packet; counts its payloads. -1: undecodable. */
static int
scan(struct insp *in, const uint8_t *p, size_t n, struct pkt *k)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	uint32_t last = 0;
	int r, payloads = 0;

	zero(k, sizeof(*k));
	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0) {
		int v = f.wt == PB_VARINT, l = f.wt == PB_LEN;

		if (!metadata(f.num) && f.num != last) {
			count_payload(in, f.num);
			payloads++;
			last = f.num;
		}
		switch (f.num) {
		case 8: k->has_ts = v, k->ts = f.v; break;
		case 58: k->has_clock = v, k->clock = (uint32_t)f.v; break;
		case 10: k->has_seq = v, k->seq = (uint32_t)f.v; break;
		case 13:
			k->cleared |= v && (f.v & 1);
			k->needs |= v && (f.v & 2);
			break;
		case 41: k->cleared |= v && f.v; break;
		case 42: k->lost |= v && f.v; break;
		case 12: if (l) k->interned = (struct span){ f.data, f.len }; break;
		case 59: if (l) k->defaults = (struct span){ f.data, f.len }; break;
		case 6: if (l) k->snapshot = (struct span){ f.data, f.len }; break;
		case 11: if (l) k->event = (struct span){ f.data, f.len }; break;
		case 60: if (l) k->descriptor = (struct span){ f.data, f.len }; break;
		case 50: if (l) k->compressed = (struct span){ f.data, f.len }; break;
		case 44: if (l) k->thread = (struct span){ f.data, f.len }; break;
		case 1: if (l) k->ftrace = (struct span){ f.data, f.len }; break;
		case 133: k->zstd = 1; break;
		}
	}
	if (r < 0) {
		FIND(in, F_DECODE, "packet does not decode: %s at byte %zu of "
		    "it", why, f.at);
		return -1;
	}
	if (payloads == 0)
		count_payload(in, 0);
	return 0;
}

/* Sequence flags: clear, loss, and whether the importer drops it. */
static int
state(struct insp *in, struct iseq *s, const struct pkt *k)
{
	if (k->cleared && s) {
		iseq_clear(s);
		s->cleared = 1;
	} else if (k->lost && s) {
		s->valid = 0;
	}
	if (!k->needs || (s && s->valid))
		return 0;
	if (!s)
		FIND(in, F_NEEDS_STATE, "a packet without a sequence id needs "
		    "incremental state: the importer drops it");
	else if (s->cleared)
		FIND(in, F_LOSS, "packet on sequence %" PRIu32 " needs "
		    "incremental state lost with dropped packets, until the "
		    "next clear: the importer drops it", s->id);
	else
		FIND(in, F_NEEDS_STATE, "packet on sequence %" PRIu32 " needs "
		    "incremental state before any packet clears it: the "
		    "importer drops it", s->id);
	return -1;
}

static void compressed(struct insp *in, const struct span *f);

static void
packet(struct insp *in, const uint8_t *p, size_t n)
{
	struct pkt k;
	struct iseq *s = NULL;
	int64_t ts = 0;

	in->packets++;
	in->pkt = in->packets;
	if (scan(in, p, n, &k) < 0)
		return;
	if (k.zstd)
		FIND(in, F_ZSTD, "zstd_compressed_packets are not read");
	if (k.has_seq)
		s = in->lastseq && in->lastseq->id == k.seq ? in->lastseq :
		    (in->lastseq = iseq_get(in, k.seq));
	if (state(in, s, &k) < 0)
		return;
	if (k.defaults.data && s)
		iseq_defaults(in, s, k.defaults.data, k.defaults.len);
	if (k.interned.data && s)
		iseq_interned(in, s, k.interned.data, k.interned.len);
	if (k.snapshot.data)
		iseq_clocks(in, s, k.snapshot.data, k.snapshot.len);
	if (k.has_ts) {
		uint32_t clock = k.has_clock ? k.clock : s && s->has_def_clock ?
		    s->def_clock : 6;

		in->ts_bad = 0;
		ts = iseq_time(in, s, clock, k.ts);
		if (in->ts_bad)
			k.event.data = NULL;	/* dropped, as the importer does */
		if (ts > in->latest_ts)
			in->latest_ts = ts;
	}
	if (k.thread.data && s)
		iseq_thread(in, s, k.thread.data, k.thread.len);
	if (k.descriptor.data)
		itrack_descriptor(in, k.descriptor.data, k.descriptor.len);
	if (k.event.data) {
		if (!s)
			FIND(in, F_NOSEQ, "track event without "
			    "trusted_packet_sequence_id: the importer drops it");
		else
			iev_decode(in, s, k.event.data, k.event.len, k.has_ts,
			    ts);
	}
	if (k.ftrace.data)
		iftrace_bundle(in, k.ftrace.data, k.ftrace.len);
	if (k.compressed.data)
		compressed(in, &k.compressed);
}

/* compressed_packets: a zlib stream of packet fields, read like a trace. */
static void
compressed(struct insp *in, const struct span *f)
{
	struct pbuf b;
	struct pbfield g;
	const char *why;
	uint8_t *buf;
	size_t n;
	uint64_t outer = in->pkt, off = in->off;
	int r;

	if (in->depth > 0) {
		FIND(in, F_NESTED, "compressed_packets inside compressed_packets "
		    "are not read (the importer does not either)");
		return;
	}
	if (!(buf = ti_inflate(f->data, f->len, INSP_INFLATE_MAX, &n, &why))) {
		FIND(in, F_INFLATE, "compressed_packets: %s", why);
		return;
	}
	in->depth++;
	pb_init(&b, buf, n);
	while ((r = pb_next(&b, &g, &why)) > 0) {
		in->off = off;
		if (g.num == 1 && g.wt == PB_LEN) {
			packet(in, g.data, g.len);
		} else {
			in->pkt = outer;
			FIND(in, F_FIELD, "compressed_packets holds field %"
			    PRIu32 ", not a packet, at byte %zu of it", g.num,
			    g.at);
		}
	}
	if (r < 0) {
		in->pkt = outer;
		FIND(in, F_INFLATE, "compressed_packets: inflated data does not "
		    "decode: %s at byte %zu of it", why, g.at);
	}
	in->depth--;
	free(buf);
}

void
insp_packet(struct insp *in, const uint8_t *p, size_t n, uint64_t off)
{
	in->off = off;
	packet(in, p, n);
}

void
insp_frame(struct insp *in, enum tires r, const struct tifield *f)
{
	in->off = f->off;
	in->pkt = in->packets + 1;
	switch (r) {
	case TI_FIELD:
		FIND(in, F_FIELD, "top-level field %" PRIu32 " (wire type %d) "
		    "is not a packet (field 1, length-delimited)", f->num,
		    (int)f->wt);
		break;
	case TI_HUGE:
		FIND(in, F_HUGE, "packet of %" PRIu64 " bytes is larger than "
		    "%u MiB: skipped, not checked", f->declared,
		    TI_MAXPACKET >> 20);
		in->packets++;
		break;
	case TI_TRUNC:
		if (f->why)
			FIND(in, F_TRUNC, "truncated: %s, after %" PRIu64
			    " whole packets", f->why, in->packets);
		else
			FIND(in, F_TRUNC, "truncated: a field of %" PRIu64
			    " bytes has only %" PRIu64 " left, after %" PRIu64
			    " whole packets", f->declared, f->left,
			    in->packets);
		break;
	case TI_BAD:
		FIND(in, F_FRAME, "no protobuf field here (%s): the rest of the "
		    "input is not read, after %" PRIu64 " whole packets",
		    f->why, in->packets);
		break;
	default:
		break;
	}
}

struct insp *
insp_new(const char *name, enum insp_mode mode)
{
	struct insp *in = xcalloc(1, sizeof(*in));

	in->name = name;
	in->mode = mode;
	in->payloads = um_new();
	in->interned = um_new();
	in->seqs = um_new();
	in->tracks_by_uuid = um_new();
	in->flowmap = um_new();
	in->procs = um_new();
	in->threads = sm_new();
	in->tids = um_new();
	in->cpus = um_new();
	in->anames = sm_new();
	in->impkeys = sm_new();
	in->lflows = um_new();
	in->cur_ts = INT64_MIN;
	if (mode == IM_RECORDS)
		in->rec = irec_new();
	return in;
}

void
insp_end(struct insp *in, uint64_t rawbytes, uint64_t bytes, int gzip,
    const char *gzfault)
{
	in->rawbytes = rawbytes;
	in->bytes = bytes;
	in->gzip = gzip;
	if (gzfault) {
		in->pkt = in->packets;
		in->off = bytes;
		FIND(in, F_GZIP, "gzip input: %s", gzfault);
	}
	iev_drain(in, 0);
	for (uint32_t i = 0; i < LEN(in->small_payloads); i++)
		if (in->small_payloads[i])
			*um_slot(in->payloads, i, 1, NULL) =
			    (void *)(uintptr_t)in->small_payloads[i];
	islice_end(in);
	iflow_end(in);
	itrack_end(in);
	if (in->rec)
		irec_end(in);
}

static void
free_seq(uint64_t k, void *v, void *arg)
{
	(void)k;
	(void)arg;
	iseq_free(v);
}

static void
free_val(uint64_t k, void *v, void *arg)
{
	(void)k;
	(void)arg;
	free(v);
}

void
insp_free(struct insp *in)
{
	if (!in)
		return;
	iev_discard(in);
	free(in->heap);
	free(in->runs);
	while (in->freelist) {
		struct iev *e = in->freelist;

		in->freelist = e->next;
		free(e);
	}
	irec_free(in);
	iftrace_free(in);
	um_each(in->seqs, free_seq, NULL);
	um_each(in->flowmap, free_val, NULL);
	itrack_free_all(in);
	um_free(in->seqs);
	um_free(in->flowmap);
	um_free(in->tracks_by_uuid);
	um_free(in->payloads);
	um_free(in->interned);
	um_free(in->procs);
	sm_free(in->threads);
	um_free(in->tids);
	um_free(in->cpus);
	sm_free(in->anames);
	sm_free(in->impkeys);
	um_free(in->lflows);
	for (size_t i = 0; i < in->nmsgs; i++)
		free(in->msgs[i].text);
	free(in->msgs);
	sb_free(&in->tmp);
	sb_free(&in->flbuf[0]);
	sb_free(&in->flbuf[1]);
	free(in);
}
