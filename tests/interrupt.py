#!/usr/bin/env python3
"""Sends a signal to a tool in the middle of its run, for the fault tests.

Usage: interrupt.py [--stdin FILE] [--hold] [--ignore] SIGNAL WHEN OUT CMD...

Runs CMD with its standard output in the file OUT; WHEN is a number of
bytes of output to wait for, or tN for N seconds. Then sends SIGNAL (INT,
TERM, HUP) and waits for the end. --stdin FILE feeds FILE to CMD's
standard input; with --hold the pipe stays open after it, so CMD waits
for more input when the signal comes. --ignore starts CMD with SIGNAL
ignored, as nohup does; the pipe is then closed after the signal.
Prints "status N" (N < 0: killed by signal -N) and "seconds S" from the
signal to the end; "status hang" if CMD is still running 20 s after it.
WHEN may also be gGLOB: wait until a file matching GLOB exists (60 s at
most).
"""
import argparse
import glob
import os
import signal
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stdin")
    ap.add_argument("--hold", action="store_true")
    ap.add_argument("--ignore", action="store_true")
    ap.add_argument("signal")
    ap.add_argument("when")
    ap.add_argument("out")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    sig = getattr(signal, "SIG" + a.signal)

    def child():
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)
        if a.ignore:
            signal.signal(sig, signal.SIG_IGN)

    with open(a.out, "wb") as out:
        p = subprocess.Popen(a.cmd, stdout=out,
                             stdin=subprocess.PIPE if a.stdin else None,
                             preexec_fn=child)
        if a.stdin:
            with open(a.stdin, "rb") as f:
                p.stdin.write(f.read())
            p.stdin.flush()
            if not a.hold:
                p.stdin.close()
        start = time.time()
        if a.when.startswith("t"):
            time.sleep(float(a.when[1:]))
        elif a.when.startswith("g"):
            while (p.poll() is None and not glob.glob(a.when[1:])
                   and time.time() - start < 60):
                time.sleep(0.01)
        else:
            while (p.poll() is None and os.path.getsize(a.out) < int(a.when)
                   and time.time() - start < 20):
                time.sleep(0.005)
        if p.poll() is None:
            p.send_signal(sig)
        sent = time.time()
        if a.ignore and a.stdin:
            time.sleep(0.2)
            p.stdin.close()
        try:
            st = p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            st = "hang"
        if a.stdin and not p.stdin.closed:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
    print("status", st)
    print("seconds %.1f" % (time.time() - sent))


if __name__ == "__main__":
    main()
