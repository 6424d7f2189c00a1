/*
 * span-fetch: one process's thread spans and async events from a telemetry
 * store (SQLite or PostgreSQL), as spanpipe records in ts order; or the
 * events of a Chrome trace-event JSON file, or the spans, logs and metrics of
 * an OpenTelemetry (OTLP) file. The work is in common/store/fetch.c,
 * common/chrome/import.c and common/otel/.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/timearg.h"
#include "base/util.h"
#include "chrome/import.h"
#include "otel/otlp.h"
#include "records/diag.h"
#include "records/record.h"
#include "store/fetch.h"
#include "store/store.h"

static void
usage(FILE *f, int status)
{
	fputs("usage: span-fetch [--db PATH|URI] -p PROCESS_ID "
	    "[--start-time T]\n"
	    "                  [--end-time T] [--spans thread|async|both]\n"
	    "                  [--progress | --no-progress]\n"
	    "       span-fetch [--db PATH|URI] --list-processes\n"
	    "       span-fetch [-k] --chrome FILE\n"
	    "       span-fetch [-k] --otlp FILE\n", f);
	if (f == stdout)
		fputs("\n"
		    "  --chrome FILE        read Chrome trace-event JSON "
		    "instead\n"
		    "  --db PATH|URI        SQLite file, or postgresql:// URI\n"
		    "                       (default: $SPANPIPE_DB, else "
		    "./telemetry.db)\n"
		    "  --end-time T         end of the range: RFC 3339 or "
		    "nanoseconds\n"
		    "  -h, --help           this help\n"
		    "  -k, --keep-going     with a FILE: skip bad input, "
		    "exit 65\n"
		    "  -l, --list-processes one process record per process\n"
		    "  --no-progress        never show progress\n"
		    "  --otlp FILE          read OpenTelemetry OTLP (JSON or "
		    "protobuf) instead\n"
		    "  -p, --process-id ID  the process to fetch\n"
		    "  --progress           show progress on stderr even off a "
		    "terminal\n"
		    "  --spans WHICH        thread, async or both (default "
		    "both)\n"
		    "  --start-time T       start of the range: RFC 3339 or "
		    "nanoseconds\n"
		    "  --version            print the version\n", f);
	exit(status);
}

static int64_t
timeopt(const char *opt, const char *s)
{
	int64_t ns;
	const char *why = time_parse(s, &ns);

	if (why) {
		warnmsg("%s: '%s' %s", opt, s, why);
		usage(stderr, EX_USAGE);
	}
	return ns;
}

static int
spansopt(const char *s)
{
	if (strcmp(s, "thread") == 0)
		return FETCH_THREAD;
	if (strcmp(s, "async") == 0)
		return FETCH_ASYNC;
	if (strcmp(s, "both") == 0)
		return FETCH_THREAD | FETCH_ASYNC;
	warnmsg("--spans: '%s' is not thread, async or both", s);
	usage(stderr, EX_USAGE);
	return 0;
}

/* The modes: the store, or one of the file formats. */
enum { FETCH, LIST, CHROME, OTLP };
static const char *const fileopts[] = {
	[CHROME] = "--chrome", [OTLP] = "--otlp",
};

static enum progress_mode progress = PROGRESS_AUTO;

static const struct option longopts[] = {
	{ "chrome", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "end-time", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "list-processes", no_argument, NULL, 'l' },
	{ "no-progress", no_argument, NULL, 'P' },
	{ "otlp", required_argument, NULL, 'O' },
	{ "process-id", required_argument, NULL, 'p' },
	{ "progress", no_argument, NULL, 'R' },
	{ "spans", required_argument, NULL, 'S' },
	{ "start-time", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A file to read in format mode: only one. */
static void
file_opt(int *mode, const char **file, int m, const char *arg)
{
	if (*file) {
		warnmsg("%s and %s exclude each other", fileopts[*mode],
		    fileopts[m]);
		usage(stderr, EX_USAGE);
	}
	*mode = m;
	*file = arg;
}

/* The options into o, db and file; returns the mode. */
static int
options(int argc, char *argv[], struct fetch_opts *o, const char **db,
    const char **file)
{
	int c, list = 0, mode = FETCH;

	while ((c = getopt_long(argc, argv, "hklp:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': file_opt(&mode, file, CHROME, optarg); break;
		case 'd': *db = optarg; break;
		case 'e': o->end = timeopt("--end-time", optarg);
			o->ranged = 1; break;
		case 'h': usage(stdout, 0); break;
		case 'O': file_opt(&mode, file, OTLP, optarg); break;
		case 'k': diag_keep_going = 1; break;
		case 'l': list = 1; break;
		case 'p': o->pid = optarg; break;
		case 'P': progress = PROGRESS_OFF; break;
		case 'R': progress = PROGRESS_ON; break;
		case 'S': o->spans = spansopt(optarg); break;
		case 's': o->start = timeopt("--start-time", optarg);
			o->ranged = 1; break;
		case 'V': print_version(); exit(0);
		default: usage(stderr, EX_USAGE);
		}
	}
	if (optind < argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (*file && (list || o->pid)) {
		warnmsg("%s excludes -p and --list-processes", fileopts[mode]);
		usage(stderr, EX_USAGE);
	}
	if (*file)
		return mode;
	if (list == !!o->pid) {
		warnmsg(list ? "-p and --list-processes exclude each other"
		    : "-p PROCESS_ID or --list-processes is needed");
		usage(stderr, EX_USAGE);
	}
	if (o->start > o->end)
		die(EX_USAGE, "--start-time is after --end-time");
	return list ? LIST : FETCH;
}

int
main(int argc, char *argv[])
{
	struct fetch_opts o = { .start = INT64_MIN, .end = INT64_MAX,
	    .spans = FETCH_THREAD | FETCH_ASYNC };
	const char *db = getenv("SPANPIPE_DB"), *file = NULL;
	struct store *st;
	int mode;

	setprogname(argv[0]);
	mode = options(argc, argv, &o, &db, &file);
	if (mode == CHROME) {
		out_open(NULL, 0);
		chrome_import(file, CHROME_SORTMEM);
		out_close();
		return diag_status();
	}
	if (mode == OTLP) {
		int status;

		out_open(NULL, 0);
		status = otlp_import(file);
		out_close();
		return status;
	}
	if (!db || !*db)
		db = "telemetry.db";
	st = store_open(db);
	out_open(NULL, 0);
	progress_start(progress, 0, "records");
	if (mode == LIST)
		fetch_list(st);
	else
		fetch_process(st, &o);
	progress_end();
	store_close(st);
	out_close();
	return 0;
}
