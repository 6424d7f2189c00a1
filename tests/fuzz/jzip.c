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

#include "base/strmap.h"
#include "base/util.h"
#include "fuzz.h"
#include "otel/jaeger.h"
#include "otel/zipkin.h"
#include "records/args.h"
#include "records/diag.h"
#include "records/record.h"

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
any_open(const char *key, size_t n, void *val, void *arg)
{
	(void)key;
	(void)n;
	if (val)
		*(int *)arg = 1;
}

/* An async_begin or async_end: paired by (pid, id) in a map of those
 * open. */
static void
pair(struct strmap *open, const struct record *r)
{
	char key[512];
	size_t n = (size_t)snprintf(key, sizeof(key), "%s|%s", r->v[C_PID],
	    r->v[C_ID]);
	void **slot;

	if (r->len[C_TS] == 0 || r->v[C_TS][0] == '-')
		abort();
	if (n >= sizeof(key))
		return;
	slot = sm_slot(open, key, n, 1, NULL);
	if (r->kind == K_ASYNC_BEGIN) {
		if (*slot)
			abort();	/* begun twice while open */
		*slot = (void *)1;
	} else {
		if (!*slot)
			abort();	/* an end with no begin */
		*slot = NULL;
	}
}

static void
read_back(void *arg)
{
	struct reader *rd = rd_open(arg);
	struct strmap *open = sm_new();
	struct record r;
	int st, unmatched = 0;

	while ((st = rd_next(rd, &r)) != 0) {
		const char *why;
		size_t at;
		json_object *o;

		if (st < 0)
			abort();
		if (r.len[C_ARGS]) {
			if (!(o = args_parse(r.v[C_ARGS], r.len[C_ARGS], &why,
			    &at)))
				abort();	/* args async-match refuses */
			json_object_put(o);
		}
		if (r.kind == K_ASYNC_BEGIN || r.kind == K_ASYNC_END)
			pair(open, &r);
	}
	sm_each(open, any_open, &unmatched);
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
