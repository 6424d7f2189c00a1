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

#include "base/strmap.h"
#include "base/util.h"
#include "fuzz.h"
#include "otel/otlp.h"
#include "records/diag.h"
#include "records/record.h"

static void
run_input(void *arg)
{
	otlp_import(arg);
}

static void
count(const char *key, size_t n, void *val, void *arg)
{
	(void)key;
	(void)n;
	if (val)
		*(int *)arg = 1;
}

static void
read_back(void *arg)
{
	struct reader *rd = rd_open(arg);
	struct strmap *open = sm_new();
	struct record r;
	char key[512];
	int st, unmatched = 0;

	while ((st = rd_next(rd, &r)) != 0) {
		size_t n;

		if (st < 0)
			abort();
		if (r.kind != K_ASYNC_BEGIN && r.kind != K_ASYNC_END)
			continue;
		if (r.len[C_TS] == 0 || r.v[C_TS][0] == '-')
			abort();
		n = (size_t)snprintf(key, sizeof(key), "%s|%s", r.v[C_PID],
		    r.v[C_ID]);
		if (n >= sizeof(key))
			continue;
		void **slot = sm_slot(open, key, n, 1, NULL);
		if (r.kind == K_ASYNC_BEGIN) {
			if (*slot)
				abort();	/* an id begun twice while open */
			*slot = (void *)1;
		} else {
			if (!*slot)
				abort();	/* an end with no begin */
			*slot = NULL;
		}
	}
	sm_each(open, count, &unmatched);
	if (unmatched)
		abort();
	sm_free(open);
	rd_close(rd);
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
