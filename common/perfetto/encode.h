/* Records to Perfetto packets: the engine of perfetto-encode. */
#ifndef SPANPIPE_ENCODE_H
#define SPANPIPE_ENCODE_H

#include "records/record.h"

void enc_init(int absolute_ts);
/* Encodes one record; a bad one is reported through diag (and skipped). */
void enc_record(const struct record *r);
/* Closes what is still open and writes what waits. Returns the number of
 * begin records never ended (they stay open in the trace). */
unsigned long enc_finish(void);

#endif
