/*
 * Fuzzes what span-fetch does with a DoGet answer: the input is the body
 * of the HTTP/2 stream, gRPC messages (a flag byte, a 4-byte big-endian
 * length, the message), each a FlightData protobuf unpacked and handed to
 * the Arrow IPC reader (flightdata_read in common/flight/flightsql.c).
 * Each message is copied to a buffer of exactly its size so that a read
 * past it is caught; after a record batch every cell is read. Seeds: the
 * DoGet answers of tests/flight/server.mjs --dump-dir (when node is here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrow/ipc.h"
#include "flight/flightsql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void
read_cells(const struct arrow_ipc *a)
{
	int64_t rows = arrow_nrows(a);

	if (rows > (1 << 16))
		rows = 1 << 16;
	for (int col = 0; col < arrow_ncols(a); col++) {
		const struct arrow_array *c = arrow_column(a, col);

		for (int64_t r = 0; r < rows; r++) {
			size_t n;
			int64_t first;

			if (arrow_is_null(c, r))
				continue;
			switch (arrow_kind(c)) {
			case ARROW_K_STRING:
			case ARROW_K_BINARY:
				if (arrow_str(c, r, &n) && n)
					sink += n;
				break;
			case ARROW_K_LIST:
				sink += (uint64_t)arrow_list(c, r, &first);
				break;
			default:
				sink += (uint64_t)arrow_i64(c, r);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arrow_ipc *a = arrow_ipc_new();
	void *fd = NULL;

	while (size >= 5) {
		size_t n = (size_t)data[1] << 24 | (size_t)data[2] << 16
		    | (size_t)data[3] << 8 | data[4];
		uint8_t *m;

		if (n > size - 5)
			n = size - 5;
		m = malloc(n ? n : 1);
		memcpy(m, data + 5, n);
		if (flightdata_read(a, m, n, &fd) == ARROW_BATCH)
			read_cells(a);
		flightdata_free(fd);
		fd = NULL;
		free(m);
		data += 5 + n;
		size -= 5 + n;
	}
	arrow_ipc_free(a);
	return 0;
}
