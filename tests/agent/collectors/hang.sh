#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# First run (no file $1 yet): leaves a background child that ignores SIGTERM in its process group,
# writes that child's pid to $1 and hangs. Later runs: exit 0 at once.
[ -e "$1" ] && exit 0
sh -c 'trap "" TERM; exec sleep 300' &
echo $! >"$1.tmp"
mv "$1.tmp" "$1"
sleep 300
