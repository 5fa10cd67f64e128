#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# A Garnet collector in shell, run with mode = "stdout": print one "NAME VALUE [TIMESTAMP]" line per metric.
# Names are relative: the agent sends "{prefix}.{path}.NAME". Without a timestamp the run's tick time is used.
# (In socket mode, write the same lines to the socket in the last argument, e.g. with `nc -U "$GARNET_SOCKET"`.)
read -r one five fifteen running_total _ < /proc/loadavg
echo "load.01 $one"
echo "load.05 $five"
echo "load.15 $fifteen"
echo "processes.running ${running_total%/*}"
echo "processes.total ${running_total#*/}"
