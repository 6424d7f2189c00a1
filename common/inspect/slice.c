/*
 * Events in timestamp order, per track, as the importer's slice tracker
 * (slice_tracker.cc) sees them: a BEGIN pushes a slice; an END closes the
 * innermost open one or, when it carries a name or category, the innermost
 * that matches them, and is ignored when none does. An END that closes a
 * slice below the top leaves the ones above it open; the next event on the
 * track past that end cuts them there (the importer's misplaced_end_event,
 * a data loss), and at the end of the trace they stay open (dur -1).
 * Instants and counters check their track. Flows are counted by id.
 * Memory: the open slices of each track, and one entry per flow id not yet
 * terminated.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "inspect/insp.h"

struct iflow {
	uint64_t count, pkt, off;
};

static const char *
track_desc(const struct itrack *t, char *buf, size_t n)
{
	if (t->synthetic && t->kind == TK_THREAD)
		snprintf(buf, n, "thread %" PRId32 "/%" PRId64, t->pid, t->tid);
	else if (t->kind == TK_GLOBAL)
		snprintf(buf, n, "the global track");
	else
		snprintf(buf, n, "track uuid %" PRIu64, t->uuid);
	return buf;
}

static void
flows(struct insp *in, const struct iev *e)
{
	for (uint32_t i = 0; i < e->nflows + e->nflows_end; i++) {
		uint64_t id = e->flows[i];
		struct iflow *f = um_get(in->flowmap, id);

		if (f) {
			f->count++;
			in->flows++;
		} else if (i >= e->nflows) {
			ins_finding(in, F_FLOW_ONCE, e->ord / 2, e->off, "flow id %"
			    PRIu64 " appears once, as a terminating id", id);
		} else {
			f = xmalloc(sizeof(*f));
			*f = (struct iflow){ 1, e->ord / 2, e->off };
			*um_slot(in->flowmap, id, 1, NULL) = f;
		}
		if (i >= e->nflows)
			free(um_del(in->flowmap, id));
	}
}

/* Closes the top slice of t, dur long; end is the END event or NULL. */
static void
complete_top(struct insp *in, struct itrack *t, int64_t dur, struct iev *end)
{
	if (in->rec)
		irec_slice(in, t, t->depth - 1, dur, end);
	t->depth--;
}

/* The importer's misplaced_end_event: e comes after the end of slice s,
 * which an END closed below others still open; they are cut there. */
static void
cut(struct insp *in, struct itrack *t, const struct iev *e,
    const struct islice *s, size_t above)
{
	char buf[64];

	ins_finding(in, F_MISPLACED, e->ord / 2, e->off, "event at %" PRId64
	    " on %s comes after the end (%" PRId64 ") of a slice that an end "
	    "closed under %zu open one%s: the importer cuts %s at that end "
	    "(misplaced_end_event)", e->ts, track_desc(t, buf, sizeof(buf)),
	    s->end, above, above == 1 ? "" : "s", above == 1 ? "it" : "them");
}

/*
 * Before event e: pops the slices an earlier END closed under others and
 * whose end is past, cutting still-open slices above such a slice at its
 * end (the importer's MaybeCloseStack). instant: the new event has no
 * duration, so a zero-length closed slice ending at its time stays.
 */
static void
close_stack(struct insp *in, struct itrack *t, const struct iev *e,
    int instant)
{
	int64_t ts = e->ts;
	int open_above = 0;

	for (size_t i = t->depth; i-- > 0;) {
		struct islice *s = &t->stack[i];

		if (!s->ended) {
			open_above = 1;
			continue;
		}
		if (open_above) {
			int64_t end = s->end;

			if (ts <= end)
				continue;
			cut(in, t, e, s, t->depth - 1 - i);
			while (t->depth > i + 1) {
				struct islice *c = &t->stack[t->depth - 1];

				complete_top(in, t, (c->ended ? c->end : end) -
				    c->ts, NULL);
			}
			complete_top(in, t, end - s->ts, NULL);
			open_above = 0;
		} else if (s->end < ts || (s->end == ts && !(instant &&
		    s->end == s->ts))) {
			complete_top(in, t, s->end - s->ts, NULL);
		}
	}
}

static int
begin(struct insp *in, struct itrack *t, struct iev *e)
{
	struct islice *s;

	close_stack(in, t, e, 0);
	if (t->depth >= INSP_MAXDEPTH) {
		ins_finding(in, F_DEPTH, e->ord / 2, e->off, "slice stack deeper "
		    "than %d: the importer drops the slice", INSP_MAXDEPTH);
		return 0;
	}
	if (t->depth == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->stack = xreallocarray(t->stack, t->cap, sizeof(*t->stack));
	}
	s = &t->stack[t->depth++];
	*s = (struct islice){ e->ts, 0, e->name_h, e->cat_h, e->has_name,
	    e->has_cat, 0, 0, e->ord / 2, e->off, NULL, NULL };
	in->slices++;
	if (!in->rec)
		return 0;
	s->ev = e;
	irec_open(in, t, t->depth - 1);
	return 1;
}

/* The innermost open slice the END closes, or -1. */
static long
match(const struct itrack *t, const struct iev *e)
{
	for (size_t i = t->depth; i-- > 0;) {
		const struct islice *s = &t->stack[i];

		if (s->ended)
			continue;
		if (e->has_cat && (!s->has_cat || s->cat_h != e->cat_h))
			continue;
		if (e->has_name && s->has_name && s->name_h != e->name_h)
			continue;
		return (long)i;
	}
	return -1;
}

static void
end(struct insp *in, struct itrack *t, struct iev *e)
{
	char buf[64];
	long i;

	close_stack(in, t, e, 0);
	if ((i = match(t, e)) < 0) {
		int any = 0;

		for (size_t j = 0; j < t->depth; j++)
			any |= !t->stack[j].ended;
		ins_finding(in, F_UNMATCHED, e->ord / 2, e->off, "slice end on %s "
		    "%s: the importer ignores it", track_desc(t, buf,
		    sizeof(buf)), any ?
		    "matches no open slice by name and category" :
		    "with no slice open");
		if (in->rec)
			irec_unmatched_end(in, e, t->depth);
	} else if ((size_t)i == t->depth - 1) {
		complete_top(in, t, e->ts - t->stack[i].ts, e);
	} else {
		ins_finding(in, F_END_BELOW, e->ord / 2, e->off, "slice end on "
		    "%s closes a slice with %zu open above it: the importer "
		    "leaves them open, and cuts them at this end if another "
		    "event comes on the track later", track_desc(t, buf,
		    sizeof(buf)), t->depth - 1 - (size_t)i);
		t->stack[i].ended = 1;
		t->stack[i].end = e->ts;
	}
}

/* The importer's tracks for e, made as it parses e (track.c). */
static void
import(struct insp *in, const struct iev *e)
{
	const struct itrack *t = e->t;
	uint64_t thread;

	if (e->imp == 0 && t->imported && (t->kind != TK_CUSTOM || t->name))
		return;		/* the usual case: nothing new */
	thread = (uint64_t)(uint32_t)t->pid << 32 ^ (uint64_t)t->tid;
	if (e->imp & IMP_GLOBAL)
		itrack_key(in, 'g', 0, 0);
	else if (e->imp & IMP_PROCESS)
		itrack_key(in, 'p', (uint64_t)(uint32_t)t->pid, 0);
	else
		itrack_import(in, e->t, e->has_name ? e->name_h : 0);
	if ((e->imp & IMP_TIME) && t->kind == TK_THREAD)
		itrack_key(in, 't', thread, 0);
	if ((e->imp & IMP_INSTR) && t->kind == TK_THREAD)
		itrack_key(in, 'i', thread, 0);
}

int
islice_event(struct insp *in, struct iev *e)
{
	struct itrack *t = e->t;
	char buf[64];

	if (e->ts > in->cur_ts)
		in->cur_ts = e->ts;
	if (e->ts < t->last_ts) {
		if (!t->late++)
			ins_finding(in, F_LATE, e->ord / 2, e->off, "events on %s go "
			    "back in time by %" PRId64 " ns, further than the "
			    "sort window: checks and records on it follow file "
			    "order", track_desc(t, buf, sizeof(buf)),
			    t->last_ts - e->ts);
	} else {
		t->last_ts = e->ts;
	}
	flows(in, e);
	if (e->type == EV_COUNTER) {
		if (t->kind != TK_COUNTER && t->kind != TK_NONE) {
			ins_finding(in, F_COUNTER_TRACK, e->ord / 2, e->off,
			    "counter event on %s, which is no counter track: "
			    "the importer drops it", track_desc(t, buf,
			    sizeof(buf)));
			return 0;
		}
		in->counter_values++;
	} else if (t->kind == TK_COUNTER) {
		/* the importer keeps it there, where the UI shows none */
		ins_finding(in, F_SLICE_TRACK, e->ord / 2, e->off, "slice event on "
		    "counter %s", track_desc(t, buf, sizeof(buf)));
	}
	import(in, e);
	switch (e->type) {
	case EV_BEGIN:
		return begin(in, t, e);
	case EV_END:
		end(in, t, e);
		break;
	case EV_INSTANT:
		close_stack(in, t, e, 1);
		in->slices++;
		break;
	}
	if (in->rec && e->type != EV_END)
		irec_event(in, e, t->depth);
	return 0;
}

static void
end_track(struct insp *in, struct itrack *t)
{
	char buf[64];

	while (t->depth > 0) {
		struct islice *s = &t->stack[t->depth - 1];

		if (s->ended) {
			complete_top(in, t, s->end - s->ts, NULL);
			continue;
		}
		ins_finding(in, F_OPEN, s->pkt, s->off, "slice begun at %" PRId64
		    " on %s is still open at the end of the trace", s->ts,
		    track_desc(t, buf, sizeof(buf)));
		if (in->rec)
			irec_still_open(in, t, t->depth - 1);
		t->depth--;
	}
}

static void
end_one(uint64_t uuid, void *val, void *arg)
{
	(void)uuid;
	end_track(arg, val);
}

void
islice_end(struct insp *in)
{
	um_each(in->tracks_by_uuid, end_one, in);
	for (size_t i = 0; i < in->nsynth; i++)
		end_track(in, in->synth[i]);
}

static int
flowcmp(const void *a, const void *b)
{
	const struct iflow *const *x = a, *const *y = b;

	return (*x)->pkt < (*y)->pkt ? -1 : (*x)->pkt > (*y)->pkt;
}

struct flowlist {
	struct iflow **v;
	size_t n;
};

static void
collect(uint64_t id, void *val, void *arg)
{
	struct flowlist *l = arg;
	struct iflow *f = val;

	if (f->count == 1) {
		f->count = id;		/* the id rides along for the report */
		l->v[l->n++] = f;
	}
}

/* Flow ids seen once, reported in file order; then every entry freed. */
void
iflow_end(struct insp *in)
{
	struct flowlist l = { xcalloc(um_count(in->flowmap) + 1,
	    sizeof(*l.v)), 0 };

	um_each(in->flowmap, collect, &l);
	qsort(l.v, l.n, sizeof(*l.v), flowcmp);
	for (size_t i = 0; i < l.n; i++)
		ins_finding(in, F_FLOW_ONCE, l.v[i]->pkt, l.v[i]->off, "flow id %"
		    PRIu64 " appears only once", l.v[i]->count);
	free(l.v);
}
