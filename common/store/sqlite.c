/*
 * The SQLite engine. Reading opens the file read-only inside one deferred
 * transaction, so every query sees the same snapshot; statements step row
 * by row and nothing is buffered beyond SQLite's page cache. Connections
 * are opened without SQLite's mutex (one thread uses them), which saves a
 * lock for every column read. Creating writes a temporary file in the same
 * directory with journaling off and one transaction, builds the indexes
 * after the rows, and renames the file into place at the end: an
 * interrupted run leaves no half store behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/num.h"
#include "base/util.h"
#include "store/impl.h"

struct lite {
	struct store base;
	sqlite3 *db;
	int creating;
	char *path, *tmp;		/* creating: final and temporary */
	sqlite3_stmt *ins[ST_NTABLES];
};

struct liteq {
	struct sq base;
	struct lite *st;
	sqlite3_stmt *stmt;
};

static char *cleanup_tmp;		/* unlinked at exit unless renamed */
/* Reachable to leak checkers when a failure ends the run mid-call. */
static struct lite *volatile current;

static void
remove_tmp(void)
{
	if (cleanup_tmp)
		unlink(cleanup_tmp);
}

/* Ends the run for an SQLite error, with the status its kind calls for. */
static void __attribute__((noreturn))
fail(struct lite *st, int rc, const char *what)
{
	const char *name = st->base.name, *msg = sqlite3_errmsg(st->db);

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		die(EX_DATAERR, "%s: not a SQLite database", name);
	case SQLITE_CORRUPT:
		die(EX_DATAERR, "%s: the database is corrupt: %s", name, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		die(EX_UNAVAILABLE, "%s: locked by another program: %s", name,
		    msg);
	case SQLITE_NOMEM:
		die(EX_OSERR, "out of memory");
	case SQLITE_IOERR:
	case SQLITE_FULL:
		die(EX_IOERR, "%s: %s: %s", name, what, msg);
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		die(st->creating ? EX_CANTCREAT : EX_NOINPUT, "%s: %s", name,
		    msg);
	default:
		if (st->creating)
			die(EX_CANTCREAT, "%s: %s: %s", name, what, msg);
		die(EX_DATAERR, "%s: not a spanpipe store: %s", name, msg);
	}
}

static void
exec(struct lite *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		fail(st, rc, what);
}

static struct lite *
lite_new(const char *name, int creating)
{
	struct lite *st = current = xcalloc(1, sizeof(*st));

	st->base.ops = &store_sqlite_ops;
	st->base.name = xstrdup(name);
	st->creating = creating;
	return st;
}

static struct store *
lite_open(const char *path)
{
	struct lite *st = lite_new(path, 0);
	struct stat sb;
	int rc;

	if (stat(path, &sb) < 0 || access(path, R_OK) < 0)
		die(EX_NOINPUT, "%s:", path);
	if (S_ISDIR(sb.st_mode))
		die(EX_NOINPUT, "%s: is a directory", path);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY
	    | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		fail(st, rc, "open");
	sqlite3_busy_timeout(st->db, 5000);
	exec(st, "BEGIN", "begin");
	return &st->base;
}

static struct store *
lite_create(const char *path, int replace)
{
	struct lite *st = lite_new(path, 1);
	size_t n = strlen(path) + 32;
	char *tables;
	int rc;

	if (!replace && access(path, F_OK) == 0)
		die(EX_CANTCREAT, "%s: the file exists", path);
	st->path = xstrdup(path);
	st->tmp = xmalloc(n);
	snprintf(st->tmp, n, "%s.tmp%ld", path, (long)getpid());
	unlink(st->tmp);
	cleanup_tmp = st->tmp;
	atexit(remove_tmp);
	rc = sqlite3_open_v2(st->tmp, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK)
		die(EX_CANTCREAT, "%s: %s", st->tmp, sqlite3_errmsg(st->db));
	exec(st, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	    "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -65536",
	    "settings");
	tables = schema_tables(0);
	exec(st, tables, "creating the tables");
	free(tables);
	exec(st, "BEGIN", "begin");
	return &st->base;
}

static void
lite_close(struct store *s)
{
	struct lite *st = (struct lite *)s;

	if (st->creating) {
		for (int t = 0; t < ST_NTABLES; t++)
			sqlite3_finalize(st->ins[t]);
		exec(st, schema_indexes(0), "creating the indexes");
		exec(st, "COMMIT", "commit");
	} else {
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	}
	if (sqlite3_close(st->db) != SQLITE_OK)
		fail(st, SQLITE_IOERR, "close");
	if (st->creating) {
		if (rename(st->tmp, st->path) < 0)
			die(EX_CANTCREAT, "%s: rename:", st->path);
		cleanup_tmp = NULL;
	}
	free(st->path);
	free(st->tmp);
	free(st->base.name);
	free(st);
	current = NULL;
}

/* Queries say $1, $2 ...; SQLite numbers its parameters ?1, ?2 ... */
static struct sq *
lite_prepare(struct store *s, const char *sql)
{
	struct lite *st = (struct lite *)s;
	struct liteq *q = xcalloc(1, sizeof(*q));
	char *p, *copy = xstrdup(sql);
	int rc;

	for (p = copy; (p = strchr(p, '$')); p++)
		if (p[1] >= '1' && p[1] <= '9')
			*p = '?';
	q->base.ops = &store_sqlite_ops;
	q->st = st;
	rc = sqlite3_prepare_v2(st->db, copy, -1, &q->stmt, NULL);
	free(copy);
	if (rc != SQLITE_OK)
		fail(st, rc, "query");
	return &q->base;
}

static void
lite_bind_text(struct sq *sq, int i, const char *s)
{
	struct liteq *q = (struct liteq *)sq;

	if (sqlite3_bind_text(q->stmt, i, s, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		fail(q->st, sqlite3_errcode(q->st->db), "bind");
}

static void
lite_bind_i64(struct sq *sq, int i, int64_t v)
{
	struct liteq *q = (struct liteq *)sq;

	if (sqlite3_bind_int64(q->stmt, i, v) != SQLITE_OK)
		fail(q->st, sqlite3_errcode(q->st->db), "bind");
}

static int
lite_step(struct sq *sq)
{
	struct liteq *q = (struct liteq *)sq;
	int rc = sqlite3_step(q->stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	fail(q->st, rc, "query");
}

static int
lite_isnull(struct sq *sq, int col)
{
	return sqlite3_column_type(((struct liteq *)sq)->stmt, col)
	    == SQLITE_NULL;
}

static const char *
lite_text(struct sq *sq, int col, size_t *n)
{
	sqlite3_stmt *stmt = ((struct liteq *)sq)->stmt;
	const char *s = (const char *)sqlite3_column_text(stmt, col);

	*n = s ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
	return s ? s : "";
}

static const char *
lite_i64(struct sq *sq, int col, int64_t *v)
{
	sqlite3_stmt *stmt = ((struct liteq *)sq)->stmt;
	const char *s;

	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		*v = sqlite3_column_int64(stmt, col);
		return NULL;
	case SQLITE_NULL:
		return "is NULL";
	case SQLITE_FLOAT:
		return "is not an integer";
	default:	/* text in a column without integer affinity */
		s = (const char *)sqlite3_column_text(stmt, col);
		return num_i64(s ? s : "", v) ? "is not an integer" : NULL;
	}
}

static void
lite_finish(struct sq *sq)
{
	struct liteq *q = (struct liteq *)sq;

	sqlite3_finalize(q->stmt);
	free(q);
}

static sqlite3_stmt *
insert_stmt(struct lite *st, enum store_table t)
{
	char sql[512];
	int n, len;
	const char *const *cols = store_columns(t, &n);

	len = snprintf(sql, sizeof(sql), "INSERT INTO %s (",
	    store_table_name(t));
	for (int i = 0; i < n; i++)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, "%s%s",
		    i ? ", " : "", cols[i]);
	len += snprintf(sql + len, sizeof(sql) - (size_t)len, ") VALUES (");
	for (int i = 0; i < n; i++)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, "%s?",
		    i ? ", " : "");
	snprintf(sql + len, sizeof(sql) - (size_t)len, ")");
	if (sqlite3_prepare_v2(st->db, sql, -1, &st->ins[t], NULL) != SQLITE_OK)
		fail(st, sqlite3_errcode(st->db), "insert");
	return st->ins[t];
}

static void
lite_insert(struct store *s, enum store_table t, const struct sval *v)
{
	struct lite *st = (struct lite *)s;
	sqlite3_stmt *stmt = st->ins[t] ? st->ins[t] : insert_stmt(st, t);
	int n, rc;

	store_columns(t, &n);
	for (int i = 0; i < n; i++) {
		if (v[i].type == SV_INT)
			rc = sqlite3_bind_int64(stmt, i + 1, v[i].i);
		else if (v[i].type == SV_TEXT)
			rc = sqlite3_bind_text(stmt, i + 1, v[i].s, -1,
			    SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(stmt, i + 1);
		if (rc != SQLITE_OK)
			fail(st, rc, "insert");
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
		fail(st, rc, store_table_name(t));
	sqlite3_reset(stmt);
}

const struct store_ops store_sqlite_ops = {
	lite_open, lite_create, lite_close, lite_prepare, lite_bind_text,
	lite_bind_i64, lite_step, lite_isnull, lite_text, lite_i64,
	lite_finish, lite_insert, NULL, NULL,
};
