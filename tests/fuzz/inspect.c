/*
 * Fuzzes perfetto-inspect's decoder: any bytes read as a trace (plain or
 * gzip, through tracein.c and pbread.c), every packet checked with its
 * interned data, clocks, tracks and compressed packets (inspect*.c), in
 * the mode the input's length picks: records, or the report.
 */
#include <stdlib.h>

#include "base/util.h"
#include "fuzz.h"
#include "inspect/inspect.h"
#include "inspect/tracein.h"

static void
inspect(const char *path, enum insp_mode mode)
{
	struct tracein *ti = ti_open(path);
	struct insp *in;
	struct tifield f;
	enum tires r;

	if (!ti)
		abort();
	in = insp_new(ti_name(ti), mode);
	while ((r = ti_next(ti, &f)) != TI_END) {
		if (r == TI_PACKET) {
			insp_packet(in, f.data, f.len, f.off);
			continue;
		}
		if (r == TI_IOERR)
			abort();
		insp_frame(in, r, &f);
		if (r == TI_TRUNC || r == TI_BAD)
			break;
	}
	insp_end(in, ti_rawbytes(ti), ti_offset(ti), ti_gzip(ti),
	    ti_gzip_fault(ti));
	if (mode == IM_REPORT)
		insp_report(in);
	else if (mode == IM_CSV)
		insp_csv(in);
	else
		insp_diag(in);
	insp_free(in);
	ti_close(ti);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setprogname("fuzz-inspect");
	fz_init(0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum insp_mode modes[] = { IM_RECORDS, IM_REPORT, IM_CSV };

	inspect(fz_input(data, size), modes[size % 3]);
	return 0;
}
