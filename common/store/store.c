/* The store interface: picks the engine and passes each call on to it. */
#include <ctype.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"
#include "flight/flightsql.h"
#include "store/impl.h"

static const char *const columns[ST_NTABLES][12] = {
	[ST_PROCESSES] = { "process_id", "exe", "username", "realname",
	    "computer", "distro", "cpu_brand", "tsc_frequency", "start_time",
	    "parent_process_id", "properties", NULL },
	[ST_STREAMS] = { "stream_id", "process_id", "tags", "thread_name",
	    "thread_id", "properties", NULL },
	[ST_THREAD_SPANS] = { "stream_id", "id", "parent", "depth",
	    "\"begin\"", "\"end\"", "name", "target", "filename", "line",
	    NULL },
	[ST_ASYNC_EVENTS] = { "process_id", "stream_id", "time", "event_type",
	    "span_id", "parent_span_id", "depth", "name", "target",
	    "filename", "line", NULL },
};

static const char *const tables[ST_NTABLES] = {
	"processes", "streams", "thread_spans", "async_events",
};

const char *const *
store_columns(enum store_table t, int *n)
{
	for (*n = 0; columns[t][*n]; ++*n)
		;
	return columns[t];
}

const char *
store_table_name(enum store_table t)
{
	return tables[t];
}

/* A URI, or a libpq string that starts "keyword=" (like "host=db1 ..."). */
int
store_is_pg(const char *db)
{
	const char *p = db;

	if (strncmp(db, "postgresql://", 13) == 0
	    || strncmp(db, "postgres://", 11) == 0)
		return 1;
	while (islower((unsigned char)*p) || *p == '_')
		p++;
	while (*p == ' ')
		p++;
	return p > db && *p == '=';
}

int
store_is_flight(const char *db)
{
	return flightsql_is_uri(db);
}

enum store_engine
store_engine(const struct store *st)
{
	return st->ops == &store_flight_ops ? STORE_FLIGHT
	    : st->ops == &store_pg_ops ? STORE_PG : STORE_SQLITE;
}

struct store *
store_open(const char *db)
{
	if (store_is_flight(db))
		return store_flight_ops.open(db);
	return store_is_pg(db) ? store_pg_ops.open(db)
	    : store_sqlite_ops.open(db);
}

struct store *
store_create(const char *db, int replace)
{
	sig_init();
	if (store_is_flight(db))
		return store_flight_ops.create(db, replace);
	return store_is_pg(db) ? store_pg_ops.create(db, replace)
	    : store_sqlite_ops.create(db, replace);
}

void
store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

const char *
store_name(const struct store *st)
{
	return st->name;
}

/*
 * Queries not finished yet: a run that stops on an error mid-query leaves
 * them reachable from here, not lost (valgrind's leak check runs after the
 * stack that held them is gone).
 */
static struct sq *open_queries;

struct sq *
sq_prepare(struct store *st, const char *sql)
{
	struct sq *q = st->ops->prepare(st, sql);

	q->prev = NULL;
	q->next = open_queries;
	if (open_queries)
		open_queries->prev = q;
	open_queries = q;
	return q;
}

void
sq_bind_text(struct sq *q, int i, const char *s)
{
	q->ops->bind_text(q, i, s);
}

void
sq_bind_i64(struct sq *q, int i, int64_t v)
{
	q->ops->bind_i64(q, i, v);
}

void
sq_bind_time(struct sq *q, int i, int64_t ns)
{
	if (q->ops->bind_time)
		q->ops->bind_time(q, i, ns);
	else
		q->ops->bind_i64(q, i, ns);
}

void
sq_range(struct sq *q, int64_t begin, int64_t end)
{
	if (q->ops->range)
		q->ops->range(q, begin, end);
}

int
sq_step(struct sq *q)
{
	return q->ops->step(q);
}

int
sq_isnull(struct sq *q, int col)
{
	return q->ops->isnull(q, col);
}

const char *
sq_text(struct sq *q, int col, size_t *n)
{
	return q->ops->text(q, col, n);
}

const char *
sq_i64(struct sq *q, int col, int64_t *v)
{
	return q->ops->i64(q, col, v);
}

void
sq_finish(struct sq *q)
{
	if (!q)
		return;
	if (q->prev)
		q->prev->next = q->next;
	else
		open_queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	q->ops->finish(q);
}

void
store_insert(struct store *st, enum store_table t, const struct sval *v)
{
	sig_check();		/* between rows: a place to stop */
	st->ops->insert(st, t, v);
}
