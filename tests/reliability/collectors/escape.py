#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# First run (no file $1 yet): double fork and setsid, so a grandchild leaves the collector's process group
# and session, ignores SIGTERM, drops its stdio like a daemon and outlives its parent; its pid goes to $1.
# Then $2 = "hang": the collector hangs; "exit": it exits 0 at once. Later runs exit 0 at once.
import os
import signal
import sys
import time

pidfile, mode = sys.argv[1], sys.argv[2]
if os.path.exists(pidfile):
    print("escape.later 1")
    sys.exit(0)
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        with open(pidfile + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(pidfile + ".tmp", pidfile)
        while True:
            time.sleep(60)
    os._exit(0)
os.waitpid(child, 0)
while not os.path.exists(pidfile):  # the grandchild is on its own now: wait for its pid
    time.sleep(0.01)
print("escape.first 1", flush=True)
if mode == "hang":
    time.sleep(300)
