/*
 * Fuzzes span-fetch --jaeger -k and --zipkin -k: the JSON cursor
 * (jscan.c), the Jaeger and Zipkin readers (jaeger.c, zipkin.c,
 * jzfield.c) and the span mapping behind them. Each input is read as
 * both formats; the records written are read back and checked: every
 * record reads, every async_begin has its async_end with the same pid and
 * id, no ts is negative and every args column is a JSON object within
 * its depth. Gzip input is left out: a corrupt stream ends the run at
 * once (die), leaving its state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzz.h"
#include "otel/jaeger.h"
#include "otel/zipkin.h"
#include "records/diag.h"

static void
run_jaeger(void *arg)
{
	jaeger_import(arg);
}

static void
run_zipkin(void *arg)
{
	zipkin_import(arg);
}

static void
read_back(void *arg)
{
	fz_check_spans(arg, 1);
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
	void (*const run[])(void *) = { run_jaeger, run_zipkin };
	const char *path;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	for (size_t i = 0; i < LEN(run); i++) {
		path = fz_input(data, size);
		fz_output_clear();
		if (fz_run(run[i], (void *)path) < 0)
			fz_run(read_back, (void *)fz_output());
	}
	return 0;
}
