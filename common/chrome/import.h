/*
 * Chrome trace-event JSON to spanpipe records, as span-fetch --chrome
 * writes them; the mapping is in span-fetch(1).
 */
#ifndef SPANPIPE_CHROME_IN_H
#define SPANPIPE_CHROME_IN_H

#include <stddef.h>
#include <stdint.h>

/* Records held in memory while sorting; more go to a temporary file. */
#define CHROME_SORTMEM ((size_t)16 << 20)

/*
 * Reads the trace in path ("-" or NULL: standard input) and writes the
 * record header and its records: declarations first, then events in ts
 * order. Bad events are reported through diag (strict unless
 * diag_keep_going); what was skipped is summed up on stderr.
 */
void chrome_import(const char *path, size_t sortmem);

/* A JSON number of microseconds to integer nanoseconds: num_us_ns. */
const char *chrome_us_ns(const char *s, size_t n, int64_t *ns);

#endif
