/*
 * Interrupts. SIGINT, SIGTERM and SIGHUP do not kill a tool in the middle
 * of a record or a packet: the handler only notes the signal, and the tool
 * stops at the next whole unit, where the reading and writing functions
 * call sig_check(). The output then holds whole records or packets only
 * (a file named with -o is not written at all), and the exit status is
 * 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM. A second
 * signal before that kills at once. A signal ignored when the tool starts
 * (nohup, a background job) stays ignored.
 */
#ifndef SPANPIPE_SIG_H
#define SPANPIPE_SIG_H

/* Installs the handlers (once; out_open and store_create call it). */
void sig_init(void);
/* The signal that came, or 0. */
int sig_caught(void);
/* Readable once a signal came, for poll(); -1 before sig_init. */
int sig_fd(void);
/* At a unit boundary: if a signal came, ends the run (exit 128 + sig). */
void sig_check(void);

#endif
