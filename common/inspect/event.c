/*
 * TrackEvents as they arrive: decoded in one pass over their fields, their
 * interned ids resolved against the sequence as it is at this point of the
 * file, their track and timestamp settled; then into the sort window
 * (window.c). Cost: one pass over each event's fields.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/util.h"
#include "inspect/insp.h"

#define MAXCATS 16

/* What one TrackEvent holds. Only the part before cat_iids is cleared
 * per event: the arrays are read up to their counts. */
struct tedec {
	int has_type, has_track, has_name_iid, has_loc_iid, has_loc;
	int counter, has_legacy, has_hist, has_abs_us, has_delta_us;
	uint64_t type, track, name_iid, loc_iid, hist_iid;
	int64_t ival, abs_us, delta_us, legacy_dur_us;
	double dval;
	struct pbfield name, loc_file;
	uint32_t loc_line;
	size_t ncat_iids, ncats, nannos;
	uint64_t legacy_name_iid;
	int legacy_phase, legacy_scope;
	int thread_time, thread_instr;	/* built-in thread counters */
	size_t nfl, nend, nxtracks;
	uint64_t extra;
	struct sbuf *fl, *te;		/* flows, terminating flows */
	uint64_t cat_iids[MAXCATS];
	struct pbfield cats[MAXCATS];
	uint64_t xtracks[MAXCATS];	/* extra counter track uuids */
	struct ilegacy lg;		/* set by legacy(), when has_legacy */
};

static void
flow_add(struct tedec *d, uint64_t id, int end)
{
	sb_put(end ? d->te : d->fl, &id, sizeof(id));
	if (end)
		d->nend++;
	else
		d->nfl++;
}

/* A repeated scalar field, plain or packed. */
static int
repeated(struct tedec *d, const struct pbfield *f, enum pbwire elem,
    int flows, int end)
{
	struct pbuf b;
	uint64_t v;
	int r;

	if (f->wt == elem) {
		v = f->v;
		if (flows)
			flow_add(d, v, end);
		else if (d->ncat_iids < MAXCATS)
			d->cat_iids[d->ncat_iids++] = v;
		return 0;
	}
	if (f->wt != PB_LEN)
		return -1;
	pb_init(&b, f->data, f->len);
	while ((r = pb_packed_next(&b, elem, &v)) > 0)
		if (flows)
			flow_add(d, v, end);
		else if (d->ncat_iids < MAXCATS)
			d->cat_iids[d->ncat_iids++] = v;
	return r;
}

static int
sourceloc(struct tedec *d, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0)
		if (f.num == 2 && f.wt == PB_LEN)
			d->loc_file = f;
		else if (f.num == 4 && f.wt == PB_VARINT)
			d->loc_line = (uint32_t)f.v;
	return r;
}

/* LegacyEvent: name_iid 1, phase 2, duration_us 3, the ids 6, 10 and 11,
 * id_scope 7, bind_id 8, flow_direction 13, instant_event_scope 14. */
static int
legacy(struct tedec *d, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	d->has_legacy = 1;
	zero(&d->lg, sizeof(d->lg));
	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0) {
		if (f.num == 7 && f.wt == PB_LEN) {
			d->lg.has_scope = 1;
			d->lg.scope_h = XXH3_64bits(f.data, f.len);
		}
		if (f.wt != PB_VARINT)
			continue;
		if (f.num == 6 || f.num == 10 || f.num == 11) {
			d->lg.has_id = 1;	/* unscoped, local, global */
			d->lg.local = f.num == 10;
			d->lg.unscoped = f.num == 6;
			d->lg.id = f.v;
		} else if (f.num == 8) {
			d->lg.has_bind = 1, d->lg.bind = f.v;
		} else if (f.num == 13) {
			d->lg.dir = (int)f.v;
		} else if (f.num == 1)
			d->legacy_name_iid = f.v;
		else if (f.num == 2)
			d->legacy_phase = (int)f.v;
		else if (f.num == 3)
			d->legacy_dur_us = (int64_t)f.v;
		else if (f.num == 14)
			d->legacy_scope = (int)f.v;
	}
	return r;
}

/* ChromeHistogramSample: name_iid 4. */
static int
histogram(struct tedec *d, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0)
		if (f.num == 4 && f.wt == PB_VARINT) {
			d->has_hist = 1;
			d->hist_iid = f.v;
		}
	return r;
}

static int
wrong(const struct pbfield *f, enum pbwire want, const char **why)
{
	if (f->wt == want)
		return 0;
	*why = "a field has the wrong wire type";
	return -1;
}

static int
extra_values(struct tedec *d, const struct pbfield *f)
{
	struct pbuf b;
	uint64_t v;
	int r;

	if (f->wt != PB_LEN) {
		d->extra++;
		return 0;
	}
	pb_init(&b, f->data, f->len);
	while ((r = pb_packed_next(&b, f->num == 46 ? PB_I64 : PB_VARINT,
	    &v)) > 0)
		d->extra++;
	return r;
}

static int
extra_tracks(struct tedec *d, const struct pbfield *f)
{
	struct pbuf b;
	uint64_t v;
	int r;

	if (f->wt != PB_LEN) {
		if (d->nxtracks < MAXCATS)
			d->xtracks[d->nxtracks++] = f->v;
		return 0;
	}
	pb_init(&b, f->data, f->len);
	while ((r = pb_packed_next(&b, PB_VARINT, &v)) > 0)
		if (d->nxtracks < MAXCATS)
			d->xtracks[d->nxtracks++] = v;
	return r;
}

/* The single-valued fields of a TrackEvent. */
static int
scalar_field(struct tedec *d, const struct pbfield *f, const char **why)
{
	switch (f->num) {
	case 9:
		d->has_type = 1, d->type = f->v;
		break;
	case 10:
		d->has_name_iid = 1, d->name_iid = f->v;
		break;
	case 11:
		d->has_track = 1, d->track = f->v;
		break;
	case 30:
		d->counter = 1, d->ival = (int64_t)f->v;
		break;
	case 44:
		d->counter = 2, d->dval = pb_double(f->v);
		return wrong(f, PB_I64, why);
	case 34:
		d->has_loc_iid = 1, d->loc_iid = f->v;
		break;
	case 1:
		d->has_delta_us = 1, d->delta_us = (int64_t)f->v;
		break;
	case 16:
		d->has_abs_us = 1, d->abs_us = (int64_t)f->v;
		break;
	case 2:
	case 17:
		/* thread time and instruction counts: counter values too */
		d->thread_time = 1;
		d->extra++;
		break;
	case 8:
	case 20:
		d->thread_instr = 1;
		d->extra++;
		break;
	default:
		return 0;
	}
	return wrong(f, PB_VARINT, why);
}

/* The length-delimited fields: strings and messages. */
static int
nested_field(struct tedec *d, const struct pbfield *f, const char **why)
{
	if (wrong(f, PB_LEN, why) < 0)
		return -1;
	switch (f->num) {
	case 23:
		d->name = *f;
		return 0;
	case 22:
		if (d->ncats < MAXCATS)
			d->cats[d->ncats++] = *f;
		return 0;
	case 4:
		d->nannos++;
		return 0;
	case 33:
		d->has_loc = 1;
		return sourceloc(d, f->data, f->len, why);
	case 6:
		return legacy(d, f->data, f->len, why);
	default:
		return histogram(d, f->data, f->len, why);
	}
}

/* One TrackEvent field into d; -1 with *why when it is malformed. */
static int
field(struct tedec *d, const struct pbfield *f, const char **why)
{
	int r;

	switch (f->num) {
	case 3:
		r = repeated(d, f, PB_VARINT, 0, 0);
		break;
	case 36:
	case 42:
		r = repeated(d, f, PB_VARINT, 1, f->num == 42);
		break;
	case 47:
	case 48:
		r = repeated(d, f, PB_I64, 1, f->num == 48);
		break;
	case 12:
	case 46:
		r = extra_values(d, f);
		break;
	case 31:
	case 45:
		r = extra_tracks(d, f);
		break;
	case 4: case 6: case 22: case 23: case 28: case 33:
		return nested_field(d, f, why);
	default:
		return scalar_field(d, f, why);
	}
	if (r < 0)
		*why = "a repeated field does not decode";
	return r;
}

static void
iid_missing(struct insp *in, const struct iseq *s, const char *what,
    uint64_t iid)
{
	FIND(in, F_IID, "%s iid %" PRIu64 " is not interned on sequence %"
	    PRIu32 " since its last clear", what, iid, s ? s->id : 0);
}

static void
resolve_name(struct insp *in, const struct iseq *s, const struct tedec *d,
    struct iev *e)
{
	const struct ient *ne = NULL;

	if (d->has_name_iid || (d->has_legacy && d->legacy_name_iid &&
	    !d->name.data)) {
		uint64_t iid = d->has_name_iid ? d->name_iid :
		    d->legacy_name_iid;

		if (!(ne = s ? iseq_lookup(s, TAB_NAME, iid) : NULL))
			iid_missing(in, s, "event name", iid);
	}
	if (ne) {
		e->has_name = 1;
		e->name_h = ne->s->hash;
		if (e->rec)
			e->rec->name = rcs_ref(ne->s);
	} else if (d->name.data) {
		e->has_name = 1;
		if (e->rec) {
			e->rec->name = rcs_new(d->name.data, d->name.len);
			e->name_h = e->rec->name->hash;
		} else {
			e->name_h = XXH3_64bits(d->name.data, d->name.len);
		}
	}
}

/* Categories, joined with ',' as the importer joins them. */
static void
resolve_cats(struct insp *in, const struct iseq *s, const struct tedec *d,
    struct iev *e)
{
	struct sbuf *b = &in->tmp;
	const struct ient *ce;

	b->n = 0;
	for (size_t i = 0; i < d->ncat_iids; i++) {
		if (!(ce = s ? iseq_lookup(s, TAB_CAT, d->cat_iids[i]) : NULL)) {
			iid_missing(in, s, "category", d->cat_iids[i]);
			continue;
		}
		if (d->ncat_iids == 1 && d->ncats == 0) {
			e->has_cat = 1;
			e->cat_h = ce->s->hash;
			if (e->rec)
				e->rec->cat = rcs_ref(ce->s);
			return;
		}
		if (b->n)
			sb_putc(b, ',');
		sb_put(b, ce->s->s, ce->s->len);
	}
	for (size_t i = 0; i < d->ncats; i++) {
		if (b->n)
			sb_putc(b, ',');
		sb_put(b, d->cats[i].data, d->cats[i].len);
	}
	if (b->n == 0)
		return;
	e->has_cat = 1;
	e->cat_h = XXH3_64bits(b->p, b->n);
	if (e->rec)
		e->rec->cat = rcs_new(b->p, b->n);
}

static void
resolve_loc(struct insp *in, const struct iseq *s, const struct tedec *d,
    struct iev *e)
{
	const struct ient *le = NULL;

	if (d->has_loc_iid && !(le = s ? iseq_lookup(s, TAB_LOC, d->loc_iid) :
	    NULL))
		iid_missing(in, s, "source location", d->loc_iid);
	if (d->has_hist && !(s && iseq_lookup(s, TAB_HIST, d->hist_iid)))
		iid_missing(in, s, "histogram name", d->hist_iid);
	if (!e->rec)
		return;
	if (le) {
		e->rec->file = rcs_ref(le->s);
		e->rec->line = le->line;
	} else if (d->has_loc && d->loc_file.data) {
		e->rec->file = rcs_new(d->loc_file.data, d->loc_file.len);
		e->rec->line = d->loc_line;
	}
}

/* The debug annotations (field 4): checked, and as JSON for records. */
static int
resolve_args(struct insp *in, const struct iseq *s, const uint8_t *p,
    size_t n, struct iev *e)
{
	struct sbuf *json = e->rec ? &in->tmp : NULL;
	struct pbuf b;
	struct pbfield f;
	const char *why;
	int any = 0;

	if (json)
		json->n = 0;
	pb_init(&b, p, n);
	while (pb_next(&b, &f, &why) > 0) {
		if (f.num != 4)
			continue;
		if (json)
			sb_putc(json, any ? ',' : '{');
		any = 1;
		if (ianno_walk(in, s, f.data, f.len, json) < 0)
			return -1;
	}
	if (json && any) {
		sb_putc(json, '}');
		e->rec->args = xmemdup(json->p, json->n);
		e->rec->argslen = json->n;
	}
	return 0;
}

static struct itrack *resolve_uuid(struct insp *in, uint64_t uuid);

static struct itrack *
resolve_track(struct insp *in, const struct iseq *s, const struct tedec *d)
{
	struct itrack *t;
	uint64_t uuid = 0;

	if (d->has_track)
		uuid = d->track;
	else if (s && s->has_def_track)
		uuid = s->def_track;
	/* no track, or track 0: the sequence's thread, if it has one */
	if (uuid == 0 && s && s->has_thread)
		t = itrack_thread(in, s->pid, s->tid);
	else if (uuid != 0 || !s || !s->has_def_track || !(t = um_get(
	    in->tracks_by_uuid, s->def_track)) || t->kind != TK_THREAD)
		t = resolve_uuid(in, uuid);
	itrack_source(in, t, 0);
	return t;
}

static struct itrack *
resolve_uuid(struct insp *in, uint64_t uuid)
{
	struct itrack *t = itrack_get(in, uuid);

	if (uuid == 0 && !t->declared) {
		t->kind = TK_GLOBAL;
		t->declared = t->synthetic = 1;
		t->name = xstrdup("Default Track");
		in->tracks[TK_GLOBAL]++;
	}
	if (!t->used) {
		t->used = 1;
		t->use_pkt = in->pkt;
		t->use_off = in->off;
	}
	return t;
}

/* The event's type, counted; legacy phases B, E, I, i and X map on the
 * typed ones. Returns EV_OTHER for what has no slice semantics here. */
static int
event_type(struct insp *in, const struct tedec *d)
{
	uint64_t type = d->has_type ? d->type : 0;

	in->types[type < 5 ? type : 5]++;
	if (type >= 1 && type <= 4)
		return (int)type;
	if (type > 4) {
		FIND(in, F_BADTYPE, "track event of type %" PRIu64 ", unknown "
		    "here: not checked", type);
		return -1;
	}
	if (!d->has_legacy)
		return EV_OTHER;
	if (d->legacy_phase > 0 && d->legacy_phase < 128)
		in->legacy[d->legacy_phase]++;
	switch (d->legacy_phase) {
	case 'B':
	case 'X':
		return EV_BEGIN;
	case 'E':
		return EV_END;
	case 'I':
	case 'i':
		return EV_INSTANT;
	default:
		return EV_OTHER;
	}
}

/* Legacy microsecond fields: an absolute one saturates as in the importer;
 * deltas are added with wrapping arithmetic: hostile values give nonsense
 * times (negative ones are reported), never undefined behaviour. */
static int64_t
event_time(struct insp *in, struct iseq *s, const struct tedec *d,
    int has_ts, int64_t ts)
{
	if (has_ts)
		return ts;
	if (d->has_abs_us)	/* the importer saturates this one */
		return d->abs_us > INT64_MAX / 1000 ? INT64_MAX : d->abs_us <
		    INT64_MIN / 1000 ? INT64_MIN : d->abs_us * 1000;
	if (d->has_delta_us && s && s->has_thread) {
		s->last_us = (int64_t)((uint64_t)s->last_us +
		    (uint64_t)d->delta_us);
		return (int64_t)((uint64_t)s->last_us * 1000);
	}
	return in->latest_ts;
}

static void
flows_copy(struct insp *in, struct iev *e, const struct tedec *d)
{
	in->flow_ids += d->nfl + d->nend;
	if (d->nfl + d->nend == 0)
		return;
	e->flows = xreallocarray(NULL, d->nfl + d->nend, sizeof(*e->flows));
	if (d->nfl)
		memcpy(e->flows, d->fl->p, d->nfl * sizeof(*e->flows));
	if (d->nend)
		memcpy(e->flows + d->nfl, d->te->p, d->nend * sizeof(*e->flows));
	e->nflows = (uint32_t)d->nfl;
	e->nflows_end = (uint32_t)d->nend;
}

/* The END that closes a legacy complete ('X') event. */
static struct iev *
complete_end(struct insp *in, const struct iev *b, int64_t dur_us)
{
	struct iev *e = iev_new(in);

	/* a duration past the end of time ends at the end of time */
	if (dur_us <= 0)
		e->ts = b->ts;
	else if (dur_us > (INT64_MAX - b->ts) / 1000)
		e->ts = INT64_MAX;
	else
		e->ts = b->ts + dur_us * 1000;
	e->ord = b->ord + 1;
	e->off = b->off;
	e->t = b->t;
	e->type = EV_END;
	return e;
}

/* What the importer's tracks for e need beyond its track (slice.c):
 * a legacy instant's scope, built-in thread counters. Extra counter
 * tracks are taken now. */
static void
import_later(struct insp *in, const struct tedec *d, struct iev *e)
{
	if (e->type == EV_INSTANT && d->legacy_scope == 1)
		e->imp |= IMP_GLOBAL;
	else if (e->type == EV_INSTANT && d->legacy_scope == 2)
		e->imp |= IMP_PROCESS;
	if (d->thread_time)
		e->imp |= IMP_TIME;
	if (d->thread_instr)
		e->imp |= IMP_INSTR;
	for (size_t i = 0; i < d->nxtracks; i++)
		itrack_import(in, itrack_get(in, d->xtracks[i]), 0);
}

static int
decode(struct tedec *d, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0)
		if (field(d, &f, why) < 0)
			return -1;
	return r;
}

void
iev_decode(struct insp *in, struct iseq *s, const uint8_t *p, size_t n,
    int has_ts, int64_t ts)
{
	struct tedec d;
	struct iev *e;
	const char *why;
	int type;

	zero(&d, offsetof(struct tedec, cat_iids));
	d.fl = &in->flbuf[0];
	d.te = &in->flbuf[1];
	d.fl->n = d.te->n = 0;
	if (decode(&d, p, n, &why) < 0) {
		FIND(in, F_DECODE, "track_event does not decode: %s", why);
		return;
	}
	in->extra_counters += d.extra;
	if ((type = event_type(in, &d)) < 0) {
		/* TYPE_STATE (5), for state tracks, is not followed here;
		 * its track is made all the same */
		struct itrack *t = resolve_track(in, s, &d);

		if (d.type == 5)
			itrack_import(in, t, 0);
		return;
	}
	e = iev_new(in);
	e->ord = in->pkt * 2;
	e->off = in->off;
	e->type = (uint8_t)type;
	if (in->mode == IM_RECORDS)
		e->rec = xcalloc(1, sizeof(*e->rec));
	resolve_name(in, s, &d, e);
	resolve_cats(in, s, &d, e);
	resolve_loc(in, s, &d, e);
	flows_copy(in, e, &d);
	if (d.has_legacy) {
		d.lg.phase = d.legacy_phase;
		ilegacy_event(in, &d.lg, e, s && s->has_thread ? s->pid : 0);
	}
	if ((d.nannos && resolve_args(in, s, p, n, e) < 0) ||
	    type == EV_OTHER) {
		iev_free(in, e);
		return;
	}
	e->t = resolve_track(in, s, &d);
	e->ts = event_time(in, s, &d, has_ts, ts);
	e->counter = (uint8_t)d.counter;
	e->ival = d.ival;
	e->dval = d.dval;
	if (e->ts < 0) {
		FIND(in, F_NEGTS, "negative timestamp %" PRId64 ": the importer "
		    "drops the event", e->ts);
		iev_free(in, e);
	} else if (type == EV_COUNTER && !e->t->declared) {
		FIND(in, F_COUNTER_EARLY, "counter event on track uuid %" PRIu64
		    " before any descriptor declares it: the importer drops it",
		    e->t->uuid);
		iev_free(in, e);
	} else {
		struct iev *x = d.has_legacy && d.legacy_phase == 'X' ?
		    complete_end(in, e, d.legacy_dur_us) : NULL;

		import_later(in, &d, e);
		iev_enqueue(in, &s->run, e);
		if (x)
			iev_enqueue(in, NULL, x);
	}
}
