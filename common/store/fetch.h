/* Reading a telemetry store into records: the work of span-fetch. */
#ifndef SPANPIPE_FETCH_H
#define SPANPIPE_FETCH_H

#include <stdint.h>

#include "store/store.h"

enum { FETCH_THREAD = 1, FETCH_ASYNC = 2 };

struct fetch_opts {
	const char *pid;		/* the process */
	int64_t start, end;		/* the range; INT64_MIN, INT64_MAX */
	int ranged;			/* a bound was given */
	int spans;			/* FETCH_THREAD | FETCH_ASYNC */
};

/*
 * Writes the process record, its threads, then its thread spans (kept
 * whole when they overlap the range) and async events (both events of
 * every async span that overlaps it) in ts order. A process the store
 * lacks ends the run with EX_DATAERR.
 */
void fetch_process(struct store *st, const struct fetch_opts *o);
/* One process record per process, with times and counts in args. */
void fetch_list(struct store *st);
/*
 * A FlightSQL service's own Perfetto trace of the process (its
 * perfetto_trace_chunks, in chunk_id order) to the output, written one
 * whole TracePacket at a time.
 */
void fetch_server_trace(struct store *st, const struct fetch_opts *o);

#endif
