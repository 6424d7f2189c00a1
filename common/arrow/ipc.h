/*
 * Arrow IPC reader: decodes the messages of an Arrow IPC stream (Schema,
 * DictionaryBatch, RecordBatch) one at a time, as FlightData carries them,
 * and gives the current batch's cells through plain accessors.
 *
 * Every offset and length a message holds is checked when the message is
 * read; the accessors then do index arithmetic only. A row index must be in
 * [0, arrow_nrows()) for a column, and in the range arrow_list() gave for a
 * list's child.
 */
#ifndef SPANPIPE_ARROW_IPC_H
#define SPANPIPE_ARROW_IPC_H

#include <stddef.h>
#include <stdint.h>

struct arrow_ipc;	/* one stream: its schema, dictionaries and current batch */
struct arrow_array;	/* a column of the current batch, or a list's child */

enum arrow_msg { ARROW_ERROR = -1, ARROW_SCHEMA = 1, ARROW_DICTIONARY = 2, ARROW_BATCH = 3 };
enum arrow_kind { ARROW_K_NULL, ARROW_K_INT, ARROW_K_UINT, ARROW_K_FLOAT, ARROW_K_BOOL,
	ARROW_K_STRING /* Utf8, LargeUtf8 */, ARROW_K_BINARY /* Binary, LargeBinary */,
	ARROW_K_TIMESTAMP, ARROW_K_LIST };

struct arrow_ipc *arrow_ipc_new(void);
void arrow_ipc_free(struct arrow_ipc *a);
/* The most bytes a message's buffers may claim once decompressed, and the
 * dictionaries may hold together: 1 GiB, or less when set lower. */
void arrow_ipc_set_limit(struct arrow_ipc *a, int64_t bytes);
/*
 * One IPC message: hdr is FlightData.data_header (a flatbuffer Message, no
 * 0xFFFFFFFF continuation or length prefix), body is FlightData.data_body.
 * Every offset and length is checked against hdr and body here: after
 * ARROW_BATCH the accessors below never read out of bounds. The batch's
 * cells point into body, which must stay valid until the next call;
 * dictionaries are copied (they outlive their message). On ARROW_ERROR
 * arrow_ipc_error() says what and where ("column 'name': type Utf8View is
 * not supported", "record batch: buffer 3 (offset 64, length 4096) runs past
 * the body's 1024 bytes"). Whatever the message, the previous batch is
 * gone (arrow_nrows() is 0 until the next ARROW_BATCH). A refused
 * DictionaryBatch or RecordBatch leaves the schema and the dictionaries as
 * they were; a refused Schema leaves none (arrow_ncols() is 0). Limits: a
 * schema of 4096 fields, lists 32 deep, 2^31 values a node, and the bytes
 * of arrow_ipc_set_limit.
 */
enum arrow_msg arrow_ipc_message(struct arrow_ipc *a, const uint8_t *hdr, size_t hlen,
    const uint8_t *body, size_t blen);
const char *arrow_ipc_error(const struct arrow_ipc *a);
/*
 * The encapsulated form (an IPC stream file, FlightInfo.schema): the message
 * at *pos of buf, as 0xFFFFFFFF (optional), an int32 header length, the
 * header, then the body of the header's bodyLength. Gives 1 and moves *pos
 * past it; 0 at the end (end of buf, or the zero length that ends a
 * stream); -1 when the message is cut short or its header is not a
 * readable Message.
 */
int arrow_ipc_next(const uint8_t *buf, size_t n, size_t *pos, const uint8_t **hdr,
    size_t *hlen, const uint8_t **body, size_t *blen);

int arrow_ncols(const struct arrow_ipc *a);			/* of the schema */
const char *arrow_col_name(const struct arrow_ipc *a, int col);
int arrow_col_find(const struct arrow_ipc *a, const char *name);	/* -1: absent */
/* The type as messages show it: "Timestamp(ns, +00:00)", "Dictionary(Int32, Utf8)". */
const char *arrow_col_type(const struct arrow_ipc *a, int col);
/* The kind of values a column gives (a Dictionary gives its values' kind). */
enum arrow_kind arrow_col_kind(const struct arrow_ipc *a, int col);

int64_t arrow_nrows(const struct arrow_ipc *a);			/* of the current batch */
const struct arrow_array *arrow_column(const struct arrow_ipc *a, int col);
enum arrow_kind arrow_kind(const struct arrow_array *c);
int arrow_is_null(const struct arrow_array *c, int64_t row);
/*
 * Values of a row that is not null; the caller checked the kind. Timestamps
 * in ns since the epoch whatever their unit: arrow_ipc_message refuses a
 * batch or dictionary whose non-null timestamp does not fit in int64 ns.
 * A value that does not fit the type asked for saturates: a UInt64 above
 * INT64_MAX asked as i64 gives INT64_MAX, a negative INT asked as u64 gives
 * 0. A cell of another kind than those listed gives 0 (or NULL and n = 0).
 */
int64_t arrow_i64(const struct arrow_array *c, int64_t row);	/* INT, UINT <= INT64_MAX, BOOL, TIMESTAMP */
uint64_t arrow_u64(const struct arrow_array *c, int64_t row);	/* UINT, INT >= 0 */
double arrow_f64(const struct arrow_array *c, int64_t row);	/* FLOAT, INT, UINT */
const char *arrow_str(const struct arrow_array *c, int64_t row, size_t *n); /* STRING, BINARY (not NUL-terminated) */
/* LIST: the row's elements are rows [*first, *first + n) of arrow_child(c). */
int64_t arrow_list(const struct arrow_array *c, int64_t row, int64_t *first);
const struct arrow_array *arrow_child(const struct arrow_array *c);

#endif
