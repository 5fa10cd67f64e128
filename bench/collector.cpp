// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// bench_collector: the tiny collectors the benchmarks schedule (statically linked where possible, so that
// process start-up costs what a native collector's does, and the same binary runs under Garnet and collectd).
//
//   bench_collector echo TEXT...     print TEXT and a newline (one metric line, or one collectd PUTVAL)
//   bench_collector stamp FILE       append "COLLECTOR LATENESS_US TICK_US\n" to FILE: how long after its aligned
//                                    tick (a multiple of $GARNET_INTERVAL since the epoch) this process started
//   bench_collector flood [SOCKET]   write metric lines to SOCKET (the agent appends it) for 90 % of the interval
//   bench_collector hang             never exit (until killed)
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

namespace {

long long nowMicros(clockid_t clock)
{
    timespec now {};
    clock_gettime(clock, &now);
    return (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

long long intervalMicros()
{
    const char *text = std::getenv("GARNET_INTERVAL"); // seconds, e.g. "10" or "0.5"
    const double seconds = text ? std::strtod(text, nullptr) : 0;
    return seconds > 0 ? (long long)(seconds * 1e6 + 0.5) : 0;
}

int stamp(const char *file)
{
    const long long now = nowMicros(CLOCK_REALTIME); // first: the start as early as a program can see it
    const long long interval = intervalMicros();
    if (interval <= 0)
        return 2;
    const long long lateness = now % interval; // the agent runs a collector at or after its tick, never before
    const char *name = std::getenv("GARNET_COLLECTOR");
    char line[256];
    const int n = std::snprintf(line, sizeof line, "%s %lld %lld\n", name ? name : "?", lateness, now - lateness);
    const int fd = ::open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, line, std::size_t(n)) != n) // O_APPEND: one write per line keeps lines whole
        return 1;
    ::close(fd);
    return 0;
}

int flood(const char *socketPath)
{
    const long long deadline = nowMicros(CLOCK_MONOTONIC) + intervalMicros() * 9 / 10;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath, sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return 1;
    std::string block;
    for (int i = 0; block.size() < 60000; ++i)
        block += "flood.m" + std::to_string(i % 500) + ' ' + std::to_string(i) + '\n';
    while (nowMicros(CLOCK_MONOTONIC) < deadline) {
        if (::write(fd, block.data(), block.size()) < 0 && errno != EINTR)
            return 1;
    }
    ::close(fd);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "echo") {
        std::string text;
        for (int i = 2; i < argc; ++i) {
            if (i > 2)
                text += ' ';
            text += argv[i];
        }
        text += '\n';
        return ::write(1, text.data(), text.size()) == ssize_t(text.size()) ? 0 : 1;
    }
    if (mode == "stamp" && argc > 2)
        return stamp(argv[2]);
    if (mode == "flood" && argc > 2)
        return flood(argv[argc - 1]);
    if (mode == "hang") {
        for (;;)
            ::pause();
    }
    std::fprintf(stderr, "usage: bench_collector echo TEXT... | stamp FILE | flood SOCKET | hang\n");
    return 2;
}
