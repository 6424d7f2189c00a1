/*
 * Track events back into records. A slice becomes one record only when it
 * closes, yet records go out in timestamp order; so each finished record
 * waits in a heap ordered by (ts, class, track, depth, file order) until no
 * open slice and no event still to come can sort before it. The open
 * slices' keys form the watermark (a second heap, lazily pruned). If more
 * than OUT_MAX records wait, the oldest open slice is given up as a
 * `begin` record (its end will be an `end` record), so memory stays
 * bounded when a slice spans most of a trace. Declarations (process,
 * thread, track) are written just before the first record that uses them.
 * Cost: O(log n) per record for n waiting records.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "inspect/insp.h"
#include "records/record.h"

#define OUT_MAX (1 << 16)
#define CLS_EVENT 1000
#define MAXANC 64

struct rkey {
	int64_t ts;
	int32_t cls;
	int64_t a, b;
	uint64_t c;
	uint64_t depth, ord;
};

struct orec {
	struct rkey k;
	uint32_t off[NCOLS + 1];
	char data[];
};

struct wtok {
	struct rkey k;
	int alive;
	struct itrack *t;
	size_t idx;
};

struct irecs {
	struct orec **out;
	size_t nout, ocap;
	struct wtok **wm;
	size_t nwm, wcap;
	struct sbuf b;
	uint32_t off[NCOLS + 1];
	int col;
	uint64_t declord;
};

static int
keycmp(const struct rkey *x, const struct rkey *y)
{
#define CMP(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
	CMP(ts);
	CMP(cls);
	CMP(a);
	CMP(b);
	CMP(c);
	CMP(depth);
	CMP(ord);
#undef CMP
	return 0;
}

/* One binary heap routine for both heaps: elements start with a key. */
static void
hpush(void ***h, size_t *n, size_t *cap, void *x)
{
	size_t i = (*n)++;

	if (*n > *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*h = xreallocarray(*h, *cap, sizeof(**h));
	}
	while (i > 0 && keycmp((*h)[(i - 1) / 2], x) > 0) {
		(*h)[i] = (*h)[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	(*h)[i] = x;
}

static void *
hpop(void **h, size_t *n)
{
	void *top = h[0], *last = h[--*n];
	size_t i = 0;

	for (size_t c; (c = 2 * i + 1) < *n; i = c) {
		if (c + 1 < *n && keycmp(h[c + 1], h[c]) < 0)
			c++;
		if (keycmp(last, h[c]) <= 0)
			break;
		h[i] = h[c];
	}
	if (*n > 0)
		h[i] = last;
	return top;
}

struct irecs *
irec_new(void)
{
	return xcalloc(1, sizeof(struct irecs));
}

void
irec_free(struct insp *in)
{
	struct irecs *r = in->rec;

	if (!r)
		return;
	for (size_t i = 0; i < r->nout; i++)
		free(r->out[i]);
	for (size_t i = 0; i < r->nwm; i++)
		free(r->wm[i]);
	free(r->out);
	free(r->wm);
	sb_free(&r->b);
	free(r);
	in->rec = NULL;
}

/* Building a record: columns are filled in order. */
static void
rb_start(struct irecs *r, const char *kind)
{
	r->b.n = 0;
	r->col = 0;
	r->off[0] = 0;
	sb_puts(&r->b, kind);
}

static struct sbuf *
rb_col(struct irecs *r, enum col c)
{
	while (r->col < (int)c)
		r->off[++r->col] = (uint32_t)r->b.n;
	return &r->b;
}

static void
rb_push(struct irecs *r, const struct rkey *k)
{
	struct orec *o;

	rb_col(r, NCOLS);
	o = xmalloc(sizeof(*o) + r->b.n);
	o->k = *k;
	memcpy(o->off, r->off, sizeof(o->off));
	memcpy(o->data, r->b.p, r->b.n);
	hpush((void ***)&r->out, &r->nout, &r->ocap, o);
}

static void
track_key(const struct itrack *t, struct rkey *k)
{
	k->a = INT64_MAX, k->b = 0, k->c = 0;
	if (t->kind == TK_PROCESS)
		k->a = t->pid, k->b = INT64_MIN;
	else if (t->kind == TK_THREAD)
		k->a = t->pid, k->b = t->tid;
	else if (t->kind == TK_GLOBAL)
		k->a = k->b = INT64_MIN;
	else
		k->c = t->uuid;
}

static void
track_cols(struct irecs *r, const struct itrack *t)
{
	if (t->kind == TK_PROCESS || t->kind == TK_THREAD)
		sb_i64(rb_col(r, C_PID), t->pid);
	if (t->kind == TK_THREAD)
		sb_i64(rb_col(r, C_TID), t->tid);
	if (t->kind != TK_PROCESS && t->kind != TK_THREAD &&
	    t->kind != TK_GLOBAL)
		sb_u64(rb_col(r, C_TRACK), t->uuid);
}

static struct itrack *
parent_of(struct insp *in, const struct itrack *t)
{
	struct itrack *p;

	if (t->kind == TK_THREAD)
		return um_get(in->procs, (uint64_t)(uint32_t)t->pid);
	if (!t->has_parent || !(p = um_get(in->tracks_by_uuid, t->parent)))
		return NULL;
	return p->declared ? p : NULL;
}

static const char *const units[] = { NULL, "time_ns", "count", "size_bytes" };

/* The args of a track record: counter unit and options, description. */
static void
track_args(struct irecs *r, const struct itrack *t)
{
	struct sbuf *b = rb_col(r, C_ARGS);
	size_t start = b->n;

	if (t->kind == TK_COUNTER) {
		if (t->unit > 0 && t->unit < 4) {
			sb_puts(b, "{\"unit\":");
			sb_json_str(b, units[t->unit], strlen(units[t->unit]));
		} else if (t->unit_name && *t->unit_name) {
			sb_puts(b, "{\"unit\":");
			sb_json_str(b, t->unit_name, strlen(t->unit_name));
		} else {
			sb_puts(b, "{\"counter\":true");
		}
		if (t->mult != 0 && t->mult != 1) {
			sb_puts(b, ",\"unit_multiplier\":");
			sb_i64(b, t->mult);
		}
		if (t->incremental)
			sb_puts(b, ",\"incremental\":true");
	}
	if (t->desc) {
		sb_puts(b, b->n > start ? ",\"description\":" :
		    "{\"description\":");
		sb_json_str(b, t->desc, strlen(t->desc));
	}
	if (b->n > start)
		sb_putc(b, '}');
}

static void
declaration(struct insp *in, struct itrack *t, const struct itrack *p)
{
	struct irecs *r = in->rec;
	const char *name = t->name ? t->name : "";

	if (t->kind == TK_PROCESS) {
		rb_start(r, "process");
		if (t->has_start)
			sb_i64(rb_col(r, C_TS), t->start);
		sb_i64(rb_col(r, C_PID), t->pid);
		sb_puts(rb_col(r, C_NAME), name);
		if (t->labels)
			sb_puts(rb_col(r, C_ARGS), t->labels);
		return;
	}
	if (t->kind == TK_THREAD) {
		rb_start(r, "thread");
		sb_i64(rb_col(r, C_PID), t->pid);
		sb_i64(rb_col(r, C_TID), t->tid);
		sb_puts(rb_col(r, C_NAME), name);
		return;
	}
	rb_start(r, "track");
	if (p && (p->kind == TK_PROCESS || p->kind == TK_THREAD))
		sb_i64(rb_col(r, C_PID), p->pid);
	sb_u64(rb_col(r, C_TRACK), t->uuid);
	if (p && p->kind != TK_PROCESS && p->kind != TK_THREAD)
		sb_u64(rb_col(r, C_PARENT), p->uuid);
	sb_puts(rb_col(r, C_NAME), name);
	track_args(r, t);
}

static int32_t
ancestors(struct insp *in, const struct itrack *t)
{
	int32_t n = 0;

	for (t = parent_of(in, t); t && n < MAXANC; t = parent_of(in, t))
		n++;
	return n;
}

/*
 * Declares t (ancestors first) with records keyed just before ts. The
 * chain of parents is followed iteratively, at most MAXANC deep, so a
 * cycle of parent_uuids or a very long chain costs nothing more.
 */
static void
declare(struct insp *in, struct itrack *t, int64_t ts)
{
	struct itrack *chain[MAXANC];
	size_t n = 0;

	for (struct itrack *x = t; x && n < MAXANC; x = parent_of(in, x)) {
		if (x->rec_done || !x->declared || x->kind == TK_GLOBAL)
			break;
		x->rec_done = 1;
		chain[n++] = x;
	}
	while (n-- > 0) {
		struct itrack *x = chain[n];
		struct rkey k = { ts, 0, 0, 0, 0, 0, in->rec->declord++ };

		track_key(x, &k);
		k.cls = x->kind == TK_PROCESS ? 0 : x->kind == TK_THREAD ? 1 :
		    2 + ancestors(in, x);
		declaration(in, x, parent_of(in, x));
		rb_push(in->rec, &k);
	}
}

static void
flow_cols(struct irecs *r, const struct iev *b, const struct iev *e)
{
	const struct iev *ev[2] = { b, e };

	for (int end = 0; end < 2; end++) {
		struct sbuf *s = rb_col(r, end ? C_FLOWS_END : C_FLOWS);
		size_t start = s->n;

		for (int j = 0; j < 2; j++) {
			const struct iev *x = ev[j];

			if (!x)
				continue;
			for (uint32_t i = end ? x->nflows : 0; i < (end ?
			    x->nflows + x->nflows_end : x->nflows); i++) {
				if (s->n > start)
					sb_putc(s, ' ');
				sb_u64(s, x->flows[i]);
			}
		}
	}
}

/* name, category, file, line; then flows and args of b and e merged. */
static void
event_cols(struct irecs *r, const struct iev *b, const struct iev *e)
{
	const struct ievrec *x = b->rec, *y = e ? e->rec : NULL;

	if (x->name)
		sb_put(rb_col(r, C_NAME), x->name->s, x->name->len);
	if (x->cat)
		sb_put(rb_col(r, C_CATEGORY), x->cat->s, x->cat->len);
	if (x->file) {
		sb_put(rb_col(r, C_FILE), x->file->s, x->file->len);
		if (x->line)
			sb_u64(rb_col(r, C_LINE), x->line);
	}
	flow_cols(r, b, e);
	if (x->args && y && y->args) {
		struct sbuf *s = rb_col(r, C_ARGS);

		sb_put(s, x->args, x->argslen - 1);
		sb_putc(s, ',');
		sb_put(s, y->args + 1, y->argslen - 1);
	} else if (x->args || (y && y->args)) {
		const struct ievrec *z = x->args ? x : y;

		sb_put(rb_col(r, C_ARGS), z->args, z->argslen);
	}
}

static void
slice_key(const struct itrack *t, const struct islice *s, size_t idx,
    struct rkey *k)
{
	*k = (struct rkey){ s->ts, CLS_EVENT, 0, 0, 0, idx, s->pkt * 2 };
	track_key(t, k);
}

void
irec_open(struct insp *in, struct itrack *t, size_t idx)
{
	struct irecs *r = in->rec;
	struct islice *s = &t->stack[idx];
	struct wtok *w = xmalloc(sizeof(*w));

	declare(in, t, s->ts);
	slice_key(t, s, idx, &w->k);
	w->alive = 1;
	w->t = t;
	w->idx = idx;
	s->tok = w;
	hpush((void ***)&r->wm, &r->nwm, &r->wcap, w);
}

/* A `begin` record for the open slice s. */
static void
begin_record(struct insp *in, struct itrack *t, struct islice *s, size_t idx)
{
	struct irecs *r = in->rec;
	struct rkey k;

	rb_start(r, "begin");
	sb_i64(rb_col(r, C_TS), s->ts);
	track_cols(r, t);
	event_cols(r, s->ev, NULL);
	slice_key(t, s, idx, &k);
	rb_push(r, &k);
}

static void
drop_ev(struct insp *in, struct islice *s)
{
	if (s->tok)
		s->tok->alive = 0;
	s->tok = NULL;
	if (s->ev)
		iev_free(in, s->ev);
	s->ev = NULL;
}

static void
end_record(struct insp *in, struct itrack *t, int64_t ts, size_t depth,
    uint64_t ord)
{
	struct irecs *r = in->rec;
	struct rkey k = { ts, CLS_EVENT, 0, 0, 0, depth, ord };

	declare(in, t, ts);
	rb_start(r, "end");
	sb_i64(rb_col(r, C_TS), ts);
	track_cols(r, t);
	track_key(t, &k);
	rb_push(r, &k);
}

void
irec_slice(struct insp *in, struct itrack *t, size_t idx, int64_t dur,
    const struct iev *end)
{
	struct irecs *r = in->rec;
	struct islice *s = &t->stack[idx];
	struct rkey k;

	if (s->demoted) {
		end_record(in, t, s->ts + dur, idx, end ? end->ord :
		    s->pkt * 2 + 1);
		drop_ev(in, s);
		return;
	}
	rb_start(r, "slice");
	sb_i64(rb_col(r, C_TS), s->ts);
	sb_i64(rb_col(r, C_DUR), dur);
	track_cols(r, t);
	event_cols(r, s->ev, end);
	slice_key(t, s, idx, &k);
	drop_ev(in, s);
	rb_push(r, &k);
}

void
irec_still_open(struct insp *in, struct itrack *t, size_t idx)
{
	struct islice *s = &t->stack[idx];

	if (!s->demoted)
		begin_record(in, t, s, idx);
	drop_ev(in, s);
}

void
irec_unmatched_end(struct insp *in, const struct iev *e, size_t depth)
{
	end_record(in, e->t, e->ts, depth, e->ord);
}

void
irec_event(struct insp *in, const struct iev *e, size_t depth)
{
	struct irecs *r = in->rec;
	struct itrack *t = e->t;
	struct rkey k = { e->ts, CLS_EVENT, 0, 0, 0, depth, e->ord };

	declare(in, t, e->ts);
	track_key(t, &k);
	if (e->type == EV_COUNTER) {
		rb_start(r, "counter");
		sb_i64(rb_col(r, C_TS), e->ts);
		sb_u64(rb_col(r, C_TRACK), t->uuid);
		if (t->name)
			sb_puts(rb_col(r, C_NAME), t->name);
		if (e->counter == 2)
			sb_double(rb_col(r, C_VALUE), e->dval, 0);
		else
			sb_i64(rb_col(r, C_VALUE), e->ival);
	} else {
		rb_start(r, "instant");
		sb_i64(rb_col(r, C_TS), e->ts);
		track_cols(r, t);
		event_cols(r, e, NULL);
	}
	rb_push(r, &k);
}

/*
 * A field as records need it, UTF-8 without NUL: a trace's strings are
 * bytes, so a byte that is not UTF-8 becomes the code point of its value
 * (Latin-1), as in args JSON, and a NUL becomes U+FFFD.
 */
static void
field_out(const char *s, size_t n, int last)
{
	struct sbuf b = { 0 };
	size_t ok;

	if ((ok = utf8_valid(s, n)) == n) {
		rec_field(s, n, last);
		return;
	}
	do {
		unsigned char c = (unsigned char)s[ok];

		sb_put(&b, s, ok);
		if (c == 0) {
			sb_puts(&b, "\xEF\xBF\xBD");
		} else {
			sb_putc(&b, 0xc0 | c >> 6);
			sb_putc(&b, 0x80 | (c & 0x3f));
		}
		s += ok + 1;
		n -= ok + 1;
	} while ((ok = utf8_valid(s, n)) < n);
	sb_put(&b, s, n);
	rec_field(b.p, b.n, last);
	sb_free(&b);
}

static void
emit(struct orec *o)
{
	for (int c = 0; c < NCOLS; c++)
		field_out(o->data + o->off[c], o->off[c + 1] - o->off[c],
		    c == NCOLS - 1);
}

/* The earliest open slice still holding records back, or NULL. */
static struct wtok *
watermark(struct irecs *r)
{
	while (r->nwm > 0 && !r->wm[0]->alive)
		free(hpop((void **)r->wm, &r->nwm));
	return r->nwm > 0 ? r->wm[0] : NULL;
}

/* Gives up the open slice of w: it goes out as a `begin` record now. */
static void
demote(struct insp *in, struct wtok *w)
{
	struct islice *s = &w->t->stack[w->idx];

	begin_record(in, w->t, s, w->idx);
	s->demoted = 1;
	drop_ev(in, s);
}

/*
 * Writes the records no later one can sort before: those before the
 * watermark and before the timestamp being processed (all of them at the
 * end). Past OUT_MAX waiting records, open slices are given up.
 */
void
irec_flush(struct insp *in, int all)
{
	struct irecs *r = in->rec;

	while (r->nout > 0) {
		struct orec *o = r->out[0];
		struct wtok *w = watermark(r);

		if (!all && (o->k.ts >= in->cur_ts || (w && keycmp(&o->k,
		    &w->k) >= 0))) {
			if (r->nout <= OUT_MAX)
				break;
			if (w && keycmp(&o->k, &w->k) >= 0) {
				demote(in, w);
				continue;
			}
		}
		hpop((void **)r->out, &r->nout);
		emit(o);
		free(o);
	}
}

static void
declare_rest(uint64_t uuid, void *val, void *arg)
{
	(void)uuid;
	declare(arg, val, INT64_MAX);
}

/* At the end: declarations nothing used, then every waiting record. */
void
irec_end(struct insp *in)
{
	um_each(in->tracks_by_uuid, declare_rest, in);
	for (size_t i = 0; i < in->nsynth; i++)
		declare(in, in->synth[i], INT64_MAX);
	irec_flush(in, 1);
}
