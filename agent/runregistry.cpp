// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "runregistry.h"

#include "processtable.h"

#include <QtGlobal>

namespace Garnet {

namespace {

using Clock = std::chrono::steady_clock;

/** Bounds the parent walk: real process trees are shallow, and /proc can change under us. */
constexpr int MaxAncestors = 64;

} // namespace

void RunRegistry::runStarted(pid_t pid, RunContextPtr run)
{
    prune();
    m_reaper.runStarted(pid, run ? run->collector : QByteArray());
    m_runs[pid] = Entry { std::move(run), {} };
}

void RunRegistry::runFinished(pid_t pid, std::chrono::milliseconds killGrace)
{
    const auto it = m_runs.find(pid);
    if (it != m_runs.end()) {
        it->second.finishedAt = Clock::now();
        m_finished.emplace_back(pid, it->second.finishedAt);
    }
    prune();
    m_reaper.runFinished(pid, killGrace);
}

RunContextPtr RunRegistry::lookup(pid_t pid, Clock::time_point now) const
{
    const auto it = m_runs.find(pid);
    if (it == m_runs.end())
        return nullptr;
    const Entry &entry = it->second;
    if (entry.finishedAt != Clock::time_point {} && now - entry.finishedAt >= m_grace)
        return nullptr;
    return entry.run;
}

RunContextPtr RunRegistry::resolve(pid_t pid) const
{
    if (m_runs.empty() || pid <= 0)
        return nullptr;
    const auto now = Clock::now();
    if (auto run = lookup(pid, now))
        return run;
    const pid_t group = groupOf(pid);
    pid_t current = pid;
    for (int depth = 0; depth < MaxAncestors; ++depth) {
        current = parentOf(current);
        if (current <= 1)
            break;
        if (auto run = lookup(current, now))
            return run;
    }
    // A child left behind by a run that already ended hangs off init, but keeps the run's group.
    return group > 1 ? lookup(group, now) : nullptr;
}

pid_t RunRegistry::parentOf(pid_t pid)
{
    const auto info = ProcessTable::read(pid);
    return info ? info->parent : 0;
}

pid_t RunRegistry::groupOf(pid_t pid)
{
    const auto info = ProcessTable::read(pid);
    return info ? info->group : 0;
}

void RunRegistry::prune()
{
    const auto now = Clock::now();
    while (!m_finished.empty() && now - m_finished.front().second >= m_grace) {
        const auto [pid, finishedAt] = m_finished.front();
        m_finished.pop_front();
        // Not when the pid ran again since (a newer start, or a later finish queued behind).
        const auto it = m_runs.find(pid);
        if (it != m_runs.end() && it->second.finishedAt == finishedAt)
            m_runs.erase(it);
    }
}

} // namespace Garnet
