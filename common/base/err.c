/* Messages to stderr, "progname: text", and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/util.h"

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
	char *s = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&s, &n);

	if (!m) {
		vfprintf(stderr, fmt, ap);
		return;
	}
	vfprintf(m, fmt, ap);
	if (fclose(m) != 0 || n <= MSGMAX) {
		fputs(s ? s : "", stderr);
	} else {
		fwrite(s, 1, charstart(s, MSGHEAD), stderr);
		fputs(" ... ", stderr);
		fputs(s + charstart(s, n - (MSGMAX - MSGHEAD)), stderr);
	}
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
