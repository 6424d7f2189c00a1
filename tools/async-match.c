/*
 * async-match: pairs async_begin and async_end records by (pid, id) into
 * async spans on lanes that only nest, and passes every other record
 * through unchanged and in order. The engine is common/async/match.c;
 * here are the options and the loop over the inputs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "async/match.h"
#include "base/num.h"
#include "base/progress.h"
#include "base/timearg.h"
#include "base/util.h"
#include "records/diag.h"
#include "records/record.h"

static struct am_opts opt = {
	.max_held = AM_MAX_HELD, .recent = AM_RECENT,
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s [-k] [--end-time time] [--max-held n] "
	    "[--orphans close|drop]\n"
	    "       [--progress | --no-progress] [--start-time time] [file ...]\n"
	    "Pair async_begin/async_end records into async spans on lanes.\n\n"
	    "  -k, --keep-going       skip bad records, report each, exit 65\n"
	    "      --end-time TIME    close unfinished spans here (RFC 3339 "
	    "or ns)\n"
	    "      --max-held N       ended spans held back at most "
	    "(default 65536)\n"
	    "      --orphans MODE     close (default) or drop unmatched "
	    "events\n"
	    "      --progress         show progress on stderr even off a "
	    "terminal\n"
	    "      --no-progress      never show progress\n"
	    "      --start-time TIME  begin unstarted spans here\n"
	    "  -h, --help             show this help\n"
	    "      --version          show the version\n", progname);
	exit(status);
}

static void
time_opt(const char *name, const char *arg, int64_t *v, int *has)
{
	const char *why = time_parse(arg, v);

	if (why)
		die(EX_USAGE, "%s: '%s' %s", name, arg, why);
	*has = 1;
}

static void
number_opt(const char *name, const char *arg, size_t *v)
{
	uint64_t x;
	const char *why = num_u64(arg, &x);

	if (!why && x > SIZE_MAX / 2)
		why = "is too large";
	if (why)
		die(EX_USAGE, "%s: '%s' %s", name, arg, why);
	*v = (size_t)x;
}

static void
orphans_opt(const char *arg)
{
	if (strcmp(arg, "close") == 0)
		opt.drop = 0;
	else if (strcmp(arg, "drop") == 0)
		opt.drop = 1;
	else
		die(EX_USAGE, "--orphans: '%s' is neither close nor drop", arg);
}

static void
run(const char *path)
{
	static int header;
	static uint64_t done, records;
	struct reader *rd = rd_open(path);
	struct record r;
	int st;

	if (!header++)
		rec_write_header();
	while ((st = rd_next(rd, &r)) != 0) {
		progress_update(done + rd_bytes(rd), ++records);
		if (st < 0)
			continue;
		am_record(&r);
	}
	done += rd_bytes(rd);
	rd_close(rd);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "end-time", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "max-held", required_argument, NULL, 'M' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "orphans", required_argument, NULL, 'O' },
		{ "progress", no_argument, NULL, 'p' },
		{ "start-time", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum progress_mode progress = PROGRESS_AUTO;
	int c;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hk", longopts, NULL)) != -1) {
		switch (c) {
		case 'E':
			time_opt("--end-time", optarg, &opt.end, &opt.has_end);
			break;
		case 'h':
			usage(0);
			break;
		case 'k':
			diag_keep_going = 1;
			break;
		case 'M':
			number_opt("--max-held", optarg, &opt.max_held);
			break;
		case 'O':
			orphans_opt(optarg);
			break;
		case 'P':
			progress = PROGRESS_OFF;
			break;
		case 'p':
			progress = PROGRESS_ON;
			break;
		case 'S':
			time_opt("--start-time", optarg, &opt.start,
			    &opt.has_start);
			break;
		case 'V':
			print_version();
			return 0;
		default:
			usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	out_open(NULL, 0);
	am_open(&opt);
	progress_start(progress, progress_input_size(argc, argv), "records");
	for (int i = 0; i < (argc ? argc : 1); i++)
		run(argc ? argv[i] : "-");
	progress_end();
	am_finish();
	out_close();
	return diag_status();
}
