/*
 * The baseline of the benchmarks: a bare libcsv parse of the input that
 * keeps nothing, with the same options and block size as spanpipe's
 * record reader. Prints the number of records to stderr.
 */
#include <stdio.h>
#include <unistd.h>

#include <csv.h>

static unsigned long nrec;

static void
on_field(void *s, size_t n, void *data)
{
	(void)s;
	(void)n;
	(void)data;
}

static void
on_record(int c, void *data)
{
	(void)c;
	(void)data;
	nrec++;
}

int
main(void)
{
	static char buf[64 * 1024];
	struct csv_parser p;
	ssize_t n;

	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL))
		return 1;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		csv_parse(&p, buf, (size_t)n, on_field, on_record, NULL);
	csv_fini(&p, on_field, on_record, NULL);
	csv_free(&p);
	fprintf(stderr, "%lu records\n", nrec);
	return n < 0;
}
