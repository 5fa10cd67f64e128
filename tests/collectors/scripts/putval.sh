#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# A collectd exec-plugin style program, run with dialect = "collectd" by tst_collectorsagent.
HOST="${COLLECTD_HOSTNAME:-$(hostname -f 2>/dev/null || hostname)}"
echo "PUTVAL \"$HOST/exec-test/gauge-answer\" interval=10 N:42"
echo "PUTVAL $HOST/interface-lo/if_octets N:1024:2048"
echo "PUTVAL $HOST/exec-test/gauge-stamped 1700000000:7"
echo "PUTNOTIF severity=okay time=1700000000 message=all good"
echo "# a comment"
echo "PUTVAL broken N:1"
printf 'PUTVAL %s/load/load N:0.5:0.25:0.125' "$HOST" # no final newline
