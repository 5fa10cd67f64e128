#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# socket mode: COUNT good lines, each followed by malformed ones, over several writes.
import socket, sys
count, path = int(sys.argv[1]), sys.argv[-1]
bad = [b"no_value\n", b"x nan\n", b"a..b 1\n", b"\x00\xff\xfe 1\n", b"v 1 2 3\n", b"t 1 -5\n", b"q 0x10\n",
       b"x" * 20000 + b" 1\n", b"tags;=v 1\n", b"\n"]
with socket.socket(socket.AF_UNIX) as s:
    s.connect(path)
    for i in range(count):
        s.sendall(f"good.n{i} {i}\n".encode() + bad[i % len(bad)])
