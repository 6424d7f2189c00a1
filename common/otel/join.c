/*
 * The join of spans to their parents and link targets (see map.c): J is
 * read in key order, where each id's definitions come just before the
 * references to it. The definitions of one id are held while its
 * references are read; each reference finds its target there or is an
 * orphan. A second definition equal to an earlier one (same ids, times,
 * process, name and kind) is a duplicate, dropped. Past a few definitions
 * of one id (a hash collision, or a file that gives one id to a million
 * spans) two hash maps find duplicates and targets in O(1). Cost: one
 * read of J; memory: the distinct spans that share one id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/u64map.h"
#include "base/util.h"
#include "otel/input.h"
#include "otel/mapint.h"

#define FEW 8			/* definitions searched one by one */

struct defs {
	struct jitem *d;
	size_t n, cap;
	int64_t base;
	struct u64map *dups;		/* past FEW: dupkey -> 1 */
	struct u64map *procs;		/* past FEW: id and proc -> index + 1 */
	struct u64map *first;		/* past FEW: id -> index + 1 */
};

static uint64_t
hash_def(const struct jitem *d, int what)
{
	struct {
		uint8_t trace[16], span[8];
		int64_t start, end;
		uint64_t namehash;
		uint32_t proc;
		uint8_t shared, what;
		uint16_t pad;
	} k;

	memset(&k, 0, sizeof(k));
	memcpy(k.trace, d->trace, 16);
	memcpy(k.span, d->span, 8);
	k.what = (uint8_t)what;
	if (what == 0) {		/* the whole span: duplicates */
		k.start = d->start;
		k.end = d->end;
		k.namehash = d->namehash;
		k.shared = d->shared;
	}
	if (what != 2)
		k.proc = d->proc;
	return XXH64(&k, sizeof(k), 0);
}

static void
defs_reset(struct defs *ds, int64_t base)
{
	ds->n = 0;
	ds->base = base;
	um_free(ds->dups);
	um_free(ds->procs);
	um_free(ds->first);
	ds->dups = ds->procs = ds->first = NULL;
}

/* Past FEW definitions, the maps: built once from those so far. */
static void
defs_index(struct defs *ds, size_t i)
{
	int made;

	if (!ds->dups) {
		ds->dups = um_new();
		ds->procs = um_new();
		ds->first = um_new();
		for (size_t k = 0; k < i; k++)
			defs_index(ds, k);
	}
	*um_slot(ds->dups, hash_def(&ds->d[i], 0), 1, NULL) = (void *)1;
	void **p = um_slot(ds->procs, hash_def(&ds->d[i], 1), 1, &made);
	if (made)
		*p = (void *)(uintptr_t)(i + 1);
	p = um_slot(ds->first, hash_def(&ds->d[i], 2), 1, &made);
	if (made)
		*p = (void *)(uintptr_t)(i + 1);
}

static void
note(struct ot_import *im, int64_t ts, uint64_t bseq, int op,
    const char *tok)
{
	struct nitem ni;

	memset(&ni, 0, sizeof(ni));
	ni.bseq = bseq;
	ni.op = (uint8_t)op;
	if (tok)
		memcpy(ni.tok, tok, strnlen(tok, sizeof(ni.tok) - 1));
	xs_add(im->n, ts, &ni, sizeof(ni));
}

static int
same_id(const struct jitem *a, const struct jitem *b)
{
	return memcmp(a->trace, b->trace, 16) == 0 &&
	    memcmp(a->span, b->span, 8) == 0;
}

static void
def(struct ot_import *im, struct defs *ds, const struct jitem *d)
{
	if (ds->dups) {
		if (um_get(ds->dups, hash_def(d, 0))) {
			CNT(im, Q_DUP)++;
			note(im, d->start, d->bseq, N_DROP, NULL);
			return;
		}
		if (um_get(ds->first, hash_def(d, 2)))
			CNT(im, Q_SAMEID)++;
		goto add;
	}
	for (size_t i = 0; i < ds->n; i++) {
		const struct jitem *o = &ds->d[i];

		if (!same_id(o, d) || o->shared != d->shared)
			continue;
		if (o->start == d->start && o->end == d->end &&
		    o->proc == d->proc && o->namehash == d->namehash) {
			CNT(im, Q_DUP)++;
			note(im, d->start, d->bseq, N_DROP, NULL);
			return;
		}
		CNT(im, Q_SAMEID)++;
		break;
	}
add:
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? 2 * ds->cap : 8;
		ds->d = xreallocarray(ds->d, ds->cap, sizeof(*ds->d));
	}
	ds->d[ds->n++] = *d;
	if (ds->n > FEW)
		defs_index(ds, ds->n - 1);
}

/* The target of r: of its id, in the child's process if one is. */
static const struct jitem *
target(const struct defs *ds, const struct jitem *r)
{
	const struct jitem *best = NULL;
	struct jitem k = *r;
	uintptr_t i1;

	if (ds->procs && !(r->type == 'R' && r->shared)) {
		if ((i1 = (uintptr_t)um_get(ds->procs, hash_def(&k, 1))) &&
		    same_id(&ds->d[i1 - 1], r))
			return &ds->d[i1 - 1];
		if ((i1 = (uintptr_t)um_get(ds->first, hash_def(&k, 2))) &&
		    same_id(&ds->d[i1 - 1], r))
			return &ds->d[i1 - 1];
		return NULL;
	}
	for (size_t i = 0; i < ds->n; i++) {
		const struct jitem *d = &ds->d[i];

		if (!same_id(d, r) || (r->type == 'R' && r->shared &&
		    d->shared))
			continue;
		if (d->proc == r->proc)
			return d;
		if (!best)
			best = d;
	}
	return best;
}

/* A flow token: what kind, then the child's ids (and link number). */
static void
token(char *tok, size_t cap, const struct jitem *r)
{
	char tr[33], sp[17];

	ot_id_hex(r->ctrace, 16, tr);
	ot_id_hex(r->cspan, 8, sp);
	if (r->type == 'L')
		snprintf(tok, cap, "l%u:%s%s%s", r->link, tr, sp,
		    r->cshared ? "s" : "");
	else
		snprintf(tok, cap, "p:%s%s%s", tr, sp, r->cshared ? "s" : "");
}

static void
ref(struct ot_import *im, const struct defs *ds, const struct jitem *r)
{
	const struct jitem *d = target(ds, r);
	char tok[72];

	if (d && d->bseq == r->bseq)
		return;			/* a link to itself */
	if (!d) {
		if (r->type == 'L')
			CNT(im, Q_NOLINK)++;
		else if (!r->shared)
			CNT(im, Q_ORPHAN)++;
		return;
	}
	/* a parent draws a flow to a child in another process or outside
	 * its interval; a link always does */
	if (r->type == 'R' && d->proc == r->proc && r->start >= d->start &&
	    r->start < d->end)
		return;
	if (r->start < d->start) {
		CNT(im, Q_SKEW)++;	/* a flow would go back in time */
		return;
	}
	token(tok, sizeof(tok), r);
	note(im, d->start, d->bseq, N_OUT, tok);
	note(im, r->start, r->bseq, N_IN, tok);
	CNT(im, r->type == 'L' ? Q_LINKFLOWS : Q_FLOWS)++;
}

void
ot_join(struct ot_import *im)
{
	struct defs ds = { 0 };
	const void *p;
	size_t n;
	int64_t key;
	uint64_t seq;

	xs_rewind(im->j);
	while (xs_next(im->j, &key, &seq, &p, &n)) {
		struct jitem it;

		memcpy(&it, p, sizeof(it));
		if ((key & ~(int64_t)1) != ds.base)
			defs_reset(&ds, key & ~(int64_t)1);	/* the next id */
		if (it.type == 'D')
			def(im, &ds, &it);
		else
			ref(im, &ds, &it);
	}
	defs_reset(&ds, 0);
	free(ds.d);
}
