/*
 * The Arrow IPC reader's insides, shared by its files: the schema as a
 * table of fields in pre-order (the order of a batch's nodes), one array
 * per field for the current batch, and the dictionaries.
 */
#ifndef SPANPIPE_ARROW_IMPL_H
#define SPANPIPE_ARROW_IMPL_H

#include <string.h>

#include "arrow/fb.h"
#include "arrow/ipc.h"

enum {				/* Schema.fbs, union Type */
	T_NULL = 1, T_INT = 2, T_FLOAT = 3, T_BINARY = 4, T_UTF8 = 5, T_BOOL = 6,
	T_TIMESTAMP = 10, T_LIST = 12, T_LARGEBINARY = 19, T_LARGEUTF8 = 20,
	T_LARGELIST = 21
};

#define ARROW_MAX_FIELDS 4096	/* fields of a schema, nested ones included */
#define ARROW_MAX_DEPTH 32	/* lists in lists */
/* Bytes a message's compressed buffers may claim once decompressed, and
 * the dictionaries may hold together: a server cannot make the reader
 * allocate more, even with a small message that decompresses to much. */
#define ARROW_MAX_BYTES ((int64_t)1 << 30)
/* Values in a node: a Null column has no buffer to bound its length. */
#define ARROW_MAX_ROWS ((int64_t)1 << 31)

struct arrow_type {
	uint8_t id;		/* T_* */
	uint8_t kind;		/* enum arrow_kind */
	uint8_t width;		/* bytes of a fixed-width value (Int, Float, Timestamp) */
	uint8_t is_signed;
	uint8_t large;		/* 64-bit offsets */
	int64_t tsmul;		/* ns in a unit of a Timestamp */
};

struct arrow_array {
	uint8_t kind;		/* of the values (a dictionary's values) */
	uint8_t width;		/* bytes of a value, or of an index when dict */
	uint8_t is_signed;	/* of the values, or of the indices when dict */
	uint8_t large;		/* 64-bit offsets */
	uint8_t dict;		/* values are indices into child */
	int64_t tsmul;
	int64_t length;
	const uint8_t *validity;	/* NULL: no nulls */
	const uint8_t *values;	/* fixed-width values, Bool bits, indices */
	const uint8_t *offsets;	/* Utf8, Binary, List */
	const uint8_t *data;	/* Utf8, Binary bytes */
	const struct arrow_array *child;	/* List elements, dictionary values */
};

struct arrow_field {
	char *name;
	char *path;		/* "tags.item": named in messages */
	char *type;		/* as arrow_col_type shows it */
	struct arrow_type t;	/* of the values */
	int dict;		/* index in dicts, -1: not dictionary-encoded */
	struct arrow_type index;	/* of the indices when dict >= 0 */
};

struct arrow_dict {
	int64_t id;
	int field;		/* the first field encoded with it */
	int loaded;
	struct arrow_array arr;	/* points into the buffers below */
	uint8_t *validity, *values, *data;
	int64_t *offsets;	/* always 64-bit, from 0 */
	int64_t nulls;
	int64_t bytes;		/* held, as bytes_after counts them */
	size_t cap_validity, cap_values, cap_offsets, cap_data;
	int64_t ndata;
};

struct arrow_buf {
	const uint8_t *p;
	int64_t n;
};

struct arrow_ipc {
	struct arrow_field *fields;	/* pre-order */
	int nfields;
	int *cols;		/* top-level columns: their index in fields */
	int ncols;
	struct arrow_array *arrays;	/* of the current batch, one per field */
	int64_t nrows;
	struct arrow_dict *dicts;
	int ndicts;
	int have_schema;
	/* A message's buffers, decompressed when the body is compressed. */
	struct arrow_buf *bufs;
	uint32_t nbufs, cap_bufs;
	uint8_t *inflated;
	size_t cap_inflated;
	void *lz4, *zstd;	/* decompression contexts, made when first needed */
	int64_t limit;		/* ARROW_MAX_BYTES, or arrow_ipc_set_limit's */
	char err[512];
};

/* The contents of a RecordBatch table, checked against the header. */
struct arrow_rb {
	int64_t length;
	const uint8_t *nodes;	/* 16 bytes each: length, null_count */
	uint32_t nnodes;
	uint32_t nbufs;
};

int arrow_err(struct arrow_ipc *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* schema.c */
int arrow_read_schema(struct arrow_ipc *a, const struct fbt *schema);
void arrow_drop_schema(struct arrow_ipc *a);
/* buffers.c: the RecordBatch's nodes and buffers, decompressed as needed,
 * every buffer inside the body. what names the message in errors. */
int arrow_read_rb(struct arrow_ipc *a, const struct fbt *rb, const char *what,
    const uint8_t *body, size_t blen, struct arrow_rb *out);
void arrow_free_inflate(struct arrow_ipc *a);
/* batch.c */
int arrow_read_batch(struct arrow_ipc *a, const struct fbt *rb, const uint8_t *body,
    size_t blen);
int arrow_decode_field(struct arrow_ipc *a, const struct arrow_rb *rb, const char *what,
    int f, int use_dict, uint32_t *node, uint32_t *buf, struct arrow_array *out);
/* dict.c */
int arrow_read_dict(struct arrow_ipc *a, const struct fbt *db, const uint8_t *body,
    size_t blen);
void arrow_free_dict(struct arrow_dict *d);

static inline int arrow_bit(const uint8_t *bits, int64_t i)
{
	return bits[i >> 3] >> (i & 7) & 1;
}

static inline int64_t arrow_ld(const uint8_t *p, int width, int is_signed)
{
	switch (width) {
	case 1:
		return is_signed ? (int64_t)(int8_t)p[0] : (int64_t)p[0];
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return is_signed ? (int64_t)(int16_t)v : (int64_t)v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return is_signed ? (int64_t)(int32_t)v : (int64_t)v;
	}
	default: {
		int64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

#endif
