#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Records how it was started into the file $1 (atomically): arguments, GARNET_* variables, process
# group, signal state, stdin and whether descriptor $2 of the agent leaked in. Builtins only where the
# shell's own state is read, so no child of ours skews it.
out=$1
leak_fd=${2:-none}
{
    echo "ARGC=$#"
    i=0
    for arg in "$@"; do
        echo "ARG$i=$arg"
        i=$((i + 1))
    done
    echo "GARNET_SOCKET=${GARNET_SOCKET-unset}"
    echo "GARNET_COLLECTOR=${GARNET_COLLECTOR-unset}"
    echo "GARNET_INTERVAL=${GARNET_INTERVAL-unset}"
    echo "QT_NO_GLIB=${QT_NO_GLIB-unset}"
    echo "PID=$$"
    read -r stat </proc/$$/stat
    set -- $stat
    echo "PGID=$5"
    while IFS= read -r line; do
        case $line in
        SigBlk:* | SigIgn:*)
            set -- $line
            echo "${1%:}=$2"
            ;;
        esac
    done </proc/$$/status
    echo "STDIN=$(readlink /proc/$$/fd/0)"
    echo "LEAKED=$(readlink "/proc/$$/fd/$leak_fd" 2>/dev/null)"
} >"$out.tmp"
mv "$out.tmp" "$out"
