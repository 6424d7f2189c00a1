/*
 * perfetto-encode: spanpipe records in, a Perfetto trace out, streaming.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/util.h"
#include "chrome/export.h"
#include "perfetto/encode.h"
#include "records/diag.h"
#include "records/record.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s [-k] [--absolute-ts] [--format=proto|json] [--progress]\n"
	    "       [-o file] [file ...]\n"
	    "Encode spanpipe records (see spanpipe-records(5)) as a Perfetto "
	    "trace.\n\n"
	    "  -k, --keep-going   skip bad records, report each, exit 65\n"
	    "  -o, --output FILE  write the trace to FILE, not stdout\n"
	    "      --progress     show progress on stderr even when it is no "
	    "terminal\n"
	    "      --no-progress  never show progress\n"
	    "      --absolute-ts  plain absolute timestamps (no incremental "
	    "clock)\n"
	    "      --format=FMT   proto (a Perfetto trace, the default) or json "
	    "(Chrome\n"
	    "                     trace-event JSON)\n"
	    "  -h, --help         show this help\n"
	    "      --version      show the version\n", progname);
	exit(status);
}

/* A strict error stops the run: what came before it is written whole. */
static void
finish_early(void)
{
	enc_finish();
}

struct opts {
	const char *output;
	int absolute, json;
	enum progress_mode progress;
};

/* The options into o; returns the index of the first operand. */
static int
options(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "absolute-ts", no_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "progress", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "hko:", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			o->absolute = 1;
			break;
		case 'F':
			o->json = strcmp(optarg, "json") == 0;
			if (!o->json && strcmp(optarg, "proto") != 0) {
				warnmsg("--format: '%s' is not proto or json",
				    optarg);
				usage(EX_USAGE);
			}
			break;
		case 'h':
			usage(0);
			break;
		case 'k':
			diag_keep_going = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'P':
			o->progress = PROGRESS_OFF;
			break;
		case 'p':
			o->progress = PROGRESS_ON;
			break;
		case 'V':
			print_version();
			exit(0);
		default:
			usage(EX_USAGE);
		}
	}
	return optind;
}

/* Every record of every input, in turn, to the trace or the JSON. */
static void
encode_inputs(int n, char *names[], int json)
{
	uint64_t done = 0, records = 0;

	for (int i = 0; i < (n ? n : 1); i++) {
		struct reader *rd = rd_open(n ? names[i] : "-");
		struct record r;
		int st;

		while ((st = rd_next(rd, &r)) != 0) {
			if (st > 0 && json)
				cj_record(&r);
			else if (st > 0)
				enc_record(&r);
			progress_update(done + rd_bytes(rd), ++records);
		}
		done += rd_bytes(rd);
		rd_close(rd);
	}
}

int
main(int argc, char *argv[])
{
	struct opts o = { .progress = PROGRESS_AUTO };
	unsigned long open_begins;
	int first;

	setprogname(argv[0]);
	first = options(argc, argv, &o);
	argc -= first;
	argv += first;

	out_open(o.output, !o.json);
	if (o.json)
		cj_begin();
	else
		enc_init(o.absolute);
	diag_atfatal(o.json ? cj_finish : finish_early);
	progress_start(o.progress, progress_input_size(argc, argv), "records");
	encode_inputs(argc, argv, o.json);
	progress_end();
	diag_atfatal(NULL);
	open_begins = o.json ? (cj_finish(), 0) : enc_finish();
	if (open_begins)
		warnmsg("warning: %lu begin record%s never ended; the trace "
		    "shows %s as not finished", open_begins,
		    open_begins == 1 ? "" : "s", open_begins == 1 ? "it" : "them");
	out_close();
	return diag_status();
}
