/*
 * Unit tests for the lane engine and the pairing tables: random streams of
 * spans (nesting, children outliving parents, zero length, equal times) are
 * fed as begin/end events in time order; every span must come back once,
 * in start order on its lane, lanes must only nest, never outnumber the
 * spans open at one instant, and held spans must stay near the bound.
 */
#include <inttypes.h>
#include <stdint.h>

#include "async/lanes.h"
#include "async/pairs.h"
#include "base/util.h"
#include "test.h"

#define MAXSPANS 600

struct tspan {
	struct lspan ls;
	int64_t s, e;
	int parent;		/* index, or -1 */
	int emitted, released, lane, order;
};

static struct tspan sp[MAXSPANS];
static int nsp, nemitted, bad_order, bad_release;
static struct ln_held held;

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t
between(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static void
emit(struct lspan *ls, void *arg)
{
	struct tspan *t = (struct tspan *)ls;

	(void)arg;
	if (t->emitted++ || !ls->closed || ls->start != t->s || ls->end != t->e)
		bad_order = 1;
	t->lane = ls->lane;
	t->order = nemitted++;
}

static void
release(struct lspan *ls, void *arg)
{
	struct tspan *t = (struct tspan *)ls;

	(void)arg;
	if (t->released++ || !t->emitted)
		bad_release = 1;
}

static const struct ln_ops ops = { emit, release };

/* Trees of spans on a time grid: many equal times, some zero lengths. */
static void
make_spans(int n, int grid, int horizon)
{
	nsp = 0;
	while (nsp < n) {
		int i = nsp++;
		int p = (i > 0 && rnd() % 3) ? (int)(rnd() % (uint64_t)i) : -1;

		if (p >= 0) {
			sp[i].s = between(sp[p].s, sp[p].e);
			switch (rnd() % 6) {
			case 0:
				sp[i].e = sp[i].s + between(0, horizon / 4);
				break;
			case 1:
				sp[i].e = sp[p].e;
				break;
			default:
				sp[i].e = between(sp[i].s, sp[p].e);
			}
		} else {
			sp[i].s = between(0, horizon);
			sp[i].e = sp[i].s + between(0, horizon / 3);
		}
		sp[i].s -= sp[i].s % grid;
		sp[i].e -= sp[i].e % grid;
		if (sp[i].e < sp[i].s)
			sp[i].e = sp[i].s;
		sp[i].parent = p;
		sp[i].emitted = sp[i].released = 0;
		sp[i].lane = -1;
	}
}

struct ev {
	int64_t ts;
	uint64_t key;
	int span, end;
};

static int
ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Begins and ends in time order, ties shuffled; a begin before its end. */
static size_t
make_events(struct ev *ev)
{
	size_t n = 0;

	for (int i = 0; i < nsp; i++) {
		uint64_t k = rnd() >> 2;

		ev[n++] = (struct ev){ sp[i].s, k, i, 0 };
		ev[n++] = (struct ev){ sp[i].e, k + (rnd() >> 2), i, 1 };
	}
	qsort(ev, n, sizeof(*ev), ev_cmp);
	return n;
}

static int linked[MAXSPANS], begun_at[MAXSPANS];
static int64_t starts[MAXSPANS];

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* How many spans start at t (starts[] sorted). */
static size_t
starts_at(int64_t t)
{
	size_t lo = 0, hi = (size_t)nsp, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (starts[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < (size_t)nsp && starts[lo + n] == t)
		n++;
	return n;
}

/* Feeds the events; 0 when held spans ever passed their bound. */
static int
feed(struct lanes *ln, const struct ev *ev, size_t n)
{
	int state[MAXSPANS] = { 0 }, ok = 1;

	for (int k = 0; k < nsp; k++)
		starts[k] = sp[k].s;
	qsort(starts, (size_t)nsp, sizeof(*starts), i64_cmp);

	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &ev[i];
		struct tspan *t = &sp[e->span];
		int p = t->parent;
		size_t at_now = 0;

		if (!e->end) {
			linked[e->span] = p >= 0 && state[p] == 1;
			begun_at[e->span] = (int)i;
			ln_begin(ln, &t->ls, t->s, linked[e->span] ? &sp[p].ls : NULL);
			state[e->span] = 1;
		} else {
			ln_end(ln, &t->ls, t->e);
			state[e->span] = 2;
		}
		ln_drain(ln, e->ts);
		at_now = starts_at(e->ts);
		if (held.held > held.max + at_now)
			ok = 0;
	}
	ln_finish(ln);
	return ok;
}

static int
most_open(void)
{
	int best = 0;

	for (int i = 0; i < nsp; i++) {
		int64_t t = sp[i].s;
		int n = 0;

		for (int k = 0; k < nsp; k++)
			n += sp[k].s <= t && (t < sp[k].e || sp[k].e == t);
		best = n > best ? n : best;
	}
	return best;
}

/* Spans on one lane: emitted in start order, and never crossing. */
static int
lanes_nest(int nlanes)
{
	static int by_order[MAXSPANS];
	int64_t *last = xcalloc((size_t)nlanes + 1, sizeof(*last));
	int ok = 1;

	for (int i = 0; i < nsp; i++)
		by_order[sp[i].order] = i;
	for (int l = 0; l < nlanes; l++)
		last[l] = INT64_MIN;
	for (int o = 0; o < nsp; o++) {
		const struct tspan *a = &sp[by_order[o]];

		if (a->s < last[a->lane])
			ok = 0;
		last[a->lane] = a->s;
	}
	free(last);
	for (int i = 0; i < nsp; i++)
		for (int k = 0; k < nsp; k++) {
			const struct tspan *a = &sp[i], *b = &sp[k];

			if (a->lane == b->lane && a->s < b->s && b->s < a->e &&
			    a->e < b->e)
				ok = 0;
		}
	return ok;
}

/* A linked child off its parent's lane has a span there in its way. */
static int
stacked(void)
{
	for (int c = 0; c < nsp; c++) {
		int p = sp[c].parent, way = 0;

		if (!linked[c] || !(sp[p].s <= sp[c].s && sp[c].s < sp[p].e) ||
		    sp[c].lane == sp[p].lane)
			continue;
		for (int x = 0; x < nsp; x++)
			way |= sp[x].lane == sp[p].lane &&
			    begun_at[x] < begun_at[c] && sp[x].s <= sp[c].s &&
			    sp[c].s < sp[x].e && sp[x].e < sp[c].e;
		if (!way)
			return 0;
	}
	return 1;
}

static void
test_random(size_t max_held, const char *what)
{
	static struct ev ev[2 * MAXSPANS];
	int ok[6] = { 1, 1, 1, 1, 1, 1 };
	char name[128];

	for (int round = 0; round < 60; round++) {
		rng_state = 0x9E3779B97F4A7C15ULL * (uint64_t)(round + 1);
		make_spans(50 + round * 8, 1 + round % 4 * 5, 400 + round * 20);
		size_t n = make_events(ev);
		held = (struct ln_held){ 0, max_held };
		nemitted = bad_order = bad_release = 0;
		struct lanes *ln = ln_new(&ops, NULL, &held);
		ok[0] &= feed(ln, ev, n);
		int all = nemitted == nsp && !bad_order && !bad_release;
		for (int i = 0; i < nsp; i++)
			all &= sp[i].emitted == 1 && sp[i].released == 1;
		ok[1] &= all;
		ok[2] &= lanes_nest(ln_count(ln));
		ok[3] &= ln_count(ln) <= most_open();
		ok[4] &= held.held == 0;
		if (max_held > 1000)
			ok[5] &= stacked();
		ln_free(ln);
	}
	static const char *const what_ok[] = { "held spans stay bounded",
	    "every span handed back and released once", "lanes only nest",
	    "lanes <= spans open at once", "nothing held at the end",
	    "children stack on their parent's lane" };
	for (int i = 0; i < (max_held > 1000 ? 6 : 5); i++) {
		snprintf(name, sizeof(name), "lanes (%s): %s", what, what_ok[i]);
		CHECK(name, ok[i]);
	}
}

/* A long span open while its many children end: held stays at the bound. */
static void
test_held_bound(void)
{
	struct lanes *ln;
	int maxheld = 0;

	held = (struct ln_held){ 0, 10 };
	nemitted = bad_order = bad_release = 0;
	nsp = 201;
	ln = ln_new(&ops, NULL, &held);
	sp[0] = (struct tspan){ .s = 0, .e = 1000, .parent = -1 };
	ln_begin(ln, &sp[0].ls, 0, NULL);
	for (int i = 1; i < nsp; i++) {
		sp[i] = (struct tspan){ .s = i * 4, .e = i * 4 + 2, .parent = 0 };
		ln_begin(ln, &sp[i].ls, sp[i].s, &sp[0].ls);
		ln_drain(ln, sp[i].s);
		ln_end(ln, &sp[i].ls, sp[i].e);
		ln_drain(ln, sp[i].e);
		maxheld = (int)held.held > maxheld ? (int)held.held : maxheld;
	}
	ln_end(ln, &sp[0].ls, 1000);
	ln_finish(ln);
	CHECK("lanes: held spans stop at --max-held", maxheld <= 11);
	CHECK("lanes: children fill the parent's lane up to the bound",
	    sp[1].lane == 0 && sp[9].lane == 0 && sp[10].lane == 1 &&
	    sp[nsp - 1].lane == 1);
	CHECK("lanes: bounded run hands back every span", nemitted == nsp);
	ln_free(ln);
}

/* Equal times: a span ending at t frees its lane for one beginning at t. */
static void
test_equal_times(void)
{
	struct lanes *ln;

	held = (struct ln_held){ 0, 100 };
	nemitted = 0;
	nsp = 4;
	ln = ln_new(&ops, NULL, &held);
	sp[0] = (struct tspan){ .s = 0, .e = 5, .parent = -1 };
	sp[1] = (struct tspan){ .s = 5, .e = 9, .parent = -1 };
	sp[2] = (struct tspan){ .s = 5, .e = 5, .parent = -1 };
	sp[3] = (struct tspan){ .s = 5, .e = 5, .parent = -1 };
	ln_begin(ln, &sp[0].ls, 0, NULL);
	ln_drain(ln, 0);
	ln_begin(ln, &sp[1].ls, 5, NULL);	/* before the end at 5 */
	ln_begin(ln, &sp[2].ls, 5, NULL);
	ln_end(ln, &sp[2].ls, 5);
	ln_end(ln, &sp[0].ls, 5);
	ln_begin(ln, &sp[3].ls, 5, &sp[1].ls);
	ln_end(ln, &sp[3].ls, 5);
	ln_drain(ln, 5);
	CHECK("lanes: nothing placed before time passes", nemitted == 1);
	ln_end(ln, &sp[1].ls, 9);
	ln_drain(ln, 9);
	ln_finish(ln);
	CHECK("lanes: an end at t frees the lane for a begin at t",
	    sp[0].lane == 0 && sp[1].lane == 0);
	CHECK("lanes: a zero-length child goes on its parent's lane",
	    sp[3].lane == 0 && nemitted == 4);
	CHECK("lanes: a zero-length span with no parent open takes a free lane",
	    sp[2].lane == 1 && ln_count(ln) == 2);
	ln_free(ln);
}

static void
test_unstarted(void)
{
	struct lanes *ln;

	held = (struct ln_held){ 0, 100 };
	nemitted = 0;
	nsp = 3;
	ln = ln_new(&ops, NULL, &held);
	sp[0] = (struct tspan){ .s = 10, .e = 20, .parent = -1 };
	sp[1] = (struct tspan){ .s = 0, .e = 15, .parent = -1 };
	sp[2] = (struct tspan){ .s = 20, .e = 30, .parent = -1 };
	ln_begin(ln, &sp[0].ls, 10, NULL);
	ln_drain(ln, 10);
	ln_unstarted(ln, &sp[1].ls, 0, 15);
	CHECK("lanes: an unstarted span is handed back at once",
	    nemitted == 1 && sp[1].lane == 0);
	ln_end(ln, &sp[0].ls, 20);
	ln_begin(ln, &sp[2].ls, 20, NULL);
	ln_end(ln, &sp[2].ls, 30);
	ln_finish(ln);
	CHECK("lanes: lane 0 is reused after its span ends",
	    sp[0].lane == 1 && sp[2].lane == 0 && nemitted == 3 &&
	    ln_count(ln) == 2);
	ln_free(ln);
}

static void
test_ptab(void)
{
	struct ptab *t = pt_new();
	static char keys[20000][16];
	int ok = 1;

	for (int i = 0; i < 20000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "id-%d", i);
		pt_put(t, keys[i], strlen(keys[i]), keys[i]);
		if (i % 3 == 0)
			ok &= pt_del(t, keys[i / 2], strlen(keys[i / 2])) != NULL ||
			    (i / 2) % 3 == 0 || i / 2 < i / 3;
	}
	for (int i = 0; i < 20000; i++) {
		void *v = pt_get(t, keys[i], strlen(keys[i]));

		if (v && v != keys[i])
			ok = 0;
	}
	CHECK("ptab: values found under their keys", ok);
	for (int i = 0; i < 20000; i++)
		pt_del(t, keys[i], strlen(keys[i]));
	CHECK("ptab: empty after removing every key", pt_count(t) == 0 &&
	    pt_get(t, "id-5", 4) == NULL);
	pt_put(t, "x", 1, keys[0]);
	CHECK("ptab: reusable after emptying", pt_get(t, "x", 1) == keys[0] &&
	    pt_del(t, "y", 1) == NULL && pt_count(t) == 1);
	pt_free(t);
}

static void
test_recent(void)
{
	struct recent *r = rc_new(100);
	int ok = 1;

	for (int i = 0; i < 1000; i++) {
		struct rc_entry e = { (uint64_t)(i % 150) * 7919, (unsigned long)i,
		    i, 0 };
		rc_add(r, &e);
	}
	for (int h = 0; h < 150; h++) {
		const struct rc_entry *e = rc_find(r, (uint64_t)h * 7919);
		int latest = 999 - ((999 - h) % 150 + 150) % 150;

		if (latest >= 900 ? !e || e->line != (unsigned long)latest : e != NULL)
			ok = 0;
	}
	CHECK("recent: the last n ends are found, the latest for each key", ok);
	CHECK("recent: unknown hash", rc_find(r, 12345) == NULL);
	rc_free(r);
}

int
main(void)
{
	test_ptab();
	test_recent();
	test_equal_times();
	test_unstarted();
	test_held_bound();
	test_random(1 << 20, "unbounded");
	test_random(8, "held at most 8");
	test_random(0, "held at most 0");
	return test_failed;
}
