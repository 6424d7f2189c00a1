/*
 * A flatbuffer reader for Arrow's message headers, every read checked
 * against the buffer. Tables, vectors and strings are found by position in
 * the buffer; a position that a check refused is never read. References
 * (uoffset) are unsigned, so they only point forward: following them always
 * ends. Values are read with memcpy, whatever their alignment.
 */
#ifndef SPANPIPE_ARROW_FB_H
#define SPANPIPE_ARROW_FB_H

#include <stddef.h>
#include <stdint.h>

struct fb {
	const uint8_t *p;
	size_t n;
};

struct fbt {			/* a table */
	const struct fb *b;
	size_t pos;		/* of the table */
	size_t vt;		/* of its vtable */
	unsigned vtlen;		/* bytes of the vtable */
};

/* 0, or -1 when the table at pos or its vtable is not inside the buffer. */
int fb_root(const struct fb *b, struct fbt *t);
/* Slots count from 0 (VT 4 is slot 0). Absent fields give def. Each is -1
 * when the field is present but runs past the buffer. */
int fb_u8(const struct fbt *t, int slot, uint8_t def, uint8_t *v);
int fb_i16(const struct fbt *t, int slot, int16_t def, int16_t *v);
int fb_i32(const struct fbt *t, int slot, int32_t def, int32_t *v);
int fb_i64(const struct fbt *t, int slot, int64_t def, int64_t *v);
/* 1 found, 0 absent, -1 broken. */
int fb_table(const struct fbt *t, int slot, struct fbt *sub);
int fb_vec(const struct fbt *t, int slot, size_t elem, size_t *pos, uint32_t *count);
int fb_str(const struct fbt *t, int slot, const char **s, uint32_t *len);
/* Element i of a vector of tables at pos. */
int fb_vec_table(const struct fb *b, size_t pos, uint32_t i, struct fbt *sub);

static inline int64_t fb_ld64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

#endif
