/* A growable byte buffer, and JSON text written into one. */
#ifndef SPANPIPE_SBUF_H
#define SPANPIPE_SBUF_H

#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *p;
	size_t n, cap;
};

void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_putc(struct sbuf *b, int c);
void sb_puts(struct sbuf *b, const char *s);
void sb_u64(struct sbuf *b, uint64_t v);
void sb_i64(struct sbuf *b, int64_t v);
void sb_free(struct sbuf *b);

/*
 * A double in the fewest of 15, 16 or 17 significant digits that read back
 * as the same double, always with a '.' or an exponent so that it reads
 * back as a double; NaN and infinities (which JSON lacks) as "NaN",
 * "Infinity" and "-Infinity" strings in JSON, bare in CSV.
 */
void sb_double(struct sbuf *b, double d, int json);
/* s as a JSON string: quoted, escaped; bytes that are not UTF-8 are
 * written as the code points of the same value (Latin-1). */
void sb_json_str(struct sbuf *b, const char *s, size_t n);

#endif
