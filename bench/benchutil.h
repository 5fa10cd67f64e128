// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Shared by the benchmark programs: plain POSIX (no Qt) so the load side costs little and measures the same
// way for Garnet and for the programs it is compared with.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace Bench {

using Clock = std::chrono::steady_clock;

[[noreturn]] inline void die(const char *what)
{
    std::perror(what);
    std::exit(1);
}

/** The value of the command-line option at argv[i] (advancing i); a missing value is a usage error (exit 2). */
inline std::string optionValue(int argc, char **argv, int &i)
{
    if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
    }
    return std::string(argv[++i]);
}

inline double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

/** CLOCK_MONOTONIC in microseconds: comparable across the processes of one machine. */
inline long long monotonicMicros()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

inline int connectUnix(const std::string &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    return ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 ? fd : (::close(fd), -1);
}

inline int connectTcp(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 ? fd : (::close(fd), -1);
}

/** A loopback port that was free a moment ago (bound to port 0, then released). */
inline int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
        die("free port");
    ::close(fd);
    return ntohs(addr.sin_port);
}

inline bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

/** Waits until a Unix (path) or TCP (port) server accepts connections; false after ~10 s. */
inline bool waitForServer(const std::string &path, int port)
{
    for (int i = 0; i < 1000; ++i) {
        const int fd = path.empty() ? connectTcp(port) : connectUnix(path);
        if (fd >= 0) {
            ::close(fd);
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

struct ProcessUsage
{
    double user = -1; ///< CPU seconds of the process itself (children excluded)
    double system = -1;
    double childrenUser = 0; ///< of its waited-for children
    double childrenSystem = 0;
    double total() const { return user + system; }
    double children() const { return childrenUser + childrenSystem; }
};

/** From /proc/PID/stat: works for processes that are not our children. */
inline ProcessUsage processUsage(pid_t pid)
{
    ProcessUsage usage;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return usage;
    char buf[2048];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')'); // comm may contain spaces
    if (!p)
        return usage;
    unsigned long utime = 0, stime = 0;
    long cutime = 0, cstime = 0;
    // fields after ')': state(3) ... utime(14) stime(15) cutime(16) cstime(17)
    std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &utime, &stime, &cutime, &cstime);
    const double tick = double(sysconf(_SC_CLK_TCK));
    usage.user = double(utime) / tick;
    usage.system = double(stime) / tick;
    usage.childrenUser = double(cutime) / tick;
    usage.childrenSystem = double(cstime) / tick;
    return usage;
}

inline ProcessUsage operator-(const ProcessUsage &a, const ProcessUsage &b)
{
    return { a.user - b.user, a.system - b.system, a.childrenUser - b.childrenUser,
        a.childrenSystem - b.childrenSystem };
}

/** A "VmRSS:"-style field of /proc/PID/status in KiB (VmRSS, VmHWM), or -1. */
inline long statusKiB(pid_t pid, const char *field)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long value = -1;
    const std::size_t length = std::strlen(field);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
            value = std::strtol(line + length + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return value;
}

/** fork+exec with stdout and stderr to logFile; extra environment as "NAME=value". */
inline pid_t spawn(
    const std::vector<std::string> &argv, const std::string &logFile, const std::vector<std::string> &environment = {})
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(log, 1);
        ::dup2(log, 2);
        for (const auto &assignment : environment)
            ::putenv(const_cast<char *>(assignment.c_str()));
        std::vector<char *> args;
        for (const auto &a : argv)
            args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

/** SIGTERM and wait; SIGKILL if it has not exited after 10 s. */
inline void stop(pid_t pid)
{
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

inline std::string makeTempDir()
{
    char dirTemplate[] = "/tmp/garnet-bench-XXXXXX";
    if (!::mkdtemp(dirTemplate))
        die("mkdtemp");
    return dirTemplate;
}

inline void writeFile(const std::string &path, const std::string &text)
{
    FILE *f = std::fopen(path.c_str(), "w");
    if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0)
        die(path.c_str());
}

inline double loadAverage()
{
    double load = -1;
    if (FILE *f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1)
            load = -1;
        std::fclose(f);
    }
    return load;
}

/** Value at quantile q (0..1) of sorted values; 0 when empty. */
inline double quantile(const std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return 0;
    const std::size_t index = std::min(sorted.size() - 1, std::size_t(q * double(sorted.size())));
    return sorted[index];
}

/**
 * A TCP server on 127.0.0.1 that counts '\n' bytes on every connection, on its own thread with 1 MiB reads.
 * With latency recording on, every line's value field is read as the CLOCK_MONOTONIC microseconds it was
 * written at, and arrival minus that is kept (a few hundred thousand lines at most: it allocates).
 */
class CountingSink
{
public:
    /** countPrefix: count only lines that start with it (the others, e.g. self-metrics, are read and ignored). */
    explicit CountingSink(bool recordLatency = false, std::string countPrefix = {})
        : m_recordLatency(recordLatency)
        , m_prefix(std::move(countPrefix))
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(m_listen, 64) != 0)
            die("sink bind");
        socklen_t len = sizeof addr;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~CountingSink()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_listen);
    }
    int port() const { return m_port; }
    long lines() const { return m_lines.load(std::memory_order_relaxed); }
    long connections() const { return m_connections.load(std::memory_order_relaxed); }
    /** Latencies in microseconds recorded so far (call only after lines() shows they all arrived). */
    std::vector<double> takeLatencies()
    {
        while (m_latencyBusy.exchange(true))
            std::this_thread::yield();
        std::vector<double> taken;
        taken.swap(m_latencies);
        m_latencyBusy = false;
        return taken;
    }

private:
    void run()
    {
        std::vector<pollfd> fds { { m_listen, POLLIN, 0 } };
        std::vector<std::string> partial(1);
        std::vector<char> buffer(1 << 20);
        while (!m_stop) {
            if (::poll(fds.data(), fds.size(), 20) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                fds.push_back({ ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC), POLLIN, 0 });
                partial.emplace_back();
                m_connections.fetch_add(1, std::memory_order_relaxed);
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    ::close(fds[i].fd);
                    fds.erase(fds.begin() + long(i));
                    partial.erase(partial.begin() + long(i));
                    --i;
                    continue;
                }
                const char *const end = buffer.data() + n;
                if (m_recordLatency || !m_prefix.empty()) {
                    processLines(partial[i], buffer.data(), end);
                    continue;
                }
                long count = 0;
                for (const char *p = buffer.data(); (p = static_cast<const char *>(std::memchr(p, '\n', end - p))); ++p)
                    ++count;
                m_lines.fetch_add(count, std::memory_order_relaxed);
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i)
            ::close(fds[i].fd);
    }

    void processLines(std::string &partial, const char *begin, const char *end)
    {
        const long long now = monotonicMicros();
        while (m_latencyBusy.exchange(true))
            std::this_thread::yield();
        partial.append(begin, end);
        std::size_t start = 0;
        long count = 0;
        for (std::size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
            if (!m_prefix.empty() && partial.compare(start, m_prefix.size(), m_prefix) != 0)
                continue;
            ++count;
            const std::size_t space = partial.find(' ', start);
            if (m_recordLatency && space < nl)
                m_latencies.push_back(double(now - std::atoll(partial.c_str() + space + 1)));
        }
        partial.erase(0, start);
        m_latencyBusy = false;
        m_lines.fetch_add(count, std::memory_order_relaxed);
    }

    int m_listen = -1;
    int m_port = 0;
    bool m_recordLatency = false;
    std::string m_prefix;
    std::atomic<long> m_lines { 0 };
    std::atomic<long> m_connections { 0 };
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_latencyBusy { false };
    std::vector<double> m_latencies;
    std::thread m_thread;
};

/** Machine description for result headers: CPU model, CPU count, kernel. */
inline std::string machineDescription()
{
    std::string model = "?";
    if (FILE *f = std::fopen("/proc/cpuinfo", "r")) {
        char line[512];
        while (std::fgets(line, sizeof line, f)) {
            if (std::strncmp(line, "model name", 10) == 0) {
                const char *colon = std::strchr(line, ':');
                model = colon ? std::string(colon + 2) : model;
                if (!model.empty() && model.back() == '\n')
                    model.pop_back();
                break;
            }
        }
        std::fclose(f);
    }
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " CPUs";
}

} // namespace Bench

namespace Bench {

/**
 * One machine-readable result for bench/suite.py (tab-separated, after a "@result" marker); the programs'
 * other output is Markdown for people.
 */
inline void result(
    const char *id, const std::string &what, const std::string &figure, const std::string &target, bool met)
{
    std::printf("@result\t%s\t%s\t%s\t%s\t%s\t%.2f\n", id, what.c_str(), figure.c_str(), target.c_str(),
        met ? "yes" : "no", loadAverage());
    std::fflush(stdout);
}

/** printf into a std::string. */
template<class... Args> std::string format(const char *pattern, Args... args)
{
    char text[512];
    std::snprintf(text, sizeof text, pattern, args...);
    return text;
}

} // namespace Bench
