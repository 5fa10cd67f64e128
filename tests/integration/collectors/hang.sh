#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Hangs past any timeout, with a background child that ignores SIGTERM; the child's pid goes to $1.
sh -c 'trap "" TERM; while :; do sleep 1; done' &
echo $! > "$1"
echo "hang.started 1"
while :; do sleep 1; done
