/*
 * Errors in input data, reported as "prog: FILE:LINE:COL: column: what".
 * Positions only: record.h builds rec_error and rec_warn on pos_verror.
 * Strict by default: the first one exits EX_DATAERR. With keep-going on, each
 * is reported (at most DIAG_REPEATS per column), counted and the caller skips
 * the record; diag_status() then gives the exit status to end with.
 */
#ifndef SPANPIPE_DIAG_H
#define SPANPIPE_DIAG_H

#include <stdarg.h>

#include "records/columns.h"

#define DIAG_REPEATS 10

extern int diag_keep_going;

/* col 0: no column known; field < 0: no column name. */
void pos_error(const char *file, unsigned long line, unsigned long col,
    int field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with a va_list; warning: reported, not counted, never fatal. */
void pos_verror(int warning, const char *file, unsigned long line,
    unsigned long col, int field, const char *fmt, va_list ap);
unsigned long diag_errors(void);
/* fn runs once before a strict error ends the run, to leave whole output. */
void diag_atfatal(void (*fn)(void));
/* Prints the total of skipped records, if any; returns 0 or EX_DATAERR. */
int diag_status(void);

#endif
