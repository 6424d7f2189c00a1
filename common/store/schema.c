/*
 * The store schema, embedded from sql/store-sqlite.sql and
 * sql/store-postgresql.sql (the build generates store-sql.h from them).
 * A line starting "-- indexes" parts the tables from the indexes, so that
 * span-gen can build the indexes after loading the rows.
 */
#include <string.h>

#include "base/util.h"
#include "store-sql.h"
#include "store/impl.h"

static const char marker[] = "\n-- indexes";

static const char *
split(const char *s)
{
	const char *m = strstr(s, marker);

	if (!m)
		die(EX_SOFTWARE, "the embedded schema has no indexes line");
	return m + 1;
}

char *
schema_tables(int pg)
{
	const char *s = pg ? schema_pg : schema_sqlite;

	return xmemdup(s, (size_t)(split(s) - s));
}

const char *
schema_indexes(int pg)
{
	return split(pg ? schema_pg : schema_sqlite);
}
