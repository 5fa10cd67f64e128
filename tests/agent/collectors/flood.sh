#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# 10,000 lines on stderr, then two overlong lines (ASCII, and 2-byte UTF-8), then "done".
i=0
while [ $i -lt 10000 ]; do
    echo "line $i"
    i=$((i + 1))
done >&2
printf '%2000s\n' '' | tr ' ' x >&2
s=éééééééééé
s=$s$s$s$s$s$s$s$s$s$s
echo "$s$s$s$s$s$s" >&2
echo done >&2
