/*
 * The synthetic telemetry model; see gen.h.
 *
 * A thread's spans are made one tree at a time: a root and its nested
 * children down to the chosen depth, at most TREE_MAX spans, laid out on
 * the thread's clock with 1 to 10 microseconds between consecutive begins
 * and ends (sometimes none: a first child begins with its parent, a parent
 * ends with its last child). Spans come out in preorder, which is the
 * order of the store's query (begin, depth): memory is one tree.
 *
 * A process's async spans begin one after another (some children begin
 * with their parent) and end from a heap of open spans ordered like the
 * store's query (time, deeper first, span_id), ends at a time coming after
 * the begins at that time. At most `open` spans are open at once: at the
 * cap the next begin waits for the earliest end. The first spans are open
 * before the process starts (no begin event: they end without a begin)
 * and the last ones never end. Memory is the open spans.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/gen.h"

#define TREE_MAX 4096
#define INF INT64_MAX
#define US 1000

struct gen {
	struct gen_opts o;
	struct gproc *p;
};

struct tnode {
	int64_t begin, end, id, parent;
	int depth, name;
};

struct aspan {
	int64_t end, id, parent;
	int depth, name, endth;
};

struct gsrc {
	uint64_t rng;
	const struct gen *g;
	const struct gproc *p;
	const struct gthread *th;	/* NULL: async */
	int64_t t, left, nextid;
	/* thread spans: the current tree */
	struct tnode *tree;
	size_t n, pos, cap;
	/* async spans */
	struct aspan *heap;
	size_t nh, hcap;
	struct gev ready[2];
	int nready, rpos;
	int64_t gap, mean, made, unfinished_from;
};

static const struct {
	const char *name, *target, *file;
	int line;
} names[] = {
	{ "main loop", "app::core", "src/main.rs", 42 },
	{ "parse_request", "app::net", "src/net/http.rs", 118 },
	{ "db::query", "app::db", "src/db/mod.rs", 77 },
	{ "render, layout", "app::ui", "src/ui/layout.rs", 203 },
	{ "say \"hello\"", "app::greet", "src/greet.rs", 9 },
	{ "ファイル読み込み", "app::io", "src/io/read.rs", 31 },
	{ "Größe berechnen", "app::ui", "src/ui/size.rs", 56 },
	{ "compress/zstd", "app::io", "src/io/zstd.rs", 12 },
	{ "lock_wait", "std::sync", "src/sync.rs", 300 },
	{ "serialize {\"json\"}", "app::net", "src/net/json.rs", 64 },
	{ "emoji \xf0\x9f\x9a\x80 launch", "app::core", "src/launch.rs", 5 },
	{ "GET /api/v1/items?id=1,2", "app::net", "src/net/routes.rs", 88 },
	{ "gc", "runtime", "src/gc.rs", 1 },
	{ "frame", "app::ui", "src/ui/frame.rs", 20 },
	{ "tick", "app::core", "src/main.rs", 60 },
	{ "physics.step", "app::sim", "src/sim/physics.rs", 150 },
	/* async span names */
	{ "request", "app::net", "src/net/server.rs", 51 },
	{ "db transaction", "app::db", "src/db/tx.rs", 14 },
	{ "fetch \"assets\", batch", "app::io", "src/io/fetch.rs", 230 },
	{ "download ダウンロード", "app::io", "src/io/download.rs", 7 },
	{ "timer", "runtime", "src/timer.rs", 99 },
	{ "future poll", "runtime", "src/executor.rs", 402 },
	{ "upload, retry", "app::net", "src/net/upload.rs", 73 },
	{ "rpc call", "app::rpc", "src/rpc.rs", 18 },
};
#define NSYNC 16
#define NASYNC 8

static const char *const exes[] = {
	"/usr/bin/game-server", "C:\\Program Files\\Éditeur\\editor.exe",
	"/opt/app/bin/worker, v2", "/usr/local/bin/\"quoted\"-daemon",
};
static const char *const users[] = { "alice", "bob", "françois", "dev ops" };
static const char *const realnames[] = { "Alice Martin", NULL,
    "François Dupré", NULL };
static const char *const props[] = {
	"{\"version\":\"1.2.3\",\"region\":\"eu-west, 1\"}", NULL,
	"{\"build\":\"release\",\"note\":\"say \\\"hi\\\" ✓\"}", NULL,
};

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A generator's own seed: the run's seed mixed with what it generates. */
static uint64_t
seed_for(const struct gen *g, uint64_t kind, uint64_t p, uint64_t t)
{
	uint64_t s = g->o.seed ^ (kind << 56) ^ (p << 24) ^ t;

	splitmix(&s);
	return splitmix(&s);
}

static int64_t
rnd(uint64_t *s, int64_t n)
{
	return n > 0 ? (int64_t)(splitmix(s) % (uint64_t)n) : 0;
}

static void
uuid(uint64_t *s, char buf[GEN_UUID])
{
	uint64_t a = splitmix(s), b = splitmix(s);

	snprintf(buf, GEN_UUID, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64
	    "-%04" PRIx64 "-%012" PRIx64, a >> 32, (a >> 16) & 0xffff,
	    a & 0xfff, (uint64_t)0x8000 | (b >> 48 & 0x3fff),
	    b & (uint64_t)0xffffffffffff);
}

static int
by_stream(const void *a, const void *b)
{
	return strcmp(((const struct gthread *)a)->stream_id,
	    ((const struct gthread *)b)->stream_id);
}

/* n shared out among k: the first n % k get one more. */
static int64_t
share(int64_t n, int64_t k, int64_t i)
{
	return n / k + (i < n % k);
}

/*
 * Threads: "main", one with a comma, quotes and non-ASCII, one with no
 * thread_name; the fourth reuses the second's OS thread id (as after a
 * thread exits), so both get their stream_id as tid. O(n^2) for n threads.
 */
static void
make_threads(struct gen *g, struct gproc *p, int pi, uint64_t *s)
{
	int n = g->o.threads;

	p->th = xcalloc((size_t)n, sizeof(*p->th));
	p->nth = n;
	for (int i = 0; i < n; i++) {
		struct gthread *t = &p->th[i];

		uuid(s, t->stream_id);
		t->name = i == 0 ? "main" : i == 1 ? "render, \"ui\" 描画" :
		    i == 2 ? NULL : i % 2 ? "worker" : "io";
		snprintf(t->thread_id, sizeof(t->thread_id), "%d",
		    i == 3 ? atoi(p->th[1].thread_id) :
		    (int)(1000 + 7919 * i + rnd(s, 7000)));
		t->nspans = share(g->o.spans, (int64_t)g->o.processes * n,
		    (int64_t)pi * n + i);
	}
	qsort(p->th, (size_t)n, sizeof(*p->th), by_stream);
	for (int i = 0; i < n; i++) {
		struct gthread *t = &p->th[i];
		int dup = 0;

		for (int j = 0; j < n; j++)
			dup |= j != i && strcmp(p->th[j].thread_id,
			    t->thread_id) == 0;
		t->tid = dup ? t->stream_id : t->thread_id;
	}
}

static const char *const computers[] = { "build-01", "render-farm-7",
    "laptop (home)" };
static const char *const distros[] = { "Debian GNU/Linux 12", "Windows 11",
    NULL };
static const char *const cpus[] = { "AMD EPYC 7B13",
    "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz", NULL };

static void
make_process(struct gen *g, int pi)
{
	struct gproc *p = &g->p[pi];
	uint64_t s = seed_for(g, 1, (uint64_t)pi, 0);

	uuid(&s, p->id);
	uuid(&s, p->log_stream);
	p->exe = exes[pi % LEN(exes)];
	p->username = users[pi % LEN(users)];
	p->realname = realnames[pi % LEN(realnames)];
	p->computer = computers[pi % LEN(computers)];
	p->distro = distros[pi % LEN(distros)];
	p->cpu_brand = cpus[pi % LEN(cpus)];
	p->tsc_frequency = pi % 3 == 2 ? -1 : 2994000000 - 1000 * pi;
	p->properties = props[pi % LEN(props)];
	p->parent = pi > 0 ? g->p[0].id : NULL;
	p->start = g->o.start + pi * 250000 * (int64_t)US + rnd(&s, 1000 * US);
	p->nasync = share(g->o.async, g->o.processes, pi);
	make_threads(g, p, pi, &s);
}

struct gen *
gen_new(const struct gen_opts *o)
{
	struct gen *g = xcalloc(1, sizeof(*g));

	g->o = *o;
	g->p = xcalloc((size_t)o->processes, sizeof(*g->p));
	for (int i = 0; i < o->processes; i++)
		make_process(g, i);
	return g;
}

void
gen_free(struct gen *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->o.processes; i++)
		free(g->p[i].th);
	free(g->p);
	free(g);
}

int
gen_nprocs(const struct gen *g)
{
	return g->o.processes;
}

const struct gproc *
gen_proc(const struct gen *g, int p)
{
	return &g->p[p];
}

/* Time between consecutive events on a thread: 1 to 10 microseconds. */
static int64_t
gap(struct gsrc *s)
{
	return US + rnd(&s->rng, 9 * US + 1);
}

/* Builds a span and its children in preorder from s->t; see the top. */
static void
build(struct gsrc *s, int depth, int64_t parent)
{
	size_t me = s->n++;
	int k = 0;

	if (s->n > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->tree = xreallocarray(s->tree, s->cap, sizeof(*s->tree));
	}
	s->tree[me] = (struct tnode){ s->t, 0, s->nextid++, parent, depth,
	    (int)rnd(&s->rng, NSYNC) };
	s->left--;
	if (depth + 1 < s->g->o.depth)
		k = depth == 0 ? 1 + (int)rnd(&s->rng, 3)
		    : (int)rnd(&s->rng, 4);
	for (int i = 0; i < k && s->left > 0 && s->n < TREE_MAX; i++) {
		s->t += i == 0 && rnd(&s->rng, 8) == 0 ? 0 : gap(s);
		build(s, depth + 1, s->tree[me].id);
	}
	if (s->t == s->tree[me].begin || rnd(&s->rng, 8) != 0)
		s->t += gap(s);
	s->tree[me].end = s->t;
}

struct gsrc *
gsrc_thread(struct gen *g, int p, int t)
{
	struct gsrc *s = xcalloc(1, sizeof(*s));

	s->g = g;
	s->p = &g->p[p];
	s->th = &s->p->th[t];
	s->rng = seed_for(g, 2, (uint64_t)p, (uint64_t)t);
	s->t = s->p->start + 1000 * US + rnd(&s->rng, 100 * US);
	s->left = s->th->nspans;
	s->nextid = 1;
	return s;
}

static int
thread_next(struct gsrc *s, struct gev *ev)
{
	const struct tnode *n;

	if (s->pos == s->n) {
		if (s->left == 0)
			return 0;
		if (s->made++ > 0)	/* now and then the thread idles */
			s->t += gap(s) + (rnd(&s->rng, 16) == 0 ?
			    20 * US + rnd(&s->rng, 180 * US) : 0);
		s->n = s->pos = 0;
		build(s, 0, -1);
	}
	n = &s->tree[s->pos++];
	*ev = (struct gev){ 0, 0, n->begin, n->end, n->id, n->parent,
	    n->depth, n->name, s->p, s->th, s->g->o.unique_names,
	    (int)(s->p - s->g->p), (int)(s->th - s->p->th) };
	return 1;
}

/* The heap of open async spans: the end to write first on top. */
static int
before(const struct aspan *a, const struct aspan *b)
{
	if (a->end != b->end)
		return a->end < b->end;
	if (a->depth != b->depth)
		return a->depth > b->depth;
	return a->id < b->id;
}

static void
heap_push(struct gsrc *s, const struct aspan *a)
{
	size_t i = s->nh++;

	if (s->nh > s->hcap) {
		s->hcap = s->hcap ? s->hcap * 2 : 64;
		s->heap = xreallocarray(s->heap, s->hcap, sizeof(*s->heap));
	}
	for (; i > 0 && before(a, &s->heap[(i - 1) / 2]); i = (i - 1) / 2)
		s->heap[i] = s->heap[(i - 1) / 2];
	s->heap[i] = *a;
}

static struct aspan
heap_pop(struct gsrc *s)
{
	struct aspan top = s->heap[0], last = s->heap[--s->nh];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < s->nh) {
		if (c + 1 < s->nh && before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	s->heap[i] = last;
	return top;
}

static struct gev
async_ev(struct gsrc *s, const struct aspan *a, int end, int64_t ts, int th)
{
	return (struct gev){ 1, end, ts, 0, a->id, a->parent, a->depth,
	    a->name, s->p, &s->p->th[th], s->g->o.unique_names,
	    (int)(s->p - s->g->p), -1 };
}

/* A new open span: the span made(th) gets no end when among the last. */
static void
open_span(struct gsrc *s, struct aspan *a, int64_t end)
{
	int bth = (int)rnd(&s->rng, s->p->nth);

	a->id = s->nextid++;
	a->name = NSYNC + (int)rnd(&s->rng, NASYNC);
	a->endth = rnd(&s->rng, 4) == 0 ? (int)rnd(&s->rng, s->p->nth) : bth;
	a->end = s->made++ >= s->unfinished_from ? INF : end;
	heap_push(s, a);
	s->ready[s->nready++] = async_ev(s, a, 0, s->t, bth);
	s->left--;
}

/*
 * Begins a span at s->t, now and then inside a random open span (mostly
 * ending within it), and now and then a child beginning with it.
 */
static void
begin_spans(struct gsrc *s)
{
	struct aspan a = { 0, 0, -1, 0, 0, 0 }, c;
	int64_t end = s->t + 1 + rnd(&s->rng, 2 * s->mean);

	if (rnd(&s->rng, 16) == 0)
		end += 8 * s->mean;
	if (s->nh > 0 && rnd(&s->rng, 4) == 0) {
		const struct aspan *par =
		    &s->heap[rnd(&s->rng, (int64_t)s->nh)];

		if (par->depth < 15) {
			a.parent = par->id;
			a.depth = par->depth + 1;
			if (par->end != INF && end > par->end
			    && rnd(&s->rng, 4) != 0)
				end = par->end;
		}
	}
	open_span(s, &a, end);
	if (s->left > 0 && s->nh < (size_t)s->g->o.open && a.depth < 15
	    && rnd(&s->rng, 8) == 0) {
		c = (struct aspan){ 0, 0, a.id, a.depth + 1, 0, 0 };
		open_span(s, &c, a.end == INF ? s->t :
		    s->t + rnd(&s->rng, a.end - s->t + 1));
	}
}

struct gsrc *
gsrc_async(struct gen *g, int p)
{
	struct gsrc *s = xcalloc(1, sizeof(*s));
	const struct gproc *gp = &g->p[p];
	int64_t len, orphans, n = gp->nasync;

	s->g = g;
	s->p = gp;
	s->rng = seed_for(g, 3, (uint64_t)p, 0);
	/* spread over the threads' time: about 11.5 us a thread span */
	len = (gp->th[0].nspans > 0 ? gp->th[0].nspans : 1) * 11500;
	s->gap = n > 0 && len / n > 1 ? len / n : 1;
	s->mean = (int64_t)g->o.open * 3 / 4 * s->gap;
	if (s->mean > len / 4)
		s->mean = len / 4;
	if (s->mean < 1)
		s->mean = 1;
	orphans = n * g->o.orphans / 100;
	if (orphans > g->o.open / 4)
		orphans = g->o.open / 4;
	if (2 * orphans > n)
		orphans = n / 2;
	s->t = gp->start + 1000 * US + rnd(&s->rng, s->gap);
	s->nextid = 1;
	s->left = n;
	s->unfinished_from = n - orphans;
	/* the first spans began before the start: no begin event */
	for (int64_t i = 0; i < orphans; i++) {
		struct aspan a = { 0, 0, -1, 0, 0, 0 };

		open_span(s, &a, s->t + 1 + rnd(&s->rng, 2 * s->mean));
		s->nready = 0;
	}
	return s;
}

static int
async_next(struct gsrc *s, struct gev *ev)
{
	struct aspan a;

	if (s->rpos < s->nready) {
		*ev = s->ready[s->rpos++];
		return 1;
	}
	s->nready = s->rpos = 0;
	if (s->left > 0 && s->nh >= (size_t)s->g->o.open
	    && s->heap[0].end != INF && s->t <= s->heap[0].end)
		s->t = s->heap[0].end + 1;	/* at the cap: wait */
	if (s->nh > 0 && s->heap[0].end != INF
	    && (s->left == 0 || s->heap[0].end < s->t)) {
		a = heap_pop(s);
		*ev = async_ev(s, &a, 1, a.end, a.endth);
		return 1;
	}
	if (s->left == 0)
		return 0;
	begin_spans(s);
	s->t += 1 + rnd(&s->rng, 2 * s->gap);
	*ev = s->ready[s->rpos++];
	return 1;
}

int
gsrc_next(struct gsrc *s, struct gev *ev)
{
	return s->th ? thread_next(s, ev) : async_next(s, ev);
}

void
gsrc_free(struct gsrc *s)
{
	if (!s)
		return;
	free(s->tree);
	free(s->heap);
	free(s);
}

const char *
gev_name(const struct gev *ev, char buf[GEN_NAMESZ])
{
	if (!ev->unique)
		return names[ev->name].name;
	if (ev->tidx < 0)
		snprintf(buf, GEN_NAMESZ, "%s #%d.a.%" PRId64,
		    names[ev->name].name, ev->pidx, ev->id);
	else
		snprintf(buf, GEN_NAMESZ, "%s #%d.%d.%" PRId64,
		    names[ev->name].name, ev->pidx, ev->tidx, ev->id);
	return buf;
}

const char *
gev_target(const struct gev *ev)
{
	return names[ev->name].target;
}

const char *
gev_file(const struct gev *ev)
{
	return names[ev->name].file;
}

int
gev_line(const struct gev *ev)
{
	return names[ev->name].line;
}
