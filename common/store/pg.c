/*
 * The PostgreSQL engine, through libpq. Reading runs in one REPEATABLE READ,
 * READ ONLY transaction; every query is a server-side cursor read a batch of
 * rows at a time, so several queries can be stepped side by side (span-fetch
 * merges one per thread) while the client holds one batch of each: batches
 * of FETCH_ROWS, fewer when many cursors are open, so that all of them hold
 * about FETCH_TOTAL rows at most. Memory stays flat however many rows.
 * Loading uses COPY in one transaction that also creates the tables and,
 * last, the indexes.
 * Connections get a connect_timeout (unless the connection string sets one)
 * so that an unreachable host is an error, not a hang.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/num.h"
#include "base/util.h"
#include "store/impl.h"

#define FETCH_ROWS 1024
#define FETCH_TOTAL 65536
#define FETCH_MIN 32
#define COPY_CHUNK (256 * 1024)

struct pg {
	struct store base;
	PGconn *conn;
	int creating;
	unsigned ncursors;		/* made so far, for their names */
	unsigned nopen;			/* declared, not yet finished */
	int incopy;			/* a COPY of table copying is open */
	enum store_table copying;
	char *buf;			/* COPY rows not yet given to libpq */
	size_t len, cap;
};

struct pgq {
	struct sq base;
	struct pg *st;
	char *sql;
	char name[24];			/* the cursor */
	char *params[SQ_MAXPARAMS];
	int nparams, declared, done;
	PGresult *res;			/* the current batch */
	int row, nrows, asked;
};

/* libpq's messages span lines; one line reads better after "prog: ". */
static const char *
oneline(const char *msg)
{
	static char buf[1024];
	size_t j = 0;

	for (const char *p = msg; *p && j < sizeof(buf) - 1; p++) {
		if (*p == '\n' || *p == '\t') {
			if (j > 0 && buf[j - 1] != ' ')
				buf[j++] = ' ';
		} else {
			buf[j++] = *p;
		}
	}
	while (j > 0 && buf[j - 1] == ' ')
		j--;
	buf[j] = '\0';
	return buf;
}

/*
 * Ends the run for a failed command: a lost connection or a server-side
 * condition (SQLSTATE classes 08, 53, 57, 58) is EX_UNAVAILABLE; a store
 * without our tables or with bad values is EX_DATAERR when reading.
 */
static void __attribute__((noreturn))
fail(struct pg *st, PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : 0;
	const char *msg = oneline(res && PQresultErrorMessage(res)[0] ?
	    PQresultErrorMessage(res) : PQerrorMessage(st->conn));
	const char *name = st->base.name;
	char c[3] = "";		/* the SQLSTATE class */

	if (state)
		snprintf(c, sizeof(c), "%.2s", state);
	PQclear(res);		/* msg is a copy: nothing left for leak checkers */
	if (PQstatus(st->conn) == CONNECTION_BAD)
		die(EX_UNAVAILABLE, "%s: %s: the connection to the server was "
		    "lost: %s", name, what, msg);
	if (strcmp(c, "08") == 0 || strcmp(c, "53") == 0 ||
	    strcmp(c, "57") == 0 || strcmp(c, "58") == 0)
		die(EX_UNAVAILABLE, "%s: %s: %s", name, what, msg);
	if (st->creating)
		die(EX_CANTCREAT, "%s: %s: %s", name, what, msg);
	if (strcmp(c, "42") == 0)
		die(EX_DATAERR, "%s: not a spanpipe store: %s", name, msg);
	die(strcmp(c, "22") == 0 ? EX_DATAERR : EX_UNAVAILABLE,
	    "%s: %s: %s", name, what, msg);
}

static void
exec(struct pg *st, const char *sql, const char *what)
{
	PGresult *res = PQexec(st->conn, sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		fail(st, res, what);
	PQclear(res);
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* "postgresql://user@host:port/dbname" from the parts given: no password. */
static char *
display_name(const char *db)
{
	PQconninfoOption *opts, *o;
	const char *v[4] = { 0 };	/* user, host, port, dbname */
	static const char *const keys[4] = { "user", "host", "port", "dbname" };
	char buf[512], *err = NULL;

	if (!(opts = PQconninfoParse(db, &err)))
		die(EX_USAGE, "%s: %s", strncmp(db, "postgres", 8) == 0 ?
		    "bad PostgreSQL URI" : "bad libpq connection string",
		    err ? oneline(err) : "out of memory");
	for (o = opts; o->keyword; o++)
		for (int i = 0; i < 4; i++)
			if (strcmp(o->keyword, keys[i]) == 0 && o->val)
				v[i] = o->val;
	snprintf(buf, sizeof(buf), "postgresql://%s%s%s%s%s/%s",
	    v[0] ? v[0] : "", v[0] ? "@" : "", v[1] ? v[1] : "",
	    v[2] ? ":" : "", v[2] ? v[2] : "", v[3] ? v[3] : "");
	PQconninfoFree(opts);
	return xstrdup(buf);
}

/* Reachable to leak checkers when a failure ends the run mid-call. */
static struct pg *volatile current;

static struct pg *
pg_connect(const char *db, int creating)
{
	static const char *const keys[] = { "connect_timeout",
	    "fallback_application_name", "dbname", NULL };
	const char *vals[] = { "10", progname, db, NULL };
	struct pg *st = current = xcalloc(1, sizeof(*st));

	st->base.ops = &store_pg_ops;
	st->base.name = display_name(db);
	st->creating = creating;
	/* entries before dbname yield to the connection string's own */
	st->conn = PQconnectdbParams(keys, vals, 1);
	if (!st->conn)
		die(EX_OSERR, "out of memory");
	if (PQstatus(st->conn) != CONNECTION_OK)
		die(EX_UNAVAILABLE, "%s: %s", st->base.name,
		    oneline(PQerrorMessage(st->conn)));
	PQsetNoticeProcessor(st->conn, quiet, NULL);
	if (PQsetClientEncoding(st->conn, "UTF8") != 0)
		fail(st, NULL, "client encoding");
	return st;
}

static struct store *
pg_open(const char *db)
{
	struct pg *st = pg_connect(db, 0);

	exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "begin");
	return &st->base;
}

static struct store *
pg_create(const char *db, int replace)
{
	struct pg *st = pg_connect(db, 1);
	PGresult *res;
	char *tables;

	exec(st, "BEGIN", "begin");
	if (replace)
		exec(st, "DROP TABLE IF EXISTS async_events, thread_spans, "
		    "streams, processes", "dropping the old tables");
	res = PQexec(st->conn, "SELECT tablename FROM pg_catalog.pg_tables "
	    "WHERE schemaname = current_schema() AND tablename IN "
	    "('processes', 'streams', 'thread_spans', 'async_events')");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail(st, res, "looking for the tables");
	if (PQntuples(res) > 0) {
		char name[64];

		snprintf(name, sizeof(name), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);		/* nothing left for leak checkers */
		die(EX_CANTCREAT, "%s: table %s exists", st->base.name, name);
	}
	PQclear(res);
	tables = schema_tables(1);
	exec(st, tables, "creating the tables");
	free(tables);
	return &st->base;
}

static void
copy_flush(struct pg *st)
{
	if (st->len > 0 && PQputCopyData(st->conn, st->buf, (int)st->len) != 1)
		fail(st, NULL, "COPY");
	st->len = 0;
}

static void
copy_end(struct pg *st)
{
	PGresult *res;

	if (!st->incopy)
		return;
	copy_flush(st);
	if (PQputCopyEnd(st->conn, NULL) != 1)
		fail(st, NULL, "COPY");
	while ((res = PQgetResult(st->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fail(st, res, store_table_name(st->copying));
		PQclear(res);
	}
	st->incopy = 0;
}

static void
pg_close(struct store *s)
{
	struct pg *st = (struct pg *)s;

	if (st->creating) {
		copy_end(st);
		exec(st, schema_indexes(1), "creating the indexes");
		exec(st, "COMMIT", "commit");
		exec(st, "ANALYZE processes, streams, thread_spans, "
		    "async_events", "analyze");
	} else {
		exec(st, "COMMIT", "end of the transaction");
	}
	PQfinish(st->conn);
	free(st->buf);
	free(st->base.name);
	free(st);
	current = NULL;
}

static struct sq *
pg_prepare(struct store *s, const char *sql)
{
	struct pg *st = (struct pg *)s;
	struct pgq *q = xcalloc(1, sizeof(*q));

	q->base.ops = &store_pg_ops;
	q->st = st;
	q->sql = xstrdup(sql);
	snprintf(q->name, sizeof(q->name), "spanpipe_%u", st->ncursors++);
	for (const char *p = sql; (p = strchr(p, '$')); p++) {
		int i = atoi(p + 1);

		if (i > q->nparams)
			q->nparams = i;
	}
	if (q->nparams > SQ_MAXPARAMS)
		die(EX_SOFTWARE, "a query with %d parameters", q->nparams);
	return &q->base;
}

static void
bind(struct pgq *q, int i, char *v)
{
	if (i < 1 || i > q->nparams)
		die(EX_SOFTWARE, "parameter $%d of a query with %d", i,
		    q->nparams);
	free(q->params[i - 1]);
	q->params[i - 1] = v;
}

static void
pg_bind_text(struct sq *sq, int i, const char *s)
{
	bind((struct pgq *)sq, i, xstrdup(s));
}

static void
pg_bind_i64(struct sq *sq, int i, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	bind((struct pgq *)sq, i, xstrdup(buf));
}

static void
declare(struct pgq *q)
{
	size_t n = strlen(q->sql) + 64;
	char *cmd = xmalloc(n);
	PGresult *res;

	snprintf(cmd, n, "DECLARE %s NO SCROLL CURSOR FOR %s", q->name, q->sql);
	res = PQexecParams(q->st->conn, cmd, q->nparams, NULL,
	    (const char *const *)q->params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail(q->st, res, "query");
	PQclear(res);
	free(cmd);
	q->declared = 1;
	q->st->nopen++;
}

static int
pg_step(struct sq *sq)
{
	struct pgq *q = (struct pgq *)sq;
	char cmd[64];

	if (q->done)
		return 0;
	if (!q->declared)
		declare(q);
	if (q->res && ++q->row < q->nrows)
		return 1;
	if (q->res) {
		PQclear(q->res);
		q->res = NULL;
		if (q->nrows < q->asked)
			return q->done = 1, 0;
	}
	q->asked = (int)(FETCH_TOTAL / q->st->nopen);
	if (q->asked > FETCH_ROWS)
		q->asked = FETCH_ROWS;
	if (q->asked < FETCH_MIN)
		q->asked = FETCH_MIN;
	snprintf(cmd, sizeof(cmd), "FETCH FORWARD %d FROM %s", q->asked,
	    q->name);
	q->res = PQexec(q->st->conn, cmd);
	if (PQresultStatus(q->res) != PGRES_TUPLES_OK) {
		PGresult *res = q->res;

		q->res = NULL;		/* fail() clears it */
		fail(q->st, res, "query");
	}
	q->nrows = PQntuples(q->res);
	q->row = 0;
	if (q->nrows == 0)
		return q->done = 1, 0;
	return 1;
}

static int
pg_isnull(struct sq *sq, int col)
{
	struct pgq *q = (struct pgq *)sq;

	return PQgetisnull(q->res, q->row, col);
}

static const char *
pg_text(struct sq *sq, int col, size_t *n)
{
	struct pgq *q = (struct pgq *)sq;

	*n = (size_t)PQgetlength(q->res, q->row, col);
	return PQgetvalue(q->res, q->row, col);
}

static const char *
pg_i64(struct sq *sq, int col, int64_t *v)
{
	struct pgq *q = (struct pgq *)sq;

	if (PQgetisnull(q->res, q->row, col))
		return "is NULL";
	return num_i64(PQgetvalue(q->res, q->row, col), v) ?
	    "is not an integer" : NULL;
}

static void
pg_finish(struct sq *sq)
{
	struct pgq *q = (struct pgq *)sq;
	char cmd[64];

	if (q->declared)
		q->st->nopen--;
	if (q->declared && PQstatus(q->st->conn) == CONNECTION_OK) {
		snprintf(cmd, sizeof(cmd), "CLOSE %s", q->name);
		exec(q->st, cmd, "closing a query");
	}
	PQclear(q->res);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->sql);
	free(q);
}

static void
put(struct pg *st, const char *s, size_t n)
{
	if (st->cap - st->len < n) {
		copy_flush(st);
		if (st->cap < n || st->cap < COPY_CHUNK) {
			st->cap = n > COPY_CHUNK ? n : COPY_CHUNK;
			st->buf = xrealloc(st->buf, st->cap);
		}
	}
	memcpy(st->buf + st->len, s, n);
	st->len += n;
}

/* A text value in COPY's text format: \, tab and line ends escaped. */
static void
put_text(struct pg *st, const char *s)
{
	const char *p;

	while (*(p = s + strcspn(s, "\\\t\n\r"))) {
		put(st, s, (size_t)(p - s));
		put(st, *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ?
		    "\\n" : "\\r", 2);
		s = p + 1;
	}
	put(st, s, (size_t)(p - s));
}

static void
copy_begin(struct pg *st, enum store_table t)
{
	char sql[512];
	int n, len;
	const char *const *cols = store_columns(t, &n);
	PGresult *res;

	copy_end(st);
	len = snprintf(sql, sizeof(sql), "COPY %s (", store_table_name(t));
	for (int i = 0; i < n; i++)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, "%s%s",
		    i ? ", " : "", cols[i]);
	snprintf(sql + len, sizeof(sql) - (size_t)len, ") FROM STDIN");
	res = PQexec(st->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		fail(st, res, "COPY");
	PQclear(res);
	st->incopy = 1;
	st->copying = t;
}

static void
pg_insert(struct store *s, enum store_table t, const struct sval *v)
{
	struct pg *st = (struct pg *)s;
	char num[24];
	int n;

	if (!st->incopy || st->copying != t)
		copy_begin(st, t);
	store_columns(t, &n);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			put(st, "\t", 1);
		if (v[i].type == SV_INT)
			put(st, num, (size_t)snprintf(num, sizeof(num),
			    "%" PRId64, v[i].i));
		else if (v[i].type == SV_TEXT)
			put_text(st, v[i].s);
		else
			put(st, "\\N", 2);
	}
	put(st, "\n", 1);
}

const struct store_ops store_pg_ops = {
	pg_open, pg_create, pg_close, pg_prepare, pg_bind_text, pg_bind_i64,
	pg_step, pg_isnull, pg_text, pg_i64, pg_finish, pg_insert, NULL, NULL,
};
