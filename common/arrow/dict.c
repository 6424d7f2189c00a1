/*
 * DictionaryBatch messages: the values of a dictionary, checked like a
 * batch's column, then copied (a dictionary outlives its message) into
 * buffers of its own: a replacement starts them anew, a delta (isDelta)
 * appends. Offsets are kept as int64 from 0 whatever was sent, so a delta
 * of Utf8 appends by rebasing. The dictionaries together are bounded by
 * the reader's limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "arrow/impl.h"

void arrow_free_dict(struct arrow_dict *d)
{
	free(d->validity);
	free(d->values);
	free(d->offsets);
	free(d->data);
}

static void *grow(void *p, size_t *cap, size_t need)
{
	if (need <= *cap && p)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	*cap = n;
	return xrealloc(p, n);
}

static int64_t bitmap_bytes(int64_t n)
{
	return n / 8 + (n % 8 != 0);
}

static void put_bit(uint8_t *bits, int64_t i, int v)
{
	if (v)
		bits[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* What the dictionary will hold after appending x: bytes it will take. */
static int64_t bytes_after(const struct arrow_dict *d, int64_t old, const struct arrow_array *x)
{
	int64_t len = old + x->length;
	int64_t n = 2 * bitmap_bytes(len) + len * x->width;
	if (x->kind == ARROW_K_STRING || x->kind == ARROW_K_BINARY) {
		int w = x->large ? 8 : 4;
		n += 8 * (len + 1) + (old ? d->ndata : 0);
		if (x->length > 0)
			n += arrow_ld(x->offsets + x->length * w, w, 1) - arrow_ld(x->offsets, w, 1);
	}
	return n;
}

static void append_bits(uint8_t *dst, int64_t at, const uint8_t *src, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		put_bit(dst, at + i, src ? arrow_bit(src, i) : 1);
}

static void append_var(struct arrow_dict *d, int64_t at, const struct arrow_array *x)
{
	int w = x->large ? 8 : 4;
	int64_t first = arrow_ld(x->offsets, w, 1);
	int64_t last = arrow_ld(x->offsets + x->length * w, w, 1);
	d->data = grow(d->data, &d->cap_data, (size_t)(d->ndata + last - first) + 1);
	memcpy(d->data + d->ndata, x->data + first, (size_t)(last - first));
	for (int64_t i = 1; i <= x->length; i++)
		d->offsets[at + i] = d->ndata + arrow_ld(x->offsets + i * w, w, 1) - first;
	d->ndata += last - first;
}

/* Appends the values x (already checked) to d, from row at. */
static void append(struct arrow_dict *d, int64_t at, const struct arrow_array *x)
{
	int64_t len = at + x->length;
	size_t bits = (size_t)bitmap_bytes(len) + 1;
	d->validity = grow(d->validity, &d->cap_validity, bits);
	append_bits(d->validity, at, x->validity, x->length);
	if (x->validity)
		for (int64_t i = 0; i < x->length; i++)
			d->nulls += !arrow_bit(x->validity, i);
	switch (x->kind) {
	case ARROW_K_BOOL:
		d->values = grow(d->values, &d->cap_values, bits);
		append_bits(d->values, at, x->values, x->length);
		break;
	case ARROW_K_STRING: case ARROW_K_BINARY:
		d->offsets = grow(d->offsets, &d->cap_offsets, (size_t)(len + 1) * 8);
		d->offsets[0] = 0;
		if (x->length > 0)
			append_var(d, at, x);
		break;
	case ARROW_K_NULL:
		d->nulls += x->length;
		break;
	default:
		d->values = grow(d->values, &d->cap_values, (size_t)(len * x->width) + 1);
		memcpy(d->values + at * x->width, x->values, (size_t)(x->length * x->width));
	}
}

static void publish(struct arrow_dict *d, const struct arrow_array *x, int64_t len)
{
	d->arr = (struct arrow_array){ .kind = x->kind, .width = x->width,
	    .is_signed = x->is_signed, .large = 1, .tsmul = x->tsmul, .length = len,
	    .validity = d->nulls && x->kind != ARROW_K_NULL ? d->validity : NULL,
	    .values = d->values, .offsets = (const uint8_t *)d->offsets, .data = d->data };
	d->loaded = 1;
}

int arrow_read_dict(struct arrow_ipc *a, const struct fbt *db, const uint8_t *body,
    size_t blen)
{
	int64_t id;
	uint8_t delta;
	struct fbt data;
	struct arrow_rb rb;
	struct arrow_array x;
	char what[64];
	uint32_t node = 0, buf = 0;
	int r;
	if (fb_i64(db, 0, 0, &id) < 0 || (r = fb_table(db, 1, &data)) < 0 ||
	    fb_u8(db, 2, 0, &delta) < 0)
		return arrow_err(a, "dictionary batch: truncated flatbuffer");
	snprintf(what, sizeof what, "dictionary batch %lld", (long long)id);
	if (r == 0)
		return arrow_err(a, "%s: no data", what);
	struct arrow_dict *d = NULL;
	for (int i = 0; i < a->ndicts; i++)
		if (a->dicts[i].id == id)
			d = &a->dicts[i];
	if (!d)
		return arrow_err(a, "%s: the schema has no dictionary of that id", what);
	if (arrow_read_rb(a, &data, what, body, blen, &rb) < 0 ||
	    arrow_decode_field(a, &rb, what, d->field, 0, &node, &buf, &x) < 0)
		return -1;
	if (x.length != rb.length)
		return arrow_err(a, "%s: %lld values in a batch of %lld rows", what,
		    (long long)x.length, (long long)rb.length);
	int64_t old = delta && d->loaded ? d->arr.length : 0;
	int64_t others = 0, after = bytes_after(d, old, &x);
	for (int i = 0; i < a->ndicts; i++)
		others += &a->dicts[i] == d ? 0 : a->dicts[i].bytes;
	if (after > a->limit - others)
		return arrow_err(a, "%s: the dictionaries would grow past %lld bytes", what,
		    (long long)a->limit);
	d->bytes = after;
	if (!old) {
		d->nulls = 0;
		d->ndata = 0;
	}
	append(d, old, &x);
	publish(d, &x, old + x.length);
	return 0;
}
