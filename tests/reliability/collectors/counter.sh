#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# stdout mode: each run prints the next sequence number, "seq.n<N> <N>", then records N in the file $1.
# Printed before recorded: a run cut short in between repeats a number, it never skips one.
n=$(cat "$1" 2>/dev/null || echo 0)
n=$((n + 1))
echo "seq.n$n $n"
echo "$n" >"$1.tmp" && mv "$1.tmp" "$1"
