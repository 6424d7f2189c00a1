/* FlightSQL queries: see flightsql.h. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timearg.h"
#include "base/util.h"
#include "flight.pb-c.h"
#include "flight/flightsql.h"
#include "flight/grpc.h"

#define SVC "/arrow.flight.protocol.FlightService/"
#define TYPE_URL "type.googleapis.com/arrow.flight.protocol.sql."

struct flightsql {
	struct grpc_conn *c;
	char *uri, *auth;
};

struct fsql_query {
	struct flightsql *f;
	struct grpc_call *k;
	struct arrow_ipc *a;
	Arrow__Flight__Protocol__FlightData *fd;	/* the current message */
	char *sql;
	char begin[TIME_FORMAT_SIZE], end[TIME_FORMAT_SIZE];
	long nmsg;
	char where[160];
};

static const struct {
	const char *scheme;
	int tls;
	const char *port;
} schemes[] = {
	{ "grpc://", 0, "50051" }, { "http://", 0, "80" },
	{ "grpc+tls://", 1, "443" }, { "https://", 1, "443" },
};

int
flightsql_is_uri(const char *uri)
{
	for (size_t i = 0; i < LEN(schemes); i++)
		if (strncmp(uri, schemes[i].scheme, strlen(schemes[i].scheme))
		    == 0)
			return 1;
	return 0;
}

/* Splits the URI's authority into host and port (brackets for IPv6). */
static void
parse_uri(const char *uri, char **host, char **port, int *tls)
{
	const char *p = NULL, *h, *e, *colon;
	size_t i;

	for (i = 0; i < LEN(schemes); i++)
		if (strncmp(uri, schemes[i].scheme,
		    strlen(schemes[i].scheme)) == 0)
			break;
	if (i == LEN(schemes))
		die(EX_USAGE, "%s: not a grpc://, grpc+tls://, http:// or "
		    "https:// URI", uri);
	*tls = schemes[i].tls;
	h = uri + strlen(schemes[i].scheme);
	e = h + strcspn(h, "/?#");
	if (*e && strcmp(e, "/") != 0)
		die(EX_USAGE, "%s: a FlightSQL URI has no path or query",
		    uri);
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(e - h));

		if (!rb || (rb + 1 < e && rb[1] != ':'))
			die(EX_USAGE, "%s: bad [IPv6] address", uri);
		*host = xmemdup(h + 1, (size_t)(rb - h - 1));
		colon = rb + 1 < e ? rb + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(e - h));
		*host = xmemdup(h, (size_t)((colon ? colon : e) - h));
	}
	if (colon)
		p = colon + 1;
	if (**host == '\0' || (p && (p == e || strspn(p, "0123456789")
	    != (size_t)(e - p) || e - p > 5)))
		die(EX_USAGE, "%s: expected %sHOST[:PORT]", uri,
		    schemes[i].scheme);
	*port = p ? xmemdup(p, (size_t)(e - p)) : xstrdup(schemes[i].port);
}

struct flightsql *
flightsql_open(const char *uri, const char *token, int timeout_s)
{
	struct flightsql *f = xcalloc(1, sizeof(*f));
	char *host, *port;
	int tls;

	parse_uri(uri, &host, &port, &tls);
	/*
	 * Each message (about 2 MB) is allocated and freed in turn: with a
	 * fixed mmap threshold glibc gives such blocks back at once, where its
	 * sliding one would let the heap grow with the length of the run.
	 */
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
	f->uri = xstrdup(uri);
	if (token) {
		f->auth = xmalloc(strlen(token) + 8);
		strcpy(f->auth, "Bearer ");
		strcat(f->auth, token);
	}
	f->c = grpc_connect(uri, host, port, tls, timeout_s * 1000);
	free(host);
	free(port);
	return f;
}

void
flightsql_close(struct flightsql *f)
{
	if (!f)
		return;
	grpc_close(f->c);
	free(f->uri);
	free(f->auth);
	free(f);
}

const char *
flightsql_name(const struct flightsql *f)
{
	return f->uri;
}

/* The headers of every call. */
static size_t
headers(const struct fsql_query *q, struct grpc_md md[5])
{
	size_t n = 0;

	md[n++] = (struct grpc_md){ "preserve_dictionary", "true" };
	md[n++] = (struct grpc_md){ "query_range_begin", q->begin };
	md[n++] = (struct grpc_md){ "query_range_end", q->end };
	md[n++] = (struct grpc_md){ "x-client-type", "spanpipe" };
	if (q->f->auth)
		md[n++] = (struct grpc_md){ "authorization", q->f->auth };
	return n;
}

/* The start of the SQL, for messages. */
static void
set_where(struct fsql_query *q, const char *call)
{
	size_t n = strcspn(q->sql, "\n");

	snprintf(q->where, sizeof(q->where), "%s of '%.*s%s'", call,
	    (int)(n > 60 ? 60 : n), q->sql, n > 60 || q->sql[n] ? "..." : "");
}

/* Ends the run on a call that did not end with OK. */
static void
check_status(struct fsql_query *q)
{
	const char *msg;
	int st = grpc_status(q->k, &msg);
	const char *name = q->f->uri;

	switch (st) {
	case GRPC_OK:
		return;
	case GRPC_UNAUTHENTICATED:
		die(EX_NOPERM, "%s: authentication failed (invalid token?): "
		    "%s", name, msg);
	case GRPC_PERMISSION_DENIED:
		die(EX_NOPERM, "%s: permission denied: %s", name, msg);
	case GRPC_INVALID_ARGUMENT:
		die(EX_DATAERR, "%s: %s: %s", name, q->where, msg);
	case GRPC_NOT_FOUND:
		die(EX_NOINPUT, "%s: %s: %s", name, q->where, msg);
	default:
		die(EX_UNAVAILABLE, "%s: %s: %s (gRPC status %d): %s", name,
		    q->where, grpc_status_name(st), st, msg);
	}
}

/* GetFlightInfo of the SQL: the ticket of its one endpoint. */
static void
get_ticket(struct fsql_query *q, ProtobufCBinaryData *ticket)
{
	Arrow__Flight__Protocol__CommandStatementQuery cmd =
	    ARROW__FLIGHT__PROTOCOL__COMMAND_STATEMENT_QUERY__INIT;
	Arrow__Flight__Protocol__Any any = ARROW__FLIGHT__PROTOCOL__ANY__INIT;
	Arrow__Flight__Protocol__FlightDescriptor d =
	    ARROW__FLIGHT__PROTOCOL__FLIGHT_DESCRIPTOR__INIT;
	Arrow__Flight__Protocol__FlightInfo *info;
	struct grpc_md md[5];
	uint8_t *cbuf, *abuf, *dbuf;
	const uint8_t *msg;
	size_t len;

	cmd.query = q->sql;
	cbuf = xmalloc(arrow__flight__protocol__command_statement_query__get_packed_size(&cmd));
	any.type_url = TYPE_URL "CommandStatementQuery";
	any.value.len = arrow__flight__protocol__command_statement_query__pack(&cmd, cbuf);
	any.value.data = cbuf;
	abuf = xmalloc(arrow__flight__protocol__any__get_packed_size(&any));
	d.type = ARROW__FLIGHT__PROTOCOL__FLIGHT_DESCRIPTOR__DESCRIPTOR_TYPE__CMD;
	d.cmd.len = arrow__flight__protocol__any__pack(&any, abuf);
	d.cmd.data = abuf;
	dbuf = xmalloc(arrow__flight__protocol__flight_descriptor__get_packed_size(&d));
	len = arrow__flight__protocol__flight_descriptor__pack(&d, dbuf);
	set_where(q, "GetFlightInfo");
	q->k = grpc_call(q->f->c, SVC "GetFlightInfo", md, headers(q, md),
	    dbuf, len);
	free(cbuf), free(abuf), free(dbuf);
	if (!grpc_next(q->k, &msg, &len)) {
		check_status(q);
		die(EX_UNAVAILABLE, "%s: %s: no FlightInfo in the answer",
		    q->f->uri, q->where);
	}
	info = arrow__flight__protocol__flight_info__unpack(NULL, len, msg);
	if (!info || info->n_endpoint < 1 || !info->endpoint[0]->ticket)
		die(EX_DATAERR, "%s: %s: %s", q->f->uri, q->where, info ?
		    "the FlightInfo has no endpoint with a ticket" :
		    "the FlightInfo is not a valid protobuf message");
	/* The service answers with one endpoint on this connection. */
	ticket->len = info->endpoint[0]->ticket->ticket.len;
	ticket->data = (uint8_t *)xmemdup(info->endpoint[0]->ticket->ticket.data,
	    ticket->len);
	arrow__flight__protocol__flight_info__free_unpacked(info, NULL);
	while (grpc_next(q->k, &msg, &len))
		;
	check_status(q);
	grpc_call_free(q->k);
	q->k = NULL;
}

struct fsql_query *
fsql_start(struct flightsql *f, const char *sql, int ranged, int64_t begin,
    int64_t end)
{
	struct fsql_query *q = xcalloc(1, sizeof(*q));
	Arrow__Flight__Protocol__Ticket t = ARROW__FLIGHT__PROTOCOL__TICKET__INIT;
	struct grpc_md md[5];
	uint8_t *buf;
	size_t len;

	q->f = f;
	q->sql = xstrdup(sql);
	if (ranged) {
		time_format(begin, q->begin);
		time_format(end, q->end);
	}
	get_ticket(q, &t.ticket);
	buf = xmalloc(arrow__flight__protocol__ticket__get_packed_size(&t));
	len = arrow__flight__protocol__ticket__pack(&t, buf);
	free(t.ticket.data);
	q->k = grpc_call(f->c, SVC "DoGet", md, headers(q, md), buf, len);
	free(buf);
	q->a = arrow_ipc_new();
	return q;
}

enum arrow_msg
flightdata_read(struct arrow_ipc *a, const uint8_t *msg, size_t len,
    void *fdp)
{
	Arrow__Flight__Protocol__FlightData **fd = fdp;

	*fd = arrow__flight__protocol__flight_data__unpack(NULL, len, msg);
	if (!*fd)
		return ARROW_ERROR;
	return arrow_ipc_message(a, (*fd)->data_header.data,
	    (*fd)->data_header.len, (*fd)->data_body.data,
	    (*fd)->data_body.len);
}

void
flightdata_free(void *fd)
{
	if (fd)
		arrow__flight__protocol__flight_data__free_unpacked(fd, NULL);
}

int
fsql_next(struct fsql_query *q)
{
	const uint8_t *msg;
	size_t len;
	char call[40];

	for (;;) {
		enum arrow_msg m;

		if (q->fd)
			arrow__flight__protocol__flight_data__free_unpacked(
			    q->fd, NULL);
		q->fd = NULL;
		if (!grpc_next(q->k, &msg, &len)) {
			check_status(q);
			return 0;
		}
		q->nmsg++;
		snprintf(call, sizeof(call), "DoGet message %ld", q->nmsg);
		set_where(q, call);
		m = flightdata_read(q->a, msg, len, &q->fd);
		if (m == ARROW_ERROR)
			die(EX_DATAERR, "%s: %s: %s", q->f->uri, q->where,
			    q->fd ? arrow_ipc_error(q->a)
			    : "not a FlightData message");
		if (m == ARROW_BATCH)
			return 1;
	}
}

struct arrow_ipc *
fsql_arrow(struct fsql_query *q)
{
	return q->a;
}

const char *
fsql_where(struct fsql_query *q)
{
	return q->where;
}

void
fsql_free(struct fsql_query *q)
{
	if (!q)
		return;
	if (q->fd)
		arrow__flight__protocol__flight_data__free_unpacked(q->fd, NULL);
	grpc_call_free(q->k);
	arrow_ipc_free(q->a);
	free(q->sql);
	free(q);
}
