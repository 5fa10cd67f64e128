// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "runregistry.h"

#include <QtGlobal>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>

namespace Garnet {

namespace {

using Clock = std::chrono::steady_clock;

/** Bounds the parent walk: real process trees are shallow, and /proc can change under us. */
constexpr int MaxAncestors = 64;

struct StatFields
{
    pid_t parent = 0;
    pid_t group = 0;
};

/**
 * Reads "pid (comm) state ppid pgrp ..." from /proc/PID/stat. comm may contain anything, spaces and
 * ')' included, so the fields start after the LAST ')'.
 */
StatFields readStat(pid_t pid)
{
    if (pid <= 0)
        return {};
    std::array<char, 64> path {};
    std::snprintf(path.data(), path.size(), "/proc/%d/stat", static_cast<int>(pid));
    const int fd = ::open(path.data(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::array<char, 1024> buffer {}; // the fields we need sit right after comm (at most 64 bytes)
    ssize_t length = 0;
    do {
        length = ::read(fd, buffer.data(), buffer.size());
    } while (length < 0 && errno == EINTR);
    ::close(fd);
    if (length <= 0)
        return {};
    std::string_view text(buffer.data(), static_cast<std::size_t>(length));
    const auto close = text.rfind(')');
    if (close == std::string_view::npos)
        return {};
    text.remove_prefix(close + 1);
    // " S 1234 5678 ..."
    auto nextField = [&text]() {
        const auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos)
            return std::string_view();
        text.remove_prefix(start);
        const auto end = text.find(' ');
        const auto field = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end);
        return field;
    };
    auto toPid = [](std::string_view field) {
        int value = 0;
        const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
        return ec == std::errc() && ptr == field.data() + field.size() && value > 0 ? pid_t(value) : pid_t(0);
    };
    nextField(); // state
    StatFields fields;
    fields.parent = toPid(nextField());
    fields.group = toPid(nextField());
    return fields;
}

} // namespace

void RunRegistry::runStarted(pid_t pid, RunContextPtr run)
{
    prune();
    m_runs[pid] = Entry { std::move(run), {} };
}

void RunRegistry::runFinished(pid_t pid)
{
    const auto it = m_runs.find(pid);
    if (it != m_runs.end())
        it->second.finishedAt = Clock::now();
    prune();
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
    return readStat(pid).parent;
}

pid_t RunRegistry::groupOf(pid_t pid)
{
    return readStat(pid).group;
}

void RunRegistry::prune()
{
    const auto now = Clock::now();
    std::erase_if(m_runs, [&](const auto &item) {
        const Entry &entry = item.second;
        return entry.finishedAt != Clock::time_point {} && now - entry.finishedAt >= m_grace;
    });
}

} // namespace Garnet
