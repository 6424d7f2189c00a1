/*
 * Lanes for async spans. Perfetto closes the innermost open slice of a
 * track at every END, so spans that overlap without nesting must go on
 * different tracks. A lane set gives each span of one process a lane such
 * that on every lane any two spans are disjoint or one holds the other
 * (intervals closed on the left, open on the right; a zero-length span is
 * a point and never crosses anything), and hands spans back for output in
 * start order on each lane, each once both of its ends are known.
 *
 * The rule, in start order (input order at equal starts):
 *  1. a span goes on its parent's lane when it fits inside the innermost
 *     span open there at its start, and its parent is open at its start;
 *  2. else on the lowest-numbered lane with nothing open at its start;
 *  3. else on a new lane.
 * A new lane is made only when every lane has a span open at the start of
 * the one being placed, so there are never more lanes than spans open at
 * one instant (a zero-length span counting as open at its instant).
 *
 * Streaming: spans come as they begin (ln_begin) and end (ln_end), with
 * ln_drain after each event. A span is placed once time has passed its
 * start and its place no longer depends on ends not yet seen; it is handed
 * back (ops->emit) when it and every span before it on its lane are closed.
 * Memory: the spans open now, plus the ended spans held behind an open one
 * on their lane or behind an undecided placement. Past held->max such spans
 * a placement that would wait is made as if the span did not fit in its
 * parent, which bounds memory at the cost of a span off its parent's lane.
 * Cost per span: O(log L) for L lanes.
 */
#ifndef SPANPIPE_LANES_H
#define SPANPIPE_LANES_H

#include <stddef.h>
#include <stdint.h>

/* Embed first in the caller's span; the engine owns the fields. */
struct lspan {
	int64_t start, end;	/* end once closed */
	struct lspan *parent;	/* until placed: a hint, with a reference */
	struct lspan *next;	/* in the queue or in a lane's FIFO */
	unsigned refs;		/* children waiting to be placed */
	int lane;		/* -1 until placed */
	unsigned char closed, placed, onstack, emitted, bottom;
};

/* Ended spans not yet handed back, shared by the lane sets of a run. */
struct ln_held {
	size_t held, max;
};

struct ln_ops {
	/* sp can be written now; sp->lane says where */
	void (*emit)(struct lspan *sp, void *arg);
	/* the engine holds sp no more (called once, after emit) */
	void (*release)(struct lspan *sp, void *arg);
};

struct lanes;

struct lanes *ln_new(const struct ln_ops *ops, void *arg, struct ln_held *held);
/* After ln_finish: frees the set (its spans are released by then). */
void ln_free(struct lanes *ln);
/*
 * A span begins at start; parent is the open span it names as parent, if
 * any. Starts must not decrease from one call to the next.
 */
void ln_begin(struct lanes *ln, struct lspan *sp, int64_t start,
    struct lspan *parent);
/* An open span ends at end (end >= start; ends in time order too). */
void ln_end(struct lanes *ln, struct lspan *sp, int64_t end);
/*
 * A span known only by its end, [start, end) with start at or before
 * every start given so far: placed on a new lane and handed back at once,
 * or, when start == end == the time now, queued like any other.
 */
void ln_unstarted(struct lanes *ln, struct lspan *sp, int64_t start,
    int64_t end);
/* Time is now: places and hands back what it can among spans begun before. */
void ln_drain(struct lanes *ln, int64_t now);
/* Every span is closed: places and hands back all the rest. */
void ln_finish(struct lanes *ln);
/* Lanes made so far; lane numbers are 0 to ln_count() - 1. */
int ln_count(const struct lanes *ln);

#endif
