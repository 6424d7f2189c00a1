/* The track table of tracks.c, emptied between fuzz inputs: tracks.c is
 * built in here to reach its state. */
#include "../../common/perfetto/tracks.c"

void fz_tracks_reset(void);

void
fz_tracks_reset(void)
{
	for (size_t i = 0; i < ntracks; i++) {
		struct track *t = order[i];

		for (size_t k = 0; k < t->nlabels; k++)
			free(t->labels[k]);
		free(t->labels);
		free(t->name);
		free(t->id);
		free(t->unit_name);
		free(t->description);
		free(t);
	}
	free(order);
	order = NULL;
	ntracks = cap = 0;
	sm_free(bykey);
	bykey = NULL;
}
