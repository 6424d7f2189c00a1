/*
 * A bounds-checked protobuf wire reader over a buffer held in memory.
 * Nothing is trusted: every varint is limited to 10 bytes, every length is
 * checked against the bytes that remain, and groups (wire types 3 and 4,
 * which Perfetto never writes) are reported, not walked.
 */
#ifndef SPANPIPE_PBREAD_H
#define SPANPIPE_PBREAD_H

#include <stddef.h>
#include <stdint.h>

enum pbwire {
	PB_VARINT = 0, PB_I64 = 1, PB_LEN = 2, PB_SGROUP = 3, PB_EGROUP = 4,
	PB_I32 = 5
};

struct pbuf {
	const uint8_t *p, *end;
	const uint8_t *start;		/* for offsets in messages */
};

struct pbfield {
	uint32_t num;
	enum pbwire wt;
	uint64_t v;			/* varint, I64 and I32 values */
	const uint8_t *data;		/* PB_LEN: the bytes */
	size_t len;
	size_t at;			/* offset of the tag from start */
};

void pb_init(struct pbuf *b, const void *p, size_t n);

/*
 * Reads one varint at *p (before end). Returns the bytes it took, or 0
 * when it runs past end or past 10 bytes (*why says which).
 */
size_t pb_getvarint(const uint8_t *p, const uint8_t *end, uint64_t *v,
    const char **why);

/*
 * The next field of b: 1 and *f filled, 0 at the end, -1 when the bytes
 * do not decode (*why says what, f->at where). After -1 the buffer is
 * left at its end.
 */
int pb_next_slow(struct pbuf *b, struct pbfield *f, const char **why);

/* The common cases inline: a one-byte tag, then a varint of one or two
 * bytes or a length under 128 that fits; anything else goes the long way. */
static inline int
pb_next(struct pbuf *b, struct pbfield *f, const char **why)
{
	const uint8_t *p = b->p;

	if (b->end - p >= 3 && p[0] >= 8 && p[0] < 0x80 &&
	    (p[0] & 7) == PB_VARINT && p[1] >= 0x80 && p[2] < 0x80) {
		f->num = p[0] >> 3;
		f->wt = PB_VARINT;
		f->v = (uint64_t)(p[1] & 0x7f) | (uint64_t)p[2] << 7;
		f->at = (size_t)(p - b->start);
		b->p = p + 3;
		return 1;
	}
	if (b->end - p >= 2 && p[0] >= 8 && p[0] < 0x80 && p[1] < 0x80) {
		if ((p[0] & 7) == PB_VARINT) {
			f->num = p[0] >> 3;
			f->wt = PB_VARINT;
			f->v = p[1];
			f->at = (size_t)(p - b->start);
			b->p = p + 2;
			return 1;
		}
		if ((p[0] & 7) == PB_LEN && b->end - p - 2 >= p[1]) {
			f->num = p[0] >> 3;
			f->wt = PB_LEN;
			f->data = p + 2;
			f->len = p[1];
			f->at = (size_t)(p - b->start);
			b->p = p + 2 + p[1];
			return 1;
		}
	}
	return pb_next_slow(b, f, why);
}

/*
 * Walks a packed repeated field: the next varint (wt PB_VARINT) or 8-byte
 * value (PB_I64) of f's bytes. Returns 1, 0 at the end, -1 if malformed.
 */
int pb_packed_next(struct pbuf *b, enum pbwire wt, uint64_t *v);

static inline double
pb_double(uint64_t v)
{
	union { uint64_t u; double d; } x = { v };

	return x.d;
}

#endif
