/*
 * Reading a Perfetto trace as a stream of top-level fields: a file or
 * standard input, plain or gzip (found by its magic bytes and inflated on
 * the fly), read in large blocks. Memory is one block plus the largest
 * packet, never the whole trace.
 */
#ifndef SPANPIPE_TRACEIN_H
#define SPANPIPE_TRACEIN_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/pbread.h"

#define TI_BLOCK (1 << 20)		/* bytes read at a time */
#define TI_MAXPACKET (256u << 20)	/* larger packets are skipped */

enum tires {
	TI_PACKET,	/* a Trace.packet field: data, len */
	TI_FIELD,	/* another top-level field, already skipped */
	TI_HUGE,	/* a packet over TI_MAXPACKET, skipped unread */
	TI_END,		/* end of input */
	TI_TRUNC,	/* input ends inside the field at off */
	TI_BAD,		/* bytes at off are no protobuf field; why */
	TI_IOERR	/* read error; errno is set */
};

struct tifield {
	uint32_t num;
	enum pbwire wt;
	const uint8_t *data;	/* TI_PACKET: valid until the next call */
	size_t len;
	uint64_t off;		/* stream offset of the field's tag */
	uint64_t declared;	/* TI_TRUNC, TI_HUGE: the length it gave */
	uint64_t left;		/* TI_TRUNC: bytes after its header */
	const char *why;
};

struct tracein;

/* Opens path ("-" or NULL: stdin); NULL with errno set if it can't. */
struct tracein *ti_open(const char *path);
void ti_close(struct tracein *ti);
const char *ti_name(const struct tracein *ti);
int ti_gzip(const struct tracein *ti);
uint64_t ti_rawbytes(const struct tracein *ti);	/* bytes read from input */
uint64_t ti_offset(const struct tracein *ti);	/* stream bytes consumed */
/* A gzip stream that was cut short or corrupt: what, else NULL. */
const char *ti_gzip_fault(const struct tracein *ti);

enum tires ti_next(struct tracein *ti, struct tifield *f);

/*
 * Inflates a zlib or gzip stream (the two forms Perfetto's importer takes
 * for compressed_packets) into a new buffer of at most max bytes. Returns
 * it (free it) with *outn set, or NULL with *why when the stream is bad,
 * cut short or inflates past max.
 */
uint8_t *ti_inflate(const uint8_t *p, size_t n, size_t max, size_t *outn,
    const char **why);

#endif
