/*
 * Debug annotations: counted, their interned ids checked and, for
 * records, written as JSON. Nesting (dicts and arrays) is walked to
 * INSP_ANNO_DEPTH levels; deeper is reported (a warning: the importer
 * reads it), not followed, so hostile input cannot exhaust the stack. Cost: two passes over each annotation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "inspect/insp.h"

struct aval {
	int kind;		/* field number of the value, 0: none */
	uint64_t v;
	const uint8_t *data;
	size_t len;
	int has_name;
	const uint8_t *name;
	size_t namelen;
	uint64_t name_iid;
	int has_children;
};

static int walk(struct insp *in, const struct iseq *s, const uint8_t *p,
    size_t n, struct sbuf *json, int named, int depth, uint64_t path);

/* The importer's string pool holds 2048 MB (string_pool.cc): keys past
 * that abort the import. */
#define KEYS_MAX ((uint64_t)2048 << 20)

static int
scan(struct insp *in, const uint8_t *p, size_t n, struct aval *a)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	int r;

	zero(a, sizeof(*a));
	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0) {
		if (f.num == 1 && f.wt == PB_VARINT) {
			a->has_name = 2;
			a->name_iid = f.v;
		} else if (f.num == 10 && f.wt == PB_LEN) {
			a->has_name = 1;
			a->name = f.data;
			a->namelen = f.len;
		} else if (f.num == 11 || f.num == 12) {
			a->has_children = (int)f.num;
		} else if ((f.num >= 2 && f.num <= 9) || f.num == 14 ||
		    f.num == 17) {
			/* only what the wire type sets: f keeps stale bytes */
			a->kind = (int)f.num;
			a->v = f.wt == PB_LEN ? 0 : f.v;
			a->data = f.wt == PB_LEN ? f.data : NULL;
			a->len = a->data ? f.len : 0;
			if ((f.num == 6 || f.num == 9) && !a->data)
				a->kind = -1;	/* a string that is none */
		}
	}
	if (r < 0)
		FIND(in, F_DECODE, "debug annotation does not decode: %s", why);
	return r;
}

static void
name_out(struct insp *in, const struct iseq *s, const struct aval *a,
    struct sbuf *json)
{
	const struct ient *e = NULL;
	char buf[40];

	if (a->has_name == 2 && !(e = s ? iseq_lookup(s, TAB_ANNO, a->name_iid) :
	    NULL))
		FIND(in, F_IID, "debug annotation name iid %" PRIu64 " is not "
		    "interned on sequence %" PRIu32 " since its last clear",
		    a->name_iid, s ? s->id : 0);
	if (!json)
		return;
	if (e) {
		sb_json_str(json, e->s->s, e->s->len);
	} else if (a->has_name == 1) {
		sb_json_str(json, (const char *)a->name, a->namelen);
	} else {
		snprintf(buf, sizeof(buf), "unknown(%" PRIu64 ")", a->name_iid);
		sb_json_str(json, buf, strlen(buf));
	}
	sb_putc(json, ':');
}

/*
 * The importer reads a legacy_json_value that is not an object or array
 * as one JSON value from its first byte; an empty one fails a check and a
 * null reaches an Unreachable (json_args.cc): either aborts the import.
 * Nulls inside an object or array are skipped there, no fault.
 */
static int
json_crash(const struct aval *a)
{
	return a->len == 0 || (a->len >= 4 && memcmp(a->data, "null", 4) == 0);
}

static void
scalar(struct insp *in, const struct iseq *s, const struct aval *a,
    struct sbuf *json)
{
	const struct ient *e;
	char buf[40];

	if (a->kind == 17 && !(e = s ? iseq_lookup(s, TAB_STRVAL, a->v) :
	    NULL)) {
		FIND(in, F_IID, "debug annotation string iid %" PRIu64 " is "
		    "not interned on sequence %" PRIu32 " since its last clear",
		    a->v, s ? s->id : 0);
		e = NULL;
	}
	if (a->kind == 9 && json_crash(a))
		FIND(in, F_JSON_NULL, "debug annotation has legacy_json_value "
		    "%s: the importer aborts on it (json_args.cc), so the trace "
		    "does not open at all", a->len ? "null" : "empty");
	if (!json)
		return;
	switch (a->kind) {
	case 2:
		sb_puts(json, a->v ? "true" : "false");
		break;
	case 3:
		sb_u64(json, a->v);
		break;
	case 4:
		sb_i64(json, (int64_t)a->v);
		break;
	case 5:
		sb_double(json, pb_double(a->v), 1);
		break;
	case 6:
		sb_json_str(json, (const char *)a->data, a->len);
		break;
	case 7:
		snprintf(buf, sizeof(buf), "0x%" PRIx64, a->v);
		sb_json_str(json, buf, strlen(buf));
		break;
	case 9:
		if (a->len == 4 && memcmp(a->data, "null", 4) == 0)
			sb_puts(json, "null");
		else
			sb_json_str(json, (const char *)a->data, a->len);
		break;
	case 17:
		e = iseq_lookup(s, TAB_STRVAL, a->v);
		if (e)
			sb_json_str(json, e->s->s, e->s->len);
		else
			sb_puts(json, "null");
		break;
	case 0:
		sb_puts(json, "null");
		break;
	default:
		sb_json_str(json, "(not decoded)", 13);
		break;
	}
}

/* The length of the name of the annotation p[0..n), as its key adds it. */
static uint64_t
name_len(const uint8_t *p, size_t n)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;

	pb_init(&b, p, n);
	while (pb_next(&b, &f, &why) > 0)
		if (f.num == 10 && f.wt == PB_LEN)
			return f.len;
	return 8;		/* an interned name, or none */
}

struct kframe {
	struct pbuf b;
	uint64_t path;
};

/*
 * The bytes of the keys the importer interns for an annotation whose key
 * is path bytes long and for everything below it: each node's dotted path
 * (name, or [index] in an array; its flat key, without indexes, is one
 * of those already). Walked with a
 * stack of its own, not recursion; stops counting past KEYS_MAX. Cost:
 * one pass over the annotation's bytes, a frame per level.
 */
static uint64_t
key_bytes(const uint8_t *p, size_t n, uint64_t path)
{
	struct kframe *st = xreallocarray(NULL, 16, sizeof(*st));
	size_t depth = 1, cap = 16;
	uint64_t total = path;
	struct pbfield f;
	const char *why;

	pb_init(&st[0].b, p, n);
	st[0].path = path;
	while (depth > 0 && total <= KEYS_MAX) {
		uint64_t cp;

		if (pb_next(&st[depth - 1].b, &f, &why) <= 0) {
			depth--;
			continue;
		}
		if ((f.num != 11 && f.num != 12) || f.wt != PB_LEN)
			continue;
		cp = st[depth - 1].path + (f.num == 11 ? 1 + name_len(f.data,
		    f.len) : 3);
		total += cp;
		if (depth == cap) {
			cap *= 2;
			st = xreallocarray(st, cap, sizeof(*st));
		}
		pb_init(&st[depth].b, f.data, f.len);
		st[depth++].path = cp;
	}
	free(st);
	return total;
}

/* Past INSP_ANNO_DEPTH: not walked, but its keys are measured. */
static void
too_deep(struct insp *in, const uint8_t *p, size_t n, uint64_t path)
{
	if (key_bytes(p, n, path) > KEYS_MAX)
		FIND(in, F_ANNO_KEYS, "debug annotation nested deeper than %d "
		    "levels, whose keys come to more than %" PRIu64 " MB: the "
		    "importer's string pool overflows and it aborts",
		    INSP_ANNO_DEPTH, KEYS_MAX >> 20);
	else
		FIND(in, F_ANNO_DEEP, "debug annotation nested deeper than %d "
		    "levels: not checked past there (in records: null)",
		    INSP_ANNO_DEPTH);
}

/* The dict entries (11) or array values (12) of an annotation. */
static int
children(struct insp *in, const struct iseq *s, const uint8_t *p, size_t n,
    int which, struct sbuf *json, int depth, uint64_t path)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	int first = 1;

	if (json)
		sb_putc(json, which == 11 ? '{' : '[');
	pb_init(&b, p, n);
	while (pb_next(&b, &f, &why) > 0) {
		if (f.num != (uint32_t)which || f.wt != PB_LEN)
			continue;
		if (json && !first)
			sb_putc(json, ',');
		first = 0;
		if (walk(in, s, f.data, f.len, json, which == 11, depth + 1,
		    path) < 0)
			return -1;
	}
	if (json)
		sb_putc(json, which == 11 ? '}' : ']');
	return 0;
}

static int
walk(struct insp *in, const struct iseq *s, const uint8_t *p, size_t n,
    struct sbuf *json, int named, int depth, uint64_t path)
{
	struct aval a;

	if (scan(in, p, n, &a) < 0)
		return -1;
	if (named)
		name_out(in, s, &a, json);
	path += named ? 1 + (a.has_name == 1 ? a.namelen : 8) : 3;
	if (depth > INSP_ANNO_DEPTH) {
		/* the importer reads on; here the rest is measured only */
		too_deep(in, p, n, path);
		if (json)
			sb_puts(json, "null");
		return 0;
	}
	if (a.has_children)
		return children(in, s, p, n, a.has_children, json, depth,
		    path);
	scalar(in, s, &a, json);
	return 0;
}

/* One top-level annotation of an event: "name":value into json. */
int
ianno_walk(struct insp *in, const struct iseq *s, const uint8_t *p, size_t n,
    struct sbuf *json)
{
	in->annos++;
	return walk(in, s, p, n, json, 1, 0, 5);	/* "debug" */
}
