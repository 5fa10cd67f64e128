// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// processes: processes by scheduler state and threads (from /proc/<pid>/stat), forks and context switches
// per second since the previous run (from /proc/stat).
#include "collectorkit.h"

#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

using namespace GarnetCollector;

namespace {

struct Counts
{
    std::uint64_t total = 0, threads = 0, running = 0, sleeping = 0, blocked = 0, zombies = 0, stopped = 0, tracing = 0,
                  idle = 0, dead = 0, paging = 0, unknown = 0;
};

/** Reads "/proc/<pid>/stat" relative to /proc: "pid (comm) S ppid ... num_threads ...". False if it vanished. */
bool readProcess(int procFd, const char *pid, Counts &counts)
{
    char path[32];
    std::snprintf(path, sizeof path, "%s/stat", pid);
    const int fd = ::openat(procFd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buffer[1024];
    const ssize_t size = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (size <= 0)
        return false;
    std::string_view text(buffer, std::size_t(size));
    const auto paren = text.rfind(')'); // comm may contain anything, even ") "
    if (paren == std::string_view::npos)
        return false;
    text.remove_prefix(paren + 1);
    const std::string_view state = nextField(text);
    for (int field = 2; field < 18; ++field) // state is field 1 after comm, num_threads field 18
        nextField(text);
    counts.threads += parseUnsigned(nextField(text)).value_or(1);
    ++counts.total;
    switch (state.empty() ? '?' : state.front()) {
    case 'R':
        ++counts.running;
        break;
    case 'S':
        ++counts.sleeping;
        break;
    case 'D':
        ++counts.blocked;
        break;
    case 'Z':
        ++counts.zombies;
        break;
    case 'T':
        ++counts.stopped;
        break;
    case 't':
        ++counts.tracing;
        break;
    case 'I':
        ++counts.idle;
        break;
    case 'X':
    case 'x':
        ++counts.dead;
        break;
    case 'W':
        ++counts.paging;
        break;
    default:
        ++counts.unknown;
        break;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv, {}, "");
    DIR *proc = ::opendir("/proc");
    if (!proc) {
        static constexpr std::string_view message = "processes: cannot open /proc\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
        return 1;
    }
    Counts counts;
    while (const dirent *entry = ::readdir(proc))
        if (entry->d_name[0] >= '1' && entry->d_name[0] <= '9')
            readProcess(::dirfd(proc), entry->d_name, counts);
    ::closedir(proc);

    MetricWriter out;
    out.add("total", counts.total);
    out.add("threads", counts.threads);
    out.add("running", counts.running);
    out.add("sleeping", counts.sleeping);
    out.add("blocked", counts.blocked);
    out.add("zombies", counts.zombies);
    out.add("stopped", counts.stopped);
    out.add("tracing", counts.tracing);
    out.add("idle", counts.idle);
    out.add("dead", counts.dead);
    out.add("paging", counts.paging);
    out.add("unknown", counts.unknown);

    std::string content;
    if (readFile("/proc/stat", content)) {
        State state(options.program);
        std::string_view text = content;
        std::string_view line;
        while (nextLine(text, line)) {
            const std::string_view name = nextField(line);
            const bool forks = name == "processes";
            if (!forks && name != "ctxt")
                continue;
            const auto value = parseUnsigned(nextField(line));
            if (!value)
                continue;
            const auto delta = state.delta(name, *value);
            if (delta && state.elapsedSeconds() > 0)
                out.add(forks ? "forks" : "context_switches", double(*delta) / state.elapsedSeconds());
        }
        state.save();
    }
    return out.send(options);
}
