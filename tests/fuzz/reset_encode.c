/* The open slices of encode.c, freed between fuzz inputs: encode.c is
 * built in here to reach its state. */
#include "../../common/perfetto/encode.c"

void fz_encode_reset(void);

static void
free_track_state(struct track *t)
{
	struct nest *n = t->nest;

	if (n) {
		for (size_t i = 0; i < n->ngroup; i++)
			json_object_put(n->group[i].args);
		free(n->stack);
		free(n->group);
		free(n->arena);
		free(n->fl);
		free(n);
		t->nest = NULL;
	}
	if (t->seq) {
		tw_seq_free(t->seq);
		t->seq = NULL;
	}
}

void
fz_encode_reset(void)
{
	tk_each(free_track_state);
	order = unsorted_line = never_ended = 0;
}
