/*
 * RecordBatch messages: each field's node and buffers, taken in schema
 * pre-order, checked so that the accessors can read any row below the
 * batch's length without a check: buffers long enough for their values,
 * offsets rising and inside their data, dictionary indices inside their
 * dictionary, timestamps that fit in nanoseconds. The checks cost one pass
 * over the offsets, indices and non-ns timestamps; nothing is copied.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"
#include "arrow/impl.h"

struct cur {			/* where the next node and buffer are */
	struct arrow_ipc *a;
	const struct arrow_rb *rb;
	const char *what;
	const char *path;
	uint32_t node, buf;
};

#define FAIL(c, ...) (fail(c, __VA_ARGS__), -1)

static void fail(const struct cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(const struct cur *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	arrow_err(c->a, "%s: column '%s': %s", c->what, c->path, msg);
}

static int take_node(struct cur *c, int64_t *len, int64_t *nulls)
{
	if (c->node >= c->rb->nnodes)
		return FAIL(c, "field node %u is missing (the message has %u)", c->node,
		    c->rb->nnodes);
	const uint8_t *p = c->rb->nodes + 16 * (size_t)c->node++;
	*len = fb_ld64(p);
	*nulls = fb_ld64(p + 8);
	if (*len < 0 || *nulls < 0 || *nulls > *len)
		return FAIL(c, "field node of length %lld with %lld nulls", (long long)*len,
		    (long long)*nulls);
	if (*len > ARROW_MAX_ROWS)
		return FAIL(c, "field node of length %lld (the limit is %lld)", (long long)*len,
		    (long long)ARROW_MAX_ROWS);
	return 0;
}

static int take_buf(struct cur *c, struct arrow_buf *b)
{
	if (c->buf >= c->rb->nbufs)
		return FAIL(c, "buffer %u is missing (the message has %u)", c->buf, c->rb->nbufs);
	*b = c->a->bufs[c->buf++];
	return 0;
}

static int64_t bitmap_bytes(int64_t n)
{
	return n / 8 + (n % 8 != 0);
}

/* The validity bitmap: NULL when there are no nulls, whatever was sent. */
static int take_validity(struct cur *c, int64_t len, int64_t nulls, struct arrow_array *out)
{
	struct arrow_buf b;
	if (take_buf(c, &b) < 0)
		return -1;
	out->validity = NULL;
	if (nulls == 0)
		return 0;
	if (b.n < bitmap_bytes(len))
		return FAIL(c, "validity bitmap (buffer %u) of %lld bytes for %lld values with %lld nulls",
		    c->buf - 1, (long long)b.n, (long long)len, (long long)nulls);
	out->validity = b.p;
	return 0;
}

/* A buffer of len values of width bytes each. */
static int take_values(struct cur *c, int64_t len, int width, const uint8_t **p)
{
	struct arrow_buf b;
	if (take_buf(c, &b) < 0)
		return -1;
	if (len > b.n / width)
		return FAIL(c, "values buffer %u of %lld bytes is too short for %lld values of %d bytes",
		    c->buf - 1, (long long)b.n, (long long)len, width);
	*p = b.p;
	return 0;
}

/* len + 1 offsets rising from >= 0 to <= limit. An empty array may send
 * no offsets at all. */
static int check_offsets(struct cur *c, const struct arrow_array *x, int64_t limit)
{
	int w = x->large ? 8 : 4;
	if (x->length == 0)
		return 0;
	int64_t prev = arrow_ld(x->offsets, w, 1);
	if (prev < 0)
		return FAIL(c, "offset 0 is %lld, negative", (long long)prev);
	for (int64_t i = 1; i <= x->length; i++) {
		int64_t o = arrow_ld(x->offsets + i * w, w, 1);
		if (o < prev)
			return FAIL(c, "offset %lld is %lld, below offset %lld's %lld", (long long)i,
			    (long long)o, (long long)(i - 1), (long long)prev);
		prev = o;
	}
	if (prev > limit)
		return FAIL(c, "last offset %lld runs past the %lld %s", (long long)prev,
		    (long long)limit, x->kind == ARROW_K_LIST ? "child values" : "bytes of data");
	return 0;
}

static int take_offsets(struct cur *c, struct arrow_array *x)
{
	struct arrow_buf b;
	int w = x->large ? 8 : 4;
	if (take_buf(c, &b) < 0)
		return -1;
	x->offsets = b.p;
	if (x->length > 0 && x->length >= b.n / w)
		return FAIL(c, "offsets buffer %u of %lld bytes is too short for %lld values",
		    c->buf - 1, (long long)b.n, (long long)x->length);
	return 0;
}

static int check_time(struct cur *c, const struct arrow_array *x)
{
	int64_t max = INT64_MAX / x->tsmul;
	if (x->tsmul == 1)
		return 0;
	for (int64_t i = 0; i < x->length; i++) {
		int64_t v = arrow_ld(x->values + 8 * i, 8, 1);
		if ((v > max || v < -max) && !(x->validity && !arrow_bit(x->validity, i)))
			return FAIL(c, "row %lld: timestamp %lld does not fit in 64-bit nanoseconds",
			    (long long)i, (long long)v);
	}
	return 0;
}

static int check_indices(struct cur *c, const struct arrow_array *x, const struct arrow_dict *d)
{
	int64_t n = d->arr.length;
	for (int64_t i = 0; i < x->length; i++) {
		int64_t v = arrow_ld(x->values + i * x->width, x->width, x->is_signed);
		if ((v < 0 || v >= n) && !(x->validity && !arrow_bit(x->validity, i)))
			return FAIL(c, "row %lld: index %lld is outside dictionary %lld's %lld values",
			    (long long)i, (long long)v, (long long)d->id, (long long)n);
	}
	return 0;
}

static int decode(struct cur *c, int f, int use_dict, struct arrow_array *out);

static int decode_dict(struct cur *c, const struct arrow_field *fl, struct arrow_array *out)
{
	const struct arrow_dict *d = &c->a->dicts[fl->dict];
	if (!d->loaded)
		return FAIL(c, "dictionary %lld was not sent before this batch", (long long)d->id);
	out->dict = 1;
	out->width = fl->index.width;
	out->is_signed = fl->index.is_signed;
	out->child = &d->arr;
	if (take_values(c, out->length, out->width, &out->values) < 0)
		return -1;
	return check_indices(c, out, d);
}

static int decode_list(struct cur *c, int f, struct arrow_array *out)
{
	struct arrow_array *child = &c->a->arrays[f + 1];
	const char *path = c->path;
	if (take_offsets(c, out) < 0)
		return -1;
	if (decode(c, f + 1, 1, child) < 0)
		return -1;
	c->path = path;
	out->child = child;
	return check_offsets(c, out, child->length);
}

/* Field f's node and buffers, and its children's; use_dict 0 reads the
 * values of a dictionary-encoded field (in a DictionaryBatch). */
static int decode(struct cur *c, int f, int use_dict, struct arrow_array *out)
{
	const struct arrow_field *fl = &c->a->fields[f];
	const struct arrow_type *t = &fl->t;
	int64_t nulls;
	struct arrow_buf b;
	c->path = fl->path;
	*out = (struct arrow_array){ .kind = t->kind, .width = t->width,
	    .is_signed = t->is_signed, .large = t->large, .tsmul = t->tsmul };
	if (take_node(c, &out->length, &nulls) < 0)
		return -1;
	if (t->id == T_NULL && !(use_dict && fl->dict >= 0))
		return 0;
	if (take_validity(c, out->length, nulls, out) < 0)
		return -1;
	if (use_dict && fl->dict >= 0)
		return decode_dict(c, fl, out);
	switch (t->kind) {
	case ARROW_K_INT: case ARROW_K_UINT: case ARROW_K_FLOAT:
		return take_values(c, out->length, t->width, &out->values);
	case ARROW_K_TIMESTAMP:
		if (take_values(c, out->length, 8, &out->values) < 0)
			return -1;
		return check_time(c, out);
	case ARROW_K_BOOL:
		if (take_buf(c, &b) < 0)
			return -1;
		if (b.n < bitmap_bytes(out->length))
			return FAIL(c, "values bitmap (buffer %u) of %lld bytes for %lld values",
			    c->buf - 1, (long long)b.n, (long long)out->length);
		out->values = b.p;
		return 0;
	case ARROW_K_STRING: case ARROW_K_BINARY:
		if (take_offsets(c, out) < 0 || take_buf(c, &b) < 0)
			return -1;
		out->data = b.p;
		return check_offsets(c, out, b.n);
	case ARROW_K_LIST:
		return decode_list(c, f, out);
	}
	return FAIL(c, "type %s cannot be decoded", fl->type);
}

int arrow_decode_field(struct arrow_ipc *a, const struct arrow_rb *rb, const char *what,
    int f, int use_dict, uint32_t *node, uint32_t *buf, struct arrow_array *out)
{
	struct cur c = { a, rb, what, "", *node, *buf };
	int r = decode(&c, f, use_dict, out);
	*node = c.node;
	*buf = c.buf;
	return r;
}

int arrow_read_batch(struct arrow_ipc *a, const struct fbt *rbt, const uint8_t *body,
    size_t blen)
{
	struct arrow_rb rb;
	uint32_t node = 0, buf = 0;
	a->nrows = 0;
	if (arrow_read_rb(a, rbt, "record batch", body, blen, &rb) < 0)
		return -1;
	for (int i = 0; i < a->ncols; i++) {
		int f = a->cols[i];
		struct arrow_array *x = &a->arrays[f];
		if (arrow_decode_field(a, &rb, "record batch", f, 1, &node, &buf, x) < 0)
			return -1;
		if (x->length != rb.length)
			return arrow_err(a, "record batch: column '%s': %lld values in a batch of %lld rows",
			    a->fields[f].path, (long long)x->length, (long long)rb.length);
	}
	a->nrows = rb.length;
	return 0;
}
