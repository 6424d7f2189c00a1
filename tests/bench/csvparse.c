/*
 * The floor for record tools: parse CSV from standard input with libcsv, in
 * 64 KiB blocks, and discard it, counting fields and records. async-match's
 * speed is measured against this (see async-match(1) and the issue).
 * Build: cc -O2 -o csvparse tests/bench/csvparse.c -lcsv
 */
#include <stdio.h>
#include <unistd.h>

#include <csv.h>

static unsigned long fields, records;

static void
on_field(void *s, size_t n, void *arg)
{
	(void)s;
	(void)n;
	(void)arg;
	fields++;
}

static void
on_record(int c, void *arg)
{
	(void)c;
	(void)arg;
	records++;
}

int
main(void)
{
	static char buf[64 * 1024];
	struct csv_parser p;
	ssize_t n;

	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
		return 71;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (csv_parse(&p, buf, (size_t)n, on_field, on_record, NULL) !=
		    (size_t)n) {
			fprintf(stderr, "csvparse: %s\n", csv_strerror(csv_error(&p)));
			return 65;
		}
	csv_fini(&p, on_field, on_record, NULL);
	csv_free(&p);
	printf("%lu records, %lu fields\n", records, fields);
	return n < 0 ? 74 : 0;
}
