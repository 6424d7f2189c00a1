/*
 * The record reader. Input is read in 64 KiB blocks and fed to libcsv one
 * line at a time (up to and including each '\n'), so that every completed
 * record is known with the line it started on and the raw text of that line
 * is at hand to name the column of a bad field. Records completed by one
 * feed wait in a small queue (several only for CR-only line ends).
 * Cost: libcsv's byte loop plus one copy of each field and each line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "diag.h"
#include "record.h"
#include "utf8.h"
#include "util.h"

#define BLOCK (64 * 1024)
#define MAXFIELD (16 * 1024 * 1024)	/* the longest field accepted */
#define MAXIN 64			/* input columns of a header */

const char *const col_names[NCOLS] = {
	"kind", "ts", "dur", "pid", "tid", "track", "id", "parent", "depth",
	"name", "category", "file", "line", "value", "flows", "flows_end",
	"args",
};

const char *const kind_names[NKINDS] = {
	"?", "process", "thread", "track", "slice", "begin", "end", "instant",
	"counter", "async_begin", "async_end", "async",
};

struct done {			/* a completed record in the queue */
	size_t first, nf;	/* its fields in foff[] */
	unsigned long line;
};

struct reader {
	const char *name;
	int fd, eof, header_done;
	struct csv_parser p;
	char *buf;			/* the input block */
	size_t len, pos;
	uint64_t consumed;
	unsigned long line;		/* line of the byte at pos */
	unsigned long recstart;		/* line the record being parsed began */
	char *arena;			/* field bytes, NUL-terminated */
	size_t alen, acap;
	size_t *foff, *flen;		/* fields of records in the queue */
	size_t nf, fcap, curfirst;
	struct done *q;
	size_t nq, qcap, qhead;
	char *raw;			/* text of the current line(s) */
	size_t rawlen, rawcap;
	int map[MAXIN];			/* input column -> enum col, or -1 */
	size_t nmap;
};

enum kind
kind_parse(const char *s)
{
	if (s[0] == 's' && strcmp(s, "slice") == 0)	/* the most common */
		return K_SLICE;
	for (int k = 1; k < NKINDS; k++)
		if (s[0] == kind_names[k][0] && strcmp(s, kind_names[k]) == 0)
			return k;
	return K_UNKNOWN;
}

/* libcsv's buffer grows through this: refusing is how a field is capped. */
static void *
capped_realloc(void *p, size_t n)
{
	if (n > MAXFIELD + 2)
		return NULL;
	return realloc(p, n);
}

/* RFC 4180 keeps spaces around fields; libcsv trims them unless told. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
parser_init(struct reader *rd)
{
	if (csv_init(&rd->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		die(EX_OSERR, "out of memory");
	csv_set_space_func(&rd->p, no_space);
	csv_set_realloc_func(&rd->p, capped_realloc);
	csv_set_free_func(&rd->p, free);
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
	parser_init(rd);
	rd->buf = xmalloc(BLOCK);
	rd->line = rd->recstart = 1;
	return rd;
}

void
rd_close(struct reader *rd)
{
	if (!rd)
		return;
	if (rd->fd != STDIN_FILENO)
		close(rd->fd);
	csv_free(&rd->p);
	free(rd->buf);
	free(rd->arena);
	free(rd->foff);
	free(rd->flen);
	free(rd->q);
	free(rd->raw);
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

static void
on_field(void *s, size_t n, void *data)
{
	struct reader *rd = data;

	if (rd->acap - rd->alen < n + 1) {
		rd->acap = (rd->acap + n + 1) * 2;
		rd->arena = xrealloc(rd->arena, rd->acap);
	}
	memcpy(rd->arena + rd->alen, s, n);
	rd->arena[rd->alen + n] = '\0';
	if (rd->nf == rd->fcap) {
		rd->fcap = rd->fcap ? rd->fcap * 2 : 64;
		rd->foff = xreallocarray(rd->foff, rd->fcap, sizeof(size_t));
		rd->flen = xreallocarray(rd->flen, rd->fcap, sizeof(size_t));
	}
	rd->foff[rd->nf] = rd->alen;
	rd->flen[rd->nf++] = n;
	rd->alen += n + 1;
}

static void
on_record(int c, void *data)
{
	struct reader *rd = data;

	(void)c;
	if (rd->nq == rd->qcap) {
		rd->qcap = rd->qcap ? rd->qcap * 2 : 16;
		rd->q = xreallocarray(rd->q, rd->qcap, sizeof(*rd->q));
	}
	rd->q[rd->nq++] = (struct done){ rd->curfirst, rd->nf - rd->curfirst,
	    rd->recstart };
	rd->curfirst = rd->nf;
	rd->recstart = rd->line;	/* fixed up at the next feed */
}

static void
raw_append(struct reader *rd, const char *s, size_t n)
{
	if (rd->rawcap - rd->rawlen < n) {
		rd->rawcap = (rd->rawcap + n) * 2;
		rd->raw = xrealloc(rd->raw, rd->rawcap);
	}
	memcpy(rd->raw + rd->rawlen, s, n);
	rd->rawlen += n;
}

/* Drops the queue and the current partial record: the arena starts over. */
static void
reset_queue(struct reader *rd)
{
	rd->nq = rd->qhead = 0;
	rd->nf = rd->curfirst = rd->alen = 0;
}

static int
fill(struct reader *rd)
{
	ssize_t n;

	do
		n = read(rd->fd, rd->buf, BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die(EX_IOERR, "%s: read error:", rd->name);
	rd->len = (size_t)n;
	rd->pos = 0;
	if (rd->consumed == 0 && n >= 3 && memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0) {
		rd->pos = 3;		/* a UTF-8 byte order mark */
		rd->consumed = 3;
	}
	return n > 0;
}

static const char *
csv_why(const struct reader *rd)
{
	if (csv_error((struct csv_parser *)&rd->p) == CSV_ENOMEM)
		return "field longer than 16 MiB";
	return "malformed quoting (a quote inside an unquoted field, or "
	    "text after a closing quote)";
}

/*
 * A CSV syntax error: reports it, then starts a fresh parser at the next
 * line. With keep-going off, pos_error does not return.
 */
static void
csv_fail(struct reader *rd, const char *why)
{
	pos_error(rd->name, rd->recstart, 0, -1, "%s", why);
	csv_free(&rd->p);
	parser_init(rd);
	reset_queue(rd);
	rd->rawlen = 0;
	rd->recstart = rd->line;
}

/* Feeds one line (or what is left of the block) to libcsv. 0 at the end. */
static int
feed(struct reader *rd)
{
	if (rd->pos == rd->len && !fill(rd)) {
		if (!rd->eof) {
			rd->eof = 1;
			if (csv_fini(&rd->p, on_field, on_record, rd) != 0)
				csv_fail(rd, "unterminated quoted field at the "
				    "end of input");
		}
		return rd->nq > rd->qhead;
	}
	if (rd->p.pstate == 0 && rd->nf == rd->curfirst) {	/* new line */
		rd->recstart = rd->line;
		if (rd->nq == rd->qhead)
			rd->rawlen = 0;
	}
	const char *s = rd->buf + rd->pos;
	const char *nl = memchr(s, '\n', rd->len - rd->pos);
	size_t n = nl ? (size_t)(nl - s) + 1 : rd->len - rd->pos;

	raw_append(rd, s, n);
	rd->pos += n;
	rd->consumed += n;
	if (csv_parse(&rd->p, s, n, on_field, on_record, rd) != n) {
		csv_fail(rd, csv_why(rd));
		if (nl)
			rd->line++;
		rd->recstart = rd->line;
		/* skip the rest of a line the error left unread */
		return 1;
	}
	if (nl)
		rd->line++;
	return 1;
}

static void
set_header(struct reader *rd, const struct done *d)
{
	int seen[NCOLS] = { 0 };

	if (d->nf > MAXIN) {
		pos_error(rd->name, d->line, 0, -1, "header has %zu columns, "
		    "at most %d are read", d->nf, MAXIN);
		exit(EX_DATAERR);
	}
	rd->nmap = d->nf;
	for (size_t i = 0; i < d->nf; i++) {
		const char *name = rd->arena + rd->foff[d->first + i];
		int c;

		for (c = 0; c < NCOLS; c++)
			if (strcmp(name, col_names[c]) == 0)
				break;
		if (c == NCOLS) {
			warnmsg("%s:%lu: warning: unknown column '%s' ignored",
			    rd->name, d->line, name);
			rd->map[i] = -1;
			continue;
		}
		if (seen[c]) {
			pos_error(rd->name, d->line, 0, -1,
			    "header names column '%s' twice", name);
			exit(EX_DATAERR);
		}
		seen[c] = 1;
		rd->map[i] = c;
	}
}

static void
canonical_map(struct reader *rd)
{
	for (int c = 0; c < NCOLS; c++)
		rd->map[c] = c;
	rd->nmap = NCOLS;
}

/* Fills r from the queued record d; 0 if it has too many fields. */
static int
fill_record(struct reader *rd, const struct done *d, struct record *r)
{
	static const char empty[] = "";

	r->rd = rd;
	r->line = d->line;
	for (int c = 0; c < NCOLS; c++) {
		r->v[c] = empty;
		r->len[c] = 0;
	}
	if (d->nf > rd->nmap) {
		pos_error(rd->name, d->line, 0, -1, "%zu fields, but the "
		    "header has %zu columns", d->nf, rd->nmap);
		return 0;
	}
	for (size_t i = 0; i < d->nf; i++) {
		int c = rd->map[i];

		if (c < 0)
			continue;
		r->v[c] = rd->arena + rd->foff[d->first + i];
		r->len[c] = rd->flen[d->first + i];
	}
	r->kind = kind_parse(r->v[C_KIND]);
	for (int c = 0; c < NCOLS; c++) {
		size_t ok = utf8_valid(r->v[c], r->len[c]);

		if (ok < r->len[c]) {
			pos_error(rd->name, d->line, rec_column(r, c), c,
			    r->v[c][ok] ? "not valid UTF-8 (byte %zu of the "
			    "field)" : "a NUL byte (byte %zu of the field)", ok + 1);
			return 0;
		}
	}
	return 1;
}

int
rd_next(struct reader *rd, struct record *r)
{
	for (;;) {
		while (rd->qhead < rd->nq) {
			const struct done *d = &rd->q[rd->qhead++];

			if (!rd->header_done) {
				rd->header_done = 1;
				const char *first = rd->arena + rd->foff[d->first];
				if (strcmp(first, "kind") == 0) {
					set_header(rd, d);
					continue;
				}
				canonical_map(rd);
			}
			return fill_record(rd, d, r) ? 1 : -1;
		}
		if (rd->nq > 0 && rd->nf == rd->curfirst) {
			/* the queue is drained and no record is half read */
			reset_queue(rd);
		}
		if (!feed(rd) && rd->qhead == rd->nq)
			return 0;
	}
}

/*
 * Finds where field c starts in the raw line by walking the CSV text of
 * the line once more, quotes included. Only used to report an error.
 */
unsigned long
rec_column(const struct record *r, enum col c)
{
	const struct reader *rd = r->rd;
	size_t want = 0, i = 0, field = 0;
	int quoted = 0;

	while (want < rd->nmap && rd->map[want] != (int)c)
		want++;
	if (want == rd->nmap)
		return 1;
	for (; i < rd->rawlen && field < want; i++) {
		char ch = rd->raw[i];

		if (ch == '"')
			quoted = !quoted;
		else if (ch == ',' && !quoted)
			field++;
		else if ((ch == '\n' || ch == '\r') && !quoted)
			break;
	}
	/* the column within its physical line */
	size_t start = i;
	while (start > 0 && rd->raw[start - 1] != '\n')
		start--;
	return (unsigned long)(i - start) + 1;
}
