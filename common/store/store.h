/*
 * The telemetry store: a SQLite file or a PostgreSQL database holding the
 * tables of sql/store-*.sql (see span-fetch(1)), or, for reading only, a
 * FlightSQL service (Micromegas's analytics service) with its own views.
 * One interface over the engines: queries written with numbered parameters
 * ($1, $2, ...) and stepped one row at a time, and bulk loading for
 * span-gen.
 *
 * Every failure ends the run with a message naming the store and one of
 * the documented statuses: EX_NOINPUT (no such file, unreadable),
 * EX_DATAERR (not a database, not a spanpipe store, corrupt rows),
 * EX_UNAVAILABLE (a server that refuses the connection or goes away),
 * EX_CANTCREAT (a store that cannot be created).
 */
#ifndef SPANPIPE_STORE_H
#define SPANPIPE_STORE_H

#include <stddef.h>
#include <stdint.h>

enum store_table {
	ST_PROCESSES, ST_STREAMS, ST_THREAD_SPANS, ST_ASYNC_EVENTS, ST_NTABLES
};

struct store;
struct sq;

/* A postgresql:// or postgres:// URI, or a libpq "keyword=value" string. */
int store_is_pg(const char *db);
/* A grpc://, grpc+tls://, http:// or https:// URI: a FlightSQL service. */
int store_is_flight(const char *db);
/* Which engine a store is read through. */
enum store_engine { STORE_SQLITE, STORE_PG, STORE_FLIGHT };
enum store_engine store_engine(const struct store *st);
/* For a FlightSQL service: the bearer token (or NULL) and the longest
 * silence allowed, in seconds; before store_open. */
void store_flight_setup(const char *token, int timeout_s);

/* Opens a store for reading; every query sees one consistent snapshot. */
struct store *store_open(const char *db);
/*
 * Creates a store for loading with store_insert: a new SQLite file (an
 * existing one only with replace; the file appears whole at store_close),
 * or the tables in a PostgreSQL database (existing ones dropped only with
 * replace), all in one transaction.
 */
struct store *store_create(const char *db, int replace);
/* Ends the run's use of the store; a created store gets its indexes and
 * is committed here. */
void store_close(struct store *st);
/* The store as messages name it (a PostgreSQL password is never shown). */
const char *store_name(const struct store *st);

/* A query; values reach SQL only through the sq_bind_* calls. */
struct sq *sq_prepare(struct store *st, const char *sql);
void sq_bind_text(struct sq *q, int i, const char *s);	/* i from 1 */
void sq_bind_i64(struct sq *q, int i, int64_t v);
/* A time in ns since the epoch: an integer in SQLite and PostgreSQL, a
 * TIMESTAMP 'RFC 3339' literal for a FlightSQL service. */
void sq_bind_time(struct sq *q, int i, int64_t ns);
/* The time range the query reads, which a FlightSQL service needs in
 * headers to find its partitions; the other engines have no use for it. */
void sq_range(struct sq *q, int64_t begin, int64_t end);
/* 1: a row is there to read; 0: no more rows. */
int sq_step(struct sq *q);
int sq_isnull(struct sq *q, int col);			/* col from 0 */
/* The column as text ("" for NULL), valid until the next sq_step. */
const char *sq_text(struct sq *q, int col, size_t *n);
/* The column as an integer: NULL, or a phrase for "'%s' %s" (NULL too). */
const char *sq_i64(struct sq *q, int col, int64_t *v);
void sq_finish(struct sq *q);

/* A value to load: SV_NULL, an integer or a text. */
struct sval {
	enum { SV_NULL, SV_INT, SV_TEXT } type;
	int64_t i;
	const char *s;
};
#define SV_N() ((struct sval){ SV_NULL, 0, NULL })
#define SV_I(v) ((struct sval){ SV_INT, (v), NULL })
#define SV_S(v) ((struct sval){ (v) ? SV_TEXT : SV_NULL, 0, (v) })

/* The columns of a table, in the order store_insert takes values. */
const char *const *store_columns(enum store_table t, int *n);
const char *store_table_name(enum store_table t);
/* One row; load tables in any order, but each in one run of calls. */
void store_insert(struct store *st, enum store_table t, const struct sval *v);

#endif
