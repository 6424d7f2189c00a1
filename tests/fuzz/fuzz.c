/* Support for the fuzz harnesses: memory files, and exit() trapped. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/strmap.h"
#include "base/util.h"
#include "fuzz.h"
#include "records/args.h"
#include "records/record.h"

static int infd = -1, outfd = -1;
static char inpath[64], outpath[64];
static jmp_buf *trap;

void __real_exit(int status) __attribute__((noreturn));
void __wrap_exit(int status) __attribute__((noreturn));

void
__wrap_exit(int status)
{
	jmp_buf *j = trap;

	if (!j)
		__real_exit(status);
	trap = NULL;
	longjmp(*j, status + 1);
}

static int
memfile(const char *name, char *path, size_t n)
{
	int fd = memfd_create(name, 0);

	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * out_open() installs the tools' handlers for SIGINT, SIGTERM and SIGHUP,
 * which end a run through exit(): under the fuzzer that would look like a
 * failed input. libFuzzer's own handlers are put back, so that a run
 * stopped early prints its figures and exits cleanly.
 */
static void
keep_fuzzer_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction old[3];

	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], NULL, &old[i]);
	out_open(NULL, 0);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
}

void
fz_init(int capture_output)
{
	int fd;

	infd = memfile("fuzz-in", inpath, sizeof(inpath));
	if (capture_output) {
		outfd = memfile("fuzz-out", outpath, sizeof(outpath));
		fd = dup(outfd);
	} else {
		fd = open("/dev/null", O_WRONLY);
	}
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		perror("fz_init");
		abort();
	}
	close(fd);
	keep_fuzzer_signals();
}

const char *
fz_input(const uint8_t *data, size_t size)
{
	if (ftruncate(infd, 0) < 0 || pwrite(infd, data, size, 0) !=
	    (ssize_t)size) {
		perror("fz_input");
		abort();
	}
	return inpath;
}

const char *
fz_output(void)
{
	out_flush();
	return outpath;
}

void
fz_output_clear(void)
{
	out_flush();
	if (lseek(STDOUT_FILENO, 0, SEEK_SET) < 0 ||
	    ftruncate(STDOUT_FILENO, 0) < 0) {
		perror("fz_output_clear");
		abort();
	}
}

int
fz_run(void (*fn)(void *), void *arg)
{
	jmp_buf j;
	int st;

	if ((st = setjmp(j)) != 0)
		return st - 1;
	trap = &j;
	fn(arg);
	trap = NULL;
	return -1;
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

void
fz_check_spans(const char *path, int check_args)
{
	struct reader *rd = rd_open(path);
	struct strmap *open = sm_new();
	struct record r;
	int st, unmatched = 0;

	while ((st = rd_next(rd, &r)) != 0) {
		const char *why;
		size_t at;
		json_object *o;

		if (st < 0)
			abort();
		if (check_args && r.len[C_ARGS]) {
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
