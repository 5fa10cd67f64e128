#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""A Garnet collector in Python: write "NAME VALUE [TIMESTAMP]" lines to the socket in the last argument."""
import os, socket, sys, time

with open("/proc/meminfo") as f:
    mem = {k: int(v.split()[0]) * 1024 for k, v in (line.split(":", 1) for line in f)}
lines = [f"memory.total {mem['MemTotal']}", f"memory.available {mem['MemAvailable']}",
         f"uptime;unit=s {time.clock_gettime(time.CLOCK_BOOTTIME):.0f}"]
with socket.socket(socket.AF_UNIX) as s:
    s.connect(sys.argv[-1] if len(sys.argv) > 1 else os.environ["GARNET_SOCKET"])
    s.sendall(("\n".join(lines) + "\n").encode())
