/*
 * A RecordBatch's nodes and buffers: every buffer is checked to lie inside
 * the body; a compressed body (BodyCompression, LZ4 frame or zstd, one
 * frame per buffer after its int64 uncompressed length, -1 meaning stored
 * as is) is decompressed into one block the reader owns until the next
 * message. The sizes the buffers claim are added up and bounded before
 * anything is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>
#include <zstd.h>

#include "base/util.h"
#include "arrow/impl.h"

enum { LZ4_FRAME = 0, ZSTD = 1 };

static int lz4_inflate(struct arrow_ipc *a, const uint8_t *src, size_t n, uint8_t *dst,
    size_t want)
{
	if (!a->lz4) {
		LZ4F_dctx *d;
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
			return -1;
		a->lz4 = d;
	}
	LZ4F_dctx *d = a->lz4;
	LZ4F_resetDecompressionContext(d);
	size_t done = 0, used = 0;
	for (;;) {
		size_t in = n - used, out = want - done;
		size_t r = LZ4F_decompress(d, dst + done, &out, src + used, &in, NULL);
		if (LZ4F_isError(r))
			return -1;
		done += out;
		used += in;
		if (r == 0)	/* a frame ended */
			return used == n && done == want ? 0 : -1;
		if (in == 0 && out == 0)
			return -1;	/* input ended inside the frame */
	}
}

static int zstd_inflate(struct arrow_ipc *a, const uint8_t *src, size_t n, uint8_t *dst,
    size_t want)
{
	if (!a->zstd && !(a->zstd = ZSTD_createDCtx()))
		return -1;
	size_t r = ZSTD_decompressDCtx(a->zstd, dst, want, src, n);
	return ZSTD_isError(r) || r != want ? -1 : 0;
}

void arrow_free_inflate(struct arrow_ipc *a)
{
	if (a->lz4)
		LZ4F_freeDecompressionContext(a->lz4);
	ZSTD_freeDCtx(a->zstd);
	free(a->inflated);
}

static const char *codec_name(int codec)
{
	return codec == LZ4_FRAME ? "LZ4 frame" : "zstd";
}

/* The total of the compressed buffers' claimed sizes, each rounded up to 8
 * bytes, bounded by the reader's limit. */
static int claimed(struct arrow_ipc *a, const char *what, int64_t *total)
{
	*total = 0;
	for (uint32_t i = 0; i < a->nbufs; i++) {
		struct arrow_buf *b = &a->bufs[i];
		if (b->n == 0)
			continue;
		if (b->n < 8)
			return arrow_err(a, "%s: compressed buffer %u is %lld bytes, too short for its length prefix",
			    what, i, (long long)b->n);
		int64_t len = fb_ld64(b->p);
		if (len == -1)
			continue;
		if (len < 0 || len > a->limit - *total)
			return arrow_err(a, "%s: compressed buffer %u claims %lld bytes uncompressed "
			    "(the limit for a message is %lld)", what, i, (long long)len,
			    (long long)a->limit);
		*total += (len + 7) & ~(int64_t)7;
	}
	return 0;
}

static int inflate_all(struct arrow_ipc *a, const char *what, int codec)
{
	int64_t total;
	if (claimed(a, what, &total) < 0)
		return -1;
	if (!a->inflated || (size_t)total > a->cap_inflated) {
		size_t cap = total > 64 ? (size_t)total : 64;
		free(a->inflated);
		a->inflated = xmalloc(cap);
		a->cap_inflated = cap;
	}
	size_t at = 0;
	for (uint32_t i = 0; i < a->nbufs; i++) {
		struct arrow_buf *b = &a->bufs[i];
		if (b->n == 0)
			continue;
		int64_t len = fb_ld64(b->p);
		const uint8_t *src = b->p + 8;
		size_t n = (size_t)b->n - 8;
		if (len == -1 || len == 0) {	/* stored as is; or empty */
			b->p = src;
			b->n = len ? (int64_t)n : 0;
			continue;
		}
		uint8_t *dst = a->inflated + at;
		int r = codec == LZ4_FRAME ? lz4_inflate(a, src, n, dst, (size_t)len) :
		    zstd_inflate(a, src, n, dst, (size_t)len);
		if (r < 0)
			return arrow_err(a, "%s: buffer %u: %s data does not decompress to the %lld bytes claimed",
			    what, i, codec_name(codec), (long long)len);
		b->p = dst;
		b->n = len;
		at += ((size_t)len + 7) & ~(size_t)7;
	}
	return 0;
}

static int read_compression(struct arrow_ipc *a, const struct fbt *rb, const char *what,
    int *codec)
{
	struct fbt c;
	int8_t method;
	uint8_t cd, m;
	int r = fb_table(rb, 3, &c);
	*codec = -1;
	if (r < 0 || (r > 0 && (fb_u8(&c, 0, 0, &cd) < 0 || fb_u8(&c, 1, 0, &m) < 0)))
		return arrow_err(a, "%s: compression: truncated flatbuffer", what);
	if (r == 0)
		return 0;
	method = (int8_t)m;
	if (cd != LZ4_FRAME && cd != ZSTD)
		return arrow_err(a, "%s: compression codec %d is not supported (expected LZ4 frame or zstd)",
		    what, (int8_t)cd);
	if (method != 0)
		return arrow_err(a, "%s: compression method %d is not supported (expected BUFFER)",
		    what, method);
	*codec = cd;
	return 0;
}

/* The buffers, each checked against the body. */
static int read_bufs(struct arrow_ipc *a, const struct fbt *rb, const char *what,
    const uint8_t *body, size_t blen)
{
	size_t pos;
	uint32_t n = 0;
	if (fb_vec(rb, 2, 16, &pos, &n) < 0)
		return arrow_err(a, "%s: buffers: truncated flatbuffer", what);
	if (n > a->cap_bufs) {
		a->bufs = xreallocarray(a->bufs, n, sizeof *a->bufs);
		a->cap_bufs = n;
	}
	a->nbufs = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = rb->b->p + pos + 16 * (size_t)i;
		int64_t off = fb_ld64(p), len = fb_ld64(p + 8);
		if (off < 0 || len < 0 || (uint64_t)off > blen || (uint64_t)len > blen - (uint64_t)off)
			return arrow_err(a, "%s: buffer %u (offset %lld, length %lld) runs past the body's %zu bytes",
			    what, i, (long long)off, (long long)len, blen);
		a->bufs[i].p = body + off;
		a->bufs[i].n = len;
	}
	return 0;
}

int arrow_read_rb(struct arrow_ipc *a, const struct fbt *rb, const char *what,
    const uint8_t *body, size_t blen, struct arrow_rb *out)
{
	size_t pos;
	int codec;
	out->nnodes = 0;
	out->nodes = NULL;
	if (a->cap_inflated > ((size_t)16 << 20)) {	/* keep no large block idle */
		free(a->inflated);
		a->inflated = NULL;
		a->cap_inflated = 0;
	}
	if (fb_i64(rb, 0, 0, &out->length) < 0 || fb_vec(rb, 1, 16, &pos, &out->nnodes) < 0)
		return arrow_err(a, "%s: truncated flatbuffer", what);
	if (out->length < 0)
		return arrow_err(a, "%s: length %lld is negative", what, (long long)out->length);
	if (out->nnodes)
		out->nodes = rb->b->p + pos;
	if (read_bufs(a, rb, what, body, blen) < 0 || read_compression(a, rb, what, &codec) < 0)
		return -1;
	out->nbufs = a->nbufs;
	return codec < 0 ? 0 : inflate_all(a, what, codec);
}
