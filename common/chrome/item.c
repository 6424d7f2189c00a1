/*
 * The items both halves of the Chrome import share (item.h): their
 * encoding in the sort, the notes counted on the way, and the writing of
 * a record. import.c adds items, pair.c reads them back; neither calls
 * into the other but through chrome_pair().
 */
#include <string.h>

#include "base/util.h"
#include "chrome/item.h"
#include "records/record.h"

unsigned long chrome_notes[NNOTES];

void
item_add(struct extsort *xs, int64_t ts, const struct item *it, char **buf,
    size_t *cap)
{
	size_t need = 2, n = 0;

	for (int i = 0; i < NF; i++)
		need += it->n[i] + 10;
	if (need > *cap) {
		*cap = need > 2 * *cap ? need : 2 * *cap;
		*buf = xrealloc(*buf, *cap);
	}
	(*buf)[n++] = it->ph;
	(*buf)[n++] = (char)it->flags;
	for (int i = 0; i < NF; i++) {
		size_t len = it->f[i] ? it->n[i] : 0;

		do {
			(*buf)[n++] = (char)((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
			len >>= 7;
		} while (len);
		if (it->f[i])
			memcpy(*buf + n, it->f[i], it->n[i]);
		n += it->f[i] ? it->n[i] : 0;
	}
	xs_add(xs, ts, *buf, n);
}

void
item_decode(const void *p, size_t n, struct item *it)
{
	const unsigned char *s = p, *end = s + n;

	it->ph = (char)*s++;
	it->flags = *s++;
	for (int i = 0; i < NF; i++) {
		size_t len = 0;
		int shift = 0;

		do
			len |= (size_t)(*s & 0x7f) << shift, shift += 7;
		while (*s++ & 0x80);
		if (len > (size_t)(end - s))
			die(EX_SOFTWARE, "a sorted item is damaged");
		it->f[i] = (const char *)s;
		it->n[i] = len;
		s += len;
	}
}

void
chrome_write(enum kind k, const char *v[NCOLS], const size_t n[NCOLS])
{
	rec_field(kind_names[k], strlen(kind_names[k]), 0);
	for (int c = 1; c < NCOLS; c++)
		rec_field(v[c] ? v[c] : "", v[c] ? n[c] : 0, c == NCOLS - 1);
}
