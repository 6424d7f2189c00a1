/*
 * Packet sequences: their incremental state (interned entries, packet
 * defaults), their clocks and the timestamps computed from them. Interned
 * tables index small iids (as every writer hands them out, counting from
 * 1) directly and larger ones through a hash map; a clear costs the number
 * of slots in use.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "inspect/insp.h"

#define DIRECT (1 << 16)	/* iids below this are indexed directly */
#define MAXCLOCKS 32		/* clocks read from one snapshot */

struct iseq *
iseq_get(struct insp *in, uint32_t id)
{
	int created;
	void **slot = um_slot(in->seqs, id, 1, &created);

	if (created) {
		struct iseq *s = xcalloc(1, sizeof(*s));

		s->id = id;
		*slot = s;
	}
	return *slot;
}

static void
freebig(uint64_t key, void *val, void *arg)
{
	struct ient *e = val;

	(void)key;
	(void)arg;
	rcs_unref(e->s);
	free(e);
}

static void
tab_clear(struct itab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].used) {
			rcs_unref(t->v[i].s);
			t->v[i] = (struct ient){ 0 };
		}
	if (t->big) {
		um_each(t->big, freebig, NULL);
		um_clear(t->big);
	}
}

void
iseq_clear(struct iseq *s)
{
	for (int t = 0; t < NTABS; t++)
		tab_clear(&s->tab[t]);
	s->valid = 1;
	s->has_def_clock = s->has_def_track = 0;
}

void
iseq_free(struct iseq *s)
{
	for (int t = 0; t < NTABS; t++) {
		tab_clear(&s->tab[t]);
		free(s->tab[t].v);
		um_free(s->tab[t].big);
	}
	free(s->clk);
	free(s);
}

static struct ient *
tab_slot(struct itab *t, uint64_t iid)
{
	void **slot;

	if (iid < DIRECT) {
		if (iid >= t->cap) {
			size_t cap = t->cap ? t->cap : 16;

			while (cap <= iid)
				cap *= 2;
			t->v = xreallocarray(t->v, cap, sizeof(*t->v));
			memset(t->v + t->cap, 0, (cap - t->cap) * sizeof(*t->v));
			t->cap = cap;
		}
		return &t->v[iid];
	}
	if (!t->big)
		t->big = um_new();
	slot = um_slot(t->big, iid, 1, NULL);
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct ient));
	return *slot;
}

const struct ient *
iseq_lookup(const struct iseq *s, enum tab t, uint64_t iid)
{
	const struct itab *tb = &s->tab[t];

	if (iid < DIRECT)
		return iid < tb->cap && tb->v[iid].used ? &tb->v[iid] : NULL;
	return tb->big ? um_get(tb->big, iid) : NULL;
}

/* Which of our tables an InternedData field fills, or -1. */
static int
tab_of(uint32_t field)
{
	switch (field) {
	case 1: return TAB_CAT;
	case 2: return TAB_NAME;
	case 3: return TAB_ANNO;
	case 4: return TAB_LOC;
	case 25: return TAB_HIST;
	case 29: return TAB_STRVAL;
	default: return -1;
	}
}

/* One entry {iid 1, name or str 2, (source location) line 4}. */
static int
entry(struct iseq *s, int t, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	uint64_t iid = 0;
	const uint8_t *str = NULL;
	size_t len = 0;
	uint32_t line = 0;
	struct ient *e;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0) {
		if (f.num == 1 && f.wt == PB_VARINT)
			iid = f.v;
		else if (f.num == 2 && f.wt == PB_LEN)
			str = f.data, len = f.len;
		else if (f.num == 4 && f.wt == PB_VARINT && t == TAB_LOC)
			line = (uint32_t)f.v;
	}
	if (r < 0)
		return -1;
	if (!s->valid || iid == 0)
		return 0;
	e = tab_slot(&s->tab[t], iid);
	rcs_unref(e->s);
	e->s = rcs_new(str ? (const char *)str : "", len);
	e->line = line;
	e->used = 1;
	return 0;
}

void
iseq_interned(struct insp *in, struct iseq *s, const uint8_t *p, size_t n)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0) {
		void **slot = um_slot(in->interned, f.num, 1, NULL);
		int t = tab_of(f.num);

		*slot = (void *)((uintptr_t)*slot + 1);
		if (t < 0 || f.wt != PB_LEN)
			continue;
		if (entry(s, t, f.data, f.len, &why) < 0) {
			FIND(in, F_DECODE, "interned_data field %" PRIu32
			    " entry does not decode: %s", f.num, why);
			return;
		}
	}
	if (r < 0)
		FIND(in, F_DECODE, "interned_data does not decode: %s", why);
}

void
iseq_defaults(struct insp *in, struct iseq *s, const uint8_t *p, size_t n)
{
	struct pbuf b, d;
	struct pbfield f, g;
	const char *why;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0) {
		if (f.num == 58 && f.wt == PB_VARINT) {
			s->has_def_clock = 1;
			s->def_clock = (uint32_t)f.v;
		} else if (f.num == 11 && f.wt == PB_LEN) {
			pb_init(&d, f.data, f.len);
			while ((r = pb_next(&d, &g, &why)) > 0)
				if (g.num == 11 && g.wt == PB_VARINT) {
					s->has_def_track = 1;
					s->def_track = g.v;
				}
			if (r < 0)
				break;
		}
	}
	if (r < 0)
		FIND(in, F_DECODE, "trace_packet_defaults does not decode: %s",
		    why);
}

struct snapclock {
	uint32_t id;
	uint64_t ts, mult;
	int incremental;
};

static int
snap_read(const uint8_t *p, size_t n, struct snapclock *c, size_t *nc,
    const char **why)
{
	struct pbuf b, d;
	struct pbfield f, g;
	int r;

	*nc = 0;
	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0) {
		if (f.num != 1 || f.wt != PB_LEN || *nc == MAXCLOCKS)
			continue;
		c[*nc] = (struct snapclock){ 0, 0, 1, 0 };
		pb_init(&d, f.data, f.len);
		while ((r = pb_next(&d, &g, why)) > 0) {
			if (g.wt != PB_VARINT)
				continue;
			if (g.num == 1)
				c[*nc].id = (uint32_t)g.v;
			else if (g.num == 2)
				c[*nc].ts = g.v;
			else if (g.num == 3)
				c[*nc].incremental = g.v != 0;
			else if (g.num == 4 && g.v)
				c[*nc].mult = g.v;
		}
		if (r < 0)
			return -1;
		(*nc)++;
	}
	return r;
}

/*
 * A ClockSnapshot ties clocks together at one instant. Clocks 64..127 are
 * the sequence's own: each is tied to the snapshot's BOOTTIME (or its
 * first global clock) and, when incremental, restarts from its value here.
 * Global clocks get their offset to BOOTTIME.
 */
void
iseq_clocks(struct insp *in, struct iseq *s, const uint8_t *p, size_t n)
{
	struct snapclock c[MAXCLOCKS];
	size_t nc, ref = MAXCLOCKS;
	const char *why;

	if (snap_read(p, n, c, &nc, &why) < 0) {
		FIND(in, F_DECODE, "clock_snapshot does not decode: %s", why);
		return;
	}
	for (size_t i = 0; i < nc; i++)
		if (c[i].id == 6 || (ref == MAXCLOCKS && (c[i].id < 64 ||
		    c[i].id > 127)))
			ref = i;
	for (size_t i = 0; i < nc; i++) {
		if (c[i].id >= 64 && c[i].id <= 127) {
			struct iclock *k;

			if (!s)
				continue;
			if (!s->clk)
				s->clk = xcalloc(64, sizeof(*s->clk));
			k = &s->clk[c[i].id - 64];
			*k = (struct iclock){ 1, c[i].incremental, 0, c[i].mult,
			    c[i].ts, c[i].ts, 0, 0 };
			if (ref < nc) {
				k->has_ref = 1;
				k->refclock = c[ref].id;
				k->ref = c[ref].ts;
			}
		} else if (c[i].id < 64 && c[i].id != 6 && ref < nc &&
		    c[ref].id == 6) {
			in->has_clock_off[c[i].id] = 1;
			in->clock_off[c[i].id] = (int64_t)(c[ref].ts -
			    c[i].ts * c[i].mult);
		}
	}
}

static int64_t
to_boottime(struct insp *in, uint32_t clock, uint64_t v)
{
	if (clock == 6)
		return (int64_t)v;
	if (clock < 64 && in->has_clock_off[clock])
		return (int64_t)(v + (uint64_t)in->clock_off[clock]);
	if (!in->warned_clock[clock < 128 ? clock : 127]++)
		FIND(in, F_CLOCK_SYNC, "no clock snapshot ties clock %" PRIu32
		    " to BOOTTIME; its timestamps are taken as they are",
		    clock);
	return (int64_t)v;
}

/* The timestamp v on clock, as nanoseconds on BOOTTIME where known. */
int64_t
iseq_time(struct insp *in, struct iseq *s, uint32_t clock, uint64_t v)
{
	struct iclock *k;
	uint64_t val;

	if (clock < 64 || clock > 127)
		return to_boottime(in, clock, v);
	k = s && s->clk ? &s->clk[clock - 64] : NULL;
	if (!k || !k->defined) {
		in->ts_bad = 1;		/* the importer drops the packet */
		if (!in->warned_clock[clock]++)
			FIND(in, F_CLOCK, "timestamp on clock %" PRIu32 ", which "
			    "no clock snapshot on sequence %" PRIu32 " defines",
			    clock, s ? s->id : 0);
		return (int64_t)v;
	}
	if (k->incremental)
		val = k->last += v;
	else
		val = v;
	if (!k->has_ref)
		return (int64_t)(val * k->mult);
	return to_boottime(in, k->refclock,
	    k->ref + (val - k->snap) * k->mult);
}

/* A ThreadDescriptor packet (the legacy form): the sequence's thread. */
void
iseq_thread(struct insp *in, struct iseq *s, const uint8_t *p, size_t n)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	int r;

	pb_init(&b, p, n);
	s->has_thread = 1;
	while ((r = pb_next(&b, &f, &why)) > 0) {
		if (f.wt != PB_VARINT)
			continue;
		if (f.num == 1)
			s->pid = (int32_t)f.v;
		else if (f.num == 2)
			s->tid = (int64_t)f.v;
		else if (f.num == 6)
			s->last_us = (int64_t)f.v;
	}
	if (r < 0) {
		FIND(in, F_DECODE, "thread_descriptor does not decode: %s", why);
		s->has_thread = 0;
		return;
	}
	itrack_thread(in, s->pid, s->tid);
}
