/*
 * The external merge sort of extsort.h.
 *
 * In memory: an arena of item bytes and an index of (key, seq, offset),
 * sorted with qsort when the budget is reached or reading starts. On disk:
 * runs, each in a temporary file of its own, each item as key, seq, length
 * and bytes; reading merges the runs through a 64 KiB pread(2) buffer
 * each, with the heap of merge.h, whose ties go to the earlier run (runs
 * hold ever later seqs, so ties keep the order of xs_add). When XS_FANIN
 * runs exist, the latest runs of the lowest level are merged into one run
 * of the next level, as in a log-structured merge, so that each run is
 * always a stretch of consecutive seqs.
 * Cost: O(n log n) comparisons; nothing touches the disk when the input
 * fits the budget, else each item is written once per level, and there
 * are log base XS_FANIN of (input / budget) levels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/extsort.h"
#include "base/merge.h"
#include "base/util.h"

#define RUNBUF (64 * 1024)
#define WBUF (256 * 1024)
#define HDR 20			/* key 8, seq 8, length 4 */

struct idx {
	int64_t key;
	uint64_t seq;
	size_t off, n;
};

struct run {
	int fd;				/* a temporary file of its own */
	uint64_t size;
	unsigned level;			/* merges it went through */
};

struct cursor {
	int fd;
	uint64_t off, end;		/* file bytes not yet read */
	char *buf;
	size_t cap, len, pos;
	int64_t key;			/* the item at the head */
	uint64_t seq;
	const char *p;
	size_t n;
};

struct writer {
	int fd;
	uint64_t size;
	char *buf;
	size_t len;
};

struct extsort {
	size_t budget;
	char *mem;
	size_t used, memcap;
	struct idx *ix;
	size_t nix, ixcap;
	uint64_t nadded;
	char *wbuf;
	struct run *runs;
	size_t nruns;
	unsigned long totalruns;
	int reading, sorted;
	size_t next;			/* in memory: the index read next */
	struct cursor *cur;
	size_t ncur;
	struct merge *m;
	long advance;			/* run whose head was returned, or -1 */
};

static const char *
tmpdir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

static int
tmpfd(void)
{
	const char *d = tmpdir();
	size_t n = strlen(d) + 32;
	char *path = xmalloc(n);
	int fd;

	snprintf(path, n, "%s/spanpipe-sort.XXXXXX", d);
	if ((fd = mkstemp(path)) < 0)
		die(EX_CANTCREAT, "temporary file in %s:", d);
	unlink(path);
	free(path);
	return fd;
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die(EX_IOERR, "temporary file in %s:", tmpdir());
		p += k;
		n -= (size_t)k;
	}
}

static void
w_flush(struct writer *w)
{
	write_all(w->fd, w->buf, w->len);
	w->size += w->len;
	w->len = 0;
}

static void
w_put(struct writer *w, const void *p, size_t n)
{
	if (w->len + n > WBUF)
		w_flush(w);
	if (n > WBUF) {
		write_all(w->fd, p, n);
		w->size += n;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
w_item(struct writer *w, int64_t key, uint64_t seq, const void *p, size_t n)
{
	char h[HDR];
	uint32_t len = (uint32_t)n;

	memcpy(h, &key, 8);
	memcpy(h + 8, &seq, 8);
	memcpy(h + 16, &len, 4);
	w_put(w, h, HDR);
	w_put(w, p, n);
}

struct extsort *
xs_new(size_t budget)
{
	struct extsort *xs = xcalloc(1, sizeof(*xs));

	xs->budget = budget < 4096 ? 4096 : budget;
	xs->advance = -1;
	return xs;
}

void
xs_free(struct extsort *xs)
{
	if (!xs)
		return;
	for (size_t i = 0; i < xs->ncur; i++)
		free(xs->cur[i].buf);
	free(xs->cur);
	merge_free(xs->m);
	for (size_t i = 0; i < xs->nruns; i++)
		close(xs->runs[i].fd);
	free(xs->wbuf);
	free(xs->runs);
	free(xs->ix);
	free(xs->mem);
	free(xs);
}

uint64_t
xs_count(const struct extsort *xs)
{
	return xs->nadded;
}

unsigned long
xs_runs(const struct extsort *xs)
{
	return xs->totalruns;
}

static int
cmp_idx(const void *a, const void *b)
{
	const struct idx *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
cur_init(struct cursor *c, const struct run *r)
{
	c->fd = r->fd;
	c->off = 0;
	c->end = r->size;
	c->len = c->pos = 0;
	if (!c->buf) {
		c->cap = RUNBUF;
		c->buf = xmalloc(c->cap);
	}
}

/* Makes want bytes available at c->pos: 0 when the run has fewer left. */
static int
cur_fill(struct cursor *c, size_t want)
{
	while (c->len - c->pos < want) {
		size_t room, have = c->len - c->pos;
		ssize_t k;

		if (c->off == c->end)
			return 0;
		memmove(c->buf, c->buf + c->pos, have);
		c->len = have;
		c->pos = 0;
		if (want > c->cap) {
			c->cap = want > 2 * c->cap ? want : 2 * c->cap;
			c->buf = xrealloc(c->buf, c->cap);
		}
		room = c->cap - c->len;
		if (room > c->end - c->off)
			room = (size_t)(c->end - c->off);
		k = pread(c->fd, c->buf + c->len, room, (off_t)c->off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die(EX_IOERR, "temporary file in %s:%s", tmpdir(),
			    k == 0 ? " unexpected end" : "");
		c->len += (size_t)k;
		c->off += (uint64_t)k;
	}
	return 1;
}

/* Reads the next item of the run into the head: 0 at the run's end. */
static int
cur_next(struct cursor *c)
{
	uint32_t n;

	if (!cur_fill(c, HDR))
		return 0;
	memcpy(&c->key, c->buf + c->pos, 8);
	memcpy(&c->seq, c->buf + c->pos + 8, 8);
	memcpy(&n, c->buf + c->pos + 16, 4);
	if (!cur_fill(c, HDR + (size_t)n))
		die(EX_IOERR, "temporary file in %s: unexpected end", tmpdir());
	c->p = c->buf + c->pos + HDR;
	c->n = n;
	c->pos += HDR + (size_t)n;
	return 1;
}

/* Opens a cursor on runs [first, nruns) and loads the heap with their
 * heads; the heap's sources are run indexes. */
static void
merge_start(struct extsort *xs, size_t first)
{
	if (xs->ncur < xs->nruns) {
		xs->cur = xreallocarray(xs->cur, xs->nruns, sizeof(*xs->cur));
		memset(xs->cur + xs->ncur, 0,
		    (xs->nruns - xs->ncur) * sizeof(*xs->cur));
		xs->ncur = xs->nruns;
	}
	merge_free(xs->m);
	xs->m = merge_new(xs->nruns - first);
	for (size_t i = first; i < xs->nruns; i++) {
		cur_init(&xs->cur[i], &xs->runs[i]);
		if (cur_next(&xs->cur[i]))
			merge_push(xs->m, xs->cur[i].key, i);
	}
	xs->advance = -1;
}

/* The head of the run with the smallest (key, seq): NULL at the end. */
static struct cursor *
merge_next(struct extsort *xs)
{
	size_t src;

	if (xs->advance >= 0) {
		struct cursor *c = &xs->cur[xs->advance];

		if (cur_next(c))
			merge_push(xs->m, c->key, (size_t)xs->advance);
		xs->advance = -1;
	}
	if (!merge_pop(xs->m, &src, NULL))
		return NULL;
	xs->advance = (long)src;
	return &xs->cur[src];
}

/* Merges the trailing runs of the last run's level (all of them if
 * that is one run) into one run of the next level. */
static void
collapse(struct extsort *xs)
{
	struct writer w = { tmpfd(), 0, xs->wbuf, 0 };
	size_t first = xs->nruns - 1;
	unsigned level = xs->runs[first].level;
	struct cursor *c;

	while (first > 0 && xs->runs[first - 1].level == level)
		first--;
	if (first == xs->nruns - 1)
		first = 0;
	merge_start(xs, first);
	while ((c = merge_next(xs)))
		w_item(&w, c->key, c->seq, c->p, c->n);
	w_flush(&w);
	for (size_t i = first; i < xs->nruns; i++)
		close(xs->runs[i].fd);
	xs->runs[first].fd = w.fd;
	xs->runs[first].size = w.size;
	xs->runs[first].level = level + 1;
	xs->nruns = first + 1;
}

/* Writes the items in memory, sorted, as one more run. */
static void
spill(struct extsort *xs)
{
	struct writer w = { -1, 0, NULL, 0 };

	if (!xs->wbuf)
		xs->wbuf = xmalloc(WBUF);
	if (xs->nruns == XS_FANIN)
		collapse(xs);
	w.fd = tmpfd();
	w.buf = xs->wbuf;
	qsort(xs->ix, xs->nix, sizeof(*xs->ix), cmp_idx);
	for (size_t i = 0; i < xs->nix; i++)
		w_item(&w, xs->ix[i].key, xs->ix[i].seq,
		    xs->mem + xs->ix[i].off, xs->ix[i].n);
	w_flush(&w);
	xs->runs = xreallocarray(xs->runs, xs->nruns + 1, sizeof(*xs->runs));
	xs->runs[xs->nruns++] = (struct run){ w.fd, w.size, 0 };
	xs->totalruns++;
	xs->used = xs->nix = 0;
}

void
xs_add(struct extsort *xs, int64_t key, const void *p, size_t n)
{
	struct idx *x;

	if (xs->reading)
		die(EX_SOFTWARE, "xs_add after reading began");
	if (n > UINT32_MAX)
		die(EX_DATAERR, "an item of %zu bytes is too large to sort", n);
	if (xs->nix && xs->used + n + (xs->nix + 1) * sizeof(*xs->ix) >
	    xs->budget)
		spill(xs);
	if (xs->used + n > xs->memcap) {
		xs->memcap = xs->used + n > 2 * xs->memcap ? xs->used + n :
		    2 * xs->memcap;
		xs->mem = xrealloc(xs->mem, xs->memcap);
	}
	if (xs->nix == xs->ixcap) {
		xs->ixcap = xs->ixcap ? 2 * xs->ixcap : 1024;
		xs->ix = xreallocarray(xs->ix, xs->ixcap, sizeof(*xs->ix));
	}
	x = &xs->ix[xs->nix++];
	x->key = key;
	x->seq = xs->nadded++;
	x->off = xs->used;
	x->n = n;
	memcpy(xs->mem + xs->used, p, n);
	xs->used += n;
}

void
xs_rewind(struct extsort *xs)
{
	if (!xs->reading) {
		xs->reading = 1;
		if (xs->totalruns && xs->nix)
			spill(xs);
		if (xs->totalruns) {
			free(xs->mem);
			free(xs->ix);
			xs->mem = NULL;
			xs->ix = NULL;
			xs->memcap = xs->ixcap = 0;
		} else if (xs->nix) {
			qsort(xs->ix, xs->nix, sizeof(*xs->ix), cmp_idx);
		}
	}
	xs->next = 0;
	if (xs->totalruns)
		merge_start(xs, 0);
}

int
xs_next(struct extsort *xs, int64_t *key, uint64_t *seq, const void **p,
    size_t *n)
{
	if (!xs->reading)
		xs_rewind(xs);
	if (xs->totalruns) {
		struct cursor *c = merge_next(xs);

		if (!c)
			return 0;
		*key = c->key;
		*seq = c->seq;
		*p = c->p;
		*n = c->n;
		return 1;
	}
	if (xs->next == xs->nix)
		return 0;
	*key = xs->ix[xs->next].key;
	*seq = xs->ix[xs->next].seq;
	*p = xs->mem + xs->ix[xs->next].off;
	*n = xs->ix[xs->next].n;
	xs->next++;
	return 1;
}
