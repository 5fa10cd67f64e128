#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Test helper: writes numbered metric lines to a Unix socket in irregular chunks.

usage: linewriter.py SOCKET PREFIX COUNT [--seed N] [--max-chunk BYTES] [--probe-block]

Lines are "PREFIX.I I 1700000000\\n" for I in 0..COUNT-1, sent in random chunk sizes (1..max-chunk),
so lines are split across writes. With --probe-block the writer first sends without blocking until the
socket stays unwritable for 2 s, prints "blocked BYTES" (or "unblocked BYTES" if everything fit),
waits for a line on stdin, then sends the rest normally.
"""
import random
import select
import socket
import sys


def option(args, name, default):
    return int(args[args.index(name) + 1]) if name in args else default


def main():
    args = sys.argv[1:]
    path, prefix, count = args[0], args[1], int(args[2])
    rng = random.Random(option(args, "--seed", 1))
    max_chunk = option(args, "--max-chunk", 4096)
    data = "".join(f"{prefix}.{i} {i} 1700000000\n" for i in range(count)).encode()

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    pos = 0
    if "--probe-block" in args:
        sock.setblocking(False)
        while pos < len(data):
            try:
                pos += sock.send(data[pos:pos + 65536])
            except BlockingIOError:
                _, writable, _ = select.select([], [sock], [], 2.0)
                if not writable:
                    break
        print(f"{'blocked' if pos < len(data) else 'unblocked'} {pos}", flush=True)
        sys.stdin.readline()
        sock.setblocking(True)
    while pos < len(data):
        n = rng.randint(1, max_chunk)
        sock.sendall(data[pos:pos + n])
        pos += n
    sock.close()


if __name__ == "__main__":
    main()
