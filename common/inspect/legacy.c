/*
 * Legacy TrackEvent phases that the importer turns into async slices and
 * flows (track_event_event_importer.h), counted in file order, not
 * checked: nestable async (b, e, n) and legacy async (S, T, p, F) events
 * go on a track per id, scope and name or category, each b, S, n, T and p
 * is a slice; legacy flows (s, t, f, by unscoped id, category and name)
 * and bind_id with flow_direction join slices as the importer's flow
 * tracker does: each step or end after a begin is one flow.
 * Memory: one entry per legacy flow id.
 */
#include <xxhash.h>

#include "base/util.h"
#include "inspect/insp.h"

/* A flow step or end on id: one flow when the id is active. */
static void
flow_step(struct insp *in, uint64_t id, int begin)
{
	void **slot = um_slot(in->lflows, id, begin, NULL);

	if (begin) {
		*slot = (void *)1;
		return;
	}
	if (slot && *slot)
		in->flows++;
}

static uint64_t
v1_id(const struct ilegacy *l, const struct iev *e)
{
	uint64_t v[3] = { l->id, e->cat_h, e->name_h };

	return XXH3_64bits(v, sizeof(v)) | 1ull << 63;
}

/* Async slices: the track of its id in its scope (InternLegacyAsyncTrack). */
static void
async(struct insp *in, const struct ilegacy *l, const struct iev *e,
    int32_t pid)
{
	int legacy = l->phase == 'S' || l->phase == 'T' || l->phase == 'p' ||
	    l->phase == 'F';
	uint64_t v[4] = { legacy ? e->name_h : e->cat_h, l->id,
	    l->local ? (uint64_t)(uint32_t)pid : 0, l->has_scope ?
	    l->scope_h ^ e->cat_h : 0 };

	if (!l->has_id)
		return;		/* the importer refuses it */
	itrack_key(in, 'a', XXH3_64bits(v, sizeof(v)), 0);
	if (l->phase != 'e' && l->phase != 'F')
		in->slices++;
}

void
ilegacy_event(struct insp *in, const struct ilegacy *l, const struct iev *e,
    int32_t pid)
{
	switch (l->phase) {
	case 'b': case 'e': case 'n': case 'S': case 'T': case 'p': case 'F':
		async(in, l, e, pid);
		return;
	case 's': case 't': case 'f':
		if (l->has_id && l->unscoped)
			flow_step(in, v1_id(l, e), l->phase == 's');
		return;
	}
	/* flow v2 on a slice: 1 in, 2 out, 3 in and out */
	if (l->has_bind && l->dir >= 1 && l->dir <= 3)
		flow_step(in, l->bind, l->dir == 2);
}
