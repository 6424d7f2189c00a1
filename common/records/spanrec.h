/*
 * Records made from telemetry store rows: the process, thread, slice and
 * async_begin/async_end records span-fetch writes (and span-gen, which
 * writes the same records for the rows it would store).
 */
#ifndef SPANPIPE_SPANREC_H
#define SPANPIPE_SPANREC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "records/record.h"

/* A string that may be absent (SQL NULL): s NULL. */
struct str {
	const char *s;
	size_t n;
};

#define STR(x) ((struct str){ (x), (x) ? strlen(x) : 0 })

/* Bits of spanrow.has: which integer columns are there (not NULL). */
enum { HAS_ID = 1, HAS_PARENT = 2, HAS_DEPTH = 4, HAS_LINE = 8 };

/* A thread span (K_SLICE) or an async event (K_ASYNC_BEGIN/K_ASYNC_END). */
struct spanrow {
	enum kind kind;
	int64_t ts, dur;		/* dur: slices only */
	struct str pid, tid;
	unsigned has;
	int64_t id, parent, depth, line;
	struct str name, category, file;
};

void spanrow_write(const struct spanrow *r);

/* A row of processes (see store-sqlite.sql), NULLs as absent values. */
struct procrow {
	struct str process_id, exe, username, realname, computer, distro,
	    cpu_brand, parent_process_id, properties;
	int has_tsc;
	int64_t tsc_frequency, start_time;
};

/* Extra args of a --list-processes record, before the labels. */
struct procstats {
	int64_t start, end;
	int has_end;
	int64_t threads, thread_spans, async_events;
	int no_counts;			/* the span counts are not known */
};

/*
 * Writes the process record: pid, name = exe, ts = start_time, args = the
 * labels (username ... parent_process_id, then the keys of properties);
 * with stats, the listing's args first. Returns NULL, or what is wrong
 * with properties (not a JSON object) and writes nothing.
 */
const char *procrow_write(const struct procrow *p,
    const struct procstats *stats);

/* The thread record of a cpu stream; tid as span-fetch chose it. */
void thread_write(struct str pid, struct str tid, struct str thread_name,
    struct str thread_id, struct str stream_id);

#endif
