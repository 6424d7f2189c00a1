#ifndef SPANPIPE_UTF8_H
#define SPANPIPE_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The length of the valid UTF-8 prefix of s: n when all of s is valid.
 * Overlong forms, surrogates, code points past U+10FFFF and NUL bytes
 * (which no record field may hold) are invalid. */
size_t utf8_valid(const char *s, size_t n);

/*
 * Whether the eight bytes at s hold one past ASCII or one below k (k at
 * most 0x80), tested at once. A byte below k is never missed; a byte just
 * above one that is can be taken for one too (a borrow), which costs the
 * caller only a look at each byte of the word.
 */
static inline int
word_has_below(const void *s, unsigned k)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = UINT64_C(0x8080808080808080);
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return (((w - ones * k) & ~w) | w) & highs ? 1 : 0;
}

#endif
