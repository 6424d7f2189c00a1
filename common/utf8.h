#ifndef SPANPIPE_UTF8_H
#define SPANPIPE_UTF8_H

#include <stddef.h>

/* The length of the valid UTF-8 prefix of s: n when all of s is valid.
 * Overlong forms, surrogates, code points past U+10FFFF and NUL bytes
 * (which no record field may hold) are invalid. */
size_t utf8_valid(const char *s, size_t n);

#endif
