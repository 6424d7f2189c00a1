/*
 * Open addressing with linear probing on a mixed key; the table doubles at
 * 1/2 load. Removal shifts the following entries of the run back (no
 * tombstones), so lookups stay about one probe however many keys come and
 * go. A key of 0 is stored like any other: slots have a used flag.
 */
#include <stdlib.h>
#include <string.h>

#include "base/u64map.h"
#include "base/util.h"

struct slot {
	uint64_t key;
	void *val;
	int used;
};

struct u64map {
	struct slot *tab;
	size_t cap, count;
};

static size_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (size_t)k;
}

struct u64map *
um_new(void)
{
	struct u64map *m = xcalloc(1, sizeof(*m));

	m->cap = 16;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	return m;
}

void
um_clear(struct u64map *m)
{
	memset(m->tab, 0, m->cap * sizeof(*m->tab));
	m->count = 0;
}

void
um_free(struct u64map *m)
{
	if (!m)
		return;
	free(m->tab);
	free(m);
}

static struct slot *
find(const struct u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1;

	for (size_t i = mix(key) & mask;; i = (i + 1) & mask)
		if (!m->tab[i].used || m->tab[i].key == key)
			return &m->tab[i];
}

static void
grow(struct u64map *m)
{
	struct slot *old = m->tab;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			*find(m, old[i].key) = old[i];
	free(old);
}

void **
um_slot(struct u64map *m, uint64_t key, int create, int *created)
{
	struct slot *s = find(m, key);

	if (created)
		*created = 0;
	if (s->used)
		return &s->val;
	if (!create)
		return NULL;
	if ((m->count + 1) * 2 > m->cap) {
		grow(m);
		s = find(m, key);
	}
	*s = (struct slot){ key, NULL, 1 };
	m->count++;
	if (created)
		*created = 1;
	return &s->val;
}

void *
um_get(const struct u64map *m, uint64_t key)
{
	struct slot *s = find(m, key);

	return s->used ? s->val : NULL;
}

void *
um_del(struct u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1, i, j;
	struct slot *s = find(m, key);
	void *val;

	if (!s->used)
		return NULL;
	val = s->val;
	i = (size_t)(s - m->tab);
	/* shift back every later entry of the run that may move into i */
	for (j = (i + 1) & mask; m->tab[j].used; j = (j + 1) & mask) {
		size_t home = mix(m->tab[j].key) & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->tab[i] = m->tab[j];
			i = j;
		}
	}
	m->tab[i].used = 0;
	m->count--;
	return val;
}

size_t
um_count(const struct u64map *m)
{
	return m->count;
}

void
um_each(const struct u64map *m, void (*fn)(uint64_t, void *, void *),
    void *arg)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->tab[i].used)
			fn(m->tab[i].key, m->tab[i].val, arg);
}
