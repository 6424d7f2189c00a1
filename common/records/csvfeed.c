/*
 * The parsing thread. It feeds libcsv one line at a time (up to and
 * including each '\n'), so that each record is known with the line it
 * started on and the text of that line is kept to name the column of a
 * bad field later. Batches go round a ring of NBATCH: the thread fills one
 * while the consumer works through another, so memory stays bounded.
 * A batch goes over when it is full, and before any read that may block,
 * so a slow writer's records are not held back.
 * Cost: libcsv's byte loop, two copies of each line, and a lock round trip
 * per batch (at most one per 64 KiB read). A field is copied on its own
 * only in a line with quotes or spaces at a field's edge, or one that a
 * block boundary cuts: elsewhere libcsv's fields are the line's text
 * between its commas, so the line is copied once and its commas made NULs.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "base/sig.h"
#include "base/utf8.h"
#include "base/util.h"
#include "records/csvfeed.h"
#include "records/linescan.h"

#define BLOCK (64 * 1024)
#define MAXFIELD (16 * 1024 * 1024)	/* the longest field accepted */
#define NBATCH 4
#define BATCH_BYTES (256 * 1024)
#define BATCH_ITEMS 1024
#define MAXFIELDS 256			/* fields kept of one record */

struct cfeed {
	int fd, wake[2];	/* wake: written to stop a waiting thread */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cbatch b[NBATCH];
	int full[NBATCH];
	size_t pi, ci;
	int stop;
	/* the thread's own */
	struct csv_parser p;
	struct cbatch *cur;
	char *buf;
	size_t len, pos, curfirst, rawstart;
	size_t extra;			/* fields past MAXFIELDS, counted */
	int skipping;			/* after an error: to the line's end */
	int linebad;			/* the line(s) have NUL or bad UTF-8 */
	int inplace;			/* the record's fields are in its line */
	size_t lpos;			/* where its next field starts there */
	size_t abase;			/* the record's first byte in arena */
	struct cfield *fp, *fend;	/* an in-place line's next field */
	uint64_t consumed;
	unsigned long line, recstart;
};

/*
 * libcsv's field buffer grows through this, a block of 128 bytes at a
 * time: the block is doubled here so that a long field costs a few copies,
 * not thousands, and refusing past MAXFIELD is how a field is capped.
 */
static void *
capped_realloc(void *p, size_t n)
{
	size_t want = n < 4096 ? n : 2 * n;

	if (n > MAXFIELD + 2)
		return NULL;
	if (p && n <= malloc_usable_size(p))
		return p;
	return realloc(p, want < MAXFIELD + 2 ? want : MAXFIELD + 2);
}

/* RFC 4180 keeps spaces around fields; libcsv trims them unless told. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
parser_init(struct cfeed *f)
{
	if (csv_init(&f->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		die(EX_OSERR, "out of memory");
	csv_set_realloc_func(&f->p, capped_realloc);
	csv_set_free_func(&f->p, free);
}

static struct citem *
add_item(struct cfeed *f, int type)
{
	struct cbatch *b = f->cur;
	struct citem *it;

	if (b->nitems == b->icap) {
		b->icap = b->icap ? b->icap * 2 : 256;
		b->items = xreallocarray(b->items, b->icap, sizeof(*b->items));
	}
	it = &b->items[b->nitems++];
	zero(it, sizeof(*it));
	it->type = type;
	it->line = f->recstart;
	it->bad = -1;
	it->consumed = f->consumed;
	return it;
}

static void
arena_room(struct cbatch *b, size_t n)
{
	if (b->acap - b->alen < n) {
		b->acap = (b->acap + n) * 2;
		b->arena = xrealloc(b->arena, b->acap);
	}
}

static void
fields_room(struct cbatch *b, size_t n)
{
	if (b->fcap - b->nf < n) {
		b->fcap = (b->fcap + n) * 2;
		b->fields = xreallocarray(b->fields, b->fcap, sizeof(*b->fields));
	}
}

/* Room for the fields of an in-place line, which start a record. */
static void
inplace_room(struct cfeed *f)
{
	struct cbatch *b = f->cur;

	fields_room(b, MAXFIELDS);
	f->fp = b->fields + b->nf;
	f->fend = f->fp + MAXFIELDS;
}

/*
 * A record of more than MAXFIELDS fields is an error whatever its header
 * (record.c reads at most 64 columns): the rest are counted, not kept, so
 * a line of a hundred million commas costs no more memory than its text.
 */
static void
on_field(void *s, size_t n, void *data)
{
	struct cfeed *f = data;
	struct cbatch *b = f->cur;
	struct cfield *fd;

	if (b->nf - f->curfirst >= MAXFIELDS) {
		f->extra++;
		return;
	}
	fields_room(b, 1);
	if (b->nf == f->curfirst)
		f->abase = b->alen;
	fd = &b->fields[b->nf++];
	fd->len = (uint32_t)n;
	arena_room(b, n + 1);
	memcpy(b->arena + b->alen, s, n);
	b->arena[b->alen + n] = '\0';
	fd->off = (uint32_t)(b->alen - f->abase);
	b->alen += n + 1;
}

/*
 * A field of a line that is in place (the cost above): where it is, its
 * text comes with its record. feed_line() made room for MAXFIELDS.
 */
static void
on_field_inplace(void *s, size_t n, void *data)
{
	struct cfeed *f = data;

	(void)s;
	if (f->fp == f->fend) {
		f->extra++;
		return;
	}
	f->fp->off = (uint32_t)f->lpos;
	f->fp->len = (uint32_t)n;
	f->fp++;
	f->lpos += n + 1;
}

/*
 * The fields of an in-place record, at their offsets in its line: the
 * line goes into the arena once and each field's comma or line end
 * becomes its NUL.
 */
static void
place_fields(struct cfeed *f)
{
	struct cbatch *b = f->cur;
	size_t len = b->rawlen - f->rawstart;
	char *text;

	b->nf = (size_t)(f->fp - b->fields);
	arena_room(b, len + 1);
	f->abase = b->alen;
	text = b->arena + b->alen;
	memcpy(text, b->raw + f->rawstart, len);
	for (size_t k = f->curfirst; k < b->nf; k++)
		text[b->fields[k].off + b->fields[k].len] = '\0';
	b->alen += len + 1;
}

/* A record is complete: a field with a NUL byte or bad UTF-8 is marked. */
static void
on_record(int c, void *data)
{
	struct cfeed *f = data;
	struct cbatch *b = f->cur;
	struct citem *it = add_item(f, IT_RECORD);

	(void)c;
	if (f->inplace)
		place_fields(f);
	it->first = f->curfirst;
	it->abase = f->abase;
	it->nf = b->nf - f->curfirst + f->extra;
	it->raw = f->rawstart;
	it->rawlen = b->rawlen - f->rawstart;
	/* fields are parts of their lines: only a bad line needs a look */
	for (size_t i = 0; f->linebad && i < b->nf - f->curfirst && it->bad < 0;
	    i++) {
		const struct cfield *fd = &b->fields[it->first + i];
		size_t ok = utf8_valid(b->arena + it->abase + fd->off, fd->len);

		if (ok < fd->len) {
			it->bad = (int)i;
			it->badoff = ok;
		}
	}
	f->curfirst = b->nf;
	f->extra = 0;
	f->recstart = f->line;		/* fixed up at the next line */
}

static void
raw_append(struct cbatch *b, const char *s, size_t n)
{
	if (n == 0)		/* a block of a byte order mark alone */
		return;
	if (b->rawcap - b->rawlen < n) {
		b->rawcap = (b->rawcap + n) * 2;
		b->raw = xrealloc(b->raw, b->rawcap);
	}
	memcpy(b->raw + b->rawlen, s, n);
	b->rawlen += n;
}

static const char *
csv_why(struct cfeed *f)
{
	if (csv_error(&f->p) == CSV_ENOMEM)
		return "field longer than 16 MiB";
	return "malformed quoting (a quote inside an unquoted field, or "
	    "text after a closing quote)";
}

/*
 * A CSV syntax error: an item, then a fresh parser at the next line; the
 * rest of this line, if it goes on past the bytes given, is skipped.
 */
static void
csv_fail(struct cfeed *f, const char *why, int at_eol)
{
	add_item(f, IT_ERROR)->msg = why;
	csv_free(&f->p);
	parser_init(f);
	f->cur->nf = f->curfirst;	/* drop the half-parsed record */
	f->cur->rawlen = f->rawstart;
	f->extra = 0;
	f->recstart = f->line;
	f->skipping = !at_eol;
	f->inplace = 0;
}

/*
 * Reads a block: 1, or 0 at the end, or -1 (errno) on a read error, or -2
 * when told to stop, or -3 after a signal (sig.h). It waits in poll() on
 * the input, the wake-up pipe and the signal pipe, so that a reader closed
 * early or a signal never leaves it blocked in read().
 */
static int
fill(struct cfeed *f)
{
	struct pollfd pf[3] = { { f->fd, POLLIN, 0 }, { f->wake[0], POLLIN, 0 },
	    { sig_fd(), POLLIN, 0 } };
	ssize_t n;

	for (;;) {
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pf[1].revents)
			return -2;
		if (pf[2].revents)
			return -3;
		n = read(f->fd, f->buf, BLOCK);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0)
		return -1;
	f->len = (size_t)n;
	f->pos = 0;
	if (f->consumed == 0 && n >= 3 && memcmp(f->buf, "\xEF\xBB\xBF", 3) == 0) {
		f->pos = 3;		/* a UTF-8 byte order mark */
		f->consumed = 3;
	}
	return n > 0;
}

/* Feeds one line, or what is left of the block, to libcsv. */
static void
feed_line(struct cfeed *f)
{
	const char *s = f->buf + f->pos;
	int fl, nl, trim;
	size_t n = line_scan(s, f->len - f->pos, &fl);

	nl = fl & LS_EOL;

	if (f->skipping) {		/* the rest of a line with an error */
		f->pos += n;
		f->consumed += n;
		f->line += nl;
		f->recstart = f->line;
		f->skipping = !nl;
		return;
	}
	trim = (fl & LS_BLANK) && line_may_trim(s, n);
	if (f->p.pstate == 0 && f->cur->nf == f->curfirst) {	/* a new line */
		f->recstart = f->line;
		f->rawstart = f->cur->rawlen;
		f->linebad = 0;
		f->inplace = nl && !trim && !(fl & LS_QUOTE);
		f->lpos = 0;
	}
	raw_append(f->cur, s, n);
	if ((fl & LS_HIGH) && utf8_valid(s, n) < n)
		f->linebad = 1;
	f->pos += n;
	f->consumed += n;
	csv_set_space_func(&f->p, trim ? no_space : NULL);
	if (f->inplace)
		inplace_room(f);
	if (csv_parse(&f->p, s, n, f->inplace ? on_field_inplace : on_field,
	    on_record, f) != n)
		csv_fail(f, csv_why(f), nl);
	if (nl)
		f->line++;
	if (nl && f->p.pstate == 0 && f->cur->nf == f->curfirst)
		f->recstart = f->line;
}

/* Hands the current batch over and waits for the next free one. */
static int
publish(struct cfeed *f)
{
	pthread_mutex_lock(&f->mu);
	f->full[f->pi] = 1;
	f->pi = (f->pi + 1) % NBATCH;
	pthread_cond_broadcast(&f->cv);
	while (f->full[f->pi] && !f->stop)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
	if (f->stop)
		return 0;
	f->cur = &f->b[f->pi];
	f->cur->alen = f->cur->nf = f->cur->rawlen = f->cur->nitems = 0;
	f->curfirst = f->rawstart = 0;
	return 1;
}

/* No record is half parsed: the batch can be handed over. */
static int
at_boundary(const struct cfeed *f)
{
	return f->p.pstate == 0 && f->cur->nf == f->curfirst;
}

static int
batch_full(const struct cfeed *f)
{
	const struct cbatch *b = f->cur;

	return (b->alen + b->rawlen > BATCH_BYTES || b->nitems >= BATCH_ITEMS) &&
	    at_boundary(f);
}

static void *
run(void *arg)
{
	struct cfeed *f = arg;
	int st;

	f->cur = &f->b[0];
	for (;;) {
		/* records read so far go over before a read that may block */
		if (f->pos == f->len && f->cur->nitems > 0 && at_boundary(f) &&
		    !publish(f))
			return NULL;
		if ((st = f->pos < f->len ? 1 : fill(f)) <= 0)
			break;
		feed_line(f);
		if (batch_full(f) && !publish(f))
			return NULL;
	}
	if (st == -2)
		return NULL;
	if (st == -3) {
		add_item(f, IT_END);	/* rd_next sees the signal and stops */
	} else if (st < 0) {
		add_item(f, IT_READERR)->err = errno;
	} else {
		if (csv_fini(&f->p, on_field, on_record, f) != 0)
			csv_fail(f, "unterminated quoted field at the end of "
			    "input", 1);
		add_item(f, IT_END);
	}
	publish(f);
	return NULL;
}

struct cfeed *
cf_start(int fd)
{
	struct cfeed *f = xcalloc(1, sizeof(*f));

	f->fd = fd;
	if (pipe(f->wake) < 0)
		die(EX_OSERR, "pipe:");
	f->line = f->recstart = 1;
	f->buf = xmalloc(BLOCK);
	parser_init(f);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&f->th, NULL, run, f) != 0)
		die(EX_OSERR, "cannot start a thread");
	return f;
}

struct cbatch *
cf_next(struct cfeed *f)
{
	struct cbatch *b;

	pthread_mutex_lock(&f->mu);
	while (!f->full[f->ci])
		pthread_cond_wait(&f->cv, &f->mu);
	b = &f->b[f->ci];
	pthread_mutex_unlock(&f->mu);
	return b;
}

void
cf_release(struct cfeed *f, struct cbatch *b)
{
	pthread_mutex_lock(&f->mu);
	f->full[b - f->b] = 0;
	f->ci = (f->ci + 1) % NBATCH;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void
free_feed(struct cfeed *f)
{
	for (int i = 0; i < NBATCH; i++) {
		free(f->b[i].arena);
		free(f->b[i].fields);
		free(f->b[i].raw);
		free(f->b[i].items);
	}
	csv_free(&f->p);
	close(f->wake[0]);
	close(f->wake[1]);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->buf);
	free(f);
}

/*
 * Stops the thread wherever it is: waiting for a free batch it sees the
 * flag; waiting for input it sees the wake-up pipe. Then it is joined and
 * everything freed.
 */
void
cf_stop(struct cfeed *f)
{
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (write(f->wake[1], "", 1) < 0)
		warnmsg("wake-up pipe:");
	pthread_join(f->th, NULL);
	free_feed(f);
}
