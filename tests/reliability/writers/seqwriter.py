#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Test helper: writes uniquely numbered metric lines to the agent's Unix socket.

usage: seqwriter.py [options] SOCKET     (as a socket-mode collector the agent appends SOCKET itself)

Line I (from --first to --first+--count-1) is "PREFIX.I I" or, with --names K, "PREFIX.<I mod K> I TS" where
TS = --base + I div K: K metrics whose points all have distinct timestamps, so a Graphite keeps every one.
--rate paces the lines per second (0 = as fast as possible), in batches of --batch lines.
--progress FILE: after every batch, the number of lines fully handed to the socket is written to FILE.
--garbage-every N: after every N-th line, one malformed line (the agent rejects it; not counted in --count).
Exits 0 when everything was sent, 3 when the connection failed or was closed by the agent.
"""
import argparse
import os
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="seq")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--names", type=int, default=0)
    parser.add_argument("--base", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--progress")
    parser.add_argument("--garbage-every", type=int, default=0)
    parser.add_argument("socket")
    args = parser.parse_args()

    def line(i):
        garbage = "no-value-here\n" if args.garbage_every and (i + 1) % args.garbage_every == 0 else ""
        if args.names:
            return f"{args.prefix}.{i % args.names} {i} {args.base + i // args.names}\n" + garbage
        return f"{args.prefix}.{i} {i}\n" + garbage

    def report(sent):
        if args.progress:
            tmp = args.progress + ".tmp"
            with open(tmp, "w") as f:
                f.write(str(sent))
            os.replace(tmp, args.progress)

    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(args.socket)
        start = time.monotonic()
        sent = 0
        end = args.first + args.count
        for i in range(args.first, end, args.batch):
            batch = "".join(line(j) for j in range(i, min(i + args.batch, end))).encode()
            if args.rate > 0:
                due = start + (i - args.first) / args.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            sock.sendall(batch)
            sent = min(i + args.batch, end) - args.first
            report(sent)
        sock.close()
    except OSError as error:
        print(f"seqwriter: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
