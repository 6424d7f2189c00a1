/*
 * perfetto-inspect: checks and counts Perfetto traces, or turns their
 * track events back into spanpipe records. See perfetto-inspect(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/util.h"
#include "inspect/inspect.h"
#include "inspect/tracein.h"
#include "records/record.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s [-q] [--csv | --records] [--progress | --no-progress]\n"
	    "       [file ...]\n"
	    "  --csv          the figures as file,section,what,count rows\n"
	    "  --records      the track events as spanpipe records\n"
	    "  -q, --quiet    no output: the exit status tells\n"
	    "  --progress     show progress on stderr even off a terminal\n"
	    "  --no-progress  never show progress\n"
	    "  -h, --help     this help\n"
	    "  --version      the version\n", progname);
	exit(status);
}

static uint64_t done, packets;	/* for progress, over all files */

/* Reads one trace; returns its exit status. */
static int
inspect(const char *path, enum insp_mode mode)
{
	struct tracein *ti = ti_open(path);
	struct insp *in;
	struct tifield f;
	enum tires r;
	int status = 0;

	if (!ti) {
		warnmsg("%s:", path);
		return EX_NOINPUT;
	}
	in = insp_new(ti_name(ti), mode);
	while ((r = ti_next(ti, &f)) != TI_END) {
		if (r == TI_PACKET) {
			insp_packet(in, f.data, f.len, f.off);
			progress_update(done + ti_rawbytes(ti), ++packets);
			continue;
		}
		if (r == TI_IOERR) {
			warnmsg("%s: read error:", ti_name(ti));
			status = EX_IOERR;
			break;
		}
		insp_frame(in, r, &f);
		if (r == TI_TRUNC || r == TI_BAD)
			break;
	}
	done += ti_rawbytes(ti);
	progress_clear();
	insp_end(in, ti_rawbytes(ti), ti_offset(ti), ti_gzip(ti),
	    ti_gzip_fault(ti));
	if (mode == IM_REPORT)
		insp_report(in);
	else if (mode == IM_CSV)
		insp_csv(in);
	else if (mode == IM_RECORDS)
		insp_diag(in);
	if (!status && insp_errors(in))
		status = 1;
	insp_free(in);
	ti_close(ti);
	return status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "records", no_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	enum progress_mode progress = PROGRESS_AUTO;
	enum insp_mode mode = IM_REPORT;
	int c, quiet = 0, status = 0;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'r':
			if (mode != IM_REPORT)
				usage(EX_USAGE);
			mode = c == 'c' ? IM_CSV : IM_RECORDS;
			break;
		case 'h':
			usage(0);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'P':
			progress = PROGRESS_OFF;
			break;
		case 'p':
			progress = PROGRESS_ON;
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
	if (quiet)
		mode = IM_QUIET;
	out_open(NULL, 0);
	progress_start(progress, progress_input_size(argc, argv), "packets");
	if (mode == IM_CSV)
		insp_csv_header();
	else if (mode == IM_RECORDS)
		rec_write_header();
	if (argc == 0)
		status = inspect("-", mode);
	for (int i = 0; i < argc; i++) {
		int st = inspect(argv[i], mode);

		if (st > status)
			status = st;
	}
	progress_end();
	out_close();
	return status;
}
