// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Garnet {

/** What /proc/PID/stat tells about one process. */
struct ProcessInfo
{
    pid_t pid = 0;
    pid_t parent = 0;
    pid_t group = 0;
    pid_t session = 0;
    char state = '?'; ///< 'R', 'S', 'Z' (zombie) ...
    std::uint64_t startTime = 0; ///< clock ticks after boot: with the pid, identifies a process across pid reuse
};

/**
 * A snapshot of the processes in /proc. Processes come and go while it is read: a snapshot is a hint,
 * and whoever signals a process from it checks (pid, startTime) again first.
 */
class ProcessTable
{
public:
    static ProcessTable scan();
    /** One process; nullopt when it is gone (or /proc is unreadable). */
    static std::optional<ProcessInfo> read(pid_t pid);
    /** The value of NAME in the process's initial environment (/proc/PID/environ); nullopt if unreadable or unset. */
    static std::optional<std::string> environmentValue(pid_t pid, std::string_view name);
    /** Parses the text of /proc/PID/stat; nullopt when malformed. Exposed for tests. */
    static std::optional<ProcessInfo> parseStat(std::string_view text);

    const std::vector<ProcessInfo> &processes() const { return m_processes; }
    const ProcessInfo *find(pid_t pid) const;
    std::vector<pid_t> childrenOf(pid_t pid) const;
    /** Every process below pid (children, their children ...), not pid itself. */
    std::vector<pid_t> descendantsOf(pid_t pid) const;

private:
    std::vector<ProcessInfo> m_processes; ///< sorted by pid
};

} // namespace Garnet
