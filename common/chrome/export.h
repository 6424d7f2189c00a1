/*
 * Records to Chrome trace-event JSON, streaming: the output of
 * perfetto-encode --format=json. The mapping is in perfetto-encode(1).
 */
#ifndef SPANPIPE_CHROME_OUT_H
#define SPANPIPE_CHROME_OUT_H

#include "records/record.h"

/* Opens the trace object and its traceEvents array on the output. */
void cj_begin(void);
/* Writes a record's events whole; a bad record is reported through diag
 * (and skipped) before anything of it is written. */
void cj_record(const struct record *r);
/* Closes the array and the object; once, so it may also run from
 * diag_atfatal to leave valid JSON when a bad record stops the run. */
void cj_finish(void);

#endif
