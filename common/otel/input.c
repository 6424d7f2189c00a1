/*
 * Input for the span readers: a file or standard input read in blocks of
 * OT_BLOCK bytes, inflated on the fly when it starts with the gzip magic
 * bytes (several gzip members one after another read as one stream).
 * Inflating streams, so memory is two blocks whatever the file's size;
 * a stream that inflates past 250 times its compressed size is refused
 * once it has given more than 64 MiB: telemetry compresses 5 to 50 times,
 * only near-pure repetition (a gzip bomb; deflate's limit is 1032) more.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "base/util.h"
#include "otel/input.h"

#define BOMB_RATIO 250
#define BOMB_MIN ((uint64_t)64 << 20)

struct ot_in {
	int fd, eof, gzip, zdone;
	char *name;
	z_stream z;
	uint8_t *raw;			/* gzip: compressed bytes */
	uint8_t *head;			/* bytes peeked, given before the rest */
	size_t hlen, hpos, hcap;
	uint64_t rawbytes, offset, inflated;
};

struct ot_in *
ot_in_open(const char *path)
{
	struct ot_in *in = xcalloc(1, sizeof(*in));
	uint8_t magic[2];
	size_t got;

	if (!path || strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = xstrdup("<stdin>");
	} else {
		if ((in->fd = open(path, O_RDONLY)) < 0)
			die(EX_NOINPUT, "%s:", path);
		in->name = xstrdup(path);
	}
	/* the first two bytes tell gzip from plain */
	in->hcap = OT_BLOCK;
	in->head = xmalloc(in->hcap);
	ot_in_head(in, 2, &got);
	if (got >= 2) {
		memcpy(magic, in->head, 2);
		if (magic[0] == 0x1f && magic[1] == 0x8b) {
			in->gzip = 1;
			in->raw = xmalloc(OT_BLOCK);
			if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
				die(EX_OSERR, "out of memory");
			/* the peeked bytes are compressed: give them to zlib */
			memcpy(in->raw, in->head, in->hlen);
			in->z.next_in = in->raw;
			in->z.avail_in = (uInt)in->hlen;
			in->hlen = in->hpos = 0;
		}
	}
	return in;
}

void
ot_in_close(struct ot_in *in)
{
	if (!in)
		return;
	if (in->gzip)
		inflateEnd(&in->z);
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	free(in->raw);
	free(in->head);
	free(in->name);
	free(in);
}

const char *
ot_in_name(const struct ot_in *in)
{
	return in->name;
}

int
ot_in_gzip(const struct ot_in *in)
{
	return in->gzip;
}

uint64_t
ot_in_rawbytes(const struct ot_in *in)
{
	return in->rawbytes;
}

uint64_t
ot_in_offset(const struct ot_in *in)
{
	return in->offset;
}

static size_t
raw_read(struct ot_in *in, void *buf, size_t n)
{
	ssize_t k;

	if (in->eof)
		return 0;
	do
		k = read(in->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		die(EX_IOERR, "%s:", in->name);
	if (k == 0)
		in->eof = 1;
	in->rawbytes += (uint64_t)k;
	return (size_t)k;
}

/* Inflates into buf: 0 only at the end of the last gzip member. */
static size_t
gz_read(struct ot_in *in, void *buf, size_t n)
{
	int r;

	in->z.next_out = buf;
	in->z.avail_out = (uInt)n;
	while (in->z.avail_out == n && !in->zdone) {
		if (in->z.avail_in == 0) {
			in->z.avail_in = (uInt)raw_read(in, in->raw, OT_BLOCK);
			in->z.next_in = in->raw;
			if (in->z.avail_in == 0)
				die(EX_DATAERR, "%s: byte %" PRIu64 ": gzip data "
				    "cut short", in->name, in->rawbytes);
		}
		r = inflate(&in->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			/* another member may follow */
			if (in->z.avail_in == 0) {
				in->z.avail_in = (uInt)raw_read(in, in->raw,
				    OT_BLOCK);
				in->z.next_in = in->raw;
			}
			if (in->z.avail_in == 0)
				in->zdone = 1;
			else
				inflateReset(&in->z);
		} else if (r != Z_OK && r != Z_BUF_ERROR)
			die(EX_DATAERR, "%s: byte %" PRIu64 ": bad gzip data: %s",
			    in->name, in->rawbytes, in->z.msg ? in->z.msg :
			    "inflate failed");
	}
	n -= in->z.avail_out;
	in->inflated += n;
	if (in->inflated > BOMB_MIN &&
	    in->inflated / BOMB_RATIO > in->rawbytes)
		die(EX_DATAERR, "%s: gzip data inflates to more than %d times "
		    "its size (%" PRIu64 " bytes from %" PRIu64 "): refused as "
		    "a gzip bomb", in->name, BOMB_RATIO, in->inflated,
		    in->rawbytes);
	return n;
}

static size_t
any_read(struct ot_in *in, void *buf, size_t n)
{
	return in->gzip ? gz_read(in, buf, n) : raw_read(in, buf, n);
}

const uint8_t *
ot_in_head(struct ot_in *in, size_t n, size_t *got)
{
	size_t k;

	if (n > in->hcap)
		n = in->hcap;
	if (in->hpos) {
		memmove(in->head, in->head + in->hpos, in->hlen - in->hpos);
		in->hlen -= in->hpos;
		in->hpos = 0;
	}
	while (in->hlen < n &&
	    (k = any_read(in, in->head + in->hlen, in->hcap - in->hlen)))
		in->hlen += k;
	*got = in->hlen;
	return in->head;
}

size_t
ot_in_read(struct ot_in *in, void *buf, size_t n)
{
	size_t k;

	if (in->hpos < in->hlen) {
		k = in->hlen - in->hpos < n ? in->hlen - in->hpos : n;
		memcpy(buf, in->head + in->hpos, k);
		in->hpos += k;
	} else
		k = any_read(in, buf, n);
	in->offset += k;
	return k;
}

int
ot_in_full(struct ot_in *in, void *buf, size_t n, size_t *got)
{
	size_t k, have = 0;

	while (have < n && (k = ot_in_read(in, (char *)buf + have, n - have)))
		have += k;
	if (got)
		*got = have;
	return have == n;
}

/* --- ids ---------------------------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
allzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int
ot_hex_parse(const char *s, size_t n, uint8_t *out, size_t len)
{
	size_t i, pad;

	memset(out, 0, len);
	if (n == 0)
		return 0;
	if (n > 2 * len)
		return -1;
	pad = 2 * len - n;		/* leading zeros a writer dropped */
	for (i = 0; i < n; i++) {
		int v = hexval((unsigned char)s[i]);

		if (v < 0)
			return -1;
		out[(pad + i) / 2] |= (uint8_t)((pad + i) % 2 ? v : v << 4);
	}
	return allzero(out, len) ? 0 : 1;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64 (standard or URL-safe, padded or not) of exactly len bytes. */
static int
b64_parse(const char *s, size_t n, uint8_t *out, size_t len)
{
	uint32_t acc = 0;
	size_t i, bits = 0, o = 0;

	while (n && s[n - 1] == '=')
		n--;
	if (n != (len * 8 + 5) / 6)
		return -1;
	for (i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < len)
				out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == len ? (allzero(out, len) ? 0 : 1) : -1;
}

int
ot_id_parse(const char *s, size_t n, uint8_t *out, size_t len)
{
	int r = ot_hex_parse(s, n, out, len);

	if (r >= 0)
		return r;
	r = b64_parse(s, n, out, len);
	if (r < 0)
		memset(out, 0, len);
	return r;
}

void
ot_id_hex(const uint8_t *id, size_t len, char *out)
{
	static const char dig[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = dig[id[i] >> 4];
		out[2 * i + 1] = dig[id[i] & 15];
	}
	out[2 * len] = '\0';
}

/* --- what a file looks like --------------------------------------------- */

static int
has(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static const char *
sniff_json(const uint8_t *p, size_t n)
{
	if (has(p, n, "\"resourceSpans\"") || has(p, n, "\"resource_spans\"") ||
	    has(p, n, "\"scopeSpans\"") || has(p, n, "\"scope_spans\"") ||
	    has(p, n, "\"resourceMetrics\"") || has(p, n, "\"resourceLogs\"") ||
	    has(p, n, "\"batches\"") ||
	    has(p, n, "\"instrumentationLibrarySpans\""))
		return "OTLP/JSON";
	if (has(p, n, "\"traceEvents\"") || has(p, n, "\"ph\""))
		return "Chrome JSON";
	if (has(p, n, "\"traceID\"") || has(p, n, "\"spanID\"") ||
	    has(p, n, "\"operationName\""))
		return "Jaeger JSON";
	if (has(p, n, "\"localEndpoint\"") || has(p, n, "\"remoteEndpoint\"") ||
	    (has(p, n, "\"traceId\"") && has(p, n, "\"id\"") &&
	    has(p, n, "\"timestamp\"")))
		return "Zipkin JSON";
	return NULL;
}

const char *
ot_sniff(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r'))
		i++;
	if (i == n)
		return NULL;
	if (p[i] == '{' || p[i] == '[')
		return sniff_json(p + i, n - i);
	if (n - i >= 5 && memcmp(p + i, "kind,", 5) == 0)
		return "spanpipe records";
	if (p[i] == 0x0a)
		return "protobuf (OTLP or a Perfetto trace)";
	if (n - i > 4 && p[i] == 0 && p[i + 4] == 0x0a)
		return "length-framed protobuf (OTLP file exporter)";
	return NULL;
}
