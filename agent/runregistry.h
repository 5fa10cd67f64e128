// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "processreaper.h"
#include "runcontext.h"

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <unordered_map>

namespace Garnet {

/**
 * Maps the pids of collector runs to their RunContext, and attributes a socket peer to a run by
 * walking the peer's parent chain in /proc (so a collector's children are attributed too). A process
 * whose chain leads nowhere (an orphaned grandchild, reparented to init) is still attributed through
 * its process group: every run leads its own group, whose id is the run's pid.
 * Finished runs stay resolvable for a short grace period: a collector often exits before the agent
 * has accepted its connection. Expired entries are pruned lazily, on the next start or finish, from a
 * queue in finishing order: only the expired ones are looked at, however many runs the grace period holds.
 *
 * It also tells its ProcessReaper about runs starting and ending, so that what a run leaves outside its
 * process group ends with it.
 */
class RunRegistry
{
public:
    void runStarted(pid_t pid, RunContextPtr run);
    /** Keeps the entry for the grace period; processes the run left behind get SIGTERM, SIGKILL after killGrace. */
    void runFinished(pid_t pid, std::chrono::milliseconds killGrace = std::chrono::milliseconds(2000));
    /** The run whose process is pid or an ancestor of pid; nullptr if none. */
    RunContextPtr resolve(pid_t pid) const;
    /** Parent pid from /proc/PID/stat, or 0 if unknown. Exposed for tests. */
    static pid_t parentOf(pid_t pid);
    /** Process group id from /proc/PID/stat, or 0 if unknown. */
    static pid_t groupOf(pid_t pid);

    void setGracePeriod(std::chrono::milliseconds grace) { m_grace = grace; }
    std::size_t size() const { return m_runs.size(); } ///< entries held, expired ones included until pruned
    ProcessReaper &reaper() { return m_reaper; }

private:
    struct Entry
    {
        RunContextPtr run;
        std::chrono::steady_clock::time_point finishedAt {}; ///< zero while running
    };
    RunContextPtr lookup(pid_t pid, std::chrono::steady_clock::time_point now) const;
    void prune();
    std::unordered_map<pid_t, Entry> m_runs;
    std::deque<std::pair<pid_t, std::chrono::steady_clock::time_point>> m_finished; ///< oldest first
    std::chrono::milliseconds m_grace { 5000 };
    ProcessReaper m_reaper;
};

} // namespace Garnet
