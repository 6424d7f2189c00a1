/* Error reporting, allocation and checked output shared by every tool. */
#ifndef SPANPIPE_UTIL_H
#define SPANPIPE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* err.c: messages are "progname: text"; a format ending in ':' gets
 * ": strerror(errno)" appended, as in sbase's eprintf. */
extern const char *progname;
void setprogname(const char *argv0);
void die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vwarnmsg(const char *fmt, va_list ap);
/* Prints fmt to stderr; a text over 400 bytes (a quoted field of 16 MiB)
 * keeps its start and its end around "...". */
void vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* alloc.c: allocation that exits with EX_OSERR instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
void zero(void *p, size_t n);	/* memset 0, never inlined (alloc.c) */
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n);

/* out.c: one buffered output per process (stdout or a file). Every write is
 * checked; a failed write or close exits EX_IOERR with the output's name,
 * but a reader that went away (EPIPE) ends the run quietly with status 141.
 * Whatever was handed to out_put is flushed at exit, so a tool that only
 * ever hands over whole units (records, packets) leaves whole units behind
 * when it stops early. out_open also installs the handlers
 * that stop a run at a whole unit on SIGINT, SIGTERM or SIGHUP (sig.h). */
void out_open(const char *path, int refuse_tty);
void out_put(const void *p, size_t n);
void out_putc(int c);
void out_puts(const char *s);
char *out_reserve(size_t n);	/* room for n bytes, then out_commit */
void out_commit(size_t n);
void out_flush(void);
void out_close(void);
uint64_t out_bytes(void);	/* bytes handed over so far */

/* version.c: the --version line, the same for every tool. */
void print_version(void);

#endif
