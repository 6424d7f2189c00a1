/*
 * A gRPC client over HTTP/2 (libnghttp2), plaintext (h2c with prior
 * knowledge) or TLS (OpenSSL, ALPN "h2"): calls as HTTP/2 streams of one
 * connection, messages framed by hand (a flag byte, a 4-byte big-endian
 * length). Several calls may be open at once; each call's unread data is
 * bounded by its stream's flow-control window, so memory stays at one
 * message plus one window a call.
 *
 * Failures of the connection (DNS, refused, TLS, silence longer than the
 * timeout, a dropped connection) end the run with EX_UNAVAILABLE and a
 * message naming the server; a call's own gRPC status is given back.
 */
#ifndef SPANPIPE_GRPC_H
#define SPANPIPE_GRPC_H

#include <stddef.h>
#include <stdint.h>

enum {	/* gRPC status codes (grpc/doc/statuscodes.md) */
	GRPC_OK = 0, GRPC_CANCELLED = 1, GRPC_UNKNOWN = 2,
	GRPC_INVALID_ARGUMENT = 3, GRPC_DEADLINE_EXCEEDED = 4,
	GRPC_NOT_FOUND = 5, GRPC_PERMISSION_DENIED = 7,
	GRPC_RESOURCE_EXHAUSTED = 8, GRPC_UNIMPLEMENTED = 12,
	GRPC_INTERNAL = 13, GRPC_UNAVAILABLE = 14, GRPC_UNAUTHENTICATED = 16
};

struct grpc_conn;
struct grpc_call;

struct grpc_md {		/* one metadata entry: a lowercase name */
	const char *name, *value;
};

/*
 * Connects to host:port (TLS when tls), waiting at most timeout_ms for
 * each step; name is the server as messages show it (the URI).
 */
struct grpc_conn *grpc_connect(const char *name, const char *host,
    const char *port, int tls, int timeout_ms);
void grpc_close(struct grpc_conn *c);

/* Starts a call of path ("/package.Service/Method") sending one message. */
struct grpc_call *grpc_call(struct grpc_conn *c, const char *path,
    const struct grpc_md *md, size_t nmd, const void *msg, size_t len);
/*
 * The call's next message: 1 with *msg and *len (valid until the next
 * grpc_ function), or 0 at the end of the call: then grpc_status() says
 * how it ended.
 */
int grpc_next(struct grpc_call *k, const uint8_t **msg, size_t *len);
/* The call's status and its message ("" when none). */
int grpc_status(const struct grpc_call *k, const char **message);
/* Ends a call (cancelling it if it is still running). */
void grpc_call_free(struct grpc_call *k);

/* The status code's name: "INVALID_ARGUMENT". */
const char *grpc_status_name(int code);

#endif
