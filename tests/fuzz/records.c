/*
 * Fuzzes the record reader (record.c over the parsing thread of
 * csvfeed.c) and the args column (args.c). Any bytes are read as records;
 * every args field is parsed and every record written back out with the
 * record writer (recwrite.c). Then what was written is read again: it
 * must give the same records, none of them bad, since the writer quotes
 * whatever the reader needs quoted.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xxhash.h>

#include "base/util.h"
#include "fuzz.h"
#include "records/args.h"
#include "records/diag.h"
#include "records/record.h"

struct pass {
	const char *path;
	struct reader *rd;
	uint64_t *h;		/* first pass: a hash of each good record */
	size_t n, cap;
	size_t bad;
};

static uint64_t
rec_hash(const struct record *r)
{
	uint64_t h = 0;

	for (int c = 0; c < NCOLS; c++)
		h = XXH3_64bits_withSeed(r->v[c], r->len[c] + 1, h + r->len[c]);
	return h;
}

static void
check_record(const struct record *r)
{
	const char *why;
	size_t at;
	json_object *o = args_parse(r->v[C_ARGS], r->len[C_ARGS], &why, &at);

	if ((o == NULL) != (why != NULL || r->len[C_ARGS] == 0) ||
	    (why && at > r->len[C_ARGS]) ||
	    r->kind != kind_parse(r->v[C_KIND], r->len[C_KIND]))
		abort();
	json_object_put(o);
	for (int c = 0; c < NCOLS; c++)
		if (rec_column(r, c) == 0)
			abort();
}

static void
first_pass(void *arg)
{
	struct pass *p = arg;
	struct record r;
	int st;

	p->rd = rd_open(p->path);
	rec_write_header();
	while ((st = rd_next(p->rd, &r)) != 0) {
		if (st < 0) {
			p->bad++;
			continue;
		}
		check_record(&r);
		rec_write(&r);
		if (p->n == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 64;
			p->h = xreallocarray(p->h, p->cap, sizeof(*p->h));
		}
		p->h[p->n++] = rec_hash(&r);
	}
}

/* The written records again: the same, in the same order. */
static void
second_pass(void *arg)
{
	struct pass *p = arg;
	struct record r;
	size_t i = 0;
	int st;

	p->rd = rd_open(p->path);
	while ((st = rd_next(p->rd, &r)) != 0) {
		if (st < 0 || i == p->n || rec_hash(&r) != p->h[i]) {
			fprintf(stderr, "round trip differs at record %zu\n", i);
			abort();
		}
		i++;
	}
	if (i != p->n) {
		fprintf(stderr, "round trip lost records: %zu of %zu\n", i, p->n);
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setprogname("fuzz-records");
	diag_keep_going = 1;
	fz_init(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass p = { .path = fz_input(data, size) };
	int st;

	fz_output_clear();
	st = fz_run(first_pass, &p);
	rd_close(p.rd);
	p.rd = NULL;
	if (st < 0) {		/* no exit: a header the reader took */
		p.path = fz_output();
		if (fz_run(second_pass, &p) >= 0)
			abort();
		rd_close(p.rd);
	}
	free(p.h);
	return 0;
}
