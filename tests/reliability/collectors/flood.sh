#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Writes valid metric lines without end to standard output ($1 = stdout) or standard error ($1 = stderr).
if [ "$1" = stderr ]; then
    exec yes 'flood.noise 1' >&2
fi
exec yes 'flood.line 1'
