/*
 * async-match's engine: async_begin and async_end records paired by
 * (pid, id) into async spans on lanes that only nest (lanes.h), every
 * other record written on unchanged and in order. See async-match(1).
 */
#ifndef SPANPIPE_MATCH_H
#define SPANPIPE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "records/record.h"

#define AM_MAX_HELD 65536	/* ended spans held behind an open one */
#define AM_RECENT 16384		/* ended ids remembered, for second ends */

struct am_opts {
	int drop;			/* --orphans=drop */
	int has_start, has_end;
	int64_t start, end;		/* --start-time, --end-time */
	size_t max_held;		/* --max-held; AM_MAX_HELD by default */
	size_t recent;			/* AM_RECENT but in tests */
};

void am_open(const struct am_opts *o);
/* One record read: an async event is paired, any other written on. */
void am_record(const struct record *r);
/* At the end of input: unfinished spans closed (or dropped), lanes
 * written out, and the orphans reported on stderr. */
void am_finish(void);
/* Whether any async event has been taken since am_open. */
int am_seen_async(void);
/* Frees everything, for another am_open (the fuzz harness's inputs). */
void am_close(void);

#endif
