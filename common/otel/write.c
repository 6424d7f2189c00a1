/*
 * Writing the records of a span import (see map.c): the processes first,
 * then the time sort T, with the notes of N read before the begin they
 * apply to. Memory: the spans open at one time (their async ids) and the
 * notes of the current time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "otel/input.h"
#include "otel/mapint.h"
#include "records/record.h"

struct cols {
	const char *v[NCOLS];
	size_t n[NCOLS];
};

static void
col(struct cols *c, enum col k, const char *s, size_t n)
{
	c->v[k] = s;
	c->n[k] = s ? n : 0;
}

static void
put(enum kind k, const struct cols *c)
{
	rec_field(kind_names[k], strlen(kind_names[k]), 0);
	for (int i = 1; i < NCOLS; i++)
		rec_field(c->v[i] ? c->v[i] : "", c->v[i] ? c->n[i] : 0,
		    i == NCOLS - 1);
}

/* Pids: the service's name, or with its instance when it has several. */
static void
write_procs(struct ot_import *im)
{
	struct strmap *nsvc = sm_new();
	struct cols c;
	size_t i;

	for (i = 0; i < im->nprocs; i++) {
		void **s = sm_slot(nsvc, im->procs[i].service,
		    strlen(im->procs[i].service), 1, NULL);

		*s = (void *)((uintptr_t)*s + 1);
	}
	for (i = 0; i < im->nprocs; i++) {
		struct proc *p = &im->procs[i];
		struct sbuf pid = { 0 }, name = { 0 };
		int many = (uintptr_t)sm_get(nsvc, p->service,
		    strlen(p->service)) > 1;

		sb_puts(&pid, p->service);
		sb_puts(&name, p->service);
		if (many && p->instance) {
			sb_putc(&pid, '/');
			sb_puts(&pid, p->instance);
			sb_puts(&name, " (");
			sb_puts(&name, p->instance);
			sb_putc(&name, ')');
		}
		memset(&c, 0, sizeof(c));
		col(&c, C_PID, pid.p, pid.n);
		col(&c, C_NAME, name.p, name.n);
		col(&c, C_ARGS, p->labels, p->labels ? strlen(p->labels) : 0);
		put(K_PROCESS, &c);
		p->pid = xmemdup(pid.p, pid.n);
		sb_free(&pid);
		sb_free(&name);
	}
	sm_free(nsvc);
}

/* The notes of N up to ts, into the pending table by begin. */
struct nread {
	int have, done;
	int64_t key;
	struct nitem ni;
};

static int
has_tok(const struct sbuf *b, const char *tok)
{
	size_t k = strlen(tok);
	const char *p, *end;

	if (b->n == 0)
		return 0;
	p = b->p;
	end = b->p + b->n;

	while (p && p + k <= end) {
		if (memcmp(p, tok, k) == 0 && (p + k == end || p[k] == ' '))
			return 1;
		if (!(p = memchr(p, ' ', (size_t)(end - p))))
			break;
		p++;
	}
	return 0;
}

static void
apply(struct ot_import *im, const struct nitem *ni)
{
	void **slot = um_slot(im->pend, ni->bseq, 1, NULL);
	struct pend *pd = *slot;
	struct sbuf *b;

	if (!pd)
		*slot = pd = xcalloc(1, sizeof(*pd));
	if (ni->op == N_DROP) {
		pd->drop = 1;
		return;
	}
	/* both ends in flows: at equal times the child may be written
	 * before its target, and a flow with no terminating end is drawn
	 * in either order */
	b = &pd->out;
	if (has_tok(b, ni->tok))
		return;
	if (b->n)
		sb_putc(b, ' ');
	sb_puts(b, ni->tok);
}

static void
drain(struct ot_import *im, struct nread *nr, int64_t ts)
{
	const void *p;
	size_t n;
	uint64_t seq;

	for (;;) {
		if (!nr->have && !nr->done) {
			if (xs_next(im->n, &nr->key, &seq, &p, &n)) {
				memcpy(&nr->ni, p, sizeof(nr->ni));
				nr->have = 1;
			} else
				nr->done = 1;
		}
		if (!nr->have || nr->key > ts)
			return;
		apply(im, &nr->ni);
		nr->have = 0;
	}
}

static char tsbuf[24], linebuf[24];

static void
base_cols(struct cols *c, const struct ot_import *im, int64_t ts,
    const struct titem *h)
{
	memset(c, 0, sizeof(*c));
	snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);
	col(c, C_TS, tsbuf, strlen(tsbuf));
	col(c, C_PID, im->procs[h->proc].pid, strlen(im->procs[h->proc].pid));
}

/* The item's strings into name, category, file and args (or value). */
static void
str_cols(struct cols *c, const struct titem *h, const char *s)
{
	static const enum col to[NS] = { C_NAME, C_CATEGORY, C_FILE, C_ARGS };

	for (int i = 0; i < NS; i++) {
		col(c, h->type == T_COUNTER && i == S_ARGS ? C_VALUE : to[i],
		    h->n[i] ? s : NULL, h->n[i]);
		s += h->n[i];
	}
	if (h->type == T_COUNTER && !c->v[C_NAME])
		col(c, C_NAME, "", 0);
}

static char *
open_key(const char *pid, const char *id, size_t *n)
{
	size_t a = strlen(pid), b = strlen(id);
	char *k = xmalloc(a + b + 2);

	memcpy(k, pid, a + 1);
	memcpy(k + a + 1, id, b + 1);
	*n = a + b + 1;
	return k;
}

/* The async id of a span begun now: its hex id, made unique in its
 * process among the spans open and those that ended at this time. */
static char *
async_id(struct ot_import *im, const char *pid, const struct titem *h)
{
	char id[40], *k;
	size_t kn;
	void **slot;

	ot_id_hex(h->span, 8, id);
	if (h->flags & F_SHARED)
		strcat(id, "s");
	k = open_key(pid, id, &kn);
	if (sm_get(im->open, k, kn) || sm_get(im->endnow, k, kn)) {
		snprintf(id + strlen(id), sizeof(id) - strlen(id), "#%lu",
		    ++im->serial);
		CNT(im, Q_RENAMED)++;
		free(k);
		k = open_key(pid, id, &kn);
	}
	slot = sm_slot(im->open, k, kn, 1, NULL);
	*slot = (void *)((uintptr_t)*slot + 1);
	free(k);
	return xstrdup(id);
}

static void
w_begin(struct ot_import *im, int64_t ts, uint64_t seq,
    const struct titem *h, const char *s)
{
	struct pend *pd = um_del(im->pend, seq);
	struct live *lv = xcalloc(1, sizeof(*lv));
	char parent[40] = "";
	struct cols c;

	*um_slot(im->live, seq, 1, NULL) = lv;
	if (pd && pd->drop) {
		lv->drop = 1;
		goto out;
	}
	base_cols(&c, im, ts, h);
	lv->id = async_id(im, c.v[C_PID], h);
	if (h->flags & F_PARENT)
		ot_id_hex(h->parent, 8, parent);
	else if (h->flags & F_SHARED)
		ot_id_hex(h->span, 8, parent);	/* the client half */
	str_cols(&c, h, s);
	col(&c, C_ID, lv->id, strlen(lv->id));
	col(&c, C_PARENT, parent, strlen(parent));
	if (h->line) {
		snprintf(linebuf, sizeof(linebuf), "%" PRId64, h->line);
		col(&c, C_LINE, linebuf, strlen(linebuf));
	}
	if (pd) {
		col(&c, C_FLOWS, pd->out.p, pd->out.n);
	}
	put(K_ASYNC_BEGIN, &c);
out:
	if (pd) {
		sb_free(&pd->out);
		free(pd);
	}
}

static void
w_end(struct ot_import *im, int64_t ts, const struct titem *h)
{
	struct live *lv = um_del(im->live, h->bseq);
	struct cols c;
	char *k;
	size_t kn;
	void **slot;

	if (!lv)
		return;
	if (!lv->drop) {
		base_cols(&c, im, ts, h);
		col(&c, C_ID, lv->id, strlen(lv->id));
		put(K_ASYNC_END, &c);
		k = open_key(c.v[C_PID], lv->id, &kn);
		slot = sm_slot(im->open, k, kn, 0, NULL);
		if (slot && (*slot = (void *)((uintptr_t)*slot - 1)) == NULL)
			sm_del(im->open, k, kn);
		sm_slot(im->endnow, k, kn, 1, NULL);
		*sm_slot(im->endnow, k, kn, 1, NULL) = (void *)1;
		free(k);
	}
	free(lv->id);
	free(lv);
}

/* An event or a log on a span: a zero-length span, its child. */
static void
w_event(struct ot_import *im, int64_t ts, uint64_t seq,
    const struct titem *h, const char *s)
{
	struct live *lv = h->flags & F_BSEQ ? um_get(im->live, h->bseq) : NULL;
	char parent[40], id[32];
	struct cols c;

	if (lv && lv->drop)
		return;
	if (lv)
		snprintf(parent, sizeof(parent), "%s", lv->id);
	else {
		ot_id_hex(h->span, 8, parent);
		if (h->flags & F_SHARED)
			strcat(parent, "s");
	}
	snprintf(id, sizeof(id), "e%" PRIu64, seq);
	base_cols(&c, im, ts, h);
	str_cols(&c, h, s);
	col(&c, C_ID, id, strlen(id));
	col(&c, C_PARENT, parent, strlen(parent));
	put(K_ASYNC_BEGIN, &c);
	base_cols(&c, im, ts, h);
	col(&c, C_ID, id, strlen(id));
	put(K_ASYNC_END, &c);
}

static void
w_item(struct ot_import *im, int64_t ts, uint64_t seq, const void *p)
{
	struct titem h;
	const char *s = (const char *)p + sizeof(h);
	struct cols c;

	memcpy(&h, p, sizeof(h));
	switch (h.type) {
	case T_BEGIN:
		w_begin(im, ts, seq, &h, s);
		break;
	case T_END:
		w_end(im, ts, &h);
		break;
	case T_EVENT:
		w_event(im, ts, seq, &h, s);
		break;
	default:
		base_cols(&c, im, ts, &h);
		str_cols(&c, &h, s);
		put(h.type == T_COUNTER ? K_COUNTER : K_INSTANT, &c);
	}
}

static void
free_pend(uint64_t key, void *val, void *arg)
{
	struct pend *pd = val;

	(void)key;
	(void)arg;
	sb_free(&pd->out);
	free(pd);
}

static void
free_live(uint64_t key, void *val, void *arg)
{
	struct live *lv = val;

	(void)key;
	(void)arg;
	free(lv->id);
	free(lv);
}

void
ot_write(struct ot_import *im)
{
	struct nread nr = { 0 };
	const void *p;
	size_t n;
	int64_t ts;
	uint64_t seq;
	int first = 1;

	write_procs(im);
	im->pend = um_new();
	im->live = um_new();
	im->open = sm_new();
	im->endnow = sm_new();
	xs_rewind(im->n);
	xs_rewind(im->t);
	while (xs_next(im->t, &ts, &seq, &p, &n)) {
		if (first || ts != im->nowts) {
			sm_clear(im->endnow);
			im->nowts = ts;
			first = 0;
		}
		drain(im, &nr, ts);
		w_item(im, ts, seq, p);
	}
	um_each(im->pend, free_pend, NULL);
	um_each(im->live, free_live, NULL);
	um_free(im->pend);
	um_free(im->live);
	sm_free(im->open);
	sm_free(im->endnow);
}
