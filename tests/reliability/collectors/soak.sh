#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# One behaviour per soak collector ($1); stdout mode. Kept to builtins and a few small programs: the soak
# runs thousands of these.
case $1 in
good) printf 'soak.good 1\nsoak.other 2\n' ;;
fail) echo 'failing on purpose' >&2; exit 1 ;;
crash) kill -SEGV $$ ;;
hang) exec sleep 300 ;; # ends at its timeout (SIGTERM)
ignore) # the collector and a background child ignore SIGTERM: SIGKILL after the grace
    trap '' TERM
    sleep 300 &
    sleep 300 ;;
escape) # a process that leaves the group and the session and outlives the collector
    (setsid sh -c 'trap "" TERM; exec sleep 300' </dev/null >/dev/null 2>&1 &)
    echo 'soak.escaped 1' ;;
flood) exec yes 'soak.flood 1' ;; # past its output_limit: reading stops and the run ends
esac
