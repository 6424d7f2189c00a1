/*
 * gRPC over HTTP/2; see grpc.h. The socket is blocking; every wait for
 * the server goes through poll() with the timeout, so a server that goes
 * silent ends the run instead of hanging it.
 *
 * Flow control is manual (no automatic WINDOW_UPDATE): a call acknowledges
 * the bytes of the message it is waiting for, and of the messages it has
 * taken, but not those behind a complete message nobody has asked for yet.
 * The server can therefore run at most one stream window ahead of the
 * reader on each call, while the connection window is kept wide open so
 * that one idle call never stalls another.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "base/util.h"
#include "flight/grpc.h"

#define STREAM_WINDOW (1 << 20)		/* unread bytes a call may hold */
#define CONN_WINDOW ((1 << 30) - 1)
#define MAX_MESSAGE (256u << 20)	/* a longer one is refused */

struct grpc_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	nghttp2_session *h2;
	char *name, *authority;
	int tls, timeout_ms;
	struct grpc_call *calls;	/* open calls */
	uint8_t rbuf[1 << 16];
};

struct grpc_call {
	struct grpc_conn *c;
	struct grpc_call *next;
	int32_t id;
	uint8_t *buf;		/* received, not yet taken: buf[off, len) */
	size_t off, len, cap;
	size_t taken;		/* bytes of the last message handed out */
	uint64_t received, acked;	/* of the stream, in bytes */
	uint8_t *req;		/* the framed request message */
	size_t reqlen, reqoff;
	int http_status, status, closed, got_headers;
	uint32_t reset;		/* RST_STREAM error code */
	char *message;
};

static void __attribute__((noreturn, format(printf, 2, 3)))
conn_die(const struct grpc_conn *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	die(EX_UNAVAILABLE, "%s: %s", c->name, buf);
}

static const char *
tls_error(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (!e)
		return "the connection ended during the handshake";
	ERR_error_string_n(e, buf, sizeof(buf));
	return buf;
}

/* Waits for fd to be ready for ev; dies after the timeout. */
static void
wait_fd(struct grpc_conn *c, short ev, const char *what)
{
	struct pollfd p = { c->fd, ev, 0 };
	int r;

	while ((r = poll(&p, 1, c->timeout_ms)) < 0 && errno == EINTR)
		;
	if (r < 0)
		conn_die(c, "poll: %s", strerror(errno));
	if (r == 0)
		conn_die(c, "no answer for %d s while %s (--timeout)",
		    c->timeout_ms / 1000, what);
}

static ssize_t
sock_write(struct grpc_conn *c, const uint8_t *p, size_t n)
{
	ssize_t w;

	for (;;) {
		if (c->ssl) {
			int r = SSL_write(c->ssl, p, (int)n);

			if (r > 0)
				return r;
			switch (SSL_get_error(c->ssl, r)) {
			case SSL_ERROR_WANT_READ:
				wait_fd(c, POLLIN, "sending");
				continue;
			case SSL_ERROR_WANT_WRITE:
				wait_fd(c, POLLOUT, "sending");
				continue;
			default:
				conn_die(c, "TLS write: %s", tls_error());
			}
		}
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w >= 0)
			return w;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			wait_fd(c, POLLOUT, "sending");
		else if (errno != EINTR)
			conn_die(c, "the connection broke while sending: %s",
			    strerror(errno));
	}
}

/* Reads what the server sent (waiting for it); 0 at the end. */
static size_t
sock_read(struct grpc_conn *c, const char *what)
{
	ssize_t r;

	for (;;) {
		if (c->ssl) {
			int n = SSL_read(c->ssl, c->rbuf, sizeof(c->rbuf));

			if (n > 0)
				return (size_t)n;
			switch (SSL_get_error(c->ssl, n)) {
			case SSL_ERROR_WANT_READ:
				wait_fd(c, POLLIN, what);
				continue;
			case SSL_ERROR_WANT_WRITE:
				wait_fd(c, POLLOUT, what);
				continue;
			case SSL_ERROR_ZERO_RETURN:
				return 0;
			case SSL_ERROR_SYSCALL:
				if (ERR_peek_error() == 0)
					return 0;
				/* fall through */
			default:
				conn_die(c, "TLS read: %s", tls_error());
			}
		}
		r = recv(c->fd, c->rbuf, sizeof(c->rbuf), 0);
		if (r >= 0)
			return (size_t)r;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			wait_fd(c, POLLIN, what);
		else if (errno != EINTR)
			conn_die(c, "the connection broke: %s", strerror(errno));
	}
}

/* Hands nghttp2's pending frames to the socket. */
static void
flush(struct grpc_conn *c)
{
	for (;;) {
		const uint8_t *p;
		ssize_t n = nghttp2_session_mem_send(c->h2, &p);

		if (n < 0)
			conn_die(c, "HTTP/2: %s", nghttp2_strerror((int)n));
		if (n == 0)
			return;
		for (size_t off = 0; off < (size_t)n; )
			off += (size_t)sock_write(c, p + off, (size_t)n - off);
	}
}

/* One read from the server, through nghttp2 into the calls. */
static void
pump(struct grpc_conn *c, const char *what)
{
	size_t n;
	ssize_t r;

	flush(c);
	n = sock_read(c, what);
	if (n == 0)
		conn_die(c, "the server closed the connection while %s", what);
	r = nghttp2_session_mem_recv(c->h2, c->rbuf, n);
	if (r < 0)
		conn_die(c, "HTTP/2 protocol error: %s",
		    nghttp2_strerror((int)r));
	flush(c);
}

static struct grpc_call *
call_of(struct grpc_conn *c, int32_t id)
{
	for (struct grpc_call *k = c->calls; k; k = k->next)
		if (k->id == id)
			return k;
	return NULL;
}

/* The stream offset up to which the call's data may be acknowledged. */
static uint64_t
ack_limit(const struct grpc_call *k)
{
	size_t have = k->len - k->off;
	uint64_t start = k->received - have;
	const uint8_t *p;
	uint32_t n;

	if (have < 5)
		return k->received;
	p = k->buf + k->off;
	n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8
	    | p[4];
	return start + 5 + n < k->received ? start + 5 + n : k->received;
}

static void
ack(struct grpc_call *k)
{
	uint64_t lim = ack_limit(k);

	if (lim > k->acked) {
		if (k->closed)
			nghttp2_session_consume_connection(k->c->h2,
			    (size_t)(lim - k->acked));
		else
			nghttp2_session_consume(k->c->h2, k->id,
			    (size_t)(lim - k->acked));
		k->acked = lim;
	}
}

static int
on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data,
    size_t len, void *user)
{
	struct grpc_call *k = call_of(user, id);

	(void)flags;
	if (!k) {
		nghttp2_session_consume(s, id, len);
		return 0;
	}
	if (k->len + len > k->cap) {
		if (k->off > 0) {
			memmove(k->buf, k->buf + k->off, k->len - k->off);
			k->len -= k->off;
			k->off = 0;
		}
		while (k->len + len > k->cap)
			k->cap = k->cap ? k->cap * 2 : 1 << 16;
		k->buf = xrealloc(k->buf, k->cap);
	}
	memcpy(k->buf + k->len, data, len);
	k->len += len;
	k->received += len;
	ack(k);
	return 0;
}

/* grpc-message is percent-encoded (gRPC's PROTOCOL-HTTP2.md). */
static char *
pct_decode(const uint8_t *s, size_t n)
{
	char *o = xmalloc(n + 1), *p = o;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (s[i] == '%' && i + 2 < n && sscanf((const char *)s + i
		    + 1, "%2x", &v) == 1) {
			*p++ = (char)v;
			i += 2;
		} else {
			*p++ = (char)s[i];
		}
	}
	*p = '\0';
	return o;
}

static int
on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
    size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *user)
{
	struct grpc_call *k = call_of(user, f->hd.stream_id);

	(void)s, (void)flags;
	if (!k)
		return 0;
	k->got_headers = 1;
	if (nlen == 7 && memcmp(name, ":status", 7) == 0)
		k->http_status = atoi((const char *)value);
	else if (nlen == 11 && memcmp(name, "grpc-status", 11) == 0)
		k->status = atoi((const char *)value);
	else if (nlen == 12 && memcmp(name, "grpc-message", 12) == 0) {
		free(k->message);
		k->message = pct_decode(value, vlen);
	}
	return 0;
}

static int
on_close(nghttp2_session *s, int32_t id, uint32_t code, void *user)
{
	struct grpc_call *k = call_of(user, id);

	(void)s;
	if (k) {
		k->closed = 1;
		k->reset = code;
	}
	return 0;
}

static ssize_t
read_req(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len,
    uint32_t *flags, nghttp2_data_source *src, void *user)
{
	struct grpc_call *k = src->ptr;
	size_t n = k->reqlen - k->reqoff;

	(void)s, (void)id, (void)user;
	if (n > len)
		n = len;
	memcpy(buf, k->req + k->reqoff, n);
	k->reqoff += n;
	if (k->reqoff == k->reqlen)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static int
tcp_connect(struct grpc_conn *c, const char *host, const char *port)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int e, fd = -1, err = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		conn_die(c, "cannot resolve '%s': %s", host,
		    e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t sl = sizeof(err);

		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) < 0) {
			err = errno;
			continue;
		}
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			err = errno;
		} else {
			p = (struct pollfd){ fd, POLLOUT, 0 };
			e = poll(&p, 1, c->timeout_ms);
			if (e == 0)
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &sl) < 0)
				err = errno;
			if (e > 0 && err == 0)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		conn_die(c, "cannot connect to %s port %s: %s", host, port,
		    strerror(err));
	e = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &e, sizeof(e));
	return fd;
}

static void
tls_start(struct grpc_conn *c, const char *host)
{
	static const unsigned char alpn[] = "\x02h2";
	unsigned char addr[16];
	const unsigned char *proto = NULL;
	unsigned plen = 0;
	int r;

	if (!(c->ctx = SSL_CTX_new(TLS_client_method())))
		conn_die(c, "TLS: %s", tls_error());
	SSL_CTX_set_default_verify_paths(c->ctx);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_alpn_protos(c->ctx, alpn, sizeof(alpn) - 1);
	c->ssl = SSL_new(c->ctx);
	SSL_set_fd(c->ssl, c->fd);
	if (inet_pton(AF_INET, host, addr) == 1
	    || inet_pton(AF_INET6, host, addr) == 1) {
		/* an address: checked against the certificate's IP names */
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, host);
		SSL_set1_host(c->ssl, host);
	}
	while ((r = SSL_connect(c->ssl)) != 1) {
		int e = SSL_get_error(c->ssl, r);

		if (e == SSL_ERROR_WANT_READ)
			wait_fd(c, POLLIN, "in the TLS handshake");
		else if (e == SSL_ERROR_WANT_WRITE)
			wait_fd(c, POLLOUT, "in the TLS handshake");
		else if (SSL_get_verify_result(c->ssl) != X509_V_OK)
			conn_die(c, "TLS handshake failed: certificate: %s",
			    X509_verify_cert_error_string(
			    SSL_get_verify_result(c->ssl)));
		else
			conn_die(c, "TLS handshake failed: %s", tls_error());
	}
	SSL_get0_alpn_selected(c->ssl, &proto, &plen);
	if (plen != 2 || memcmp(proto, "h2", 2) != 0)
		conn_die(c, "the server does not offer HTTP/2 over TLS (ALPN h2)");
}

static void
h2_start(struct grpc_conn *c)
{
	nghttp2_session_callbacks *cb;
	nghttp2_option *opt;
	nghttp2_settings_entry set[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 1 << 20 },
	};

	nghttp2_session_callbacks_new(&cb);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
	nghttp2_option_new(&opt);
	nghttp2_option_set_no_auto_window_update(opt, 1);
	if (nghttp2_session_client_new2(&c->h2, cb, c, opt) != 0)
		die(EX_OSERR, "nghttp2: out of memory");
	nghttp2_option_del(opt);
	nghttp2_session_callbacks_del(cb);
	nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, set, LEN(set));
	nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0,
	    CONN_WINDOW);
	flush(c);
}

struct grpc_conn *
grpc_connect(const char *name, const char *host, const char *port, int tls,
    int timeout_ms)
{
	struct grpc_conn *c = xcalloc(1, sizeof(*c));
	size_t hl = strlen(host);
	int v6 = strchr(host, ':') != NULL;

	c->name = xstrdup(name);
	c->tls = tls;
	c->timeout_ms = timeout_ms;
	c->authority = xmalloc(hl + strlen(port) + 4);
	sprintf(c->authority, v6 ? "[%s]:%s" : "%s:%s", host, port);
	c->fd = tcp_connect(c, host, port);
	if (tls)
		tls_start(c, host);
	h2_start(c);
	return c;
}

void
grpc_close(struct grpc_conn *c)
{
	if (!c)
		return;
	while (c->calls)
		grpc_call_free(c->calls);
	if (c->h2) {
		nghttp2_session_terminate_session(c->h2, NGHTTP2_NO_ERROR);
		nghttp2_session_del(c->h2);
	}
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	close(c->fd);
	free(c->name);
	free(c->authority);
	free(c);
}

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), \
	NGHTTP2_NV_FLAG_NONE }

struct grpc_call *
grpc_call(struct grpc_conn *c, const char *path, const struct grpc_md *md,
    size_t nmd, const void *msg, size_t len)
{
	struct grpc_call *k = xcalloc(1, sizeof(*k));
	nghttp2_nv *nv = xcalloc(nmd + 7, sizeof(*nv));
	nghttp2_data_provider dp = { { .ptr = k }, read_req };
	size_t n = 0;

	nv[n++] = (nghttp2_nv)NV(":method", "POST");
	nv[n++] = (nghttp2_nv)NV(":scheme", c->tls ? "https" : "http");
	nv[n++] = (nghttp2_nv)NV(":path", path);
	nv[n++] = (nghttp2_nv)NV(":authority", c->authority);
	nv[n++] = (nghttp2_nv)NV("content-type", "application/grpc");
	nv[n++] = (nghttp2_nv)NV("te", "trailers");
	nv[n++] = (nghttp2_nv)NV("user-agent", "spanpipe/" VERSION);
	for (size_t i = 0; i < nmd; i++)
		nv[n++] = (nghttp2_nv)NV(md[i].name, md[i].value);
	k->c = c;
	k->status = -1;
	k->reqlen = 5 + len;
	k->req = xmalloc(k->reqlen);
	k->req[0] = 0;
	k->req[1] = (uint8_t)(len >> 24);
	k->req[2] = (uint8_t)(len >> 16);
	k->req[3] = (uint8_t)(len >> 8);
	k->req[4] = (uint8_t)len;
	memcpy(k->req + 5, msg, len);
	k->id = nghttp2_submit_request(c->h2, NULL, nv, n, &dp, k);
	free(nv);
	if (k->id < 0)
		conn_die(c, "HTTP/2: %s", nghttp2_strerror(k->id));
	k->next = c->calls;
	c->calls = k;
	flush(c);
	return k;
}

/* Drops the message handed out last, acknowledging what comes next. */
static void
drop_taken(struct grpc_call *k)
{
	k->off += k->taken;
	k->taken = 0;
	if (k->off == k->len)
		k->off = k->len = 0;
	ack(k);
	flush(k->c);
}

/* A complete message at the front: 1 and its length. */
static int
complete(const struct grpc_call *k, size_t *n)
{
	const uint8_t *p;
	size_t have = k->len - k->off;

	if (have < 5)
		return 0;
	p = k->buf + k->off;
	*n = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8
	    | p[4];
	if (*n > MAX_MESSAGE)
		conn_die(k->c, "a gRPC message of %zu bytes (more than %u)",
		    *n, MAX_MESSAGE);
	if (p[0] != 0)
		conn_die(k->c, "a compressed gRPC message (flag %u), though "
		    "no compression was offered", p[0]);
	return have >= 5 + *n;
}

int
grpc_next(struct grpc_call *k, const uint8_t **msg, size_t *len)
{
	size_t n;

	drop_taken(k);
	while (!complete(k, &n)) {
		if (k->closed) {
			if (k->len > k->off && k->status == GRPC_OK)
				conn_die(k->c, "the stream ended inside a "
				    "message (%zu bytes of it)", k->len - k->off);
			return 0;
		}
		pump(k->c, "waiting for data");
	}
	*msg = k->buf + k->off + 5;
	*len = n;
	k->taken = 5 + n;
	return 1;
}

/*
 * How the call ended. A stream that closed without a grpc-status is a
 * dropped stream (or no gRPC server at all): EX_UNAVAILABLE here.
 */
int
grpc_status(const struct grpc_call *k, const char **message)
{
	*message = k->message ? k->message : "";
	if (k->status >= 0)
		return k->status;
	if (k->http_status && k->http_status != 200)
		conn_die(k->c, "HTTP status %d: not a gRPC server?",
		    k->http_status);
	if (k->reset)
		conn_die(k->c, "the server reset the stream (HTTP/2 error %s)",
		    nghttp2_http2_strerror(k->reset));
	conn_die(k->c, "the stream ended without a gRPC status (dropped?)");
}

void
grpc_call_free(struct grpc_call *k)
{
	struct grpc_call **pp;

	if (!k)
		return;
	for (pp = &k->c->calls; *pp && *pp != k; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = k->next;
	if (!k->closed && k->c->h2) {
		nghttp2_submit_rst_stream(k->c->h2, NGHTTP2_FLAG_NONE, k->id,
		    NGHTTP2_CANCEL);
		nghttp2_session_set_stream_user_data(k->c->h2, k->id, NULL);
	}
	free(k->buf);
	free(k->req);
	free(k->message);
	free(k);
}

const char *
grpc_status_name(int code)
{
	static const char *const names[] = { "OK", "CANCELLED", "UNKNOWN",
	    "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
	    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	    "UNAUTHENTICATED" };

	return code >= 0 && code < (int)LEN(names) ? names[code] : "status";
}
