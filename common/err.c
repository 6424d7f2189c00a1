/* Messages to stderr, "progname: text", and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "util.h"

const char *progname = "spanpipe";

void
setprogname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

#define MSGMAX 400
#define MSGHEAD 240

/* Moves i back to the start of a UTF-8 character of s. */
static size_t
charstart(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

void
vmsg(const char *fmt, va_list ap)
{
	va_list ap2;
	char buf[MSGMAX + 1], *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap2);
	va_end(ap2);
	if (n <= MSGMAX) {
		fputs(n < 0 ? fmt : buf, stderr);
		return;
	}
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	fwrite(s, 1, charstart(s, MSGHEAD), stderr);
	fputs(" ... ", stderr);
	fputs(s + charstart(s, (size_t)n - (MSGMAX - MSGHEAD)), stderr);
	free(s);
}

void
vwarnmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	progress_clear();
	fprintf(stderr, "%s: ", progname);
	vmsg(fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnmsg(fmt, ap);
	va_end(ap);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnmsg(fmt, ap);
	va_end(ap);
	exit(status);
}
