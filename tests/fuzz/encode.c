/*
 * Fuzzes perfetto-encode: any bytes read as records and encoded (encode.c,
 * tracks.c, trace.c, ids.c, args.c), with absolute or incremental times
 * as the input's length picks. The trace written is then read by
 * perfetto-inspect's checks, which must find no error in it: whatever
 * the records, the encoder writes a valid trace of the good ones.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "fuzz.h"
#include "inspect/inspect.h"
#include "inspect/tracein.h"
#include "perfetto/encode.h"
#include "perfetto/ids.h"
#include "records/diag.h"
#include "records/record.h"

void fz_encode_reset(void);
void fz_tracks_reset(void);
void fz_trace_reset(void);

static struct reader *rd;

static void
encode(void *path)
{
	struct record r;
	int st;

	rd = rd_open(path);
	while ((st = rd_next(rd, &r)) != 0)
		if (st > 0)
			enc_record(&r);
	enc_finish();
}

/* The trace through perfetto-inspect's checks: no error in it. */
static void
check(const char *path)
{
	struct tracein *ti = ti_open(path);
	struct insp *in;
	struct tifield f;
	enum tires r;

	if (!ti)
		abort();
	in = insp_new(ti_name(ti), IM_QUIET);
	while ((r = ti_next(ti, &f)) != TI_END) {
		if (r != TI_PACKET)
			abort();
		insp_packet(in, f.data, f.len, f.off);
	}
	insp_end(in, ti_rawbytes(ti), ti_offset(ti), 0, NULL);
	if (insp_errors(in)) {
		insp_diag(in);
		abort();
	}
	insp_free(in);
	ti_close(ti);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setprogname("fuzz-encode");
	diag_keep_going = 1;
	fz_init(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_input(data, size);
	int st;

	fz_output_clear();
	enc_init(size % 2);
	st = fz_run(encode, (void *)path);
	rd_close(rd);
	rd = NULL;
	if (st < 0)
		check(fz_output());
	else if (st != EX_DATAERR)
		abort();
	fz_encode_reset();
	fz_trace_reset();
	fz_tracks_reset();
	id_reset();
	return 0;
}
