/*
 * The sort window: events wait here so that they are processed in the
 * order the importer sorts them (timestamp, then file order) whenever no
 * event is further than INSP_WINDOW from its place. Each sequence (and
 * each ftrace CPU) is a run, a queue of events in order, at O(1); an event
 * out of order on its run goes to a heap. Cost: O(log INSP_WINDOW) per
 * event out of order, O(log runs) for one in order; memory INSP_WINDOW
 * events. Events come out to the slice stage (slice.c), then records.
 */
#include <stdlib.h>

#include "base/util.h"
#include "inspect/insp.h"

/* Waiting events carry their sort key, so that ordering them reads
 * the window's arrays only, not the events. */
static int
keylt(const struct wait *a, const struct wait *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->ord < b->ord);
}

static void
heap_push(struct insp *in, struct wait w)
{
	size_t i = in->nheap++;

	if (!in->heap)
		in->heap = xreallocarray(NULL, INSP_WINDOW + 2,
		    sizeof(*in->heap));
	while (i > 0 && keylt(&w, &in->heap[(i - 1) / 2])) {
		in->heap[i] = in->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	in->heap[i] = w;
}

static struct iev *
heap_pop(struct insp *in)
{
	struct iev *top = in->heap[0].e;
	struct wait last = in->heap[--in->nheap];
	size_t i = 0, n = in->nheap;

	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && keylt(&in->heap[c + 1], &in->heap[c]))
			c++;
		if (!keylt(&in->heap[c], &last))
			break;
		in->heap[i] = in->heap[c];
	}
	if (n > 0)
		in->heap[i] = last;
	return top;
}

static int
headlt(const struct irun *a, const struct irun *b)
{
	return a->head->ts < b->head->ts || (a->head->ts == b->head->ts &&
	    a->head->ord < b->head->ord);
}

/* The heap of runs, on their heads; k runs cost O(log k) a step. */
static void
runs_up(struct insp *in, size_t i)
{
	struct irun *r = in->runs[i];

	while (i > 0 && headlt(r, in->runs[(i - 1) / 2])) {
		in->runs[i] = in->runs[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	in->runs[i] = r;
}

static void
runs_down(struct insp *in)
{
	struct irun *r = in->runs[0];
	size_t i = 0, n = in->nruns;

	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && headlt(in->runs[c + 1], in->runs[c]))
			c++;
		if (!headlt(in->runs[c], r))
			break;
		in->runs[i] = in->runs[c];
	}
	in->runs[i] = r;
}

static void
runs_push(struct insp *in, struct irun *r)
{
	if (in->nruns == in->capruns) {
		in->capruns = in->capruns ? in->capruns * 2 : 16;
		in->runs = xreallocarray(in->runs, in->capruns,
		    sizeof(*in->runs));
	}
	in->runs[in->nruns++] = r;
	runs_up(in, in->nruns - 1);
}

/* The earliest waiting event: the earliest run's head or the heap's top. */
static struct iev *
window_pop(struct insp *in)
{
	struct irun *r = in->nruns ? in->runs[0] : NULL;
	struct iev *e;

	in->nwait--;
	if (in->nheap && (!r || keylt(&in->heap[0],
	    &(struct wait){ r->head->ts, r->head->ord, NULL })))
		return heap_pop(in);
	e = r->head;
	if ((r->head = e->qnext) != NULL) {
		/* the window is larger than the cache: fetch the run's next head
		 * before it is needed (a hint only; nothing depends on it) */
		if (r->head->qnext)
			__builtin_prefetch(r->head->qnext);
		runs_down(in);
	} else {
		r->tail = NULL;
		in->runs[0] = in->runs[--in->nruns];
		if (in->nruns)
			runs_down(in);
	}
	return e;
}

/* Processes the earliest events until at most keep wait. */
void
iev_drain(struct insp *in, size_t keep)
{
	while (in->nwait > keep) {
		struct iev *e = window_pop(in);

		if (!islice_event(in, e))
			iev_free(in, e);
		if (in->rec)
			irec_flush(in, 0);
	}
}

/*
 * Each sequence writes its events in order (the usual case): they join
 * the sequence's run, a queue, at O(1); an event that comes out of order
 * on its sequence goes to the heap. The earliest of the runs' heads and
 * the heap's top is always the earliest event waiting.
 */
void
iev_enqueue(struct insp *in, struct irun *r, struct iev *e)
{
	struct wait w = { e->ts, e->ord, e };

	if (r && (!r->tail || !keylt(&w, &(struct wait){ r->tail->ts,
	    r->tail->ord, NULL }))) {
		e->qnext = NULL;
		if (r->tail) {
			r->tail->qnext = e;
		} else {
			r->head = e;
			runs_push(in, r);
		}
		r->tail = e;
	} else {
		heap_push(in, w);
	}
	if (++in->nwait > INSP_WINDOW)
		iev_drain(in, INSP_WINDOW);
}

/* Frees the events still waiting, unprocessed. */
void
iev_discard(struct insp *in)
{
	while (in->nwait > 0)
		iev_free(in, window_pop(in));
}
