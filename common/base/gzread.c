/*
 * Plain or gzip input through one read call (see gzread.h). Cost for gzip:
 * zlib's inflate into the caller's buffer, a 64 KiB buffer of compressed
 * bytes and zlib's 32 KiB window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "base/gzread.h"
#include "base/util.h"

#define GZ_IN (64 * 1024)

struct gzr {
	int fd;
	int gz, started, end;
	unsigned char *in;
	size_t held;			/* plain: bytes of in not yet given */
	uint64_t raw, out;		/* compressed bytes read, inflated */
	const char *fault;
	z_stream z;
};

static ssize_t
readfd(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

struct gzr *
gzr_open(int fd)
{
	struct gzr *g = xcalloc(1, sizeof(*g));

	g->fd = fd;
	g->in = xmalloc(GZ_IN);
	return g;
}

void
gzr_close(struct gzr *g)
{
	if (!g)
		return;
	if (g->gz)
		inflateEnd(&g->z);
	free(g->in);
	free(g);
}

int gzr_gzip(const struct gzr *g) { return g->gz; }
const char *gzr_fault(const struct gzr *g) { return g->fault; }

/* The first bytes: gzip or not. -1 on a read error. */
static int
sniff(struct gzr *g)
{
	ssize_t r = 1;

	g->started = 1;
	while (g->held < 2 && r > 0) {
		r = readfd(g->fd, g->in + g->held, GZ_IN - g->held);
		if (r < 0)
			return -1;
		g->held += (size_t)r;
	}
	g->raw = g->held;
	if (g->held < 2 || g->in[0] != 0x1f || g->in[1] != 0x8b)
		return 0;
	g->gz = 1;
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK)
		die(EX_OSERR, "out of memory");
	g->z.next_in = g->in;
	g->z.avail_in = (uInt)g->held;
	g->held = 0;
	return 0;
}

static ssize_t
fault(struct gzr *g, const char *what)
{
	g->fault = what;
	g->end = 1;
	return -2;
}

/* More compressed input: 0 at its end. */
static ssize_t
more(struct gzr *g)
{
	ssize_t r = readfd(g->fd, g->in, GZ_IN);

	if (r > 0) {
		g->z.next_in = g->in;
		g->z.avail_in = (uInt)r;
		g->raw += (uint64_t)r;
	}
	return r;
}

/* After a member's end: 1 for the next member, 0 at the end of the
 * input, -1 on a read error, -2 on bytes that are not gzip. */
static int
next_member(struct gzr *g)
{
	ssize_t r;

	if (g->z.avail_in == 0 && (r = more(g)) <= 0)
		return (int)r;
	if (g->z.next_in[0] != 0x1f) {
		fault(g, "bytes after the end of the gzip stream");
		return -2;
	}
	inflateReset(&g->z);
	return 1;
}

/* One step of inflate: 0, or -1 / -2 as gzr_read. */
static int
step(struct gzr *g)
{
	int rc;

	if (g->z.avail_in == 0) {
		ssize_t r = more(g);

		if (r <= 0)
			return r < 0 ? -1 :
			    (int)fault(g, "the gzip stream is cut short");
	}
	rc = inflate(&g->z, Z_NO_FLUSH);
	if (rc == Z_STREAM_END) {
		int m = next_member(g);

		if (m < 0)
			return m;
		g->end = m == 0;
	} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
		return (int)fault(g, "the gzip stream is corrupt");
	}
	return 0;
}

/* Inflates until some bytes come out or the input ends; the bytes made
 * before a fault are given first, the fault on the next call. */
static ssize_t
inflate_some(struct gzr *g, void *p, size_t n)
{
	size_t made;
	int rc = 0;

	g->z.next_out = p;
	g->z.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (g->z.next_out == (unsigned char *)p && !g->end && rc == 0)
		rc = step(g);
	made = (size_t)(g->z.next_out - (unsigned char *)p);
	if (made == 0 && rc < 0)
		return rc;
	g->out += made;
	if (g->out > GZ_FREE && g->out / GZ_RATIO > g->raw)
		return fault(g, "the gzip stream inflates to more than 100 "
		    "times its size, past 1 GiB (a gzip bomb?)");
	return (ssize_t)made;
}

ssize_t
gzr_read(struct gzr *g, void *p, size_t n)
{
	if (!g->started && sniff(g) < 0)
		return -1;
	if (g->gz) {
		if (g->fault)
			return -2;
		return g->end ? 0 : inflate_some(g, p, n);
	}
	if (g->held) {
		size_t k = g->held < n ? g->held : n;

		memcpy(p, g->in, k);
		memmove(g->in, g->in + k, g->held - k);
		g->held -= k;
		return (ssize_t)k;
	}
	return readfd(g->fd, p, n);
}
