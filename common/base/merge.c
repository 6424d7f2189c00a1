/* The k-way merge heap of merge.h. */
#include <stdlib.h>

#include "base/merge.h"
#include "base/util.h"

struct item {
	int64_t key;
	size_t src;
};

struct merge {
	struct item *h;
	size_t n, cap;
};

static int
less(const struct item *a, const struct item *b)
{
	return a->key < b->key || (a->key == b->key && a->src < b->src);
}

struct merge *
merge_new(size_t nsources)
{
	struct merge *m = xcalloc(1, sizeof(*m));

	m->cap = nsources ? nsources : 1;
	m->h = xcalloc(m->cap, sizeof(*m->h));
	return m;
}

void
merge_free(struct merge *m)
{
	if (!m)
		return;
	free(m->h);
	free(m);
}

void
merge_push(struct merge *m, int64_t key, size_t src)
{
	size_t i = m->n++;
	struct item it = { key, src };

	if (m->n > m->cap) {
		m->cap *= 2;
		m->h = xreallocarray(m->h, m->cap, sizeof(*m->h));
	}
	for (; i > 0 && less(&it, &m->h[(i - 1) / 2]); i = (i - 1) / 2)
		m->h[i] = m->h[(i - 1) / 2];
	m->h[i] = it;
}

int
merge_pop(struct merge *m, size_t *src, int64_t *key)
{
	struct item last;
	size_t i = 0, c;

	if (m->n == 0)
		return 0;
	*src = m->h[0].src;
	if (key)
		*key = m->h[0].key;
	last = m->h[--m->n];
	while ((c = 2 * i + 1) < m->n) {
		if (c + 1 < m->n && less(&m->h[c + 1], &m->h[c]))
			c++;
		if (!less(&m->h[c], &last))
			break;
		m->h[i] = m->h[c];
		i = c;
	}
	m->h[i] = last;
	return 1;
}

size_t
merge_count(const struct merge *m)
{
	return m->n;
}
