/*
 * The second half of the Chrome import: the items of import.c, read
 * back from the sort in ts order (and, at equal ts, in file order), to
 * records.
 *
 * Pass 1, only when the file has v1 flow events (s, t, f): replays the
 * slices open on each thread (X by their end, B until their E) and binds
 * each flow event to the innermost slice open at its ts (s, t, and f with
 * "bp":"e") or to the next slice to begin on its thread (f), as Perfetto
 * does. The tokens wait in a table keyed by the slice's place in the file.
 * Pass 2 writes the records: B/E as begin/end records (an E with no B open
 * on its thread is skipped, so that every end has its begin), nestable
 * async events (b/e) as async_begin/async_end records whose ids are made
 * unique among the spans open in their process, with the enclosing span of
 * the same id as parent; legacy async spans (S/F) likewise, their steps (T)
 * as child spans.
 *
 * Cost: a hash lookup or two per item. Memory: per thread, its open
 * slices; per open async span, its ids; in pass 1, the tokens of the v1
 * flow events until their slice is written.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/util.h"
#include "chrome/item.h"
#include "records/record.h"

struct open {
	uint64_t seq;
	int64_t ts, end;
	int isb;
};

/* Slices open on a track, innermost last. */
struct lane {
	struct open *st;
	size_t n, cap;
};

struct thr {
	struct lane l;			/* slices open on the thread's track */
	struct dstr pending;		/* pass 1: f tokens for the next slice */
	unsigned long depth;		/* pass 2: B events open */
	struct lane *spill;		/* pass 2: overlapping X slices */
	size_t nspill;
};

struct bind {
	struct dstr tok[2];		/* flows, flows_end */
};

struct span {
	char *id, *pid, *name;
	unsigned depth;
	char *step;			/* the open step of a legacy span */
	unsigned long nstep;
	struct span *down;		/* the span below on its key's stack */
};

static struct {
	struct strmap *threads;
	struct strmap *binds;		/* seq -> struct bind */
	struct strmap *keys;		/* async key -> its top span */
	struct strmap *openids;		/* pid NUL id -> 1 */
	unsigned long serial;
	char ts[24], depth[16];
	struct dstr col[2], id, key;
} pr;

/* The slot for key in *m, made when create is set. */
static void **
slot_of(struct strmap **m, const char *key, size_t n, int create)
{
	if (!*m)
		*m = sm_new();
	return sm_slot(*m, key, n, create, NULL);
}

static struct thr *
thr_get(const struct item *it)
{
	void **slot;
	int created;

	ds_set(&pr.key, it->f[F_PID], it->n[F_PID]);
	ds_put(&pr.key, "", 1);
	ds_put(&pr.key, it->f[F_TID], it->n[F_TID]);
	if (!pr.threads)
		pr.threads = sm_new();
	slot = sm_slot(pr.threads, pr.key.p, pr.key.n, 1, &created);
	if (created)
		*slot = xcalloc(1, sizeof(struct thr));
	return *slot;
}

static void
thr_free(const char *key, size_t n, void *val, void *arg)
{
	struct thr *t = val;

	(void)key, (void)n, (void)arg;
	for (size_t i = 0; i < t->nspill; i++)
		free(t->spill[i].st);
	free(t->spill);
	free(t->l.st);
	free(t->pending.p);
	free(t);
}

/* Pass 1: the flow token tok bound to the slice at seq (end: flows_end). */
static void
bind(uint64_t seq, int end, const char *tok, size_t n)
{
	void **slot = slot_of(&pr.binds, (const char *)&seq, sizeof(seq), 1);
	struct bind *b = *slot;

	if (!b)
		b = *slot = xcalloc(1, sizeof(*b));
	if (b->tok[end].n)
		ds_put(&b->tok[end], " ", 1);
	ds_put(&b->tok[end], tok, n);
}

static void
pop_ended(struct thr *t, int64_t ts)
{
	while (t->l.n && t->l.st[t->l.n - 1].end < ts)
		t->l.n--;
}

/* A slice begins: on the stack, below the X slices that began at the same
 * ts but end sooner (they are inside it). */
static void
push(struct thr *t, uint64_t seq, int64_t ts, int64_t end, int isb)
{
	size_t i;

	pop_ended(t, ts);
	if (t->l.n == t->l.cap) {
		t->l.cap = t->l.cap ? 2 * t->l.cap : 16;
		t->l.st = xreallocarray(t->l.st, t->l.cap, sizeof(*t->l.st));
	}
	for (i = t->l.n; !isb && i > 0 && !t->l.st[i - 1].isb &&
	    t->l.st[i - 1].end < end; i--)
		;
	memmove(t->l.st + i + 1, t->l.st + i,
	    (t->l.n - i) * sizeof(*t->l.st));
	t->l.st[i] = (struct open){ seq, ts, end, isb };
	t->l.n++;
	if (t->pending.n) {
		bind(seq, 1, t->pending.p, t->pending.n);
		t->pending.n = 0;
	}
}

static void
pass1_item(const struct item *it, int64_t ts, uint64_t seq)
{
	struct thr *t;
	int64_t dur = 0;

	if (!strchr("XBEstf", it->ph))
		return;
	t = thr_get(it);
	switch (it->ph) {
	case 'X':
		for (size_t i = 0; i < it->n[F_DUR]; i++)
			dur = dur * 10 + (it->f[F_DUR][i] - '0');
		push(t, seq, ts, dur > INT64_MAX - ts ? INT64_MAX : ts + dur,
		    0);
		break;
	case 'B':
		push(t, seq, ts, INT64_MAX, 1);
		break;
	case 'E':
		pop_ended(t, ts);
		for (size_t i = t->l.n; i > 0; i--)
			if (t->l.st[i - 1].isb) {
				t->l.n = i - 1;
				break;
			}
		break;
	default:
		if (it->ph == 'f' && !(it->flags & IT_BIND_ENCLOSING)) {
			if (t->pending.n)
				ds_put(&t->pending, " ", 1);
			ds_put(&t->pending, it->f[F_ID], it->n[F_ID]);
			break;
		}
		pop_ended(t, ts);
		if (t->l.n)
			bind(t->l.st[t->l.n - 1].seq, it->ph == 'f',
			    it->f[F_ID], it->n[F_ID]);
		else
			chrome_notes[N_UNBOUND]++;
	}
}

static void
count_pending(const char *key, size_t n, void *val, void *arg)
{
	struct thr *t = val;

	(void)key, (void)n, (void)arg;
	if (t->pending.n) {
		chrome_notes[N_UNBOUND_NEXT]++;
		for (size_t i = 0; i < t->pending.n; i++)
			chrome_notes[N_UNBOUND_NEXT] += t->pending.p[i] == ' ';
	}
}

static void
pass1(struct extsort *xs)
{
	struct item it;
	const void *p;
	uint64_t seq;
	int64_t ts;
	size_t n;

	xs_rewind(xs);
	while (xs_next(xs, &ts, &seq, &p, &n)) {
		item_decode(p, n, &it);
		pass1_item(&it, ts, seq);
	}
	if (pr.threads) {
		sm_each(pr.threads, count_pending, NULL);
		sm_each(pr.threads, thr_free, NULL);
		sm_free(pr.threads);
		pr.threads = NULL;
	}
}

/* Pass 2: the columns an item gives, ts and the usual ones. */
static void
columns(const struct item *it, int64_t ts, const char *v[NCOLS],
    size_t n[NCOLS])
{
	static const int map[][2] = { { C_DUR, F_DUR }, { C_PID, F_PID },
	    { C_TID, F_TID }, { C_NAME, F_NAME }, { C_CATEGORY, F_CAT },
	    { C_ARGS, F_ARGS }, { C_FLOWS, F_FLOWS },
	    { C_FLOWS_END, F_FLOWS_END }, { C_VALUE, F_VALUE } };

	memset(v, 0, NCOLS * sizeof(*v));
	memset(n, 0, NCOLS * sizeof(*n));
	snprintf(pr.ts, sizeof(pr.ts), "%" PRId64, ts);
	v[C_TS] = pr.ts;
	n[C_TS] = strlen(pr.ts);
	for (size_t i = 0; i < LEN(map); i++) {
		v[map[i][0]] = it->f[map[i][1]];
		n[map[i][0]] = it->n[map[i][1]];
	}
}

/* Adds the tokens pass 1 bound to the slice at seq, and forgets them. */
static void
bound_flows(uint64_t seq, const char *v[NCOLS], size_t n[NCOLS])
{
	void **slot;
	struct bind *b;

	if (!pr.binds || !(slot = slot_of(&pr.binds, (const char *)&seq,
	    sizeof(seq), 0)))
		return;
	b = *slot;
	for (int i = 0; i < 2; i++) {
		ds_set(&pr.col[i], v[C_FLOWS + i], n[C_FLOWS + i]);
		if (pr.col[i].n && b->tok[i].n)
			ds_put(&pr.col[i], " ", 1);
		ds_put(&pr.col[i], b->tok[i].p, b->tok[i].n);
		v[C_FLOWS + i] = pr.col[i].p;
		n[C_FLOWS + i] = pr.col[i].n;
		free(b->tok[i].p);
	}
	free(b);
	sm_del(pr.binds, (const char *)&seq, sizeof(seq));
}

/*
 * Pass 2: whether a slice [ts, end) nests among those open on l (B slices
 * end at INT64_MAX), and if so it is put there. Those that ended by ts go
 * first; at equal ts the longer encloses the shorter, whatever the file's
 * order, as perfetto-encode and Perfetto's importer nest them. It does not
 * nest when the innermost slice that must enclose it ends before it does.
 */
static int
lane_fits(struct lane *l, int64_t ts, int64_t end, int isb)
{
	size_t i;

	while (l->n && !l->st[l->n - 1].isb && l->st[l->n - 1].end <= ts)
		l->n--;
	for (i = l->n; !isb && i > 0 && !l->st[i - 1].isb &&
	    l->st[i - 1].ts == ts && l->st[i - 1].end <= end; i--)
		;
	if (i > 0 && !l->st[i - 1].isb && l->st[i - 1].end < end)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->st = xreallocarray(l->st, l->cap, sizeof(*l->st));
	}
	memmove(l->st + i + 1, l->st + i, (l->n - i) * sizeof(*l->st));
	l->st[i] = (struct open){ 0, ts, end, isb };
	l->n++;
	return 1;
}

static int64_t
end_of(const struct item *it, int64_t ts)
{
	int64_t dur = 0;

	for (size_t i = 0; i < it->n[F_DUR]; i++)
		dur = dur * 10 + (it->f[F_DUR][i] - '0');
	return dur > INT64_MAX - ts ? INT64_MAX : ts + dur;
}

/*
 * An X slice that partly overlaps one open on its thread cannot nest
 * there: like Perfetto's importer, which moves it to an overflow track of
 * the thread, it goes on the first of the thread's spill tracks where it
 * nests, declared on first use as "TID (overlapping)" in the process.
 */
static void
spill(struct thr *t, const char *v[NCOLS], size_t n[NCOLS], int64_t ts,
    int64_t end)
{
	const char *tv[NCOLS] = { 0 };
	size_t tn[NCOLS] = { 0 }, k;

	for (k = 0; k < t->nspill; k++)
		if (lane_fits(&t->spill[k], ts, end, 0))
			break;
	ds_set(&pr.id, "overlap/", 8);
	ds_put(&pr.id, v[C_PID], n[C_PID]);
	ds_put(&pr.id, "/", 1);
	ds_put(&pr.id, v[C_TID], n[C_TID]);
	snprintf(pr.depth, sizeof(pr.depth), "/%zu", k);
	ds_put(&pr.id, pr.depth, strlen(pr.depth));
	if (k == t->nspill) {
		t->spill = xreallocarray(t->spill, ++t->nspill,
		    sizeof(*t->spill));
		t->spill[k] = (struct lane){ 0 };
		lane_fits(&t->spill[k], ts, end, 0);
		ds_set(&pr.key, v[C_TID], n[C_TID]);
		ds_put(&pr.key, " (overlapping)", 14);
		tv[C_PID] = v[C_PID], tn[C_PID] = n[C_PID];
		tv[C_TRACK] = pr.id.p, tn[C_TRACK] = pr.id.n;
		tv[C_NAME] = pr.key.p, tn[C_NAME] = pr.key.n;
		chrome_write(K_TRACK, tv, tn);
	}
	chrome_notes[N_SPILL]++;
	v[C_TRACK] = pr.id.p, n[C_TRACK] = pr.id.n;
}

/* B/E and X: an E with no B open on its thread is skipped. */
static void
thread_slice(const struct item *it, int64_t ts, uint64_t seq)
{
	struct thr *t = thr_get(it);
	struct lane *main = &t->l;
	const char *v[NCOLS];
	size_t n[NCOLS];

	columns(it, ts, v, n);
	if (it->ph == 'E') {
		if (t->depth == 0) {
			chrome_notes[N_NOB]++;
			return;
		}
		t->depth--;
		while (main->n && !main->st[--main->n].isb)
			;
		chrome_write(K_END, v, n);
		return;
	}
	if (it->ph == 'B') {
		t->depth++;
		lane_fits(main, ts, INT64_MAX, 1);
	} else if (!lane_fits(main, ts, end_of(it, ts), 0)) {
		spill(t, v, n, ts, end_of(it, ts));
	}
	bound_flows(seq, v, n);
	chrome_write(it->ph == 'B' ? K_BEGIN : K_SLICE, v, n);
}

static void
count_open(const char *key, size_t n, void *val, void *arg)
{
	struct thr *t = val;

	(void)key, (void)n, (void)arg;
	chrome_notes[N_UNCLOSED] += t->depth;
}

/* Marks (set 1), unmarks (set -1) or looks up (0) an id open in pid. */
static int
id_open(const char *pid, const char *id, size_t n, int set)
{
	ds_set(&pr.key, pid, strlen(pid));
	ds_put(&pr.key, "", 1);
	ds_put(&pr.key, id, n);
	if (set < 0)
		return pr.openids && sm_del(pr.openids, pr.key.p, pr.key.n);
	if (set > 0)
		*slot_of(&pr.openids, pr.key.p, pr.key.n, 1) = (void *)1;
	return pr.openids && sm_get(pr.openids, pr.key.p, pr.key.n) != NULL;
}

/* An id for a new span: the event's id, "/DEPTH" after it when nested,
 * or "#N" after it when that is taken by a span still open. */
static char *
new_id(const char *pid, const char *id, size_t n, unsigned depth)
{
	char sfx[32];

	ds_set(&pr.id, id, n);
	if (depth) {
		snprintf(sfx, sizeof(sfx), "/%u", depth);
		ds_put(&pr.id, sfx, strlen(sfx));
	}
	while (id_open(pid, pr.id.p, pr.id.n, 0)) {
		snprintf(sfx, sizeof(sfx), "#%lu", ++pr.serial);
		ds_set(&pr.id, id, n);
		ds_put(&pr.id, sfx, strlen(sfx));
	}
	id_open(pid, pr.id.p, pr.id.n, 1);
	return xstrdup(pr.id.p);
}

static char *
cstr(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
async_rec(enum kind k, const struct item *it, int64_t ts, const char *pid,
    const char *id, const char *parent, unsigned depth)
{
	const char *v[NCOLS];
	size_t n[NCOLS];

	columns(it, ts, v, n);
	v[C_PID] = pid;
	n[C_PID] = strlen(pid);
	v[C_ID] = id;
	n[C_ID] = strlen(id);
	if (k == K_ASYNC_BEGIN) {
		v[C_PARENT] = parent;
		n[C_PARENT] = parent ? strlen(parent) : 0;
		snprintf(pr.depth, sizeof(pr.depth), "%u", depth);
		v[C_DEPTH] = pr.depth;
		n[C_DEPTH] = strlen(pr.depth);
	}
	v[C_VALUE] = NULL;
	chrome_write(k, v, n);
}

/* A span begins: on top of its key's stack, the span below its parent. */
static void
span_open(const struct item *it, int64_t ts, struct span **top)
{
	struct span *sp = xcalloc(1, sizeof(*sp)), *parent = *top;

	sp->pid = cstr(it->f[F_PID], it->n[F_PID]);
	sp->name = cstr(it->f[F_NAME], it->n[F_NAME]);
	sp->depth = parent ? parent->depth + 1 : 0;
	sp->id = new_id(sp->pid, it->f[F_ID], it->n[F_ID], sp->depth);
	sp->down = parent;
	*top = sp;
	async_rec(K_ASYNC_BEGIN, it, ts, sp->pid, sp->id,
	    parent ? parent->id : NULL, sp->depth);
}

static void
step_close(const struct item *it, int64_t ts, struct span *sp)
{
	struct item end = *it;

	if (!sp->step)
		return;
	end.f[F_ARGS] = end.f[F_FLOWS] = end.f[F_FLOWS_END] = NULL;
	end.n[F_ARGS] = end.n[F_FLOWS] = end.n[F_FLOWS_END] = 0;
	async_rec(K_ASYNC_END, &end, ts, sp->pid, sp->step, NULL, 0);
	free(sp->step);
	sp->step = NULL;
}

/* The span *pp ends: written, taken off its stack, freed. */
static void
span_close(const struct item *it, int64_t ts, struct span **pp)
{
	struct span *sp = *pp;

	step_close(it, ts, sp);
	async_rec(K_ASYNC_END, it, ts, sp->pid, sp->id, NULL, 0);
	id_open(sp->pid, sp->id, strlen(sp->id), -1);
	*pp = sp->down;
	free(sp->id);
	free(sp->pid);
	free(sp->name);
	free(sp);
}

/* An end with no span open: an async_end of an id no span has had. */
static void
orphan_end(const struct item *it, int64_t ts)
{
	char sfx[32];
	char *pid = cstr(it->f[F_PID], it->n[F_PID]);

	snprintf(sfx, sizeof(sfx), "#%lu", ++pr.serial);
	ds_set(&pr.id, it->f[F_ID], it->n[F_ID]);
	ds_put(&pr.id, sfx, strlen(sfx));
	async_rec(K_ASYNC_END, it, ts, pid, pr.id.p, NULL, 0);
	chrome_notes[N_ORPHAN_END]++;
	free(pid);
}

/* T: the span's previous step ends and a child span named after the step
 * begins, to run until the next step or the span's end. */
static void
step_open(const struct item *it, int64_t ts, struct span *sp)
{
	struct item child = *it;
	char sfx[32];

	step_close(it, ts, sp);
	snprintf(sfx, sizeof(sfx), ":%lu", ++sp->nstep);
	ds_set(&pr.id, sp->id, strlen(sp->id));
	ds_put(&pr.id, sfx, strlen(sfx));
	sp->step = xstrdup(pr.id.p);
	if (it->n[F_VALUE]) {
		child.f[F_NAME] = it->f[F_VALUE];
		child.n[F_NAME] = it->n[F_VALUE];
	}
	async_rec(K_ASYNC_BEGIN, &child, ts, sp->pid, sp->step, sp->id,
	    sp->depth + 1);
}

static void
async_item(const struct item *it, int64_t ts)
{
	int open = it->ph == 'b' || it->ph == 'S';
	void **slot = slot_of(&pr.keys, it->f[F_KEY], it->n[F_KEY], open);
	struct span **pp = (struct span **)slot;

	if (open) {
		span_open(it, ts, pp);
		return;
	}
	if (it->ph == 'e' && pp && it->n[F_NAME])
		for (; *pp; pp = &(*pp)->down)
			if (strlen((*pp)->name) == it->n[F_NAME] && memcmp(
			    (*pp)->name, it->f[F_NAME], it->n[F_NAME]) == 0)
				break;
	if (!pp || !*pp) {
		if (it->ph == 'T')
			chrome_notes[N_NOSTART]++;
		else
			orphan_end(it, ts);
		return;
	}
	if (it->ph == 'T') {
		step_open(it, ts, *pp);
		return;
	}
	span_close(it, ts, pp);
	if (!*slot)
		sm_del(pr.keys, it->f[F_KEY], it->n[F_KEY]);
}

static void
pass2_item(const struct item *it, int64_t ts, uint64_t seq)
{
	const char *v[NCOLS];
	size_t n[NCOLS];

	switch (it->ph) {
	case 'X': case 'B': case 'E':
		thread_slice(it, ts, seq);
		break;
	case 'i':
		columns(it, ts, v, n);
		chrome_write(K_INSTANT, v, n);
		break;
	case 'C':
		columns(it, ts, v, n);
		chrome_write(K_COUNTER, v, n);
		break;
	case 'b': case 'e': case 'S': case 'T': case 'F':
		async_item(it, ts);
		break;
	}
}

static void
span_free(const char *key, size_t n, void *val, void *arg)
{
	struct span *sp = val, *down;

	(void)key, (void)n, (void)arg;
	for (; sp; sp = down) {
		down = sp->down;
		free(sp->id);
		free(sp->pid);
		free(sp->name);
		free(sp->step);
		free(sp);
	}
}

static void
bind_free(const char *key, size_t n, void *val, void *arg)
{
	struct bind *b = val;

	(void)key, (void)n, (void)arg;
	if (b) {
		free(b->tok[0].p);
		free(b->tok[1].p);
		free(b);
	}
}

static void
map_free(struct strmap **m, void (*fn)(const char *, size_t, void *, void *))
{
	if (*m && fn)
		sm_each(*m, fn, NULL);
	sm_free(*m);
	*m = NULL;
}

void
chrome_pair(struct extsort *xs, int v1flows)
{
	struct item it;
	const void *p;
	uint64_t seq;
	int64_t ts;
	size_t n;

	if (v1flows)
		pass1(xs);
	xs_rewind(xs);
	while (xs_next(xs, &ts, &seq, &p, &n)) {
		item_decode(p, n, &it);
		pass2_item(&it, ts, seq);
	}
	if (pr.threads) {
		sm_each(pr.threads, count_open, NULL);
		sm_each(pr.threads, thr_free, NULL);
		sm_free(pr.threads);
	}
	map_free(&pr.binds, bind_free);
	map_free(&pr.keys, span_free);
	map_free(&pr.openids, NULL);
	free(pr.col[0].p);
	free(pr.col[1].p);
	free(pr.id.p);
	free(pr.key.p);
	memset(&pr, 0, sizeof(pr));
}
