/*
 * The record reader: what the parsing thread (csvfeed.c) hands over, taken
 * a record at a time, with the header's column map applied. Reports and
 * exits happen here, on the tool's own thread, in input order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sig.h"
#include "base/utf8.h"
#include "base/util.h"
#include "records/csvfeed.h"
#include "records/diag.h"
#include "records/record.h"

#define MAXIN 64			/* input columns of a header */

struct reader {
	const char *name;
	int fd, header_done, ended;
	struct cfeed *feed;
	struct cbatch *b;		/* the batch being read, or NULL */
	size_t next;			/* its next item */
	const struct citem *it;		/* the item of the last record */
	uint64_t consumed;
	int map[MAXIN];			/* input column -> enum col, or -1 */
	size_t nmap;
	int canonical;			/* the header is the one rec_write writes */
};

enum kind
kind_parse(const char *s, size_t n)
{
	if (n == 5 && memcmp(s, "slice", 5) == 0)	/* the most common */
		return K_SLICE;
	for (int k = 1; k < NKINDS; k++)
		if (s[0] == kind_names[k][0] && strlen(kind_names[k]) == n &&
		    memcmp(s, kind_names[k], n) == 0)
			return k;
	return K_UNKNOWN;
}

struct reader *
rd_open(const char *path)
{
	struct reader *rd = xcalloc(1, sizeof(*rd));

	if (!path || strcmp(path, "-") == 0) {
		rd->fd = STDIN_FILENO;
		rd->name = "<stdin>";
	} else {
		rd->fd = open(path, O_RDONLY);
		if (rd->fd < 0)
			die(EX_NOINPUT, "%s:", path);
		rd->name = path;
	}
	rd->feed = cf_start(rd->fd);
	return rd;
}

void
rd_close(struct reader *rd)
{
	if (!rd)
		return;
	if (rd->b)
		cf_release(rd->feed, rd->b);
	cf_stop(rd->feed);
	if (rd->fd != STDIN_FILENO)
		close(rd->fd);
	free(rd);
}

const char *
rd_name(const struct reader *rd)
{
	return rd->name;
}

uint64_t
rd_bytes(const struct reader *rd)
{
	return rd->consumed;
}

static const char *
field(const struct reader *rd, const struct citem *it, size_t i)
{
	return rd->b->arena + it->abase + rd->b->fields[it->first + i].off;
}

static void
set_header(struct reader *rd, const struct citem *it)
{
	int seen[NCOLS] = { 0 };

	if (it->nf > MAXIN) {
		pos_error(rd->name, it->line, 0, -1, "header has %zu columns, "
		    "at most %d are read", it->nf, MAXIN);
		exit(EX_DATAERR);
	}
	rd->nmap = it->nf;
	for (size_t i = 0; i < it->nf; i++) {
		const char *name = field(rd, it, i);
		int c;

		for (c = 0; c < NCOLS; c++)
			if (strcmp(name, col_names[c]) == 0)
				break;
		if (c == NCOLS) {
			warnmsg("%s:%lu: warning: unknown column '%s' ignored",
			    rd->name, it->line, name);
			rd->map[i] = -1;
			continue;
		}
		if (seen[c]) {
			pos_error(rd->name, it->line, 0, -1,
			    "header names column '%s' twice", name);
			exit(EX_DATAERR);
		}
		seen[c] = 1;
		rd->map[i] = c;
	}
	rd->canonical = rd->nmap == NCOLS;
	for (size_t i = 0; i < rd->nmap; i++)
		rd->canonical &= rd->map[i] == (int)i;
}

static void
canonical_map(struct reader *rd)
{
	for (int c = 0; c < NCOLS; c++)
		rd->map[c] = c;
	rd->nmap = NCOLS;
	rd->canonical = 1;
}

/*
 * The parsing thread names the first field with a NUL byte or bad UTF-8;
 * when that column is ignored, the fields after it are checked here, so
 * that a bad byte in a column that is read is never let through.
 */
static int
check_text(const struct reader *rd, const struct citem *it,
    const struct record *r)
{
	for (size_t i = (size_t)it->bad; i < it->nf; i++) {
		int c = rd->map[i];
		size_t off;

		if (c < 0)
			continue;
		off = i == (size_t)it->bad ? it->badoff :
		    utf8_valid(r->v[c], r->len[c]);
		if (off == r->len[c])
			continue;
		pos_error(rd->name, it->line, rec_column(r, c), c,
		    r->v[c][off] ? "not valid UTF-8 (byte %zu of the field)" :
		    "a NUL byte (byte %zu of the field)", off + 1);
		return 0;
	}
	return 1;
}

/* Fills r from the record item it; 0 (reported) if it is not valid. */
static int
fill_record(struct reader *rd, const struct citem *it, struct record *r)
{
	static const char empty[] = "";
	const struct cfield *fd = rd->b->fields + it->first;
	const char *text = rd->b->arena + it->abase;

	r->rd = rd;
	r->line = it->line;
	if (rd->canonical && it->nf == NCOLS) {		/* the common case */
		for (int c = 0; c < NCOLS; c++) {
			r->v[c] = text + fd[c].off;
			r->len[c] = fd[c].len;
		}
		r->kind = kind_parse(r->v[C_KIND], r->len[C_KIND]);
		return it->bad < 0 || check_text(rd, it, r);
	}
	for (int c = 0; c < NCOLS; c++) {
		r->v[c] = empty;
		r->len[c] = 0;
	}
	if (it->nf > rd->nmap) {
		pos_error(rd->name, it->line, 0, -1, "%zu fields, but the "
		    "header has %zu columns", it->nf, rd->nmap);
		return 0;
	}
	for (size_t i = 0; i < it->nf; i++) {
		int c = rd->map[i];

		if (c < 0)
			continue;
		r->v[c] = text + fd[i].off;
		r->len[c] = fd[i].len;
	}
	r->kind = kind_parse(r->v[C_KIND], r->len[C_KIND]);
	return it->bad < 0 || check_text(rd, it, r);
}

/* The next item, from the next batch when this one is done. */
static const struct citem *
next_item(struct reader *rd)
{
	if (rd->b && rd->next == rd->b->nitems) {
		cf_release(rd->feed, rd->b);
		rd->b = NULL;
	}
	if (!rd->b) {
		rd->b = cf_next(rd->feed);
		rd->next = 0;
	}
	return &rd->b->items[rd->next++];
}

int
rd_next(struct reader *rd, struct record *r)
{
	for (;;) {
		const struct citem *it;

		sig_check();	/* between records: a place to stop */
		if (rd->ended)
			return 0;
		it = next_item(rd);
		sig_check();	/* woken by a signal while waiting */
		rd->consumed = it->consumed;
		switch (it->type) {
		case IT_END:
			rd->ended = 1;
			return 0;
		case IT_READERR:
			rd->ended = 1;
			errno = it->err;
			die(EX_IOERR, "%s: read error:", rd->name);
		case IT_ERROR:
			pos_error(rd->name, it->line, 0, -1, "%s", it->msg);
			return -1;
		}
		rd->it = it;
		if (!rd->header_done) {
			rd->header_done = 1;
			if (it->nf > 0 && strcmp(field(rd, it, 0), "kind") == 0) {
				set_header(rd, it);
				continue;
			}
			canonical_map(rd);
		}
		return fill_record(rd, it, r) ? 1 : -1;
	}
}

/*
 * The text of r as read, when writing it as it is gives a canonical record
 * line: a record of every column in canonical order, ended by a lone LF.
 * NULL otherwise, and for a record not read by rd_next.
 */
const char *
rec_raw(const struct record *r, size_t *n)
{
	const struct reader *rd = r->rd;
	const struct citem *it;
	const char *raw;

	if (!rd || !rd->canonical || !rd->b || !rd->it || rd->it->line != r->line)
		return NULL;
	it = rd->it;
	raw = rd->b->raw + it->raw;
	if (it->nf != NCOLS || it->rawlen < 2 || raw[it->rawlen - 1] != '\n' ||
	    raw[it->rawlen - 2] == '\r')
		return NULL;
	*n = it->rawlen;
	return raw;
}

/*
 * Finds where field c starts in the raw line by walking the CSV text of
 * the line once more, quotes included. Only used to report an error.
 */
unsigned long
rec_column(const struct record *r, enum col c)
{
	const struct reader *rd = r->rd;
	const char *raw;
	size_t want = 0, i = 0, nraw, field = 0;
	int quoted = 0;

	if (!rd->b || !rd->it)
		return 1;
	raw = rd->b->raw + rd->it->raw;
	nraw = rd->it->rawlen;
	while (want < rd->nmap && rd->map[want] != (int)c)
		want++;
	if (want == rd->nmap)
		return 1;
	for (; i < nraw && field < want; i++) {
		char ch = raw[i];

		if (ch == '"')
			quoted = !quoted;
		else if (ch == ',' && !quoted)
			field++;
		else if ((ch == '\n' || ch == '\r') && !quoted)
			break;
	}
	/* the column within its physical line */
	size_t start = i;
	while (start > 0 && raw[start - 1] != '\n')
		start--;
	return (unsigned long)(i - start) + 1;
}
