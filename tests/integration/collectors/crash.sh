#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Says something on stderr, then dies of SIGSEGV.
echo "about to crash" >&2
kill -SEGV $$
