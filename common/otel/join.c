/*
 * The join of spans to their parents and link targets (see map.c): J is
 * read in key order, where each id's definitions come just before the
 * references to it. The definitions of one id are held while its
 * references are read; each reference finds its target there or is an
 * orphan. A second definition equal to an earlier one (same ids, times,
 * process, name and kind) is a duplicate, dropped. Cost: one read of J;
 * memory: the distinct spans that share one id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "otel/input.h"
#include "otel/mapint.h"

struct defs {
	struct jitem *d;
	size_t n, cap;
	int64_t base;
};

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
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? 2 * ds->cap : 8;
		ds->d = xreallocarray(ds->d, ds->cap, sizeof(*ds->d));
	}
	ds->d[ds->n++] = *d;
}

/* The target of r: of its id, in the child's process if one is. */
static const struct jitem *
target(const struct defs *ds, const struct jitem *r)
{
	const struct jitem *best = NULL;

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
		if ((key & ~(int64_t)1) != ds.base) {
			ds.n = 0;	/* the next id */
			ds.base = key & ~(int64_t)1;
		}
		if (it.type == 'D')
			def(im, &ds, &it);
		else
			ref(im, &ds, &it);
	}
	free(ds.d);
}
