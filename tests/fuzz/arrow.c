/*
 * Fuzzes the Arrow IPC reader (common/arrow): the input is an IPC stream
 * (0xFFFFFFFF, int32 length, header, body), split into messages; each
 * header and body is copied to a buffer of exactly its size, so that a read
 * past either is caught, and fed to arrow_ipc_message. A header the split
 * cannot read is fed too, with the rest of the input as its body. After a
 * record batch, every cell of every column is read through the accessors,
 * lists down to their last child.
 */
#include <stdlib.h>
#include <string.h>

#include "arrow/ipc.h"
#include "fuzz.h"

static volatile uint64_t sink;	/* keeps the reads */

static void read_cell(const struct arrow_array *c, int64_t row, int depth)
{
	size_t n;
	int64_t first, len;
	const char *s;
	if (arrow_is_null(c, row))
		return;
	switch (arrow_kind(c)) {
	case ARROW_K_INT: case ARROW_K_UINT: case ARROW_K_BOOL: case ARROW_K_TIMESTAMP:
		sink += (uint64_t)arrow_i64(c, row) + arrow_u64(c, row);
		if (arrow_kind(c) != ARROW_K_BOOL && arrow_kind(c) != ARROW_K_TIMESTAMP)
			sink += arrow_f64(c, row) > 0;
		break;
	case ARROW_K_FLOAT:
		sink += (uint64_t)(arrow_f64(c, row) != 0);
		break;
	case ARROW_K_STRING: case ARROW_K_BINARY:
		s = arrow_str(c, row, &n);
		if (n)
			sink += (uint8_t)s[0] + (uint8_t)s[n - 1];
		break;
	case ARROW_K_LIST:
		len = arrow_list(c, row, &first);
		if (len < 0 || first < 0 || depth > 64)
			abort();	/* the reader checked the offsets */
		for (int64_t i = 0; i < len; i++)
			read_cell(arrow_child(c), first + i, depth + 1);
		break;
	case ARROW_K_NULL:
		break;
	}
}

static void read_batch(const struct arrow_ipc *a)
{
	int64_t rows = arrow_nrows(a);
	if (rows > (1 << 20))	/* only Null columns are that long in 64 KiB */
		rows = 1 << 20;
	for (int col = 0; col < arrow_ncols(a); col++) {
		const struct arrow_array *c = arrow_column(a, col);
		if (arrow_kind(c) != arrow_col_kind(a, col))
			abort();
		sink += strlen(arrow_col_name(a, col)) + strlen(arrow_col_type(a, col));
		for (int64_t r = 0; r < rows; r++)
			read_cell(c, r, 0);
	}
}

static void message(struct arrow_ipc *a, const uint8_t *hdr, size_t hlen,
    const uint8_t *body, size_t blen)
{
	uint8_t *h = malloc(hlen ? hlen : 1), *b = malloc(blen ? blen : 1);
	memcpy(h, hdr, hlen);
	memcpy(b, body, blen);
	enum arrow_msg m = arrow_ipc_message(a, h, hlen, b, blen);
	if (m == ARROW_BATCH)
		read_batch(a);
	else if (m == ARROW_ERROR && !arrow_ipc_error(a)[0])
		abort();	/* every error says what */
	free(h);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arrow_ipc *a = arrow_ipc_new();
	const uint8_t *hdr, *body;
	size_t hlen, blen, pos = 0;
	int r;
	while ((r = arrow_ipc_next(data, size, &pos, &hdr, &hlen, &body, &blen)) > 0)
		message(a, hdr, hlen, body, blen);
	if (r < 0) {		/* the header the split refused, and the rest */
		size_t p = pos + 4;
		uint32_t len = 0;
		if (p + 4 <= size && memcmp(data + pos, "\xff\xff\xff\xff", 4) == 0)
			p += 4;
		if (p <= size)
			memcpy(&len, data + p - 4, 4);
		if (p <= size && len <= size - p)
			message(a, data + p, len, data + p + len, size - p - len);
	}
	arrow_ipc_free(a);
	return 0;
}
