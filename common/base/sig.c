/*
 * Interrupts: a flag and a self-pipe. The handler sets the flag and writes
 * a byte to the pipe, so that a thread waiting in poll() for input wakes
 * up; sig_check(), called where a tool has written whole units only, ends
 * the run through exit(), whose handlers flush the output or remove an
 * unfinished output file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/progress.h"
#include "base/sig.h"
#include "base/util.h"

static volatile sig_atomic_t caught;
static int pipefd[2] = { -1, -1 };

static void
onsignal(int sig)
{
	int saved = errno;

	if (!caught)
		caught = sig;
	if (write(pipefd[1], "", 1) < 0) {
		/* the pipe is full: it is readable already */
	}
	errno = saved;
}

void
sig_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;

	if (pipefd[0] >= 0)
		return;
	if (pipe(pipefd) < 0)
		die(EX_OSERR, "pipe:");
	for (int i = 0; i < 2; i++) {
		fcntl(pipefd[i], F_SETFD, FD_CLOEXEC);
		fcntl(pipefd[i], F_SETFL, O_NONBLOCK);
	}
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	/* reads go on after the handler; a second signal kills */
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	for (size_t i = 0; i < LEN(sigs); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int
sig_caught(void)
{
	return caught;
}

int
sig_fd(void)
{
	return pipefd[0];
}

void
sig_check(void)
{
	if (!caught)
		return;
	progress_clear();
	exit(128 + caught);
}
