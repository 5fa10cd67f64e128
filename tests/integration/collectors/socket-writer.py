#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# socket mode: write COUNT numbered lines NAME.<i> <i> to the socket (last argument), in one batch.
import socket, sys
name, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[-1]
with socket.socket(socket.AF_UNIX) as s:
    s.connect(path)
    s.sendall("".join(f"{name}.n{i} {i}\n" for i in range(count)).encode())
