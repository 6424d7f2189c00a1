/*
 * Input shared by the OTLP, Jaeger and Zipkin readers: a file or standard
 * input, plain or gzip (told by its magic bytes, inflated as it is read),
 * the JSON values in it one at a time, and trace and span ids in hex or
 * base64.
 */
#ifndef SPANPIPE_OTEL_INPUT_H
#define SPANPIPE_OTEL_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define OT_BLOCK (256 * 1024)		/* bytes read at a time */
#define OT_MAXVALUE (64u << 20)	/* bytes of one top-level JSON value */

struct ot_in;

/* Opens path ("-" or NULL: standard input). Exits EX_NOINPUT if it can't. */
struct ot_in *ot_in_open(const char *path);
void ot_in_close(struct ot_in *in);
const char *ot_in_name(const struct ot_in *in);
int ot_in_gzip(const struct ot_in *in);
uint64_t ot_in_rawbytes(const struct ot_in *in);	/* read from the file */
uint64_t ot_in_offset(const struct ot_in *in);		/* consumed so far */

/* The first bytes of the (inflated) input, without consuming them: at
 * least min(n, input size) of them. */
const uint8_t *ot_in_head(struct ot_in *in, size_t n, size_t *got);
/* Up to n bytes (0 only at the end). A read or gzip error exits EX_IOERR /
 * EX_DATAERR naming the file. */
size_t ot_in_read(struct ot_in *in, void *buf, size_t n);
/* Exactly n bytes: 1, or 0 when the input ends first (*got says where). */
int ot_in_full(struct ot_in *in, void *buf, size_t n, size_t *got);

/*
 * The next top-level JSON value of the input: JSON lines, values written
 * back to back, pretty-printed or not. When arrays is set a top-level
 * array is opened and its elements given one at a time. Returns 1 with
 * *obj set (put it), 0 at the end, -1 after a value that is not valid JSON
 * (reported through diag with file:line:col; with keep-going the reader
 * resumes at the next line). A value over OT_MAXVALUE bytes is an error.
 */
struct ot_json;
struct ot_json *ot_json_open(struct ot_in *in, int arrays);
void ot_json_close(struct ot_json *j);
int ot_json_next(struct ot_json *j, json_object **obj);
/* "FILE:LINE:COL" where the value last returned starts. */
const char *ot_json_where(const struct ot_json *j);
unsigned long ot_json_line(const struct ot_json *j);

/*
 * What the bytes at the start of a file look like, for the message when
 * the wrong flag was given: "OTLP/JSON", "OTLP protobuf", "Jaeger JSON",
 * "Zipkin JSON", "Chrome JSON", "spanpipe records" or NULL.
 */
const char *ot_sniff(const uint8_t *p, size_t n);

/*
 * An id of len bytes (16: trace, 8: span) from text: hex of any case, with
 * fewer digits left-padded with zeros (leading zeros dropped by a writer),
 * or base64 of exactly len bytes. An empty string or an id of all zeros is
 * absent. Returns 1 (set), 0 (absent; out zeroed) or -1 (not an id).
 */
int ot_id_parse(const char *s, size_t n, uint8_t *out, size_t len);
/* Hex only (Jaeger, Zipkin): the same without base64. */
int ot_hex_parse(const char *s, size_t n, uint8_t *out, size_t len);
/* Lower-case hex of len bytes into out (2 * len + 1 bytes). */
void ot_id_hex(const uint8_t *id, size_t len, char *out);

#endif
