/*
 * Fuzzes span-fetch --otlp -k: the OTLP/JSON reader (jsonval.c, otlp.c),
 * the protobuf reader (otlppb.c), the span mapping and its sorts (map.c,
 * join.c, write.c). The records written are read back and checked: every
 * record reads, every async_begin has its async_end with the same pid
 * and id, and no ts is negative. Gzip input is left out: zlib reads it,
 * and a corrupt stream ends the run at once (die), leaving its state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzz.h"
#include "otel/otlp.h"
#include "records/diag.h"

static void
run_input(void *arg)
{
	otlp_import(arg);
}

static void
read_back(void *arg)
{
	fz_check_spans(arg, 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	diag_keep_going = 1;
	fz_init(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	path = fz_input(data, size);
	fz_output_clear();
	if (fz_run(run_input, (void *)path) < 0)
		fz_run(read_back, (void *)fz_output());
	return 0;
}
