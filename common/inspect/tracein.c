/*
 * The trace reader. A window buf[pos..len) of the stream is kept; ti_next
 * parses one tag and length in place and, for a packet, refills the window
 * until the whole packet is in it (growing it up to TI_MAXPACKET). Input is
 * read TI_BLOCK bytes at a time; gzip input is inflated into the window as
 * it is needed. Cost: one copy of each byte (two with gzip), and a memmove
 * of the tail of the window once per block.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "base/sig.h"
#include "base/util.h"
#include "inspect/tracein.h"

struct tracein {
	const char *name;
	int fd, eof, gz, gzend;
	const char *gzfault;
	z_stream z;
	uint8_t *in;			/* gzip: compressed bytes */
	size_t inlen;
	uint8_t *buf;			/* the window */
	size_t pos, len, cap;
	uint64_t base;			/* stream offset of buf[0] */
	uint64_t raw;			/* bytes read from fd */
};

/*
 * Reads are made between packets: a signal (sig.h) that comes while one
 * waits for input ends the run here, through poll() on the signal pipe.
 */
static ssize_t
readfd(struct tracein *ti, uint8_t *p, size_t n)
{
	struct pollfd pf[2] = { { ti->fd, POLLIN, 0 }, { sig_fd(), POLLIN, 0 } };
	ssize_t r;

	do {
		sig_check();
		(void)poll(pf, 2, -1);	/* a failure shows in read() */
		sig_check();
		r = read(ti->fd, p, n);
	} while (r < 0 && errno == EINTR);
	if (r > 0)
		ti->raw += (uint64_t)r;
	return r;
}

struct tracein *
ti_open(const char *path)
{
	struct tracein *ti;
	int fd = STDIN_FILENO;
	ssize_t r;

	if (path && strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0)
		return NULL;
	ti = xcalloc(1, sizeof(*ti));
	ti->fd = fd;
	ti->name = fd == STDIN_FILENO ? "<stdin>" : path;
	ti->cap = TI_BLOCK;
	ti->buf = xmalloc(ti->cap);
	/* the first block tells plain from gzip */
	do {
		if ((r = readfd(ti, ti->buf + ti->len, ti->cap - ti->len)) < 0) {
			int e = errno;

			ti_close(ti);
			errno = e;
			return NULL;
		}
		ti->len += (size_t)r;
	} while (r > 0 && ti->len < 2);
	ti->eof = r == 0;
	if (ti->len >= 2 && ti->buf[0] == 0x1f && ti->buf[1] == 0x8b) {
		ti->gz = 1;
		ti->in = xmalloc(TI_BLOCK);
		memcpy(ti->in, ti->buf, ti->len);
		ti->inlen = ti->len;
		ti->len = 0;
		if (inflateInit2(&ti->z, 16 + MAX_WBITS) != Z_OK)
			die(EX_OSERR, "out of memory");
		ti->z.next_in = ti->in;
		ti->z.avail_in = (uInt)ti->inlen;
	}
	return ti;
}

void
ti_close(struct tracein *ti)
{
	if (!ti)
		return;
	if (ti->gz)
		inflateEnd(&ti->z);
	if (ti->fd != STDIN_FILENO)
		close(ti->fd);
	free(ti->in);
	free(ti->buf);
	free(ti);
}

const char *ti_name(const struct tracein *ti) { return ti->name; }
int ti_gzip(const struct tracein *ti) { return ti->gz; }
uint64_t ti_rawbytes(const struct tracein *ti) { return ti->raw; }
uint64_t ti_offset(const struct tracein *ti) { return ti->base + ti->pos; }
const char *ti_gzip_fault(const struct tracein *ti) { return ti->gzfault; }

/* Another member after the end of a gzip member, or trailing bytes. */
static int
gz_next_member(struct tracein *ti)
{
	if (ti->z.avail_in == 0) {
		ssize_t r = readfd(ti, ti->in, TI_BLOCK);

		if (r <= 0) {
			ti->gzend = 1;
			return r < 0 ? -1 : 0;
		}
		ti->z.next_in = ti->in;
		ti->z.avail_in = (uInt)r;
	}
	if (ti->z.next_in[0] != 0x1f) {
		ti->gzfault = "trailing bytes after the gzip stream";
		ti->gzend = 1;
		return 0;
	}
	inflateReset(&ti->z);
	return 0;
}

/* Inflates into p[0..n); returns bytes made, 0 at the end, -1 on error. */
static ssize_t
readgz(struct tracein *ti, uint8_t *p, size_t n)
{
	ti->z.next_out = p;
	ti->z.avail_out = (uInt)n;
	while (ti->z.avail_out == n && !ti->gzend) {
		int rc;

		if (ti->z.avail_in == 0) {
			ssize_t r = readfd(ti, ti->in, TI_BLOCK);

			if (r < 0)
				return -1;
			if (r == 0) {
				ti->gzfault = "the gzip stream is cut short";
				ti->gzend = 1;
				break;
			}
			ti->z.next_in = ti->in;
			ti->z.avail_in = (uInt)r;
		}
		rc = inflate(&ti->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			if (gz_next_member(ti) < 0)
				return -1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			ti->gzfault = "the gzip data is corrupt";
			ti->gzend = 1;
		}
	}
	return (ssize_t)(n - ti->z.avail_out);
}

/* Makes at least need bytes available at pos, unless the input ends. */
static int
fill(struct tracein *ti, size_t need)
{
	while (ti->len - ti->pos < need && !ti->eof) {
		ssize_t r;

		if (ti->pos > 0) {
			memmove(ti->buf, ti->buf + ti->pos, ti->len - ti->pos);
			ti->base += ti->pos;
			ti->len -= ti->pos;
			ti->pos = 0;
		}
		if (need > ti->cap) {
			ti->cap = need;
			ti->buf = xrealloc(ti->buf, ti->cap);
		}
		r = ti->gz ? readgz(ti, ti->buf + ti->len, ti->cap - ti->len) :
		    readfd(ti, ti->buf + ti->len, ti->cap - ti->len);
		if (r < 0)
			return -1;
		if (r == 0)
			ti->eof = 1;
		ti->len += (size_t)r;
	}
	return 0;
}

/* Reads and drops n bytes; returns how many there were. */
static uint64_t
skip(struct tracein *ti, uint64_t n)
{
	uint64_t done = 0;

	while (done < n) {
		size_t have = ti->len - ti->pos;

		if (have == 0) {
			if (ti->eof || fill(ti, 1) < 0 || ti->len == ti->pos)
				break;
			continue;
		}
		if (have > n - done)
			have = (size_t)(n - done);
		ti->pos += have;
		done += have;
	}
	return done;
}

/* Whether a varint at p was cut by the end of the input. */
static int
cut(const struct tracein *ti, const uint8_t *p, const uint8_t *end)
{
	if (!ti->eof || end - p >= 10)
		return 0;
	for (; p < end; p++)
		if (!(*p & 0x80))
			return 0;
	return 1;
}

static enum tires
header(struct tracein *ti, struct tifield *f, uint64_t *len, size_t *hdr)
{
	const uint8_t *p = ti->buf + ti->pos, *end = ti->buf + ti->len;
	uint64_t tag;
	size_t n;

	if (!(n = pb_getvarint(p, end, &tag, &f->why)))
		return cut(ti, p, end) ? TI_TRUNC : TI_BAD;
	f->num = (uint32_t)(tag >> 3);
	f->wt = (enum pbwire)(tag & 7);
	if (f->num == 0 || tag >> 3 > 0x1fffffff) {
		f->why = "field number 0 or above 2^29-1";
		return TI_BAD;
	}
	*hdr = n;
	*len = 0;
	switch (f->wt) {
	case PB_VARINT:
	case PB_LEN:
		if (!(n = pb_getvarint(p + *hdr, end, len, &f->why)))
			return cut(ti, p + *hdr, end) ? TI_TRUNC : TI_BAD;
		*hdr += n;
		if (f->wt == PB_VARINT)
			*len = 0;
		return TI_PACKET;
	case PB_I64:
		*len = 8;
		return TI_PACKET;
	case PB_I32:
		*len = 4;
		return TI_PACKET;
	default:
		f->why = f->wt == PB_SGROUP || f->wt == PB_EGROUP ?
		    "group wire type (not used by Perfetto)" :
		    "invalid wire type";
		return TI_BAD;
	}
}

enum tires
ti_next(struct tracein *ti, struct tifield *f)
{
	uint64_t len;
	size_t hdr;
	enum tires r;

	f->data = NULL;
	f->len = 0;
	f->declared = f->left = 0;
	f->why = NULL;
	if (ti->len - ti->pos < 24 && fill(ti, 24) < 0)
		return TI_IOERR;
	f->off = ti->base + ti->pos;
	if (ti->pos == ti->len)
		return TI_END;
	if ((r = header(ti, f, &len, &hdr)) != TI_PACKET) {
		if (r == TI_TRUNC)
			f->why = "the input ends inside a field header";
		return r;
	}
	f->declared = len;
	if (len > TI_MAXPACKET) {
		ti->pos += hdr;
		f->left = skip(ti, len);
		return f->left < len ? TI_TRUNC : TI_HUGE;
	}
	if (fill(ti, hdr + (size_t)len) < 0)
		return TI_IOERR;
	if (ti->len - ti->pos < hdr + len) {
		f->left = ti->len - ti->pos - hdr;
		ti->pos = ti->len;
		return TI_TRUNC;
	}
	f->data = ti->buf + ti->pos + hdr;
	f->len = (size_t)len;
	ti->pos += hdr + (size_t)len;
	return f->num == 1 && f->wt == PB_LEN ? TI_PACKET : TI_FIELD;
}

uint8_t *
ti_inflate(const uint8_t *p, size_t n, size_t max, size_t *outn,
    const char **why)
{
	z_stream z;
	size_t cap = n * 4 + 4096, got = 0;
	uint8_t *out;
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 32 + MAX_WBITS) != Z_OK)
		die(EX_OSERR, "out of memory");
	if (cap > max)
		cap = max;
	out = xmalloc(cap + 1);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	while (rc == Z_OK) {
		if (got == cap) {
			if (cap == max) {
				*why = "inflates past the size limit";
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			out = xrealloc(out, cap + 1);
		}
		z.next_out = out + got;
		z.avail_out = (uInt)(cap - got);
		rc = inflate(&z, Z_NO_FLUSH);
		got = cap - z.avail_out;
	}
	inflateEnd(&z);
	if (rc == Z_STREAM_END) {
		*outn = got;
		return out;
	}
	if (rc == Z_BUF_ERROR)
		*why = "the zlib stream is cut short";
	else if (rc != Z_OK)
		*why = rc == Z_NEED_DICT ? "the zlib stream needs a dictionary" :
		    "the data is not a zlib or gzip stream";
	free(out);
	return NULL;
}
