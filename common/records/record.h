/*
 * spanpipe records: RFC 4180 CSV, one record a line, read with libcsv and
 * written with the canonical header. See spanpipe-records(5).
 */
#ifndef SPANPIPE_RECORD_H
#define SPANPIPE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "records/columns.h"

/* One record. v[c] is NUL-terminated and "" for a column the input lacks. */
struct record {
	const char *v[NCOLS];
	size_t len[NCOLS];
	enum kind kind;
	unsigned long line;		/* input line the record starts on */
	const struct reader *rd;
};

struct reader;

/* Opens path ("-" or NULL: standard input). Exits EX_NOINPUT if it can't. */
struct reader *rd_open(const char *path);
void rd_close(struct reader *rd);
const char *rd_name(const struct reader *rd);
uint64_t rd_bytes(const struct reader *rd);	/* input bytes consumed */

/*
 * Reads the next record: 1 when there is one, 0 at the end of input, -1 for
 * a line that is not valid CSV (already reported through diag; the reader
 * has skipped it and can go on).
 */
int rd_next(struct reader *rd, struct record *r);

/* The text of the record last read as it came, when that text is a
 * canonical record line (see record.c); else NULL. */
const char *rec_raw(const struct record *r, size_t *n);

/* The 1-based byte column where field c of r starts in its input line. */
unsigned long rec_column(const struct record *r, enum col c);

enum kind kind_parse(const char *s, size_t n);

/* Errors and warnings about field c of r, at its line and column (through
 * diag: strict or keep-going as diag says). */
void rec_error(const struct record *r, enum col c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rec_warn(const struct record *r, enum col c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* recfield.c: a required int64 field; 0 when it is missing or no integer,
 * after reporting that through diag. */
int rec_i64(const struct record *r, enum col c, int64_t *v);

/* Writing: the canonical header once, then records, quoted as needed. */
void rec_write_header(void);
void rec_write(const struct record *r);
/* A record read, written on: its own text when it can be, or rec_write. */
void rec_pass(const struct record *r);
/* One field at a time: rec_field for each of the NCOLS columns in order. */
void rec_field(const char *s, size_t n, int last);
/*
 * A field written at o, quoted when it must be, then its comma (or the
 * line end, when last); returns the byte after. o must have room for
 * REC_FIELD_MAX(n) bytes.
 */
#define REC_FIELD_MAX(n) (2 * (n) + 3)
char *rec_put(char *o, const char *s, size_t n, int last);

#endif
