/*
 * The output of a tool: one large buffer written with write(2). SIGPIPE is
 * ignored so that a reader that goes away (`| head`) shows up as EPIPE,
 * which ends the run quietly with status 141 (128 + SIGPIPE, what a shell
 * reports for cat(1) there), through exit() so that temporary files go;
 * any other write error is reported and ends it with EX_IOERR. An output
 * file is written under a temporary name beside it and renamed into place
 * by out_close(): a run that fails leaves no half-written file behind.
 * Into a pipe, the buffer goes over once it holds a quarter of what the
 * pipe does, so that the next tool works while this one goes on (a write
 * larger than the pipe would wait for the reader to take all of it).
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/progress.h"
#include "base/sig.h"
#include "base/util.h"

#define OUTBUF (1 << 20)

static struct {
	int fd;
	const char *name;
	char *tmp;			/* the temporary name of an output file */
	char *buf;
	size_t len, cap;
	size_t high;			/* written out when it holds this much */
	uint64_t total;
	int failed;
	int exiting;
} out = { .fd = -1 };

/* Standard output keeps what was written; a file not closed is removed. */
static void
out_atexit(void)
{
	out.exiting = 1;
	if (out.tmp) {
		unlink(out.tmp);
		return;
	}
	if (out.fd >= 0 && !out.failed)
		out_close();
}

static void
open_file(const char *path)
{
	size_t n = strlen(path) + 8;
	struct stat st;
	mode_t mask;

	/* A device or a FIFO (-o /dev/null) is written in place: a file
	 * renamed over it would take its place. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((out.fd = open(path, O_WRONLY)) < 0)
			die(EX_CANTCREAT, "%s:", path);
		out.name = path;
		return;
	}
	mask = umask(0);
	umask(mask);
	out.tmp = xmalloc(n);
	snprintf(out.tmp, n, "%s.XXXXXX", path);
	out.fd = mkstemp(out.tmp);
	if (out.fd < 0)
		die(EX_CANTCREAT, "%s:", path);
	if (fchmod(out.fd, 0666 & ~mask) < 0)
		die(EX_CANTCREAT, "%s:", path);
	out.name = path;
}

/* How much to hold before writing to fd: for a pipe, made 1 MiB if it
 * can be, a quarter of its size. */
static size_t
pipe_room(int fd)
{
	struct stat st;
	int n = -1;

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return OUTBUF;
#ifdef F_SETPIPE_SZ
	n = fcntl(fd, F_SETPIPE_SZ, OUTBUF);
	if (n < 0)
		n = fcntl(fd, F_GETPIPE_SZ);
#endif
	return n > 0 && n < OUTBUF ? (size_t)n / 4 : n > 0 ? OUTBUF / 4 : 16384;
}

void
out_open(const char *path, int refuse_tty)
{
	if (path && strcmp(path, "-") != 0) {
		open_file(path);
	} else {
		out.fd = STDOUT_FILENO;
		out.name = "<stdout>";
		if (refuse_tty && isatty(out.fd))
			die(EX_USAGE, "refusing to write a binary trace to a "
			    "terminal; redirect stdout or use -o FILE");
	}
	signal(SIGPIPE, SIG_IGN);
	sig_init();
	out.cap = OUTBUF;
	out.buf = xmalloc(out.cap);
	out.high = pipe_room(out.fd);
	atexit(out_atexit);
}

static void
write_failed(void)
{
	int status = EX_IOERR;

	out.failed = 1;
	if (errno == EPIPE) {
		progress_clear();
		status = 128 + SIGPIPE;
	} else {
		warnmsg("%s: write error:", out.name);
	}
	/* exit() may not be called again from an atexit handler */
	if (out.exiting)
		_exit(status);
	exit(status);
}

static void
writeall(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(out.fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			write_failed();
		p += w;
		n -= (size_t)w;
	}
}

void
out_flush(void)
{
	if (out.len == 0 || out.failed)
		return;
	writeall(out.buf, out.len);
	out.len = 0;
}

char *
out_reserve(size_t n)
{
	if (out.cap - out.len < n || out.len >= out.high) {
		out_flush();
		if (n > out.cap) {
			out.cap = n;
			out.buf = xrealloc(out.buf, out.cap);
		}
	}
	return out.buf + out.len;
}

void
out_commit(size_t n)
{
	out.len += n;
	out.total += n;
}

void
out_put(const void *p, size_t n)
{
	memcpy(out_reserve(n), p, n);
	out_commit(n);
}

void
out_putc(int c)
{
	if (out.len == out.cap)
		out_flush();
	out.buf[out.len++] = (char)c;
	out.total++;
}

void
out_puts(const char *s)
{
	out_put(s, strlen(s));
}

uint64_t
out_bytes(void)
{
	return out.total;
}

void
out_close(void)
{
	int fd = out.fd;

	if (fd < 0)
		return;
	out_flush();
	out.fd = -1;
	if (fd != STDOUT_FILENO && (close(fd) < 0 ||
	    (out.tmp && rename(out.tmp, out.name) < 0))) {
		warnmsg("%s: close:", out.name);
		if (out.tmp)
			unlink(out.tmp);
		if (out.exiting)
			_exit(EX_IOERR);
		exit(EX_IOERR);
	}
	free(out.tmp);
	out.tmp = NULL;
}
