/*
 * Open spans by id, and the ids that ended lately. Both tables use linear
 * probing at most half full; removal shifts the following run of entries
 * back into the gap (Knuth's algorithm R), so there are no tombstones and a
 * lookup costs one hash and about one probe however many keys came and went.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "async/pairs.h"
#include "base/util.h"

struct pt_entry {
	uint64_t hash;
	const char *key;	/* NULL: empty */
	size_t n;
	void *val;
};

struct ptab {
	struct pt_entry *tab;
	size_t cap, count;
};

/* True when home slot k lies cyclically in (i, j]: j's entry stays put. */
static int
stays(size_t k, size_t i, size_t j)
{
	return i <= j ? (i < k && k <= j) : (i < k || k <= j);
}

struct ptab *
pt_new(void)
{
	struct ptab *t = xcalloc(1, sizeof(*t));

	t->cap = 64;
	t->tab = xcalloc(t->cap, sizeof(*t->tab));
	return t;
}

void
pt_free(struct ptab *t)
{
	if (!t)
		return;
	free(t->tab);
	free(t);
}

static struct pt_entry *
pt_find(const struct ptab *t, uint64_t h, const char *key, size_t n)
{
	size_t mask = t->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct pt_entry *e = &t->tab[i];

		if (!e->key || (e->hash == h && e->n == n &&
		    memcmp(e->key, key, n) == 0))
			return e;
	}
}

void *
pt_get(const struct ptab *t, const char *key, size_t n)
{
	return pt_find(t, XXH3_64bits(key, n), key, n)->val;
}

static void
pt_grow(struct ptab *t)
{
	struct pt_entry *old = t->tab;
	size_t oldcap = t->cap;

	t->cap *= 2;
	t->tab = xcalloc(t->cap, sizeof(*t->tab));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*pt_find(t, old[i].hash, old[i].key, old[i].n) = old[i];
	free(old);
}

void
pt_put(struct ptab *t, const char *key, size_t n, void *val)
{
	uint64_t h = XXH3_64bits(key, n);

	if ((t->count + 1) * 2 > t->cap)
		pt_grow(t);
	*pt_find(t, h, key, n) = (struct pt_entry){ h, key, n, val };
	t->count++;
}

void *
pt_del(struct ptab *t, const char *key, size_t n)
{
	struct pt_entry *e = pt_find(t, XXH3_64bits(key, n), key, n);
	size_t mask = t->cap - 1, i = (size_t)(e - t->tab), j = i;
	void *val = e->val;

	if (!e->key)
		return NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->tab[j].key)
			break;
		if (!stays(t->tab[j].hash & mask, i, j)) {
			t->tab[i] = t->tab[j];
			i = j;
		}
	}
	t->tab[i] = (struct pt_entry){ 0, NULL, 0, NULL };
	t->count--;
	return val;
}

size_t
pt_count(const struct ptab *t)
{
	return t->count;
}

/* ---- the ids that ended lately ---- */

#define EMPTY UINT32_MAX

struct rc_slot {
	uint64_t hash;
	uint32_t ring;		/* index into ring[], EMPTY: free slot */
};

struct recent {
	struct rc_entry *ring;
	size_t n, next, filled;
	struct rc_slot *idx;	/* hash -> ring index, 4n slots */
	size_t cap;
};

struct recent *
rc_new(size_t n)
{
	struct recent *r = xcalloc(1, sizeof(*r));

	if (n == 0 || n >= EMPTY / 4)
		die(EX_SOFTWARE, "rc_new: bad size %zu", n);
	r->n = n;
	r->ring = xcalloc(n, sizeof(*r->ring));
	for (r->cap = 16; r->cap < 4 * n; r->cap *= 2)
		;
	r->idx = xcalloc(r->cap, sizeof(*r->idx));
	for (size_t i = 0; i < r->cap; i++)
		r->idx[i].ring = EMPTY;
	return r;
}

void
rc_free(struct recent *r)
{
	if (!r)
		return;
	free(r->ring);
	free(r->idx);
	free(r);
}

static struct rc_slot *
rc_slot(const struct recent *r, uint64_t h)
{
	size_t mask = r->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask)
		if (r->idx[i].ring == EMPTY || r->idx[i].hash == h)
			return &r->idx[i];
}

/* Forgets ring entry k, unless a later entry with its hash took the slot. */
static void
rc_forget(struct recent *r, uint32_t k)
{
	struct rc_slot *s = rc_slot(r, r->ring[k].hash);
	size_t mask = r->cap - 1, i = (size_t)(s - r->idx), j = i;

	if (s->ring != k)
		return;
	for (;;) {
		j = (j + 1) & mask;
		if (r->idx[j].ring == EMPTY)
			break;
		if (!stays(r->idx[j].hash & mask, i, j)) {
			r->idx[i] = r->idx[j];
			i = j;
		}
	}
	r->idx[i].ring = EMPTY;
}

void
rc_add(struct recent *r, const struct rc_entry *e)
{
	uint32_t k = (uint32_t)r->next;

	if (r->filled == r->n)
		rc_forget(r, k);
	else
		r->filled++;
	r->ring[k] = *e;
	*rc_slot(r, e->hash) = (struct rc_slot){ e->hash, k };
	r->next = (r->next + 1) % r->n;
}

const struct rc_entry *
rc_find(const struct recent *r, uint64_t h)
{
	const struct rc_slot *s = rc_slot(r, h);

	return s->ring == EMPTY ? NULL : &r->ring[s->ring];
}
