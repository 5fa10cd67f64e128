#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# First run (no file $1 yet): a background child that ignores SIGTERM, its pid to $1; then the collector
# itself ignores SIGTERM and hangs (its sleep inherits the ignored SIGTERM). Later runs exit 0 at once.
[ -e "$1" ] && exit 0
sh -c 'trap "" TERM; exec sleep 300' &
echo $! >"$1.tmp"
mv "$1.tmp" "$1"
trap '' TERM
echo 'hang.started 1'
sleep 300
