/*
 * Open addressing with linear probing on XXH3 hashes; the table doubles at
 * 1/2 load, so a lookup costs one hash and about one probe. Keys are copied.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/strmap.h"
#include "base/util.h"

struct entry {
	uint64_t hash;
	char *key;		/* NULL: empty slot */
	size_t n;
	void *val;
};

struct strmap {
	struct entry *tab;
	size_t cap, count, keybytes;
};

struct strmap *
sm_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 16;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	return m;
}

void
sm_clear(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->tab[i].key);
	memset(m->tab, 0, m->cap * sizeof(*m->tab));
	m->count = m->keybytes = 0;
}

void
sm_free(struct strmap *m)
{
	if (!m)
		return;
	sm_clear(m);
	free(m->tab);
	free(m);
}

static struct entry *
find(const struct strmap *m, uint64_t h, const char *key, size_t n)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct entry *e = &m->tab[i];

		if (!e->key || (e->hash == h && e->n == n &&
		    memcmp(e->key, key, n) == 0))
			return e;
	}
}

static void
grow(struct strmap *m)
{
	struct entry *old = m->tab;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].hash, old[i].key, old[i].n) = old[i];
	free(old);
}

void **
sm_slot(struct strmap *m, const char *key, size_t n, int create, int *created)
{
	uint64_t h = XXH3_64bits(key, n);
	struct entry *e = find(m, h, key, n);

	if (created)
		*created = 0;
	if (e->key)
		return &e->val;
	if (!create)
		return NULL;
	if ((m->count + 1) * 2 > m->cap) {
		grow(m);
		e = find(m, h, key, n);
	}
	*e = (struct entry){ h, xmemdup(key, n), n, NULL };
	m->count++;
	m->keybytes += n;
	if (created)
		*created = 1;
	return &e->val;
}

void *
sm_get(const struct strmap *m, const char *key, size_t n)
{
	void **slot = sm_slot((struct strmap *)m, key, n, 0, NULL);

	return slot ? *slot : NULL;
}

/* Backward-shift deletion: the entries after the hole that may live there
 * move up, so that no probe sequence is broken and no tombstone is left. */
int
sm_del(struct strmap *m, const char *key, size_t n)
{
	struct entry *e = find(m, XXH3_64bits(key, n), key, n);
	size_t mask = m->cap - 1, i, j;

	if (!e->key)
		return 0;
	m->count--;
	m->keybytes -= e->n;
	free(e->key);
	i = (size_t)(e - m->tab);
	for (j = (i + 1) & mask; m->tab[j].key; j = (j + 1) & mask) {
		size_t home = m->tab[j].hash & mask;
		int between = i < j ? home > i && home <= j :
		    home > i || home <= j;

		if (!between) {
			m->tab[i] = m->tab[j];
			i = j;
		}
	}
	m->tab[i] = (struct entry){ 0, NULL, 0, NULL };
	return 1;
}

size_t
sm_count(const struct strmap *m)
{
	return m->count;
}

size_t
sm_keybytes(const struct strmap *m)
{
	return m->keybytes;
}

void
sm_each(const struct strmap *m,
    void (*fn)(const char *key, size_t n, void *val, void *arg), void *arg)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->tab[i].key)
			fn(m->tab[i].key, m->tab[i].n, m->tab[i].val, arg);
}
