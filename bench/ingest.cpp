// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Ingest throughput: N writer threads → garnet-agent's Unix socket → agent → TCP sink that counts lines.
// The same load through carbon-c-relay (TCP in, TCP out to the same kind of sink) for comparison.
// Figures, not a test: see bench/RESULTS.md for the command and results.
//
//   bench_ingest --agent build/bin/garnet-agent [--writers 4] [--lines 2000000] [--seconds 60] [--relay]
//
// Writers are plain POSIX threads so they are not the bottleneck; the sink reads with 1 MiB reads on its own
// thread. "batched" writes 64 KiB blocks of lines; "single" makes one write() per line. The run ends when
// the sink has seen every line (or after --seconds: the shortfall is reported as loss). Throughput is delivered lines
// over the time until the last line arrived.
#include <atomic>
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
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Options
{
    std::string agent;
    int writers = 4;
    long lines = 2'000'000;
    int seconds = 60;
    bool relay = false;
};

[[noreturn]] void die(const char *what)
{
    std::perror(what);
    std::exit(1);
}

/** A TCP server on 127.0.0.1 that counts '\n' bytes on every connection. */
class CountingSink
{
public:
    CountingSink()
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(m_listen, 16) != 0)
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

private:
    void run()
    {
        std::vector<pollfd> fds { { m_listen, POLLIN, 0 } };
        std::vector<char> buffer(1 << 20);
        while (!m_stop) {
            if (::poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            if (fds[0].revents & POLLIN)
                fds.push_back({ ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC), POLLIN, 0 });
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP)))
                    continue;
                const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    ::close(fds[i].fd);
                    fds.erase(fds.begin() + long(i--));
                    continue;
                }
                long count = 0;
                for (const char *p = buffer.data(), *end = p + n;
                     (p = static_cast<const char *>(std::memchr(p, '\n', end - p))); ++p)
                    ++count;
                m_lines.fetch_add(count, std::memory_order_relaxed);
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i)
            ::close(fds[i].fd);
    }

    int m_listen = -1;
    int m_port = 0;
    std::atomic<long> m_lines { 0 };
    std::atomic<bool> m_stop { false };
    std::thread m_thread;
};

int connectUnix(const std::string &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    return ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 ? fd : (::close(fd), -1);
}

int connectTcp(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 ? fd : (::close(fd), -1);
}

/** A loopback port that was free a moment ago (bound to port 0, then released). */
int freePort()
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

bool writeAll(int fd, const char *data, std::size_t size)
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

/** Each writer sends `lines` lines "bench.wW.mK VALUE 1764050000" on its own connection. */
void writeLines(int fd, int writer, long lines, bool batched)
{
    std::string block;
    block.reserve(70 * 1024);
    char line[96];
    for (long i = 0; i < lines; ++i) {
        const int n = std::snprintf(line, sizeof line, "bench.w%d.m%ld %ld 1764050000\n", writer, i % 1000, i);
        if (!batched) {
            if (!writeAll(fd, line, std::size_t(n)))
                die("write");
            continue;
        }
        block.append(line, std::size_t(n));
        if (block.size() >= 64 * 1024) {
            if (!writeAll(fd, block.data(), block.size()))
                die("write");
            block.clear();
        }
    }
    if (!block.empty() && !writeAll(fd, block.data(), block.size()))
        die("write");
}

double cpuSeconds(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')'); // comm may contain spaces
    unsigned long utime = 0, stime = 0;
    // fields after ')': state(3) ... utime(14) stime(15)
    std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

pid_t spawn(const std::vector<std::string> &argv, const std::string &logFile)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::vector<char *> args;
        for (const auto &a : argv)
            args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

void stop(pid_t pid)
{
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

struct Result
{
    double seconds = 0;
    long delivered = 0;
    double cpu = -1;
};

/** Run the writers against connect() and wait until the sink has everything (or the time limit). */
template<class ConnectFn>
Result drive(const Options &o, CountingSink &sink, pid_t server, bool batched, ConnectFn connectFn)
{
    const long total = long(o.writers) * o.lines;
    const long before = sink.lines();
    const double cpuBefore = cpuSeconds(server);
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < o.writers; ++w) {
        threads.emplace_back([&, w] {
            const int fd = connectFn();
            if (fd < 0)
                die("connect");
            writeLines(fd, w, o.lines, batched);
            ::close(fd);
        });
    }
    for (auto &t : threads)
        t.join();
    // Done when everything arrived, or when nothing more arrived for 2 s (a relay that dropped the rest).
    const auto deadline = start + std::chrono::seconds(o.seconds);
    long seen = sink.lines();
    auto lastProgress = Clock::now();
    while (sink.lines() - before < total && Clock::now() < deadline
        && Clock::now() - lastProgress < std::chrono::seconds(2)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (const long now = sink.lines(); now != seen) {
            seen = now;
            lastProgress = Clock::now();
        }
    }
    Result r;
    r.seconds = std::chrono::duration<double>(lastProgress - start).count();
    r.delivered = sink.lines() - before;
    r.cpu = cpuSeconds(server) - cpuBefore;
    return r;
}

void print(const char *name, const Options &o, const Result &r)
{
    const long total = long(o.writers) * o.lines;
    std::printf("| %-28s | %9ld | %9ld | %8ld | %7.2f | %12.0f | %14.3f |\n", name, total, r.delivered,
        total - r.delivered, r.seconds, double(r.delivered) / r.seconds,
        r.delivered ? r.cpu / (double(r.delivered) / 1e6) : 0.0);
    std::fflush(stdout);
}

bool waitFor(const std::string &path, int port)
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

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] {
            return i + 1 < argc ? std::string(argv[++i])
                                : (std::fprintf(stderr, "%s needs a value\n", a.c_str()), std::exit(2), std::string());
        };
        if (a == "--agent")
            o.agent = next();
        else if (a == "--writers")
            o.writers = std::stoi(next());
        else if (a == "--lines")
            o.lines = std::stol(next());
        else if (a == "--seconds")
            o.seconds = std::stoi(next());
        else if (a == "--relay")
            o.relay = true;
        else {
            std::fprintf(stderr,
                "usage: %s --agent PATH [--writers N] [--lines PER_WRITER] [--seconds LIMIT] [--relay]\n", argv[0]);
            return 2;
        }
    }
    if (o.agent.empty()) {
        std::fprintf(stderr, "--agent PATH is required\n");
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);
    char dirTemplate[] = "/tmp/garnet-bench-XXXXXX";
    const std::string dir = ::mkdtemp(dirTemplate);
    CountingSink sink;
    const std::string config = dir + "/garnet.toml";
    {
        FILE *f = std::fopen(config.c_str(), "w");
        std::fprintf(f,
            "[agent]\nsocket = \"garnet.sock\"\nhostname = \"bench\"\nprefix = \"\"\ninterval = \"1h\"\n"
            "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\nqueue_size = 1000000\n",
            sink.port());
        std::fclose(f);
    }
    std::printf("writers %d × %ld lines; %u cores\n\n", o.writers, o.lines, std::thread::hardware_concurrency());
    std::printf("| %-28s | %9s | %9s | %8s | %7s | %12s | %14s |\n", "run", "sent", "delivered", "lost", "seconds",
        "metrics/s", "CPU-s/M (srv)");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(30, '-').c_str(), std::string(11, '-').c_str(),
        std::string(11, '-').c_str(), std::string(10, '-').c_str(), std::string(9, '-').c_str(),
        std::string(14, '-').c_str(), std::string(16, '-').c_str());

    const pid_t agent = spawn({ o.agent, "--config", config }, dir + "/agent.log");
    const std::string socketPath = dir + "/garnet.sock";
    if (!waitFor(socketPath, 0))
        die("agent socket");
    for (const bool batched : { true, false }) {
        const Result r = drive(o, sink, agent, batched, [&] { return connectUnix(socketPath); });
        print(batched ? "garnet batched" : "garnet one line per write", o, r);
    }
    stop(agent);

    if (o.relay) {
        const std::string relayConf = dir + "/relay.conf";
        const int relayPort = freePort();
        FILE *f = std::fopen(relayConf.c_str(), "w");
        std::fprintf(f,
            "listen\n    type linemode\n        127.0.0.1:%d proto tcp\n    ;\n"
            "cluster sink\n    forward\n        127.0.0.1:%d\n    ;\nmatch * send to sink stop;\n",
            relayPort, sink.port());
        std::fclose(f);
        // Its default server queue (25,000) drops under this load; a queue as large as the whole load does not.
        const std::string bigQueue = std::to_string(long(o.writers) * o.lines);
        for (const bool big : { false, true }) {
            std::vector<std::string> argv { "carbon-c-relay", "-f", relayConf, "-s" };
            if (big)
                argv.insert(argv.end(), { "-q", bigQueue });
            const pid_t relay = spawn(argv, dir + (big ? "/relay-bigqueue.log" : "/relay.log"));
            if (!waitFor({}, relayPort))
                die("carbon-c-relay");
            for (const bool batched : { true, false }) {
                const Result r = drive(o, sink, relay, batched, [&] { return connectTcp(relayPort); });
                print(big ? (batched ? "c-c-relay -q ALL batched" : "c-c-relay -q ALL 1 line/write")
                          : (batched ? "carbon-c-relay batched" : "carbon-c-relay 1 line/write"),
                    o, r);
            }
            stop(relay);
        }
    }
    std::printf("\nlogs in %s\n", dir.c_str());
    return 0;
}
