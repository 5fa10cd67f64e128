# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# bash completion for garnetctl: commands, options, and collector names from the running agent.
# Installed as /usr/share/bash-completion/completions/garnetctl (loaded on demand by bash-completion);
# works without bash-completion too: source this file.

# Prints "NAME STATE" for every collector of the running agent: the collector table of `garnetctl status`
# (header "COLLECTOR  STATE ...", one row per collector, a blank line after it). Names never contain blanks.
# Bounded in time: completion must not hang on a stuck bus.
_garnetctl_collectors()
{
    local -a bus_option=()
    [[ $1 == --system-bus ]] && bus_option=(--system-bus)
    timeout 3 garnetctl "${bus_option[@]}" status 2>/dev/null | awk '
        /^COLLECTOR[ \t]+STATE/ { table = 1; next }
        table && NF == 0 { exit }
        table { print $1, $2 }'
}

_garnetctl()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local command="" bus_option="" options_ended="" arg i
    local -i arguments=0
    for ((i = 1; i < cword; i++)); do
        arg=${words[i]}
        if [[ -z $options_ended && $arg == -- ]]; then
            options_ended=1
        elif [[ -z $options_ended && $arg == --system-bus ]]; then
            bus_option=--system-bus
        elif [[ -z $options_ended && $arg == -?* ]]; then
            :
        elif [[ -z $command ]]; then
            command=$arg
        else
            arguments+=1
        fi
    done

    if [[ -z $options_ended && $cur == -* ]]; then
        local options="--system-bus --help --version"
        case $command in
            "" | status | values) options+=" --json" ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
        return
    fi
    if [[ -z $command ]]; then
        mapfile -t COMPREPLY < <(compgen -W "status values watch run enable disable reload help" -- "$cur")
        return
    fi
    ((arguments == 0)) || return
    local names
    case $command in
        values | watch | run)
            names=$(_garnetctl_collectors "$bus_option" | awk '{ print $1 }') ;;
        enable)
            names=$(_garnetctl_collectors "$bus_option" | awk '$2 == "disabled" { print $1 }') ;;
        disable)
            names=$(_garnetctl_collectors "$bus_option" | awk '$2 != "disabled" { print $1 }') ;;
        *)
            return ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
}

complete -F _garnetctl garnetctl
