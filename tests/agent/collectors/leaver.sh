#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Exits 0 at once, leaving behind a background child that ignores SIGTERM; its pid goes to $1.
sh -c 'trap "" TERM; exec sleep 300' &
echo $! >"$1.tmp"
mv "$1.tmp" "$1"
echo 'left.behind 1'
