#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Writes how it was started into the file $1 (atomically), one KEY=VALUE per line: its open descriptors
# (the directory listing them excluded), ids, group and session, and the environment. Then one metric.
import os
import sys

out = sys.argv[1]
fds = []
for name in sorted(os.listdir("/proc/self/fd"), key=int):
    try:
        target = os.readlink(f"/proc/self/fd/{name}")
    except OSError:
        continue  # the descriptor os.listdir used, closed by now
    fds.append(name)
lines = [
    "FDS=" + ",".join(fds),
    "FD0=" + os.readlink("/proc/self/fd/0"),
    f"UID={os.getuid()}",
    f"EUID={os.geteuid()}",
    f"GID={os.getgid()}",
    f"EGID={os.getegid()}",
    "GROUPS=" + ",".join(str(g) for g in sorted(os.getgroups())),
    f"PGID={os.getpgid(0)}",
    f"PID={os.getpid()}",
]
lines += [f"ENV:{key}={value}" for key, value in sorted(os.environ.items())]
with open(out + ".tmp", "w") as f:
    f.write("\n".join(lines) + "\n")
os.rename(out + ".tmp", out)
print("probe.ok 1")
