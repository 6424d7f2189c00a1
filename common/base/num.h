/* Decimal numbers of record fields: strict parsing, and formatting. */
#ifndef SPANPIPE_NUM_H
#define SPANPIPE_NUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each returns NULL on success or a phrase saying what is wrong, ready to
 * follow the quoted value in a message: "'%s' %s". Only plain decimal
 * digits (and one leading '-' where negatives exist) are numbers.
 */
const char *num_i64(const char *s, int64_t *v);
const char *num_u64(const char *s, uint64_t *v);
const char *num_u32(const char *s, uint32_t *v);
/* A finite decimal number; *isint tells whether it was an integer. */
const char *num_value(const char *s, int64_t *i, double *d, int *isint);

/*
 * A JSON number of microseconds (such as "12", "3.0115" or "1.5e3") to
 * integer nanoseconds, from its decimal text so that no binary fraction
 * creeps in; past three decimals it is rounded to the nearest nanosecond,
 * halves away from zero. NULL, or what is wrong.
 */
const char *num_us_ns(const char *s, size_t n, int64_t *ns);

/* Formatting: the digits of v end buf, NUL-terminated; returns their start
 * and their count in *n. */
#define NUM_BUF 24
char *num_fmt_u64(char buf[NUM_BUF], uint64_t v, size_t *n);
char *num_fmt_i64(char buf[NUM_BUF], int64_t v, size_t *n);

#endif
