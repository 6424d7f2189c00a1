/* Progress lines: see progress.h. The clock is read every 64 updates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/progress.h"
#include "base/util.h"

static struct {
	int on, tty, drawn;
	const char *noun;
	uint64_t total, count_total, calls;
	double start, last, interval;
} pg;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
stdout_is_pipe(void)
{
	struct stat st;

	return fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode);
}

void
progress_start(enum progress_mode mode, uint64_t total, const char *noun)
{
	pg.noun = noun;
	pg.tty = isatty(STDERR_FILENO);
	pg.on = mode == PROGRESS_ON ||
	    (mode == PROGRESS_AUTO && pg.tty && !stdout_is_pipe());
	pg.total = total;
	pg.start = pg.last = now();
	/* SPANPIPE_PROGRESS_INTERVAL: seconds between lines (tests set 0) */
	const char *iv = getenv("SPANPIPE_PROGRESS_INTERVAL");
	pg.interval = iv ? atof(iv) : pg.tty ? 0.25 : 1.0;
}

void
progress_total_count(uint64_t n)
{
	pg.count_total = n;
}

uint64_t
progress_input_size(int n, char *const names[])
{
	struct stat st;
	uint64_t sum = 0;

	if (n == 0)
		return fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) ?
		    (uint64_t)st.st_size : 0;
	for (int i = 0; i < n; i++) {
		int ok = strcmp(names[i], "-") == 0 ?
		    fstat(STDIN_FILENO, &st) == 0 : stat(names[i], &st) == 0;

		if (!ok || !S_ISREG(st.st_mode))
			return 0;
		sum += (uint64_t)st.st_size;
	}
	return sum;
}

/* 1234567 -> "1.23M": a count in at most 6 characters. */
static void
human(char *buf, size_t n, double v, const char *unit)
{
	static const char *const prefix[] = { "", "k", "M", "G", "T" };
	int p = 0;

	while (v >= 1000 && p < 4) {
		v /= 1000;
		p++;
	}
	/* a unit " B" becomes " MB": the prefix goes after its space */
	if (unit[0] == ' ')
		snprintf(buf, n, p ? "%.2f %s%s" : "%.0f %s%s", v, prefix[p],
		    unit + 1);
	else
		snprintf(buf, n, p ? "%.2f%s%s" : "%.0f%s%s", v, prefix[p], unit);
}

static void
clock_text(char *buf, size_t n, double secs)
{
	unsigned long s = (unsigned long)secs;

	if (s >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%lu:%02lu", s / 60, s % 60);
}

static void
draw(uint64_t bytes, uint64_t records, double t)
{
	char rec[32], by[32], rate[32], el[48], left[48];
	double secs = t - pg.start, part = 0;

	human(rec, sizeof(rec), (double)records, "");
	human(by, sizeof(by), (double)bytes, " B");
	human(rate, sizeof(rate), secs > 0 ? bytes / secs : 0, " B/s");
	clock_text(el, sizeof(el), secs);
	fprintf(stderr, "%s%s: %s %s, %s, %s, %s", pg.tty ? "\r" : "",
	    progname, rec, pg.noun, by, rate, el);
	if (pg.count_total && records <= pg.count_total)
		part = (double)records / (double)pg.count_total;
	else if (pg.total && bytes <= pg.total)
		part = (double)bytes / (double)pg.total;
	if (part > 0) {
		clock_text(left, sizeof(left), secs * (1 - part) / part);
		fprintf(stderr, ", %.0f%%, %s left", 100.0 * part, left);
	}
	fputs(pg.tty ? "\033[K" : "\n", stderr);
	pg.drawn = 1;
}

void
progress_update(uint64_t bytes, uint64_t records)
{
	double t;

	if (!pg.on || (++pg.calls & 63) != 0)
		return;
	t = now();
	if (t - pg.last < pg.interval)
		return;
	pg.last = t;
	draw(bytes, records, t);
}

/* Erases the line so that a message can be written in its place. */
void
progress_clear(void)
{
	if (pg.drawn && pg.tty)
		fputs("\r\033[K", stderr);
	pg.drawn = 0;
}

void
progress_end(void)
{
	progress_clear();
	pg.on = 0;
}
