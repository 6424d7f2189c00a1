/*
 * span-fetch: one process's thread spans and async events from a telemetry
 * store (SQLite or PostgreSQL) or a Micromegas analytics service (FlightSQL),
 * as spanpipe records in ts order; or the events of a Chrome trace-event
 * JSON file, or the spans, logs and metrics of an OpenTelemetry (OTLP) file,
 * or the spans of a Jaeger or Zipkin file. The work is in
 * common/store/fetch.c, common/chrome/import.c and common/otel/.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/progress.h"
#include "base/timearg.h"
#include "base/util.h"
#include "chrome/import.h"
#include "otel/jaeger.h"
#include "otel/otlp.h"
#include "otel/zipkin.h"
#include "records/diag.h"
#include "records/record.h"
#include "store/fetch.h"
#include "store/store.h"

static void
usage(FILE *f, int status)
{
	fputs("usage: span-fetch [--db PATH|URI] [--token-file FILE] "
	    "[--timeout SECONDS]\n"
	    "                  -p PROCESS_ID [--start-time T] [--end-time T]\n"
	    "                  [--spans thread|async|both] [--server-trace]\n"
	    "                  [--progress | --no-progress]\n"
	    "       span-fetch [--db PATH|URI] [--token-file FILE] "
	    "[--timeout SECONDS]\n"
	    "                  --list-processes\n"
	    "       span-fetch [-k] --chrome FILE\n"
	    "       span-fetch [-k] --otlp FILE\n"
	    "       span-fetch [-k] --jaeger FILE\n"
	    "       span-fetch [-k] --zipkin FILE\n", f);
	if (f == stdout)
		fputs("\n"
		    "  --chrome FILE        read Chrome trace-event JSON "
		    "instead\n"
		    "  --db PATH|URI        SQLite file, postgresql:// URI, or "
		    "FlightSQL\n"
		    "                       service grpc://HOST:PORT, "
		    "grpc+tls://, https://\n"
		    "                       (default: $SPANPIPE_DB, else "
		    "./telemetry.db)\n"
		    "  --end-time T         end of the range: RFC 3339 or "
		    "nanoseconds\n"
		    "  -h, --help           this help\n"
		    "  --jaeger FILE        read Jaeger JSON (query API or UI "
		    "download) instead\n"
		    "  -k, --keep-going     with a FILE: skip bad input, "
		    "exit 65\n"
		    "  -l, --list-processes one process record per process\n"
		    "  --no-progress        never show progress\n"
		    "  --otlp FILE          read OpenTelemetry OTLP (JSON or "
		    "protobuf) instead\n"
		    "  -p, --process-id ID  the process to fetch\n"
		    "  --progress           show progress on stderr even off a "
		    "terminal\n"
		    "  --server-trace       the service's own Perfetto trace "
		    "of the process\n"
		    "  --spans WHICH        thread, async or both (default "
		    "both)\n"
		    "  --start-time T       start of the range: RFC 3339 or "
		    "nanoseconds\n"
		    "  --timeout SECONDS    longest silence of a service "
		    "(default 60)\n"
		    "  --token-file FILE    the service's token (default: "
		    "$SPANPIPE_TOKEN)\n"
		    "  --version            print the version\n"
		    "  --zipkin FILE        read Zipkin v2 JSON spans instead\n", f);
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

static int64_t
numopt(const char *opt, const char *s, int64_t min, int64_t max)
{
	int64_t v;
	const char *why = num_i64(s, &v);

	if (!why && (v < min || v > max))
		why = "is out of range";
	if (why) {
		warnmsg("%s: '%s' %s (%" PRId64 " to %" PRId64 ")", opt, s, why,
		    min, max);
		usage(stderr, EX_USAGE);
	}
	return v;
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
enum { FETCH, LIST, SERVER_TRACE, CHROME, OTLP, JAEGER, ZIPKIN };
static const char *const fileopts[] = {
	[CHROME] = "--chrome", [OTLP] = "--otlp", [JAEGER] = "--jaeger",
	[ZIPKIN] = "--zipkin",
};

static enum progress_mode progress = PROGRESS_AUTO;
static const char *token_file;
static int timeout_s = 60, server_trace;

static const struct option longopts[] = {
	{ "chrome", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "end-time", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "jaeger", required_argument, NULL, 'J' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "list-processes", no_argument, NULL, 'l' },
	{ "no-progress", no_argument, NULL, 'P' },
	{ "otlp", required_argument, NULL, 'O' },
	{ "process-id", required_argument, NULL, 'p' },
	{ "progress", no_argument, NULL, 'R' },
	{ "server-trace", no_argument, NULL, 'T' },
	{ "spans", required_argument, NULL, 'S' },
	{ "start-time", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'o' },
	{ "token-file", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ "zipkin", required_argument, NULL, 'Z' },
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
		case 'J': file_opt(&mode, file, JAEGER, optarg); break;
		case 'O': file_opt(&mode, file, OTLP, optarg); break;
		case 'k': diag_keep_going = 1; break;
		case 'l': list = 1; break;
		case 'o': timeout_s = (int)numopt("--timeout", optarg, 1,
			86400); break;
		case 'p': o->pid = optarg; break;
		case 'P': progress = PROGRESS_OFF; break;
		case 'R': progress = PROGRESS_ON; break;
		case 'S': o->spans = spansopt(optarg); break;
		case 's': o->start = timeopt("--start-time", optarg);
			o->ranged = 1; break;
		case 'T': server_trace = 1; break;
		case 't': token_file = optarg; break;
		case 'V': print_version(); exit(0);
		case 'Z': file_opt(&mode, file, ZIPKIN, optarg); break;
		default: usage(stderr, EX_USAGE);
		}
	}
	if (optind < argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (*file && (list || o->pid || server_trace)) {
		warnmsg("%s excludes -p, --list-processes and --server-trace",
		    fileopts[mode]);
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
	if (server_trace && list) {
		warnmsg("--server-trace excludes --list-processes");
		usage(stderr, EX_USAGE);
	}
	return list ? LIST : server_trace ? SERVER_TRACE : FETCH;
}

/* The token: the first line of --token-file, else $SPANPIPE_TOKEN. */
static char *
token(void)
{
	char *t = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (!token_file) {
		const char *e = getenv("SPANPIPE_TOKEN");

		return e && *e ? xstrdup(e) : NULL;
	}
	if (!(f = fopen(token_file, "r")))
		die(errno == EACCES ? EX_NOPERM : EX_NOINPUT, "%s:",
		    token_file);
	n = getline(&t, &cap, f);
	if (n < 0 && ferror(f))
		die(EX_IOERR, "%s:", token_file);
	fclose(f);
	while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r'))
		t[--n] = '\0';
	if (n <= 0)
		die(EX_DATAERR, "%s: no token on its first line", token_file);
	return t;
}

/* A token goes in a header: printable ASCII only. */
static void
check_token(const char *t)
{
	for (const char *p = t; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			die(EX_DATAERR, "%s: the token holds a byte that cannot "
			    "go in a header (0x%02x at byte %zu)", token_file ?
			    token_file : "$SPANPIPE_TOKEN", (unsigned char)*p,
			    (size_t)(p - t));
}

/* 8-4-4-4-12 hexadecimal digits: the only process ids sent in SQL. */
static int
is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return s[36] == '\0';
}

/* Opens the store; a FlightSQL service gets its token and timeout. */
static struct store *
open_store(const char *db, const struct fetch_opts *o, int mode)
{
	struct store *st;
	char *tok;

	if (!store_is_flight(db)) {
		if (mode == SERVER_TRACE)
			die(EX_USAGE, "--server-trace needs a FlightSQL service "
			    "(--db grpc://HOST:PORT)");
		return store_open(db);
	}
	if (o->pid && !is_uuid(o->pid))
		die(EX_USAGE, "-p: '%s' is not a UUID (a Micromegas process "
		    "id is one)", o->pid);
	if ((tok = token()))
		check_token(tok);
	store_flight_setup(tok, timeout_s);
	st = store_open(db);
	free(tok);
	return st;
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
	if (mode == OTLP || mode == JAEGER || mode == ZIPKIN) {
		int status;

		out_open(NULL, 0);
		status = mode == OTLP ? otlp_import(file) : mode == JAEGER ?
		    jaeger_import(file) : zipkin_import(file);
		out_close();
		return status;
	}
	if (!db || !*db)
		db = "telemetry.db";
	st = open_store(db, &o, mode);
	out_open(NULL, mode == SERVER_TRACE);
	if (mode == SERVER_TRACE) {
		fetch_server_trace(st, &o);
		store_close(st);
		out_close();
		return 0;
	}
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
