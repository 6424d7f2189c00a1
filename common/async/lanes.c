/*
 * The lane engine (see lanes.h for the rule and its bound).
 *
 * State per lane: the stack of spans placed on it that may still be open
 * at the next start (innermost last; entries that ended are popped when
 * the lane is next looked at), and a FIFO of the spans placed on it and not
 * yet handed back. Two heaps find the lowest free lane: lanes whose
 * outermost span has ended, by end time, and free lanes, by number. A lane
 * whose outermost span is still open is in neither: it is busy at every
 * start not yet placed, since placement waits until time passes a start.
 *
 * Deciding whether a span fits inside the innermost span of its parent's
 * lane needs both ends; when one of them is not known yet the answer may
 * still be sure (a span that has ended fits inside one still open, a span
 * still open does not fit inside one that ended before now), and when it
 * is not, the queue waits, at most until held->max ended spans are held.
 */
#include <stdlib.h>

#include "async/lanes.h"
#include "base/util.h"

#define OPEN INT64_MAX

enum { NO, YES, UNKNOWN };

struct hent {
	int64_t key;
	int lane;
};

struct heap {
	struct hent *v;
	size_t n, cap;
};

struct lane {
	struct lspan **stack;
	size_t depth, cap;
	struct lspan *head, *tail;	/* placed, not yet handed back */
};

struct lanes {
	const struct ln_ops *ops;
	void *arg;
	struct ln_held *held;
	struct lane *lane;
	int nlanes, lcap;
	struct heap busy;		/* (end of the outermost span, lane) */
	struct heap free;		/* (lane, lane) */
	struct lspan *qhead, *qtail;	/* begun, not placed, in start order */
};

/* ---- a binary min-heap on (key, lane) ---- */

static int
hless(const struct hent *a, const struct hent *b)
{
	return a->key < b->key || (a->key == b->key && a->lane < b->lane);
}

static void
heap_push(struct heap *h, int64_t key, int lane)
{
	size_t i = h->n++;

	if (h->n > h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	h->v[i] = (struct hent){ key, lane };
	while (i > 0 && hless(&h->v[i], &h->v[(i - 1) / 2])) {
		struct hent t = h->v[i];

		h->v[i] = h->v[(i - 1) / 2];
		h->v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void
heap_pop(struct heap *h)
{
	size_t i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < h->n && hless(&h->v[l], &h->v[m]))
			m = l;
		if (l + 1 < h->n && hless(&h->v[l + 1], &h->v[m]))
			m = l + 1;
		if (m == i)
			break;
		struct hent t = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = t;
		i = m;
	}
}

/* ---- spans leaving the engine ---- */

static void
maybe_release(struct lanes *ln, struct lspan *sp)
{
	if (sp->emitted && !sp->onstack && sp->refs == 0)
		ln->ops->release(sp, ln->arg);
}

/* Hands back the closed spans at the head of the lane's FIFO. */
static void
flush(struct lanes *ln, struct lane *l)
{
	struct lspan *sp;

	while ((sp = l->head) && sp->closed) {
		l->head = sp->next;
		if (!l->head)
			l->tail = NULL;
		sp->next = NULL;
		sp->emitted = 1;
		ln->held->held--;
		ln->ops->emit(sp, ln->arg);
		maybe_release(ln, sp);
	}
}

static void
pop_top(struct lanes *ln, struct lane *l)
{
	struct lspan *sp = l->stack[--l->depth];

	sp->onstack = 0;
	maybe_release(ln, sp);
}

/* Pops the spans that ended at or before s: they hold nothing at s. */
static void
pop_expired(struct lanes *ln, struct lane *l, int64_t s)
{
	while (l->depth > 0 && l->stack[l->depth - 1]->closed &&
	    l->stack[l->depth - 1]->end <= s)
		pop_top(ln, l);
}

/* ---- lanes ---- */

static int
new_lane(struct lanes *ln)
{
	if (ln->nlanes == ln->lcap) {
		ln->lcap = ln->lcap ? ln->lcap * 2 : 8;
		ln->lane = xreallocarray(ln->lane, (size_t)ln->lcap,
		    sizeof(*ln->lane));
	}
	ln->lane[ln->nlanes] = (struct lane){ 0 };
	return ln->nlanes++;
}

static int
zero_length(const struct lspan *sp)
{
	return sp->closed && sp->end == sp->start;
}

/*
 * The lowest lane with nothing open at sp's start, else a new one. A
 * zero-length span leaves the lane free; any other takes it.
 */
static int
free_lane(struct lanes *ln, const struct lspan *sp)
{
	int li;

	while (ln->busy.n > 0 && ln->busy.v[0].key <= sp->start) {
		li = ln->busy.v[0].lane;
		heap_pop(&ln->busy);
		while (ln->lane[li].depth > 0)
			pop_top(ln, &ln->lane[li]);
		heap_push(&ln->free, li, li);
	}
	if (ln->free.n > 0) {
		li = ln->free.v[0].lane;
		if (!zero_length(sp))
			heap_pop(&ln->free);
		return li;
	}
	li = new_lane(ln);
	if (zero_length(sp))
		heap_push(&ln->free, li, li);
	return li;
}

/*
 * Whether sp fits inside the innermost span open at its start on its
 * parent's lane: YES, NO, or UNKNOWN until more ends are seen. An open
 * span ends at or after now (input is in time order); a closed one by now.
 */
static int
fits(struct lanes *ln, const struct lspan *sp, int64_t now)
{
	const struct lspan *p = sp->parent, *top;
	struct lane *l;

	if (!p || !p->placed || (p->closed && p->end <= sp->start))
		return NO;
	l = &ln->lane[p->lane];
	pop_expired(ln, l, sp->start);
	if (l->depth == 0)		/* cannot be: p is still there */
		return NO;
	top = l->stack[l->depth - 1];	/* p or a span inside it */
	if (zero_length(sp))
		return YES;
	if (sp->closed && top->closed)
		return sp->end <= top->end ? YES : NO;
	if (sp->closed)
		return YES;
	if (top->closed && top->end < now)
		return NO;
	return UNKNOWN;
}

static void
place(struct lanes *ln, struct lspan *sp, int li, int fresh)
{
	struct lane *l = &ln->lane[li];
	struct lspan *p = sp->parent;

	sp->lane = li;
	sp->placed = 1;
	if (p) {
		sp->parent = NULL;
		p->refs--;
		maybe_release(ln, p);
	}
	if (!zero_length(sp)) {
		if (fresh) {
			sp->bottom = 1;
			if (sp->closed)
				heap_push(&ln->busy, sp->end, li);
		}
		if (l->depth == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 8;
			l->stack = xreallocarray(l->stack, l->cap,
			    sizeof(*l->stack));
		}
		l->stack[l->depth++] = sp;
		sp->onstack = 1;
	}
	if (l->tail)
		l->tail->next = sp;
	else
		l->head = sp;
	l->tail = sp;
	flush(ln, l);
}

/*
 * Places the queued spans that began before now, in order, until one
 * whose place is not known yet (eof: every span is closed).
 */
static void
drain(struct lanes *ln, int64_t now, int eof)
{
	struct lspan *sp;
	int r;

	while ((sp = ln->qhead) && (eof || sp->start < now)) {
		r = fits(ln, sp, now);
		if (r == UNKNOWN) {
			if (ln->held->held < ln->held->max)
				return;
			r = NO;
		}
		/* behind an open span it would wait: not past the bound */
		if (r == YES && ln->lane[sp->parent->lane].head &&
		    ln->held->held >= ln->held->max)
			r = NO;
		ln->qhead = sp->next;
		if (!ln->qhead)
			ln->qtail = NULL;
		sp->next = NULL;
		if (r == YES)
			place(ln, sp, sp->parent->lane, 0);
		else
			place(ln, sp, free_lane(ln, sp), 1);
	}
}

/* ---- the interface ---- */

struct lanes *
ln_new(const struct ln_ops *ops, void *arg, struct ln_held *held)
{
	struct lanes *ln = xcalloc(1, sizeof(*ln));

	ln->ops = ops;
	ln->arg = arg;
	ln->held = held;
	return ln;
}

void
ln_free(struct lanes *ln)
{
	if (!ln)
		return;
	for (int i = 0; i < ln->nlanes; i++)
		free(ln->lane[i].stack);
	free(ln->lane);
	free(ln->busy.v);
	free(ln->free.v);
	free(ln);
}

static void
enqueue(struct lanes *ln, struct lspan *sp)
{
	sp->next = NULL;
	if (ln->qtail)
		ln->qtail->next = sp;
	else
		ln->qhead = sp;
	ln->qtail = sp;
}

void
ln_begin(struct lanes *ln, struct lspan *sp, int64_t start,
    struct lspan *parent)
{
	*sp = (struct lspan){ .start = start, .parent = parent, .lane = -1 };
	if (parent)
		parent->refs++;
	enqueue(ln, sp);
}

void
ln_end(struct lanes *ln, struct lspan *sp, int64_t end)
{
	struct lane *l;

	sp->end = end;
	sp->closed = 1;
	ln->held->held++;
	if (!sp->placed)
		return;
	l = &ln->lane[sp->lane];
	if (sp->bottom)
		heap_push(&ln->busy, end, sp->lane);
	if (l->head == sp)
		flush(ln, l);
}

void
ln_unstarted(struct lanes *ln, struct lspan *sp, int64_t start, int64_t end)
{
	*sp = (struct lspan){ .start = start, .end = end, .closed = 1,
	    .lane = -1 };
	ln->held->held++;
	if (start == end)
		enqueue(ln, sp);
	else
		place(ln, sp, new_lane(ln), 1);
}

void
ln_drain(struct lanes *ln, int64_t now)
{
	drain(ln, now, 0);
}

void
ln_finish(struct lanes *ln)
{
	drain(ln, 0, 1);
	for (int i = 0; i < ln->nlanes; i++) {
		if (ln->lane[i].head)
			die(EX_SOFTWARE, "lanes: a span is still open at the end");
		while (ln->lane[i].depth > 0)
			pop_top(ln, &ln->lane[i]);
	}
}

int
ln_count(const struct lanes *ln)
{
	return ln->nlanes;
}
