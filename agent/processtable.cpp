// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "processtable.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace Garnet {

namespace {

/** Reads up to capacity bytes of a small /proc file; empty when unreadable. */
std::string readProcFile(const char *path, std::size_t capacity)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::string text(capacity, '\0');
    std::size_t length = 0;
    while (length < capacity) {
        const ssize_t n = ::read(fd, text.data() + length, capacity - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        length += std::size_t(n);
    }
    ::close(fd);
    text.resize(length);
    return text;
}

template<typename Number> bool toNumber(std::string_view field, Number &value)
{
    const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    return ec == std::errc() && ptr == field.data() + field.size();
}

} // namespace

std::optional<ProcessInfo> ProcessTable::parseStat(std::string_view text)
{
    // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
    //  cstime priority nice num_threads itrealvalue starttime ...": comm may contain anything, spaces and ')'
    // included, so the fields start after the LAST ')'.
    ProcessInfo info;
    const auto open = text.find(" (");
    const auto close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open
        || !toNumber(text.substr(0, open), info.pid) || info.pid <= 0)
        return std::nullopt;
    text.remove_prefix(close + 1);
    std::array<std::string_view, 20> fields; // state is field 3; starttime is field 22
    std::size_t count = 0;
    while (count < fields.size()) {
        const auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos)
            break;
        text.remove_prefix(start);
        const auto end = std::min(text.find(' '), text.size());
        fields[count++] = text.substr(0, end);
        text.remove_prefix(end);
    }
    if (count < fields.size() || fields[0].size() != 1)
        return std::nullopt;
    info.state = fields[0][0];
    int parent = 0, group = 0, session = 0;
    if (!toNumber(fields[1], parent) || !toNumber(fields[2], group) || !toNumber(fields[3], session)
        || !toNumber(fields[19], info.startTime))
        return std::nullopt;
    info.parent = pid_t(parent);
    info.group = pid_t(group);
    info.session = pid_t(session);
    return info;
}

std::optional<ProcessInfo> ProcessTable::read(pid_t pid)
{
    if (pid <= 0)
        return std::nullopt;
    std::array<char, 64> path {};
    std::snprintf(path.data(), path.size(), "/proc/%d/stat", int(pid));
    return parseStat(readProcFile(path.data(), 1024));
}

std::optional<std::string> ProcessTable::environmentValue(pid_t pid, std::string_view name)
{
    std::array<char, 64> path {};
    std::snprintf(path.data(), path.size(), "/proc/%d/environ", int(pid));
    // The initial environment; a collector's is a few KiB. Past the cap the variable is not looked for.
    const std::string environ = readProcFile(path.data(), 256 * 1024);
    std::string_view rest = environ;
    while (!rest.empty()) {
        const auto end = std::min(rest.find('\0'), rest.size());
        const std::string_view entry = rest.substr(0, end);
        if (entry.size() > name.size() && entry.substr(0, name.size()) == name && entry[name.size()] == '=')
            return std::string(entry.substr(name.size() + 1));
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return std::nullopt;
}

ProcessTable ProcessTable::scan()
{
    ProcessTable table;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return table;
    while (const dirent *entry = ::readdir(proc)) {
        int pid = 0;
        const std::string_view name(entry->d_name);
        if (name.empty() || name[0] < '1' || name[0] > '9' || !toNumber(name, pid))
            continue;
        if (const auto info = read(pid_t(pid)))
            table.m_processes.push_back(*info);
    }
    ::closedir(proc);
    std::sort(table.m_processes.begin(), table.m_processes.end(),
        [](const ProcessInfo &a, const ProcessInfo &b) { return a.pid < b.pid; });
    return table;
}

const ProcessInfo *ProcessTable::find(pid_t pid) const
{
    const auto it = std::lower_bound(m_processes.begin(), m_processes.end(), pid,
        [](const ProcessInfo &info, pid_t value) { return info.pid < value; });
    return it != m_processes.end() && it->pid == pid ? &*it : nullptr;
}

std::vector<pid_t> ProcessTable::childrenOf(pid_t pid) const
{
    std::vector<pid_t> children;
    for (const ProcessInfo &info : m_processes)
        if (info.parent == pid)
            children.push_back(info.pid);
    return children;
}

std::vector<pid_t> ProcessTable::descendantsOf(pid_t pid) const
{
    std::vector<pid_t> found = childrenOf(pid);
    for (std::size_t i = 0; i < found.size() && found.size() < m_processes.size(); ++i) {
        for (const ProcessInfo &info : m_processes)
            if (info.parent == found[i] && std::find(found.begin(), found.end(), info.pid) == found.end())
                found.push_back(info.pid);
    }
    return found;
}

} // namespace Garnet
