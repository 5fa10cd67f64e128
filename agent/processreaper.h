// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

class QTimer;

namespace Garnet {

class ProcessTable;
struct ProcessInfo;

/**
 * Ends what a collector run leaves outside its process group, and reaps it.
 *
 * A run leads its own process group, and the Collector signals that group. A process can leave the
 * group (setpgid, setsid) and, once its parent exits, be re-parented: with becomeSubreaper() to the
 * agent, which then has to reap it (a run's ChildProcess reaps only its own child). Such a process is a
 * "stray": a child of the agent that is not a run's main process and was not a child before
 * becomeSubreaper(). Strays are attributed to a run, in this order: their process group or session is a
 * run's (the run's pid); their initial environment's GARNET_COLLECTOR names a collector with a run; else
 * every run live when the stray was first seen is a candidate. A stray is terminated when its run (or its
 * last candidate) ends, or at once when none is live.
 *
 * terminateRun()/runFinished(): every process of the run outside the group (its descendants, members of
 * its session, strays attributed to it, and their descendants) gets SIGTERM and SIGKILL once the grace
 * has passed, as the group does: at once for terminateRun(); for runFinished() (a run that ended by
 * itself, the common case) within half a second, by one /proc scan for all runs ending meanwhile. Signals are sent only
 * after checking that the pid still names the same process (its start time), and reaping uses waitpid() on the stray's
 * own pid, never waitpid(-1): a run's main process is its ChildProcess's to reap (waitid(P_PIDFD)), with its
 * exit status.
 *
 * A periodic /proc scan runs only while something is tracked (every 250 ms while a kill is pending,
 * else every second).
 *
 * This relies on the agent starting no child processes of its own besides collector runs (registered
 * with runStarted() before the event loop runs again): any other child of a subreaper agent would be
 * taken for a stray.
 */
class ProcessReaper : public QObject
{
    Q_OBJECT
public:
    /**
     * Make this process a child subreaper (PR_SET_CHILD_SUBREAPER), process-wide and for good. Children
     * that exist at this moment are never signalled or reaped. Call once at start-up, after anything that
     * may start daemons of its own (D-Bus autolaunch). False (and errno) if the kernel refused.
     */
    static bool becomeSubreaper();
    static bool isSubreaper();

    explicit ProcessReaper(QObject *parent = nullptr);
    ~ProcessReaper() override; ///< SIGKILLs every process it still tracks

    void runStarted(pid_t run, const QByteArray &collector);
    /** The run is being ended (timeout, stop, output limit) while its main process may still live. */
    void terminateRun(pid_t run, std::chrono::milliseconds grace);
    /** The run's main process is over and reaped: whatever is left of the run goes too. */
    void runFinished(pid_t run, std::chrono::milliseconds grace);

    std::size_t trackedCount() const { return m_tracked.size(); } ///< processes being watched or ended
    void scanNow(); ///< what the timer does: attribute new strays, SIGKILL past the grace, reap

private:
    struct Run
    {
        pid_t pid = 0;
        QByteArray collector;
    };
    struct Tracked
    {
        pid_t pid = 0;
        std::uint64_t startTime = 0;
        pid_t run = 0; ///< the live run it belongs to; 0 while only candidates are known
        std::vector<pid_t> candidates; ///< runs it may belong to (when not attributed)
        bool doomed = false; ///< got SIGTERM
        bool killed = false; ///< got SIGKILL
        std::chrono::steady_clock::time_point killAt {};
    };

    bool isLiveRun(pid_t pid) const;
    bool endedRecently(pid_t pid) const;
    Tracked *findTracked(pid_t pid, std::uint64_t startTime);
    void attributeNewStrays(const ProcessTable &table);
    /** Track (if new) and SIGTERM a process unless it already got it; its grace ends at now + grace. */
    void doom(const ProcessInfo &process, std::chrono::milliseconds grace);
    void doomTree(const ProcessTable &table, pid_t pid, std::chrono::milliseconds grace);
    void endRun(pid_t run, std::chrono::milliseconds grace, bool finished);
    /** SIGTERM what is left of these runs: group and session members, strays of runs that are over. */
    void doomLeftovers(const ProcessTable &table, const std::vector<pid_t> &runs);
    void signal(const ProcessInfo &process, int signal);
    void scheduleScan();

    std::vector<Run> m_runs; ///< live runs
    std::deque<std::pair<pid_t, std::chrono::steady_clock::time_point>> m_endedRuns; ///< recent, oldest first
    std::vector<Tracked> m_tracked;
    std::vector<pid_t> m_pendingEnds; ///< runs over by themselves, not yet looked after (one scan for all)
    std::chrono::milliseconds m_grace { 2000 }; ///< for strays of runs that ended without telling their grace
    QTimer *m_timer;
};

} // namespace Garnet
