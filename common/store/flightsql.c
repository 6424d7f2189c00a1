/*
 * The FlightSQL engine of the store (a Micromegas analytics service): a
 * query is SQL text whose $N parameters become SQL literals when it is
 * first stepped (text quoted with '' doubled, times as TIMESTAMP
 * 'RFC 3339'), then sent through flight/flightsql.c; rows are read from
 * the record batches as they arrive. Reading only: span-gen cannot create
 * such a store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/sbuf.h"
#include "base/timearg.h"
#include "base/util.h"
#include "flight/flightsql.h"
#include "store/impl.h"

struct fstore {
	struct store base;
	struct flightsql *f;
};

#define MAXCOLS 16

struct fsq {
	struct sq base;
	struct fstore *st;
	char *sql;
	char *param[SQ_MAXPARAMS + 1];
	int ranged;
	int64_t begin, end;
	struct fsql_query *q;
	struct arrow_ipc *a;
	int64_t row, nrows;
	struct sbuf cell[MAXCOLS];	/* text of the row's cells */
};

static const char *flight_token;
static int flight_timeout = 60;

void
store_flight_setup(const char *token, int timeout_s)
{
	flight_token = token;
	flight_timeout = timeout_s;
}

static struct store *
fl_open(const char *db)
{
	struct fstore *st = xcalloc(1, sizeof(*st));

	st->base.ops = &store_flight_ops;
	st->base.name = xstrdup(db);
	st->f = flightsql_open(db, flight_token, flight_timeout);
	return &st->base;
}

static struct store *
fl_create(const char *db, int replace)
{
	(void)replace;
	die(EX_USAGE, "%s: a FlightSQL service is read, never written", db);
}

static void
fl_close(struct store *s)
{
	struct fstore *st = (struct fstore *)s;

	flightsql_close(st->f);
	free(st->base.name);
	free(st);
}

static struct sq *
fl_prepare(struct store *s, const char *sql)
{
	struct fsq *q = xcalloc(1, sizeof(*q));

	q->base.ops = &store_flight_ops;
	q->st = (struct fstore *)s;
	q->sql = xstrdup(sql);
	return &q->base;
}

static void
set_param(struct fsq *q, int i, char *v)
{
	if (i < 1 || i > SQ_MAXPARAMS)
		die(EX_SOFTWARE, "parameter $%d out of range", i);
	free(q->param[i]);
	q->param[i] = v;
}

/* A SQL string literal: quotes doubled; a NUL byte cannot be sent. */
static void
fl_bind_text(struct sq *sq, int i, const char *s)
{
	struct sbuf b = { 0 };

	sb_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_putc(&b, '\'');
		sb_putc(&b, *s);
	}
	sb_putc(&b, '\'');
	sb_putc(&b, '\0');
	set_param((struct fsq *)sq, i, b.p);
}

static void
fl_bind_i64(struct sq *sq, int i, int64_t v)
{
	struct sbuf b = { 0 };

	sb_i64(&b, v);
	sb_putc(&b, '\0');
	set_param((struct fsq *)sq, i, b.p);
}

static void
fl_bind_time(struct sq *sq, int i, int64_t ns)
{
	char t[TIME_FORMAT_SIZE], *s = xmalloc(TIME_FORMAT_SIZE + 16);

	snprintf(s, TIME_FORMAT_SIZE + 16, "TIMESTAMP '%s'",
	    time_format(ns, t));
	set_param((struct fsq *)sq, i, s);
}

static void
fl_range(struct sq *sq, int64_t begin, int64_t end)
{
	struct fsq *q = (struct fsq *)sq;

	q->ranged = 1;
	q->begin = begin;
	q->end = end;
}

/* The SQL with its parameters in place. */
static char *
expand(const struct fsq *q)
{
	struct sbuf b = { 0 };

	for (const char *p = q->sql; *p; p++) {
		if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			int i = p[1] - '0';

			if (!q->param[i])
				die(EX_SOFTWARE, "parameter $%d not bound", i);
			sb_puts(&b, q->param[i]);
			p++;
		} else {
			sb_putc(&b, *p);
		}
	}
	sb_putc(&b, '\0');
	return b.p;
}

static int
fl_step(struct sq *sq)
{
	struct fsq *q = (struct fsq *)sq;

	if (!q->q) {
		char *sql = expand(q);

		q->q = fsql_start(q->st->f, sql, q->ranged, q->begin, q->end);
		q->a = fsql_arrow(q->q);
		free(sql);
	}
	while (++q->row >= q->nrows) {
		if (!fsql_next(q->q))
			return 0;
		q->row = -1;
		q->nrows = arrow_nrows(q->a);
	}
	return 1;
}

static const struct arrow_array *
column(struct fsq *q, int col)
{
	if (col >= arrow_ncols(q->a) || col >= MAXCOLS)
		die(EX_DATAERR, "%s: %s: %d columns, where %d or more were "
		    "expected", q->st->base.name, fsql_where(q->q),
		    arrow_ncols(q->a), col + 1);
	return arrow_column(q->a, col);
}

static int
fl_isnull(struct sq *sq, int col)
{
	struct fsq *q = (struct fsq *)sq;

	return arrow_is_null(column(q, col), q->row);
}

/* A list's elements as text, separated by commas. */
static void
list_text(struct sbuf *b, const struct arrow_array *c, int64_t row)
{
	const struct arrow_array *e = arrow_child(c);
	int64_t first, n = arrow_list(c, row, &first);
	size_t len;

	for (int64_t i = first; i < first + n; i++) {
		if (i > first)
			sb_putc(b, ',');
		if (!arrow_is_null(e, i) && (arrow_kind(e) == ARROW_K_STRING
		    || arrow_kind(e) == ARROW_K_BINARY)) {
			const char *s = arrow_str(e, i, &len);

			sb_put(b, s, len);
		}
	}
}

/* The cell as text, NUL-terminated, in the column's own buffer. */
static const char *
fl_text(struct sq *sq, int col, size_t *n)
{
	struct fsq *q = (struct fsq *)sq;
	const struct arrow_array *c = column(q, col);
	struct sbuf *b = &q->cell[col];
	const char *s;

	b->n = 0;
	if (!arrow_is_null(c, q->row)) {
		switch (arrow_kind(c)) {
		case ARROW_K_STRING:
		case ARROW_K_BINARY:
			s = arrow_str(c, q->row, n);
			sb_put(b, s, *n);
			break;
		case ARROW_K_UINT:
			sb_u64(b, arrow_u64(c, q->row));
			break;
		case ARROW_K_INT:
		case ARROW_K_TIMESTAMP:
		case ARROW_K_BOOL:
			sb_i64(b, arrow_i64(c, q->row));
			break;
		case ARROW_K_FLOAT:
			sb_double(b, arrow_f64(c, q->row), 0);
			break;
		case ARROW_K_LIST:
			list_text(b, c, q->row);
			break;
		default:
			break;
		}
	}
	*n = b->n;
	sb_putc(b, '\0');
	return b->p;
}

static const char *
fl_i64(struct sq *sq, int col, int64_t *v)
{
	struct fsq *q = (struct fsq *)sq;
	const struct arrow_array *c = column(q, col);
	size_t n;

	if (arrow_is_null(c, q->row))
		return "is NULL";
	switch (arrow_kind(c)) {
	case ARROW_K_INT:
	case ARROW_K_TIMESTAMP:
	case ARROW_K_BOOL:
		*v = arrow_i64(c, q->row);
		return NULL;
	case ARROW_K_UINT:
		if (arrow_u64(c, q->row) > INT64_MAX)
			return "is out of range";
		*v = (int64_t)arrow_u64(c, q->row);
		return NULL;
	case ARROW_K_STRING:
		return num_i64(fl_text(sq, col, &n), v);
	default:
		return "is not an integer";
	}
}

static void
fl_finish(struct sq *sq)
{
	struct fsq *q = (struct fsq *)sq;

	fsql_free(q->q);
	for (int i = 0; i <= SQ_MAXPARAMS; i++)
		free(q->param[i]);
	for (int i = 0; i < MAXCOLS; i++)
		sb_free(&q->cell[i]);
	free(q->sql);
	free(q);
}

static void
fl_insert(struct store *st, enum store_table t, const struct sval *v)
{
	(void)t, (void)v;
	die(EX_SOFTWARE, "%s: not writable", st->name);
}

const struct store_ops store_flight_ops = {
	.open = fl_open,
	.create = fl_create,
	.close = fl_close,
	.prepare = fl_prepare,
	.bind_text = fl_bind_text,
	.bind_i64 = fl_bind_i64,
	.bind_time = fl_bind_time,
	.range = fl_range,
	.step = fl_step,
	.isnull = fl_isnull,
	.text = fl_text,
	.i64 = fl_i64,
	.finish = fl_finish,
	.insert = fl_insert,
};
