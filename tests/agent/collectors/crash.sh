#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Dies of SIGSEGV (exit status 139 as a shell reports it), without leaving a core file behind.
ulimit -c 0
kill -SEGV $$
