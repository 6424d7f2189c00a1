/*
 * The Arrow IPC reader's entry points: one message at a time, by its
 * header type, and the accessors of the current batch, which are index
 * arithmetic only (arrow_ipc_message checked every bound).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "arrow/impl.h"

enum { H_SCHEMA = 1, H_DICTIONARY = 2, H_BATCH = 3 };

int arrow_err(struct arrow_ipc *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->err, sizeof a->err, fmt, ap);
	va_end(ap);
	return -1;
}

struct arrow_ipc *arrow_ipc_new(void)
{
	struct arrow_ipc *a = xcalloc(1, sizeof(struct arrow_ipc));
	a->limit = ARROW_MAX_BYTES;
	return a;
}

void arrow_ipc_set_limit(struct arrow_ipc *a, int64_t bytes)
{
	a->limit = bytes > 0 && bytes < ARROW_MAX_BYTES ? bytes : ARROW_MAX_BYTES;
}

void arrow_ipc_free(struct arrow_ipc *a)
{
	if (!a)
		return;
	arrow_drop_schema(a);
	arrow_free_inflate(a);
	free(a->bufs);
	free(a);
}

const char *arrow_ipc_error(const struct arrow_ipc *a)
{
	return a->err;
}

static const char *header_name(unsigned t)
{
	static const char *const names[] = { "NONE", "Schema", "DictionaryBatch",
		"RecordBatch", "Tensor", "SparseTensor" };
	return t < LEN(names) ? names[t] : "unknown";
}

static enum arrow_msg dispatch(struct arrow_ipc *a, uint8_t type, const struct fbt *h,
    const uint8_t *body, size_t blen)
{
	switch (type) {
	case H_SCHEMA:
		return arrow_read_schema(a, h) < 0 ? ARROW_ERROR : ARROW_SCHEMA;
	case H_DICTIONARY:
		if (!a->have_schema)
			return arrow_err(a, "dictionary batch before the schema"), ARROW_ERROR;
		return arrow_read_dict(a, h, body, blen) < 0 ? ARROW_ERROR : ARROW_DICTIONARY;
	case H_BATCH:
		if (!a->have_schema)
			return arrow_err(a, "record batch before the schema"), ARROW_ERROR;
		return arrow_read_batch(a, h, body, blen) < 0 ? ARROW_ERROR : ARROW_BATCH;
	}
	arrow_err(a, "message of type %u (%s) is not supported", type, header_name(type));
	return ARROW_ERROR;
}

enum arrow_msg arrow_ipc_message(struct arrow_ipc *a, const uint8_t *hdr, size_t hlen,
    const uint8_t *body, size_t blen)
{
	struct fb b = { hdr, hlen };
	struct fbt m, h;
	int16_t version;
	uint8_t type;
	int64_t blength;
	int r;
	static const uint8_t none[1];
	a->nrows = 0;
	a->err[0] = '\0';
	if (!body)
		body = none, blen = 0;
	if (!hdr || fb_root(&b, &m) < 0)
		return arrow_err(a, "message header of %zu bytes: truncated flatbuffer", hlen),
		    ARROW_ERROR;
	if (fb_i16(&m, 0, 0, &version) < 0 || fb_u8(&m, 1, 0, &type) < 0 ||
	    (r = fb_table(&m, 2, &h)) < 0 || fb_i64(&m, 3, 0, &blength) < 0)
		return arrow_err(a, "message header of %zu bytes: truncated flatbuffer", hlen),
		    ARROW_ERROR;
	if (version < 3)	/* V4 = 3 */
		return arrow_err(a, "message: metadata version V%d is not supported (expected V4 or V5)",
		    version + 1), ARROW_ERROR;
	if (r == 0)
		return arrow_err(a, "message of type %u (%s) has no header", type,
		    header_name(type)), ARROW_ERROR;
	if (blength < 0 || (uint64_t)blength > blen)
		return arrow_err(a, "message: body length %lld, but the body has %zu bytes",
		    (long long)blength, blen), ARROW_ERROR;
	return dispatch(a, type, &h, body, blen);
}

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int arrow_ipc_next(const uint8_t *buf, size_t n, size_t *pos, const uint8_t **hdr,
    size_t *hlen, const uint8_t **body, size_t *blen)
{
	size_t p = *pos;
	if (p >= n)
		return 0;
	if (n - p < 4)
		return -1;
	uint32_t len = ld32(buf + p);
	p += 4;
	if (len == 0xFFFFFFFF) {
		if (n - p < 4)
			return -1;
		len = ld32(buf + p);
		p += 4;
	}
	if (len == 0)
		return 0;
	if (len > n - p)
		return -1;
	struct fb b = { buf + p, len };
	struct fbt m;
	int64_t blength;
	if (fb_root(&b, &m) < 0 || fb_i64(&m, 3, 0, &blength) < 0 || blength < 0 ||
	    (uint64_t)blength > n - p - len)
		return -1;
	*hdr = buf + p;
	*hlen = len;
	*body = buf + p + len;
	*blen = (size_t)blength;
	*pos = p + len + (size_t)blength;
	return 1;
}

int arrow_ncols(const struct arrow_ipc *a)
{
	return a->ncols;
}

const char *arrow_col_name(const struct arrow_ipc *a, int col)
{
	return col >= 0 && col < a->ncols ? a->fields[a->cols[col]].name : NULL;
}

int arrow_col_find(const struct arrow_ipc *a, const char *name)
{
	for (int i = 0; i < a->ncols; i++)
		if (strcmp(a->fields[a->cols[i]].name, name) == 0)
			return i;
	return -1;
}

const char *arrow_col_type(const struct arrow_ipc *a, int col)
{
	return col >= 0 && col < a->ncols ? a->fields[a->cols[col]].type : NULL;
}

enum arrow_kind arrow_col_kind(const struct arrow_ipc *a, int col)
{
	return col >= 0 && col < a->ncols ? a->fields[a->cols[col]].t.kind : ARROW_K_NULL;
}

int64_t arrow_nrows(const struct arrow_ipc *a)
{
	return a->nrows;
}

const struct arrow_array *arrow_column(const struct arrow_ipc *a, int col)
{
	return col >= 0 && col < a->ncols ? &a->arrays[a->cols[col]] : NULL;
}

enum arrow_kind arrow_kind(const struct arrow_array *c)
{
	return c->kind;
}

/* A dictionary-encoded array: the values' array and row. */
static inline const struct arrow_array *resolve(const struct arrow_array *c, int64_t *row)
{
	if (c->dict) {
		*row = arrow_ld(c->values + *row * c->width, c->width, c->is_signed);
		c = c->child;
	}
	return c;
}

int arrow_is_null(const struct arrow_array *c, int64_t row)
{
	if (c->kind == ARROW_K_NULL || (c->validity && !arrow_bit(c->validity, row)))
		return 1;
	c = resolve(c, &row);
	return c->validity && !arrow_bit(c->validity, row);
}

int64_t arrow_i64(const struct arrow_array *c, int64_t row)
{
	c = resolve(c, &row);
	switch (c->kind) {
	case ARROW_K_INT:
		return arrow_ld(c->values + row * c->width, c->width, 1);
	case ARROW_K_UINT: {
		int64_t v = arrow_ld(c->values + row * c->width, c->width, 0);
		return c->width == 8 && v < 0 ? INT64_MAX : v;
	}
	case ARROW_K_TIMESTAMP:
		return arrow_ld(c->values + row * 8, 8, 1) * c->tsmul;
	case ARROW_K_BOOL:
		return arrow_bit(c->values, row);
	}
	return 0;
}

uint64_t arrow_u64(const struct arrow_array *c, int64_t row)
{
	c = resolve(c, &row);
	int64_t v;
	switch (c->kind) {
	case ARROW_K_UINT:
		return (uint64_t)arrow_ld(c->values + row * c->width, c->width, 0);
	case ARROW_K_INT:
		v = arrow_ld(c->values + row * c->width, c->width, 1);
		return v < 0 ? 0 : (uint64_t)v;
	}
	return 0;
}

double arrow_f64(const struct arrow_array *c, int64_t row)
{
	c = resolve(c, &row);
	const uint8_t *p = c->values + row * c->width;
	switch (c->kind) {
	case ARROW_K_FLOAT:
		if (c->width == 4) {
			float f;
			memcpy(&f, p, 4);
			return f;
		} else {
			double d;
			memcpy(&d, p, 8);
			return d;
		}
	case ARROW_K_INT:
		return (double)arrow_ld(p, c->width, 1);
	case ARROW_K_UINT:
		return (double)(uint64_t)arrow_ld(p, c->width, 0);
	}
	return 0;
}

const char *arrow_str(const struct arrow_array *c, int64_t row, size_t *n)
{
	c = resolve(c, &row);
	if (c->kind != ARROW_K_STRING && c->kind != ARROW_K_BINARY) {
		*n = 0;
		return NULL;
	}
	int w = c->large ? 8 : 4;
	int64_t b = arrow_ld(c->offsets + row * w, w, 1);
	int64_t e = arrow_ld(c->offsets + (row + 1) * w, w, 1);
	*n = (size_t)(e - b);
	return (const char *)c->data + b;
}

int64_t arrow_list(const struct arrow_array *c, int64_t row, int64_t *first)
{
	*first = 0;
	if (c->kind != ARROW_K_LIST)
		return 0;
	int w = c->large ? 8 : 4;
	*first = arrow_ld(c->offsets + row * w, w, 1);
	return arrow_ld(c->offsets + (row + 1) * w, w, 1) - *first;
}

const struct arrow_array *arrow_child(const struct arrow_array *c)
{
	return c->kind == ARROW_K_LIST ? c->child : NULL;
}
