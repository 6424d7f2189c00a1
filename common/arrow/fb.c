/* Bounds-checked flatbuffer reads (fb.h). */
#include <string.h>

#include "arrow/fb.h"

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int fits(const struct fb *b, size_t pos, size_t len)
{
	return pos <= b->n && len <= b->n - pos;
}

/* The table at pos: its soffset leads to the vtable, whose size and the
 * table's own size must both lie inside the buffer. */
static int table_at(const struct fb *b, size_t pos, struct fbt *t)
{
	if (!fits(b, pos, 4))
		return -1;
	int64_t vt = (int64_t)pos - (int32_t)ld32(b->p + pos);
	if (vt < 0 || !fits(b, (size_t)vt, 4))
		return -1;
	unsigned vtlen = b->p[vt] | b->p[vt + 1] << 8;
	unsigned tlen = b->p[vt + 2] | b->p[vt + 3] << 8;
	if (vtlen < 4 || (vtlen & 1) || !fits(b, (size_t)vt, vtlen) || tlen < 4 ||
	    !fits(b, pos, tlen))
		return -1;
	t->b = b;
	t->pos = pos;
	t->vt = (size_t)vt;
	t->vtlen = vtlen;
	return 0;
}

int fb_root(const struct fb *b, struct fbt *t)
{
	if (!fits(b, 0, 4))
		return -1;
	return table_at(b, ld32(b->p), t);
}

/* Position of a field of size len: 0 if absent, -1 if it runs past. */
static int field(const struct fbt *t, int slot, size_t len, size_t *pos)
{
	unsigned at = 4 + 2 * (unsigned)slot;
	if (at + 2 > t->vtlen)
		return 0;
	const uint8_t *v = t->b->p + t->vt + at;
	unsigned off = v[0] | v[1] << 8;
	if (off == 0)
		return 0;
	if (!fits(t->b, t->pos + off, len))
		return -1;
	*pos = t->pos + off;
	return 1;
}

static int scalar(const struct fbt *t, int slot, size_t len, void *v)
{
	size_t pos;
	int r = field(t, slot, len, &pos);
	if (r > 0) {
		uint64_t x = 0;
		for (size_t i = len; i-- > 0;)
			x = x << 8 | t->b->p[pos + i];
		memcpy(v, (char *)&x, len);	/* little-endian host */
	}
	return r;
}

int fb_u8(const struct fbt *t, int slot, uint8_t def, uint8_t *v)
{
	*v = def;
	return scalar(t, slot, 1, v) < 0 ? -1 : 0;
}

int fb_i16(const struct fbt *t, int slot, int16_t def, int16_t *v)
{
	*v = def;
	return scalar(t, slot, 2, v) < 0 ? -1 : 0;
}

int fb_i32(const struct fbt *t, int slot, int32_t def, int32_t *v)
{
	*v = def;
	return scalar(t, slot, 4, v) < 0 ? -1 : 0;
}

int fb_i64(const struct fbt *t, int slot, int64_t def, int64_t *v)
{
	*v = def;
	return scalar(t, slot, 8, v) < 0 ? -1 : 0;
}

/* Where a reference field points: 1 with *to, 0 absent, -1 broken. */
static int ref(const struct fbt *t, int slot, size_t *to)
{
	size_t pos;
	int r = field(t, slot, 4, &pos);
	if (r <= 0)
		return r;
	uint32_t off = ld32(t->b->p + pos);
	if (off == 0 || !fits(t->b, pos + off, 4))
		return -1;
	*to = pos + off;
	return 1;
}

int fb_table(const struct fbt *t, int slot, struct fbt *sub)
{
	size_t to;
	int r = ref(t, slot, &to);
	if (r <= 0)
		return r;
	return table_at(t->b, to, sub) < 0 ? -1 : 1;
}

int fb_vec(const struct fbt *t, int slot, size_t elem, size_t *pos, uint32_t *count)
{
	size_t to;
	int r = ref(t, slot, &to);
	if (r <= 0)
		return r;
	uint32_t n = ld32(t->b->p + to);
	if ((t->b->n - to - 4) / elem < n)
		return -1;
	*pos = to + 4;
	*count = n;
	return 1;
}

int fb_str(const struct fbt *t, int slot, const char **s, uint32_t *len)
{
	size_t pos;
	int r = fb_vec(t, slot, 1, &pos, len);
	if (r > 0)
		*s = (const char *)t->b->p + pos;
	return r;
}

int fb_vec_table(const struct fb *b, size_t pos, uint32_t i, struct fbt *sub)
{
	size_t at = pos + 4 * (size_t)i;
	if (!fits(b, at, 4))
		return -1;
	uint32_t off = ld32(b->p + at);
	if (off == 0)
		return -1;
	return table_at(b, at + off, sub);
}
