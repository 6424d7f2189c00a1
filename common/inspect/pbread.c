/*
 * The wire reader. Each call reads one tag and its value and checks it
 * against the end of the buffer before anything is touched; a length is
 * compared with the bytes left, never added to a pointer first, so a length
 * of 2^63 is reported like any other that runs past the end.
 */
#include "inspect/pbread.h"

void
pb_init(struct pbuf *b, const void *p, size_t n)
{
	b->p = b->start = p;
	b->end = b->p + n;
}

size_t
pb_getvarint(const uint8_t *p, const uint8_t *end, uint64_t *v,
    const char **why)
{
	uint64_t x = 0;

	if (p < end && *p < 0x80) {	/* the common case: one byte */
		*v = *p;
		return 1;
	}
	for (size_t i = 0; i < 10; i++) {
		if (p + i >= end) {
			*why = "varint runs past the end";
			return 0;
		}
		if (i == 9 && p[i] > 1) {
			*why = "varint longer than 64 bits";
			return 0;
		}
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	*why = "varint longer than 10 bytes";
	return 0;
}

static int
fail(struct pbuf *b, const char **why, const char *what)
{
	*why = what;
	b->p = b->end;
	return -1;
}

static uint64_t
le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int
pb_next_slow(struct pbuf *b, struct pbfield *f, const char **why)
{
	uint64_t tag, len;
	size_t n;

	if (b->p >= b->end)
		return 0;
	f->at = (size_t)(b->p - b->start);
	if (!(n = pb_getvarint(b->p, b->end, &tag, why)))
		return fail(b, why, *why);
	b->p += n;
	if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff)
		return fail(b, why, "field number 0 or above 2^29-1");
	f->num = (uint32_t)(tag >> 3);
	f->wt = (enum pbwire)(tag & 7);
	switch (f->wt) {
	case PB_VARINT:
		if (!(n = pb_getvarint(b->p, b->end, &f->v, why)))
			return fail(b, why, *why);
		b->p += n;
		return 1;
	case PB_I64:
	case PB_I32:
		n = f->wt == PB_I64 ? 8 : 4;
		if ((size_t)(b->end - b->p) < n)
			return fail(b, why, "fixed-size value runs past the end");
		f->v = le(b->p, n);
		b->p += n;
		return 1;
	case PB_LEN:
		if (!(n = pb_getvarint(b->p, b->end, &len, why)))
			return fail(b, why, *why);
		b->p += n;
		if (len > (uint64_t)(b->end - b->p))
			return fail(b, why, "length runs past the end");
		f->data = b->p;
		f->len = (size_t)len;
		b->p += len;
		return 1;
	case PB_SGROUP:
	case PB_EGROUP:
		return fail(b, why, "group wire type (not used by Perfetto)");
	default:
		return fail(b, why, "invalid wire type");
	}
}

int
pb_packed_next(struct pbuf *b, enum pbwire wt, uint64_t *v)
{
	const char *why;
	size_t n;

	if (b->p >= b->end)
		return 0;
	if (wt == PB_I64) {
		if (b->end - b->p < 8)
			return -1;
		*v = le(b->p, 8);
		b->p += 8;
		return 1;
	}
	if (!(n = pb_getvarint(b->p, b->end, v, &why)))
		return -1;
	b->p += n;
	return 1;
}
