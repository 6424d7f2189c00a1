/* Inside the store: what each engine (sqlite.c, pg.c, flightsql.c)
 * provides. */
#ifndef SPANPIPE_STORE_IMPL_H
#define SPANPIPE_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
	struct store *(*open)(const char *db);
	struct store *(*create)(const char *db, int replace);
	void (*close)(struct store *st);
	struct sq *(*prepare)(struct store *st, const char *sql);
	void (*bind_text)(struct sq *q, int i, const char *s);
	void (*bind_i64)(struct sq *q, int i, int64_t v);
	int (*step)(struct sq *q);
	int (*isnull)(struct sq *q, int col);
	const char *(*text)(struct sq *q, int col, size_t *n);
	const char *(*i64)(struct sq *q, int col, int64_t *v);
	void (*finish)(struct sq *q);
	void (*insert)(struct store *st, enum store_table t,
	    const struct sval *v);
	void (*bind_time)(struct sq *q, int i, int64_t ns);	/* or NULL */
	void (*range)(struct sq *q, int64_t begin, int64_t end);	/* or NULL */
};

/* The first member of each engine's store and query. */
struct store {
	const struct store_ops *ops;
	char *name;
};

struct sq {
	const struct store_ops *ops;
	struct sq *prev, *next;		/* queries not finished (store.c) */
};

extern const struct store_ops store_sqlite_ops, store_pg_ops,
    store_flight_ops;

#define SQ_MAXPARAMS 8		/* parameters a query may have */

/* schema.c: the part of the schema before ("tables") or after the
 * "-- indexes" line; free the tables part. */
char *schema_tables(int pg);
const char *schema_indexes(int pg);

#endif
