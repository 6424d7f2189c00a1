/*
 * The parsing half of the record reader: a thread of its own reads the
 * input in 64 KiB blocks, feeds it to libcsv a line at a time and hands
 * over batches of parsed records, so that parsing runs beside the tool's
 * work on the records before. Every outcome (a record, a CSV error, the
 * end, a read error) is an item of a batch, in input order: only the
 * consuming thread reports and exits.
 */
#ifndef SPANPIPE_CSVFEED_H
#define SPANPIPE_CSVFEED_H

#include <stddef.h>
#include <stdint.h>

enum { IT_RECORD, IT_ERROR, IT_END, IT_READERR };

struct citem {
	int type;
	unsigned long line;	/* the line the record (or error) starts on */
	size_t first, nf;	/* IT_RECORD: its fields in fields[]
				 * (nf counts all; 256 at most are kept) */
	size_t abase;		/* where its field text starts in arena[] */
	size_t raw, rawlen;	/* its line(s) of text in raw[] */
	int bad;		/* a field with a NUL byte or bad UTF-8, or -1 */
	size_t badoff;		/* the byte where it goes wrong */
	const char *msg;	/* IT_ERROR: what is wrong */
	int err;		/* IT_READERR: errno */
	uint64_t consumed;	/* input bytes read up to this item */
};

/*
 * A field: its text at arena + abase + off of its record, NUL-terminated.
 * Offsets within a record fit 32 bits: 256 fields of at most 16 MiB.
 */
struct cfield {
	uint32_t off, len;
};

struct cbatch {
	char *arena;		/* field bytes, NUL-terminated */
	size_t alen, acap;
	struct cfield *fields;
	size_t nf, fcap;
	char *raw;
	size_t rawlen, rawcap;
	struct citem *items;
	size_t nitems, icap;
};

struct cfeed;

struct cfeed *cf_start(int fd);
/* The next batch in input order; blocks until the thread has one. */
struct cbatch *cf_next(struct cfeed *f);
/* Gives a batch back to be filled again. */
void cf_release(struct cfeed *f, struct cbatch *b);
/* Stops the thread, wherever it is, and frees everything. */
void cf_stop(struct cfeed *f);

#endif
