// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "processreaper.h"

#include "logging.h"
#include "processtable.h"

#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace Garnet {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/** How long an ended run's pid still attributes its group and session members to it. */
constexpr auto EndedRunMemory = 60s;
constexpr std::size_t MaxEndedRuns = 4096;
constexpr auto FastScan = 250ms; ///< while a SIGKILL or a reap is pending
constexpr auto SlowScan = 1000ms; ///< while strays of live runs are only watched
constexpr auto EndScanDelay = 500ms; ///< runs that ended by themselves are looked after together

bool g_subreaper = false;
std::vector<pid_t> g_foreignChildren; ///< children when becomeSubreaper() was called: never ours to reap

bool isForeign(pid_t pid)
{
    return std::find(g_foreignChildren.begin(), g_foreignChildren.end(), pid) != g_foreignChildren.end();
}

} // namespace

bool ProcessReaper::becomeSubreaper()
{
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        return false;
    g_foreignChildren = ProcessTable::scan().childrenOf(::getpid());
    g_subreaper = true;
    return true;
}

bool ProcessReaper::isSubreaper()
{
    return g_subreaper;
}

ProcessReaper::ProcessReaper(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &ProcessReaper::scanNow);
}

ProcessReaper::~ProcessReaper()
{
    // The agent is going: nothing of a collector outlives it. Strays not yet seen are found by one last scan.
    const ProcessTable table = ProcessTable::scan();
    attributeNewStrays(table);
    doomLeftovers(table, m_pendingEnds);
    for (const Tracked &tracked : m_tracked) {
        const ProcessInfo *process = table.find(tracked.pid);
        if (process && process->startTime == tracked.startTime)
            signal(*process, SIGKILL);
    }
    if (g_subreaper) {
        for (const Tracked &tracked : m_tracked) {
            const ProcessInfo *process = table.find(tracked.pid);
            if (process && process->startTime == tracked.startTime && process->parent == ::getpid())
                ::waitpid(tracked.pid, nullptr, WNOHANG); // a zombie already; the rest goes to init
        }
    }
}

void ProcessReaper::runStarted(pid_t run, const QByteArray &collector)
{
    if (run > 0 && !isLiveRun(run))
        m_runs.push_back({ run, collector });
}

void ProcessReaper::terminateRun(pid_t run, std::chrono::milliseconds grace)
{
    endRun(run, grace, false);
}

void ProcessReaper::runFinished(pid_t run, std::chrono::milliseconds grace)
{
    endRun(run, grace, true);
}

bool ProcessReaper::isLiveRun(pid_t pid) const
{
    return std::any_of(m_runs.begin(), m_runs.end(), [pid](const Run &run) { return run.pid == pid; });
}

bool ProcessReaper::endedRecently(pid_t pid) const
{
    const auto now = Clock::now();
    return std::any_of(m_endedRuns.begin(), m_endedRuns.end(),
        [&](const auto &ended) { return ended.first == pid && now - ended.second < EndedRunMemory; });
}

ProcessReaper::Tracked *ProcessReaper::findTracked(pid_t pid, std::uint64_t startTime)
{
    const auto it = std::find_if(
        m_tracked.begin(), m_tracked.end(), [&](const Tracked &t) { return t.pid == pid && t.startTime == startTime; });
    return it == m_tracked.end() ? nullptr : &*it;
}

void ProcessReaper::endRun(pid_t run, std::chrono::milliseconds grace, bool finished)
{
    if (run <= 1)
        return;
    m_grace = grace;
    if (finished) {
        std::erase_if(m_runs, [run](const Run &r) { return r.pid == run; });
        // Oldest first: only the expired front is looked at (at 1,000 runs/s the list holds its maximum).
        const auto now = Clock::now();
        while (!m_endedRuns.empty()
            && (now - m_endedRuns.front().second >= EndedRunMemory || m_endedRuns.size() >= MaxEndedRuns))
            m_endedRuns.pop_front();
        m_endedRuns.emplace_back(run, now);
        for (Tracked &tracked : m_tracked)
            std::erase(tracked.candidates, run);
        // A run that ended by itself: its group already had SIGTERM from the Collector. What escaped is looked
        // for by one scan for all the runs that end within EndScanDelay (a scan costs ~15 µs per process).
        m_pendingEnds.push_back(run);
        if (!m_timer->isActive() || m_timer->remainingTimeAsDuration() > EndScanDelay)
            m_timer->start(EndScanDelay);
        return;
    }
    // A timeout (or stop): now, with the tree of its main process while that still lives.
    const ProcessTable table = ProcessTable::scan();
    attributeNewStrays(table);
    doomTree(table, run, grace);
    doomLeftovers(table, { run });
    scheduleScan();
}

void ProcessReaper::doomLeftovers(const ProcessTable &table, const std::vector<pid_t> &runs)
{
    // Members of the runs' groups and sessions.
    for (const ProcessInfo &process : table.processes()) {
        for (const pid_t run : runs) {
            if (process.pid != run && (process.group == run || process.session == run))
                doomTree(table, process.pid, m_grace);
        }
    }
    // Strays of these runs or of runs already over; those attributed only to a set of runs once all are over.
    std::vector<pid_t> strays;
    for (const Tracked &tracked : m_tracked) {
        const bool ofThese = std::find(runs.begin(), runs.end(), tracked.run) != runs.end();
        if (!tracked.doomed
            && (ofThese || (tracked.run != 0 && !isLiveRun(tracked.run))
                || (tracked.run == 0 && tracked.candidates.empty())))
            strays.push_back(tracked.pid);
    }
    for (const pid_t stray : strays)
        doomTree(table, stray, m_grace);
}

void ProcessReaper::attributeNewStrays(const ProcessTable &table)
{
    if (!g_subreaper)
        return; // orphans go to init (or another subreaper): none of them is ours
    const pid_t self = ::getpid();
    for (const ProcessInfo &process : table.processes()) {
        if (process.parent != self || isLiveRun(process.pid) || endedRecently(process.pid) || isForeign(process.pid)
            || findTracked(process.pid, process.startTime))
            continue;
        Tracked stray;
        stray.pid = process.pid;
        stray.startTime = process.startTime;
        for (const pid_t id : { process.group, process.session }) {
            if (isLiveRun(id))
                stray.run = id;
        }
        const bool ofEndedRun = endedRecently(process.group) || endedRecently(process.session);
        if (!stray.run && !ofEndedRun) {
            const auto collector = ProcessTable::environmentValue(process.pid, "GARNET_COLLECTOR");
            for (const Run &run : m_runs) {
                if (!collector || run.collector == QByteArrayView(collector->data(), qsizetype(collector->size())))
                    stray.candidates.push_back(run.pid);
            }
            if (stray.candidates.size() == 1) {
                stray.run = stray.candidates.front();
                stray.candidates.clear();
            }
        }
        const bool orphaned = !stray.run && stray.candidates.empty();
        qCInfo(lcScheduler).noquote().nospace()
            << "process " << process.pid << " left a collector's process group and was re-parented to the agent"
            << (orphaned           ? QStringLiteral("; its run is over: terminating it")
                       : stray.run ? QStringLiteral("; it ends with run %1").arg(stray.run)
                                   : QStringLiteral("; it ends with the runs now going"));
        m_tracked.push_back(std::move(stray));
        if (orphaned && process.state != 'Z')
            doomTree(table, process.pid, m_grace);
    }
}

void ProcessReaper::doom(const ProcessInfo &process, std::chrono::milliseconds grace)
{
    if (process.pid <= 1 || process.pid == ::getpid() || isForeign(process.pid))
        return;
    Tracked *tracked = findTracked(process.pid, process.startTime);
    if (!tracked) {
        tracked = &m_tracked.emplace_back();
        tracked->pid = process.pid;
        tracked->startTime = process.startTime;
    }
    if (tracked->doomed)
        return;
    tracked->doomed = true;
    tracked->killAt = Clock::now() + grace;
    signal(process, SIGTERM);
}

void ProcessReaper::doomTree(const ProcessTable &table, pid_t pid, std::chrono::milliseconds grace)
{
    if (const ProcessInfo *process = table.find(pid))
        doom(*process, grace);
    for (const pid_t descendant : table.descendantsOf(pid)) {
        if (const ProcessInfo *process = table.find(descendant))
            doom(*process, grace);
    }
}

void ProcessReaper::signal(const ProcessInfo &process, int signal)
{
    // The table is a snapshot: make sure the pid still names that process.
    const auto now = ProcessTable::read(process.pid);
    if (!now || now->startTime != process.startTime || now->state == 'Z')
        return;
    ::kill(process.pid, signal);
    // A process that leads its own group (setsid) takes the group with it; never the agent's own group.
    if (now->group == process.pid && now->group != ::getpgrp())
        ::kill(-process.pid, signal);
}

void ProcessReaper::scanNow()
{
    const ProcessTable table = ProcessTable::scan();
    attributeNewStrays(table);
    doomLeftovers(table, m_pendingEnds);
    m_pendingEnds.clear();
    const auto now = Clock::now();
    const pid_t self = ::getpid();
    std::vector<pid_t> killedNow;
    std::erase_if(m_tracked, [&](Tracked &tracked) {
        const ProcessInfo *process = table.find(tracked.pid);
        if (!process || process->startTime != tracked.startTime)
            return true; // gone (reaped by its parent)
        if (process->state == 'Z') {
            // Ours to reap only when it is our child and not a run's main process (its ChildProcess reaps those).
            if (g_subreaper && process->parent == self && !isLiveRun(tracked.pid) && !endedRecently(tracked.pid)
                && !isForeign(tracked.pid))
                return ::waitpid(tracked.pid, nullptr, WNOHANG) == tracked.pid;
            return false;
        }
        if (tracked.doomed && !tracked.killed && now >= tracked.killAt) {
            tracked.killed = true;
            signal(*process, SIGKILL);
            killedNow.push_back(tracked.pid);
        }
        return false;
    });
    // Children it started during its grace go with it.
    for (const pid_t pid : killedNow) {
        for (const pid_t descendant : table.descendantsOf(pid)) {
            if (const ProcessInfo *process = table.find(descendant)) {
                doom(*process, std::chrono::milliseconds(0));
                signal(*process, SIGKILL);
                if (Tracked *tracked = findTracked(process->pid, process->startTime))
                    tracked->killed = true;
            }
        }
    }
    scheduleScan();
}

void ProcessReaper::scheduleScan()
{
    if (m_tracked.empty() && m_pendingEnds.empty()) {
        m_timer->stop();
        return;
    }
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(m_pendingEnds.empty() ? SlowScan : EndScanDelay);
    const auto now = Clock::now();
    for (const Tracked &tracked : m_tracked) {
        // Reap soon after a SIGKILL; one that outlives it by long (uninterruptible sleep) is checked slowly.
        if ((tracked.killed && now - tracked.killAt < 5s) || (tracked.doomed && tracked.killAt <= now))
            delay = std::min(delay, std::chrono::duration_cast<std::chrono::milliseconds>(FastScan));
        else if (tracked.doomed)
            delay = std::min(delay, std::max(1ms, std::chrono::ceil<std::chrono::milliseconds>(tracked.killAt - now)));
    }
    if (!m_timer->isActive() || m_timer->remainingTimeAsDuration() > delay)
        m_timer->start(delay);
}

} // namespace Garnet
