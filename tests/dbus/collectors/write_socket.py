#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Socket-mode test collector: writes each argument as one metric line to the agent's socket (the last argument)."""
import socket
import sys

*lines, path = sys.argv[1:]
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
    sock.connect(path)
    sock.sendall("".join(line + "\n" for line in lines).encode())
