/* Errors in input data: position, strictness and a cap on repeats. */
#include <stdio.h>
#include <stdlib.h>

#include "base/progress.h"
#include "base/util.h"
#include "records/diag.h"

int diag_keep_going;

static unsigned long nerrors;
static void (*atfatal)(void);
static unsigned long shown[NCOLS + 1];

static void
vreport(const char *what, const char *file, unsigned long line,
    unsigned long col, int field, const char *fmt, va_list ap)
{
	progress_clear();
	fprintf(stderr, "%s: %s:%lu:", progname, file, line);
	if (col)
		fprintf(stderr, "%lu:", col);
	fprintf(stderr, " %s", what);
	if (field >= 0)
		fprintf(stderr, "%s: ", col_names[field]);
	vmsg(fmt, ap);
	fputc('\n', stderr);
}

static void
verror(const char *file, unsigned long line, unsigned long col, int field,
    const char *fmt, va_list ap)
{
	unsigned slot = field >= 0 ? (unsigned)field : NCOLS;

	nerrors++;
	if (shown[slot] < DIAG_REPEATS)
		vreport("", file, line, col, field, fmt, ap);
	else if (shown[slot] == DIAG_REPEATS)
		fprintf(stderr, "%s: further errors %s%s are not shown\n",
		    progname, field >= 0 ? "in column " : "of this kind",
		    field >= 0 ? col_names[field] : "");
	shown[slot]++;
	if (!diag_keep_going) {
		void (*fn)(void) = atfatal;

		atfatal = NULL;		/* once, even if fn reports again */
		if (fn)
			fn();
		exit(EX_DATAERR);
	}
}

void
pos_error(const char *file, unsigned long line, unsigned long col, int field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(file, line, col, field, fmt, ap);
	va_end(ap);
}

void
pos_verror(int warning, const char *file, unsigned long line,
    unsigned long col, int field, const char *fmt, va_list ap)
{
	if (warning)
		vreport("warning: ", file, line, col, field, fmt, ap);
	else
		verror(file, line, col, field, fmt, ap);
}

void
diag_atfatal(void (*fn)(void))
{
	atfatal = fn;
}

unsigned long
diag_errors(void)
{
	return nerrors;
}

int
diag_status(void)
{
	if (nerrors == 0)
		return 0;
	warnmsg("%lu bad record%s skipped", nerrors, nerrors == 1 ? "" : "s");
	return EX_DATAERR;
}
