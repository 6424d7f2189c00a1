/*
 * Builds Arrow IPC messages by hand for the tests: a flatbuffer writer that
 * lays objects out front to back (a reference always points forward, as
 * the reader requires of uoffsets), Schema, RecordBatch and DictionaryBatch
 * headers, and bodies with buffers at a chosen alignment.
 */
#ifndef SPANPIPE_ARROW_BUILD_H
#define SPANPIPE_ARROW_BUILD_H

#include <stdint.h>
#include <string.h>

struct fbb {
	uint8_t p[16384];
	size_t n;
};

static void fbb_put(struct fbb *b, const void *src, size_t len)
{
	if (b->n + len > sizeof b->p)
		abort();
	memcpy(b->p + b->n, src, len);
	b->n += len;
}

static void fbb_align(struct fbb *b, size_t a)
{
	static const uint8_t z[8];
	while (b->n % a)
		fbb_put(b, z, 1);
}

static void st16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void st32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }

struct tb {
	size_t vt, t;
};

static void tb_begin(struct fbb *b, struct tb *t, int nslots)
{
	uint8_t z[64] = { 0 };
	fbb_align(b, 2);
	t->vt = b->n;
	fbb_put(b, z, 4 + 2 * (size_t)nslots);
	st16(b->p + t->vt, 4 + 2 * (unsigned)nslots);
	fbb_align(b, 4);
	t->t = b->n;
	uint8_t so[4];
	st32(so, (uint32_t)(t->t - t->vt));
	fbb_put(b, so, 4);
}

static size_t tb_field(struct fbb *b, struct tb *t, int slot, const void *v, size_t len)
{
	size_t pos = b->n;
	fbb_put(b, v, len);
	st16(b->p + t->vt + 4 + 2 * slot, (unsigned)(pos - t->t));
	return pos;
}

static void tb_u8(struct fbb *b, struct tb *t, int slot, uint8_t v) { tb_field(b, t, slot, &v, 1); }
static void tb_i16(struct fbb *b, struct tb *t, int slot, int16_t v) { tb_field(b, t, slot, &v, 2); }
static void tb_i32(struct fbb *b, struct tb *t, int slot, int32_t v) { tb_field(b, t, slot, &v, 4); }
static void tb_i64(struct fbb *b, struct tb *t, int slot, int64_t v) { tb_field(b, t, slot, &v, 8); }

static size_t tb_ref(struct fbb *b, struct tb *t, int slot)
{
	static const uint8_t z[4];
	return tb_field(b, t, slot, z, 4);
}

static void tb_end(struct fbb *b, struct tb *t)
{
	st16(b->p + t->vt + 2, (unsigned)(b->n - t->t));
}

static void patch(struct fbb *b, size_t at, size_t target)
{
	st32(b->p + at, (uint32_t)(target - at));
}

static size_t fbb_str(struct fbb *b, const char *s)
{
	uint8_t c[4];
	fbb_align(b, 4);
	size_t pos = b->n;
	st32(c, (uint32_t)strlen(s));
	fbb_put(b, c, 4);
	fbb_put(b, s, strlen(s) + 1);
	return pos;
}

/* A vector of count elements of size bytes each at data. */
static size_t fbb_vec(struct fbb *b, uint32_t count, const void *data, size_t size)
{
	uint8_t c[4];
	fbb_align(b, 4);
	size_t pos = b->n;
	st32(c, count);
	fbb_put(b, c, 4);
	fbb_put(b, data, count * size);
	return pos;
}

/* --- schema --------------------------------------------------------------- */
enum { TY_NULL = 1, TY_INT = 2, TY_FLOAT = 3, TY_BINARY = 4, TY_UTF8 = 5, TY_BOOL = 6,
	TY_DECIMAL = 7, TY_TIMESTAMP = 10, TY_LIST = 12, TY_STRUCT = 13,
	TY_LARGEUTF8 = 20, TY_LARGELIST = 21, TY_UTF8VIEW = 24 };

struct tfield {
	const char *name;
	int type;
	int bits, sgn;		/* Int */
	int unit;		/* Timestamp (0 s .. 3 ns); tz below */
	const char *tz;
	int prec;		/* FloatingPoint */
	int dict;		/* dictionary-encoded */
	int64_t dict_id;
	int ibits, isgn;	/* index type; ibits 0: absent (Int32) */
	const struct tfield *child;	/* List */
	int nchildren;		/* 0: one when child is set, -1: none */
};

static size_t w_int(struct fbb *b, int bits, int sgn)
{
	struct tb t;
	size_t pos;
	tb_begin(b, &t, 2);
	pos = t.t;
	tb_i32(b, &t, 0, bits);
	if (sgn)
		tb_u8(b, &t, 1, 1);
	tb_end(b, &t);
	return pos;
}

static size_t w_type(struct fbb *b, const struct tfield *f)
{
	struct tb t;
	size_t tz = 0;
	if (f->type == TY_INT)
		return w_int(b, f->bits, f->sgn);
	tb_begin(b, &t, 2);
	if (f->type == TY_FLOAT)
		tb_i16(b, &t, 0, (int16_t)f->prec);
	if (f->type == TY_TIMESTAMP) {
		tb_i16(b, &t, 0, (int16_t)f->unit);
		if (f->tz)
			tz = tb_ref(b, &t, 1);
	}
	tb_end(b, &t);
	if (tz)
		patch(b, tz, fbb_str(b, f->tz));
	return t.t;
}

static size_t w_field(struct fbb *b, const struct tfield *f)
{
	struct tb t;
	size_t name, type, dict = 0, kids = 0;
	int nk = f->nchildren < 0 ? 0 : f->nchildren ? f->nchildren : f->child ? 1 : 0;
	tb_begin(b, &t, 7);
	name = tb_ref(b, &t, 0);
	tb_u8(b, &t, 2, (uint8_t)f->type);
	type = tb_ref(b, &t, 3);
	if (f->dict)
		dict = tb_ref(b, &t, 4);
	if (nk)
		kids = tb_ref(b, &t, 5);
	tb_end(b, &t);
	patch(b, name, fbb_str(b, f->name));
	patch(b, type, w_type(b, f));
	if (dict) {
		struct tb d;
		size_t it = 0;
		tb_begin(b, &d, 4);
		tb_i64(b, &d, 0, f->dict_id);
		if (f->ibits)
			it = tb_ref(b, &d, 1);
		tb_end(b, &d);
		patch(b, dict, d.t);
		if (it)
			patch(b, it, w_int(b, f->ibits, f->isgn));
	}
	if (nk) {
		uint8_t z[4 * 4] = { 0 };
		size_t v = fbb_vec(b, (uint32_t)nk, z, 4);
		patch(b, kids, v);
		for (int i = 0; i < nk; i++)
			patch(b, v + 4 + 4 * (size_t)i, w_field(b, f->child));
	}
	return t.t;
}

/* The Message table around a header written by hdr(b, arg). */
static size_t w_message(struct fbb *b, int type, int64_t body_len, size_t *header)
{
	struct tb t;
	uint8_t root[4] = { 0 };
	b->n = 0;
	fbb_put(b, root, 4);
	tb_begin(b, &t, 5);
	tb_i16(b, &t, 0, 4);
	tb_u8(b, &t, 1, (uint8_t)type);
	*header = tb_ref(b, &t, 2);
	tb_i64(b, &t, 3, body_len);
	tb_end(b, &t);
	patch(b, 0, t.t);
	return t.t;
}

static void build_schema(struct fbb *b, const struct tfield *f, int n)
{
	struct tb t;
	size_t h, fields;
	uint8_t z[4 * 32] = { 0 };
	w_message(b, 1, 0, &h);
	tb_begin(b, &t, 4);
	fields = tb_ref(b, &t, 1);
	tb_end(b, &t);
	patch(b, h, t.t);
	size_t v = fbb_vec(b, (uint32_t)n, z, 4);
	patch(b, fields, v);
	for (int i = 0; i < n; i++)
		patch(b, v + 4 + 4 * (size_t)i, w_field(b, &f[i]));
}

/* --- batches ---------------------------------------------------------------- */
struct tbatch {
	int64_t nodes[64][2];
	int nn;
	int64_t bufs[64][2];
	int nb;
	uint8_t body[1 << 16];
	size_t blen;
	size_t align;		/* of each buffer in the body: 8 or 64 */
	int codec;		/* -1 none, 0 LZ4 frame, 1 zstd */
};

static void tb_init(struct tbatch *m, size_t align)
{
	memset(m, 0, sizeof *m);
	m->align = align;
	m->codec = -1;
}

static void node(struct tbatch *m, int64_t len, int64_t nulls)
{
	m->nodes[m->nn][0] = len;
	m->nodes[m->nn++][1] = nulls;
}

/* Appends a buffer of len bytes (the bytes as given: already compressed
 * when the test compresses). */
static void buf(struct tbatch *m, const void *p, size_t len)
{
	while (m->blen % m->align)
		m->body[m->blen++] = 0;
	m->bufs[m->nb][0] = (int64_t)m->blen;
	m->bufs[m->nb++][1] = (int64_t)len;
	memcpy(m->body + m->blen, p, len);
	m->blen += len;
	while (m->blen % m->align)
		m->body[m->blen++] = 0;
}

static size_t w_rb(struct fbb *b, const struct tbatch *m, int64_t length)
{
	struct tb t;
	size_t nodes, bufs, comp = 0;
	tb_begin(b, &t, 5);
	tb_i64(b, &t, 0, length);
	nodes = tb_ref(b, &t, 1);
	bufs = tb_ref(b, &t, 2);
	if (m->codec >= 0)
		comp = tb_ref(b, &t, 3);
	tb_end(b, &t);
	fbb_align(b, 8);
	patch(b, nodes, fbb_vec(b, (uint32_t)m->nn, m->nodes, 16));
	patch(b, bufs, fbb_vec(b, (uint32_t)m->nb, m->bufs, 16));
	if (comp) {
		struct tb c;
		tb_begin(b, &c, 2);
		if (m->codec)
			tb_u8(b, &c, 0, (uint8_t)m->codec);
		tb_end(b, &c);
		patch(b, comp, c.t);
	}
	return t.t;
}

static void build_batch(struct fbb *b, const struct tbatch *m, int64_t length)
{
	size_t h;
	w_message(b, 3, (int64_t)m->blen, &h);
	patch(b, h, w_rb(b, m, length));
}

static void build_dict(struct fbb *b, const struct tbatch *m, int64_t length, int64_t id,
    int delta)
{
	size_t h, data;
	struct tb t;
	w_message(b, 2, (int64_t)m->blen, &h);
	tb_begin(b, &t, 3);
	tb_i64(b, &t, 0, id);
	data = tb_ref(b, &t, 1);
	if (delta)
		tb_u8(b, &t, 2, 1);
	tb_end(b, &t);
	patch(b, h, t.t);
	patch(b, data, w_rb(b, m, length));
}

#endif
