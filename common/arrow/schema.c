/*
 * Schema messages: the fields, in pre-order, with what a batch's nodes and
 * buffers of each will be, and the dictionaries the fields use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "arrow/impl.h"

static const char *const type_names[] = {
	"NONE", "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal",
	"Date", "Time", "Timestamp", "Interval", "List", "Struct", "Union",
	"FixedSizeBinary", "FixedSizeList", "Map", "Duration", "LargeBinary",
	"LargeUtf8", "LargeList", "RunEndEncoded", "BinaryView", "Utf8View",
	"ListView", "LargeListView"
};

static const char *type_name(unsigned id, char *buf, size_t n)
{
	if (id < LEN(type_names))
		return type_names[id];
	snprintf(buf, n, "number %u", id);
	return buf;
}

static char *fmt(const char *f, const char *a, const char *b)
{
	size_t n = strlen(f) + strlen(a) + strlen(b) + 1;
	char *s = xmalloc(n);
	snprintf(s, n, f, a, b);
	return s;
}

/* An Int table (Int fields and dictionary indices): width and sign. */
static int read_int(struct arrow_ipc *a, const char *path, const struct fbt *t,
    struct arrow_type *out, char *name, size_t n)
{
	int32_t bits;
	uint8_t sgn;
	if (fb_i32(t, 0, 0, &bits) < 0 || fb_u8(t, 1, 0, &sgn) < 0)
		return arrow_err(a, "column '%s': Int type: truncated flatbuffer", path);
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
		return arrow_err(a, "column '%s': Int of %d bits (expected 8, 16, 32 or 64)",
		    path, (int)bits);
	out->width = (uint8_t)(bits / 8);
	out->is_signed = sgn != 0;
	out->kind = sgn ? ARROW_K_INT : ARROW_K_UINT;
	snprintf(name, n, "%sInt%d", sgn ? "" : "U", (int)bits);
	return 0;
}

static int read_timestamp(struct arrow_ipc *a, const char *path, const struct fbt *t,
    struct arrow_type *out, char *name, size_t n)
{
	static const char *const units[] = { "s", "ms", "us", "ns" };
	static const int64_t mul[] = { 1000000000, 1000000, 1000, 1 };
	int16_t unit;
	const char *tz = NULL;
	uint32_t tzlen = 0;
	if (fb_i16(t, 0, 0, &unit) < 0 || fb_str(t, 1, &tz, &tzlen) < 0)
		return arrow_err(a, "column '%s': Timestamp type: truncated flatbuffer", path);
	if (unit < 0 || unit > 3)
		return arrow_err(a, "column '%s': Timestamp unit %d (expected 0 to 3)", path,
		    (int)unit);
	out->width = 8;
	out->is_signed = 1;
	out->tsmul = mul[unit];
	if (tz && tzlen > 64)
		tzlen = 64;
	if (tz)
		snprintf(name, n, "Timestamp(%s, %.*s)", units[unit], (int)tzlen, tz);
	else
		snprintf(name, n, "Timestamp(%s)", units[unit]);
	return 0;
}

/* The type of a field that has no children: fills t and its name. */
static int read_leaf(struct arrow_ipc *a, const char *path, unsigned id,
    const struct fbt *tt, int have, struct arrow_type *t, char *name, size_t n)
{
	static const struct fbt none;
	char num[32];
	int16_t prec;
	if (!have)
		tt = &none;
	t->id = (uint8_t)id;
	switch (id) {
	case T_NULL:
		t->kind = ARROW_K_NULL;
		snprintf(name, n, "Null");
		return 0;
	case T_INT:
		return read_int(a, path, tt, t, name, n);
	case T_FLOAT:
		if (fb_i16(tt, 0, 0, &prec) < 0)
			return arrow_err(a, "column '%s': FloatingPoint type: truncated flatbuffer", path);
		if (prec == 0)
			return arrow_err(a, "column '%s': type Float16 is not supported", path);
		if (prec != 1 && prec != 2)
			return arrow_err(a, "column '%s': FloatingPoint precision %d (expected 0 to 2)",
			    path, (int)prec);
		t->kind = ARROW_K_FLOAT;
		t->width = prec == 1 ? 4 : 8;
		snprintf(name, n, "Float%d", prec == 1 ? 32 : 64);
		return 0;
	case T_BOOL:
		t->kind = ARROW_K_BOOL;
		snprintf(name, n, "Boolean");
		return 0;
	case T_UTF8: case T_LARGEUTF8: case T_BINARY: case T_LARGEBINARY:
		t->kind = id == T_UTF8 || id == T_LARGEUTF8 ? ARROW_K_STRING : ARROW_K_BINARY;
		t->large = id == T_LARGEUTF8 || id == T_LARGEBINARY;
		snprintf(name, n, "%s", type_names[id]);
		return 0;
	case T_TIMESTAMP:
		t->kind = ARROW_K_TIMESTAMP;
		return read_timestamp(a, path, tt, t, name, n);
	}
	return arrow_err(a, "column '%s': type %s is not supported", path,
	    type_name(id, num, sizeof num));
}

/* A field's DictionaryEncoding: its id and index type; finds or makes the
 * dictionary of that id. */
static int read_encoding(struct arrow_ipc *a, int f, const struct fbt *de)
{
	struct arrow_field *fl = &a->fields[f];
	struct fbt it;
	int64_t id;
	char iname[32];
	int r;
	if (fb_i64(de, 0, 0, &id) < 0 || (r = fb_table(de, 1, &it)) < 0)
		return arrow_err(a, "column '%s': dictionary encoding: truncated flatbuffer",
		    fl->path);
	if (r == 0) {		/* absent: signed 32 bits */
		fl->index.width = 4;
		fl->index.is_signed = 1;
		snprintf(iname, sizeof iname, "Int32");
	} else if (read_int(a, fl->path, &it, &fl->index, iname, sizeof iname) < 0)
		return -1;
	if (fl->t.id == T_LIST || fl->t.id == T_LARGELIST)
		return arrow_err(a, "column '%s': a dictionary of %s is not supported",
		    fl->path, fl->type);
	char *type = fmt("Dictionary(%s, %s)", iname, fl->type);
	free(fl->type);
	fl->type = type;
	for (int i = 0; i < a->ndicts; i++) {
		if (a->dicts[i].id != id)
			continue;
		const struct arrow_field *o = &a->fields[a->dicts[i].field];
		if (strcmp(o->type, fl->type) != 0)
			return arrow_err(a, "column '%s': dictionary %lld is also column '%s' of type %s",
			    fl->path, (long long)id, o->path, o->type);
		fl->dict = i;
		return 0;
	}
	a->dicts = xreallocarray(a->dicts, (size_t)a->ndicts + 1, sizeof *a->dicts);
	struct arrow_dict *d = &a->dicts[a->ndicts];
	zero(d, sizeof *d);
	d->id = id;
	d->field = f;
	fl->dict = a->ndicts++;
	return 0;
}

static int read_field(struct arrow_ipc *a, const struct fbt *ft, const char *parent,
    int depth);

/* A List's one child, read after the list in pre-order. */
static int read_children(struct arrow_ipc *a, int f, const struct fbt *ft, int depth)
{
	size_t pos;
	uint32_t n = 0;
	struct fbt ct;
	const char *path = a->fields[f].path;
	int r = fb_vec(ft, 5, 4, &pos, &n);
	if (r < 0)
		return arrow_err(a, "column '%s': children: truncated flatbuffer", path);
	int list = a->fields[f].t.id == T_LIST || a->fields[f].t.id == T_LARGELIST;
	if (!list && n == 0)
		return 0;
	if (n != (uint32_t)list)
		return arrow_err(a, "column '%s': %s with %u children (expected %d)", path,
		    type_names[a->fields[f].t.id], n, list);
	if (depth >= ARROW_MAX_DEPTH)
		return arrow_err(a, "column '%s': lists nested more than %d deep", path,
		    ARROW_MAX_DEPTH);
	if (fb_vec_table(ft->b, pos, 0, &ct) < 0)
		return arrow_err(a, "column '%s': child: truncated flatbuffer", path);
	int c = a->nfields;
	if (read_field(a, &ct, path, depth + 1) < 0)
		return -1;
	const char *lt = a->fields[f].t.id == T_LIST ? "List" : "LargeList";
	free(a->fields[f].type);
	a->fields[f].type = fmt("%s(%s)", lt, a->fields[c].type);
	return 0;
}

/* Appends the field at ft and its children to a->fields. */
static int read_field(struct arrow_ipc *a, const struct fbt *ft, const char *parent,
    int depth)
{
	const char *name = NULL;
	uint32_t nlen = 0;
	uint8_t tid;
	struct fbt tt, de;
	int have, hdict;
	char tname[160];
	if (a->nfields >= ARROW_MAX_FIELDS)
		return arrow_err(a, "schema: more than %d fields", ARROW_MAX_FIELDS);
	int f = a->nfields++;
	a->fields = xreallocarray(a->fields, (size_t)a->nfields, sizeof *a->fields);
	struct arrow_field *fl = &a->fields[f];
	zero(fl, sizeof *fl);
	fl->dict = -1;
	if (fb_str(ft, 0, &name, &nlen) < 0)
		return arrow_err(a, "schema: field %d: name: truncated flatbuffer", f);
	fl->name = xmalloc((size_t)nlen + 1);
	memcpy(fl->name, name ? name : "", nlen);
	fl->name[nlen] = '\0';
	fl->path = parent ? fmt("%s.%s", parent, fl->name) : xstrdup(fl->name);
	fl->type = xstrdup("?");
	if (fb_u8(ft, 2, 0, &tid) < 0 || (have = fb_table(ft, 3, &tt)) < 0 ||
	    (hdict = fb_table(ft, 4, &de)) < 0)
		return arrow_err(a, "column '%s': type: truncated flatbuffer", fl->path);
	if (tid == T_LIST || tid == T_LARGELIST) {
		fl->t.id = tid;
		fl->t.kind = ARROW_K_LIST;
		fl->t.large = tid == T_LARGELIST;
	} else if (read_leaf(a, fl->path, tid, &tt, have, &fl->t, tname, sizeof tname) < 0) {
		return -1;
	} else {
		free(fl->type);
		fl->type = xstrdup(tname);
	}
	if (read_children(a, f, ft, depth) < 0)
		return -1;
	return hdict ? read_encoding(a, f, &de) : 0;
}

void arrow_drop_schema(struct arrow_ipc *a)
{
	for (int i = 0; i < a->nfields; i++) {
		free(a->fields[i].name);
		free(a->fields[i].path);
		free(a->fields[i].type);
	}
	for (int i = 0; i < a->ndicts; i++)
		arrow_free_dict(&a->dicts[i]);
	free(a->fields);
	free(a->cols);
	free(a->arrays);
	free(a->dicts);
	a->fields = NULL;
	a->cols = NULL;
	a->arrays = NULL;
	a->dicts = NULL;
	a->nfields = a->ncols = a->ndicts = 0;
	a->nrows = 0;
	a->have_schema = 0;
}

int arrow_read_schema(struct arrow_ipc *a, const struct fbt *schema)
{
	int16_t endian;
	size_t pos;
	uint32_t n = 0;
	struct fbt ft;
	arrow_drop_schema(a);
	if (fb_i16(schema, 0, 0, &endian) < 0 || fb_vec(schema, 1, 4, &pos, &n) < 0)
		return arrow_err(a, "schema: truncated flatbuffer");
	if (endian != 0)
		return arrow_err(a, "schema: big-endian data is not supported");
	if (n > ARROW_MAX_FIELDS)
		return arrow_err(a, "schema: more than %d fields", ARROW_MAX_FIELDS);
	a->cols = xreallocarray(NULL, n ? n : 1, sizeof *a->cols);
	for (uint32_t i = 0; i < n; i++) {
		if (fb_vec_table(schema->b, pos, i, &ft) < 0) {
			arrow_drop_schema(a);
			return arrow_err(a, "schema: field %u: truncated flatbuffer", i);
		}
		a->cols[a->ncols++] = a->nfields;
		if (read_field(a, &ft, NULL, 0) < 0) {
			arrow_drop_schema(a);	/* the message stays in a->err */
			return -1;
		}
	}
	a->arrays = xcalloc(a->nfields ? (size_t)a->nfields : 1, sizeof *a->arrays);
	a->have_schema = 1;
	return 0;
}
