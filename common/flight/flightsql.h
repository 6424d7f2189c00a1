/*
 * Queries to a FlightSQL service (Apache Arrow Flight SQL, as Micromegas's
 * analytics service answers them): GetFlightInfo with a
 * CommandStatementQuery packed in google.protobuf.Any, then DoGet of the
 * ticket it gives, each FlightData's Arrow IPC message handed to an
 * arrow_ipc reader as it arrives.
 *
 * Every call carries "authorization: Bearer TOKEN" (when there is a token),
 * "preserve_dictionary: true" and the query range headers
 * (query_range_begin, query_range_end: RFC 3339, empty when the query has
 * no range). Errors end the run: a gRPC status with the service's message
 * (UNAUTHENTICATED: EX_NOPERM; INVALID_ARGUMENT: EX_DATAERR; NOT_FOUND:
 * EX_NOINPUT; other statuses and a broken connection: EX_UNAVAILABLE), a
 * message that is not Arrow IPC: EX_DATAERR, naming the message.
 */
#ifndef SPANPIPE_FLIGHTSQL_H
#define SPANPIPE_FLIGHTSQL_H

#include <stdint.h>

#include "arrow/ipc.h"

struct flightsql;
struct fsql_query;

/* grpc://, grpc+tls://, http:// or https://; 1 when uri is one. */
int flightsql_is_uri(const char *uri);
/*
 * Connects to the service at uri (host and port; no path). token may be
 * NULL (a service run without authentication); timeout_s is the longest
 * silence allowed.
 */
struct flightsql *flightsql_open(const char *uri, const char *token,
    int timeout_s);
void flightsql_close(struct flightsql *f);
const char *flightsql_name(const struct flightsql *f);

/* Starts a query; with ranged, [begin, end] goes in the range headers. */
struct fsql_query *fsql_start(struct flightsql *f, const char *sql,
    int ranged, int64_t begin, int64_t end);
/*
 * Reads messages up to the next record batch: 1 with the batch in
 * fsql_arrow(q) (its cells valid until the next fsql_next), 0 at the end.
 */
int fsql_next(struct fsql_query *q);
struct arrow_ipc *fsql_arrow(struct fsql_query *q);
/* Where the query is, for messages: "DoGet message 3 of 'SELECT ...'". */
const char *fsql_where(struct fsql_query *q);
void fsql_free(struct fsql_query *q);

/*
 * One FlightData message (protobuf) into the reader: *fd is the unpacked
 * message (NULL when msg is not a FlightData), whose body the batch's
 * cells point into; free it with flightdata_free after the batch.
 */
enum arrow_msg flightdata_read(struct arrow_ipc *a, const uint8_t *msg,
    size_t len, void *fd);
void flightdata_free(void *fd);

#endif
