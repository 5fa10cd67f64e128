#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# check-completion.sh COMPLETION BINDIR COLLECTOR: the garnetctl bash completion, with and without the
# bash-completion framework, against the real garnetctl and a real garnet-agent on this (private) session
# bus: commands, options, and collector names from the agent (enable offers the disabled ones only).
set -u
completion=$1
bindir=$2
collector=$3
export PATH="$bindir:$PATH" LC_ALL=C.UTF-8
failures=0

# complete_line "garnetctl run a": what completing at the end of that line offers, sorted, one line.
complete_line() {
    local line=$1
    local -a words
    read -r -a words <<<"$line"
    [[ $line == *" " ]] && words+=("")
    COMP_WORDS=("${words[@]}")
    COMP_CWORD=$((${#words[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _garnetctl garnetctl "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' ' -
}

expect() {
    local line=$1 wanted=$2 got
    got=$(complete_line "$line")
    if [[ $got == "$wanted" ]]; then
        echo "ok   [$mode] '$line' -> '$got'"
    else
        echo "FAIL [$mode] '$line' -> '$got', expected '$wanted'"
        failures=$((failures + 1))
    fi
}

work=$(mktemp -d)
agent=""
cleanup() {
    if [[ -n $agent ]]; then
        kill -TERM "$agent" 2>/dev/null
        wait "$agent" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/collectors.d"
printf '[agent]\nsocket = "%s/garnet.sock"\nhostname = "testhost"\n' "$work" >"$work/garnet.toml"
for name in alpha gamma-x; do
    printf 'command = ["%s"]\nmode = "stdout"\ninterval = "1h"\n' "$collector" >"$work/collectors.d/$name.toml"
done
printf 'enabled = false\ncommand = ["%s"]\nmode = "stdout"\n' "$collector" >"$work/collectors.d/beta.toml"

if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
    echo "SKIP: no D-Bus session bus (run under dbus-run-session)"
    exit 77
fi
"$bindir/garnet-agent" --config "$work/garnet.toml" >"$work/agent.out" 2>"$work/agent.err" &
agent=$!
# Ready when garnetctl sees all three collectors (bounded wait, not a fixed sleep).
deadline=$((SECONDS + 60))
until garnetctl status 2>/dev/null | grep -q '^gamma-x '; do
    if ((SECONDS > deadline)) || ! kill -0 "$agent" 2>/dev/null; then
        echo "FAIL: the agent did not come up on the session bus"
        cat "$work/agent.err"
        exit 1
    fi
    sleep 0.2
done

run_cases() {
    expect "garnetctl " "disable enable help reload run status values watch"
    expect "garnetctl st" "status"
    expect "garnetctl --" "--help --json --system-bus --version"
    expect "garnetctl status --j" "--json"
    expect "garnetctl watch --" "--help --system-bus --version"
    expect "garnetctl reload " ""
    expect "garnetctl run " "alpha beta gamma-x"
    expect "garnetctl run a" "alpha"
    expect "garnetctl --json values g" "gamma-x"
    expect "garnetctl values " "alpha beta gamma-x"
    expect "garnetctl enable " "beta"
    expect "garnetctl disable " "alpha gamma-x"
    expect "garnetctl run alpha " ""
    expect "garnetctl -- run " "alpha beta gamma-x"
    # The system bus has no agent here: no names, and no hang.
    expect "garnetctl --system-bus run " ""
}

# Plain bash: the completion needs nothing but itself.
mode=plain
(
    # shellcheck source=/dev/null
    source "$completion"
    run_cases
    exit $failures
)
failures=$?

framework=/usr/share/bash-completion/bash_completion
if [[ -r $framework ]]; then
    mode=bash-completion
    (
        # shellcheck source=/dev/null
        source "$framework"
        # shellcheck source=/dev/null
        source "$completion"
        declare -F _init_completion >/dev/null || { echo "FAIL: bash-completion did not load"; exit 1; }
        run_cases
        exit $failures
    )
    failures=$((failures + $?))
else
    echo "note: $framework not installed; tested without the bash-completion framework only"
fi

if ((failures > 0)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all completion cases passed"
