#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# check-manpages.sh DIR PAGE...: every built man page renders without a single groff/man warning, at the
# usual and at a narrow width, and has its NAME section. Exit 77 (skipped) without man or built pages.
set -u
dir=$1
shift
if ! command -v man >/dev/null 2>&1; then
    echo "SKIP: man is not installed (Debian: man-db, groff-base)"
    exit 77
fi
if [ ! -d "$dir" ]; then
    echo "SKIP: no man pages built in $dir (scdoc missing at configure time?)"
    exit 77
fi
export LC_ALL=C.UTF-8
status=0
for page in "$@"; do
    file="$dir/$page"
    if [ ! -s "$file" ]; then
        echo "FAIL: $file is missing or empty"
        status=1
        continue
    fi
    for width in 80 60; do
        warnings=$(MANWIDTH=$width man --warnings -l "$file" 2>&1 >/dev/null)
        if [ -n "$warnings" ]; then
            echo "FAIL: $page at width $width:"
            echo "$warnings"
            status=1
        fi
    done
    name=${page%.*}
    if ! MANWIDTH=80 man -l "$file" 2>/dev/null | grep -q "^NAME"; then
        echo "FAIL: $page has no NAME section"
        status=1
    elif ! MANWIDTH=80 man -l "$file" 2>/dev/null | grep -A1 "^NAME" | grep -qF "$name - "; then
        echo "FAIL: $page: NAME does not start with '$name - '"
        status=1
    else
        echo "ok: $page"
    fi
done
exit $status
