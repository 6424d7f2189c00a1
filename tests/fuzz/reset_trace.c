/* The packet writer of trace.c, emptied between fuzz inputs: trace.c is
 * built in here to reach its state. */
#include "../../common/perfetto/trace.c"

void fz_trace_reset(void);

void
fz_trace_reset(void)
{
	while (tw.all)
		tw_seq_free(tw.all);
	pool_free();
	for (int t = 0; t < NTABLES; t++)
		sm_free(tw.tab[t]);
	memset(&tw, 0, sizeof(tw));
	memset(&in, 0, sizeof(in));
}
