/*
 * Events, allocated through a free list: every TrackEvent and atrace line
 * the sort window holds is one, so a trace of millions of events reuses
 * the INSP_WINDOW or so that wait at once. Below every other stage: the
 * window, slices and records all free events here.
 */
#include <stdlib.h>

#include "base/util.h"
#include "inspect/insp.h"

struct iev *
iev_new(struct insp *in)
{
	struct iev *e = in->freelist;

	if (e)
		in->freelist = e->next;
	else
		e = xmalloc(sizeof(*e));
	zero(e, sizeof(*e));
	return e;
}

void
iev_free(struct insp *in, struct iev *e)
{
	free(e->flows);
	if (e->rec) {
		rcs_unref(e->rec->name);
		rcs_unref(e->rec->cat);
		rcs_unref(e->rec->file);
		free(e->rec->args);
		free(e->rec);
	}
	e->next = in->freelist;
	in->freelist = e;
}
