#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Socket-mode test collector: COUNT lines "flood.m<i % NAMES> <i>" as fast as the socket takes them.

Usage: flood.py COUNT NAMES SOCKET. The last line carries value COUNT-1, so a reader knows the flood is complete.
"""
import socket
import sys

count, names, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
    sock.connect(path)
    batch = []
    for i in range(count):
        batch.append(f"flood.m{i % names} {i}\n")
        if len(batch) == 5000:
            sock.sendall("".join(batch).encode())
            batch.clear()
    sock.sendall("".join(batch).encode())
