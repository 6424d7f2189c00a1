/*
 * Prints what the Arrow IPC reader decodes, in the text that
 * tests/arrow/gen.mjs writes for the values it gave apache-arrow:
 *   schema NAME:TYPE ...
 *   batch ROWS
 *   NAME=VALUE ... (one line per row)
 * Values: null, integers and timestamps (ns) in decimal, floats as the hex
 * bits of the double, true/false, strings quoted with \xNN for bytes
 * outside printable ASCII and for '"' and '\', binaries as 0x and hex,
 * lists as [a,b].
 */
#ifndef SPANPIPE_ARROW_DUMP_H
#define SPANPIPE_ARROW_DUMP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arrow/ipc.h"

static void dump_value(FILE *f, const struct arrow_array *c, int64_t row)
{
	size_t n;
	const char *s;
	double d;
	uint64_t bits;
	int64_t first, len;
	if (arrow_is_null(c, row)) {
		fputs("null", f);
		return;
	}
	switch (arrow_kind(c)) {
	case ARROW_K_NULL:
		fputs("null", f);
		break;
	case ARROW_K_INT: case ARROW_K_TIMESTAMP:
		fprintf(f, "%" PRId64, arrow_i64(c, row));
		break;
	case ARROW_K_UINT:
		fprintf(f, "%" PRIu64, arrow_u64(c, row));
		break;
	case ARROW_K_FLOAT:
		d = arrow_f64(c, row);
		memcpy(&bits, &d, 8);
		fprintf(f, "f%016" PRIx64, bits);
		break;
	case ARROW_K_BOOL:
		fputs(arrow_i64(c, row) ? "true" : "false", f);
		break;
	case ARROW_K_STRING:
		s = arrow_str(c, row, &n);
		fputc('"', f);
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
				fprintf(f, "\\x%02x", ch);
			else
				fputc(ch, f);
		}
		fputc('"', f);
		break;
	case ARROW_K_BINARY:
		s = arrow_str(c, row, &n);
		fputs("0x", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%02x", (unsigned char)s[i]);
		break;
	case ARROW_K_LIST:
		len = arrow_list(c, row, &first);
		fputc('[', f);
		for (int64_t i = 0; i < len; i++) {
			if (i)
				fputc(',', f);
			dump_value(f, arrow_child(c), first + i);
		}
		fputc(']', f);
		break;
	}
}

static void dump_schema(FILE *f, const struct arrow_ipc *a)
{
	fputs("schema", f);
	for (int i = 0; i < arrow_ncols(a); i++)
		fprintf(f, " %s:%s", arrow_col_name(a, i), arrow_col_type(a, i));
	fputc('\n', f);
}

static void dump_batch(FILE *f, const struct arrow_ipc *a)
{
	fprintf(f, "batch %" PRId64 "\n", arrow_nrows(a));
	for (int64_t r = 0; r < arrow_nrows(a); r++) {
		for (int i = 0; i < arrow_ncols(a); i++) {
			fprintf(f, "%s%s=", i ? " " : "", arrow_col_name(a, i));
			dump_value(f, arrow_column(a, i), r);
		}
		fputc('\n', f);
	}
}

/* Feeds the encapsulated stream buf to a; prints the schema and batches.
 * 0, or -1 after printing the error to stderr. */
static int dump_stream(FILE *f, const uint8_t *buf, size_t n, const char *name)
{
	struct arrow_ipc *a = arrow_ipc_new();
	const uint8_t *hdr, *body;
	size_t hlen, blen, pos = 0;
	int r, k = 0;
	while ((r = arrow_ipc_next(buf, n, &pos, &hdr, &hlen, &body, &blen)) > 0) {
		enum arrow_msg m = arrow_ipc_message(a, hdr, hlen, body, blen);
		k++;
		if (m == ARROW_SCHEMA)
			dump_schema(f, a);
		else if (m == ARROW_BATCH)
			dump_batch(f, a);
		else if (m == ARROW_ERROR) {
			fprintf(stderr, "%s: message %d: %s\n", name, k, arrow_ipc_error(a));
			arrow_ipc_free(a);
			return -1;
		}
	}
	arrow_ipc_free(a);
	if (r < 0)
		fprintf(stderr, "%s: message %d is cut short\n", name, k + 1);
	return r;
}

#endif
