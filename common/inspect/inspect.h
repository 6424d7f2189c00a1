/*
 * Checking and counting a Perfetto trace, one packet at a time, and
 * turning its track events back into records. See perfetto-inspect(1).
 *
 * The caller reads top-level fields (tracein.h) and hands them over in
 * order; insp_end then settles what can only be known at the end, and the
 * report functions print the figures and findings.
 */
#ifndef SPANPIPE_INSPECT_H
#define SPANPIPE_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/tracein.h"

struct insp;

enum insp_mode { IM_REPORT, IM_CSV, IM_RECORDS, IM_QUIET };

struct insp *insp_new(const char *name, enum insp_mode mode);
void insp_free(struct insp *in);

/* A Trace.packet field's bytes, at stream offset off. */
void insp_packet(struct insp *in, const uint8_t *p, size_t n, uint64_t off);
/* What ti_next gave when it was not a packet (TI_FIELD, TI_HUGE, ...). */
void insp_frame(struct insp *in, enum tires r, const struct tifield *f);
/* The end of input: bytes read (and inflated, for gzip input). */
void insp_end(struct insp *in, uint64_t rawbytes, uint64_t bytes, int gzip,
    const char *gzfault);

unsigned long insp_errors(const struct insp *in);
unsigned long insp_warnings(const struct insp *in);

/* The report for people, or its figures as file,section,what,count rows. */
void insp_report(const struct insp *in);
void insp_csv(const struct insp *in);
void insp_csv_header(void);
/* The findings alone, to standard error (for --records). */
void insp_diag(const struct insp *in);

#endif
