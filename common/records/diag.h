/*
 * Errors in input data, reported as "prog: FILE:LINE:COL: column: what".
 * Strict by default: the first one exits EX_DATAERR. With keep-going on, each
 * is reported (at most DIAG_REPEATS per column), counted and the caller skips
 * the record; diag_status() then gives the exit status to end with.
 */
#ifndef SPANPIPE_DIAG_H
#define SPANPIPE_DIAG_H

#include "records/record.h"

#define DIAG_REPEATS 10

extern int diag_keep_going;

void rec_error(const struct record *r, enum col c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rec_warn(const struct record *r, enum col c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* col 0: no column known; field < 0: no column name. */
void pos_error(const char *file, unsigned long line, unsigned long col,
    int field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
unsigned long diag_errors(void);
/* fn runs once before a strict error ends the run, to leave whole output. */
void diag_atfatal(void (*fn)(void));
/* Prints the total of skipped records, if any; returns 0 or EX_DATAERR. */
int diag_status(void);

#endif
