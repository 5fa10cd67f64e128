// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B1/B2 ingest throughput and CPU cost: N writer threads → garnet-agent's Unix socket → agent → TCP sink that
// counts lines. B1r: the same load through carbon-c-relay (TCP in, TCP out to the same kind of sink).
//
//   bench_ingest --agent build/bin/garnet-agent [--writers 4] [--lines N] [--single-lines N] [--relay] [--smoke]
//
// Writers are plain threads sending pre-built text (so they cost little): "batched" writes 64 KiB blocks of
// lines, "one line per write" one write() per line. A run ends when the sink has every line, or when nothing
// arrived for 2 s (a relay that dropped the rest), or after --seconds: the shortfall is reported as lost.
// Throughput is delivered lines over the time from the first write until the last line arrived; CPU is the
// server's user+system time from /proc/PID/stat over the same run, per million delivered lines.
//
// The floor: the same writers against a bare relay (a forked process of this program that only poll()s the
// Unix connections, read()s 64 KiB and write()s it to the sink over TCP: no parsing, no formatting, no queue).
// What the kernel and the writers leave for any agent on this machine.
#include "benchutil.h"

using namespace Bench;

namespace {

struct Options
{
    std::string agent;
    int writers = 4;
    long batchedLines = 2'500'000; ///< per writer
    long singleLines = 250'000; ///< per writer
    int seconds = 120;
    bool relay = false;
    std::string perfDir; ///< record each Garnet phase with perf (cpu-clock, call graphs) into this directory
    bool noDbus = false; ///< run the agent without a session bus even if there is one
};

constexpr std::size_t BlockBytes = 64 * 1024;

/** Whole lines "bench.wW.mK VALUE 1764050000\n" of about BlockBytes; returns the line count. */
long buildBlock(int writer, std::string &block)
{
    block.clear();
    long lines = 0;
    char line[96];
    while (true) {
        const int n = std::snprintf(line, sizeof line, "bench.w%d.m%ld %ld.%ld 1764050000\n", writer, lines % 1000,
            lines * 7 % 100000, lines % 100);
        if (block.size() + std::size_t(n) > BlockBytes)
            return lines;
        block.append(line, std::size_t(n));
        ++lines;
    }
}

/** Offset just past the n-th '\n'. */
std::size_t afterLines(const std::string &text, long n)
{
    std::size_t pos = 0;
    while (n-- > 0)
        pos = text.find('\n', pos) + 1;
    return pos;
}

void writeLines(int fd, int writer, long lines, bool batched)
{
    std::string block;
    const long perBlock = buildBlock(writer, block);
    if (batched) {
        for (long sent = 0; sent < lines; sent += perBlock) {
            const std::size_t size = lines - sent >= perBlock ? block.size() : afterLines(block, lines - sent);
            if (!writeAll(fd, block.data(), size))
                die("write");
        }
        return;
    }
    std::vector<std::size_t> starts { 0 }; // line k is block[starts[k], starts[k + 1])
    for (long i = 0; i < perBlock; ++i)
        starts.push_back(block.find('\n', starts.back()) + 1);
    for (long i = 0; i < lines; ++i) {
        const long k = i % perBlock;
        if (!writeAll(fd, block.data() + starts[k], starts[k + 1] - starts[k]))
            die("write");
    }
}

struct Run
{
    double seconds = 0;
    long sent = 0;
    long delivered = 0;
    ProcessUsage cpu;
    double generatorCpu = 0; ///< this program's CPU (writers and sink) over the run
    double load = 0;
    double rate() const { return seconds > 0 ? double(delivered) / seconds : 0; }
    double cpuPerMillion() const { return delivered ? cpu.total() / (double(delivered) / 1e6) : 0; }
};

/** The floor's server: poll, read 64 KiB, write it all to the sink. Lines from different writers interleave at
 *  chunk boundaries, which keeps the number of newlines the sink counts. Runs until killed. */
pid_t startBareRelay(const std::string &path, int sinkPort)
{
    const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 || ::listen(listener, 64) != 0)
        die("bare relay listen");
    const pid_t pid = ::fork();
    if (pid != 0) {
        ::close(listener);
        return pid;
    }
    const int out = connectTcp(sinkPort);
    std::vector<pollfd> fds { { listener, POLLIN, 0 } };
    std::vector<char> buffer(BlockBytes);
    for (;;) {
        if (::poll(fds.data(), fds.size(), -1) < 0)
            continue;
        if (fds[0].revents & POLLIN) {
            if (const int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC); connection >= 0)
                fds.push_back({ connection, POLLIN, 0 });
        }
        for (std::size_t i = 1; i < fds.size();) {
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    ::close(fds[i].fd);
                    fds.erase(fds.begin() + std::ptrdiff_t(i));
                    continue;
                }
                if (!writeAll(out, buffer.data(), std::size_t(n)))
                    _exit(1);
            }
            ++i;
        }
    }
}

/** Run the writers against connectFn and wait until the sink has everything (or delivery stopped). */
template<class ConnectFn>
Run drive(const Options &o, CountingSink &sink, pid_t server, bool batched, ConnectFn connectFn)
{
    Run r;
    r.load = loadAverage();
    r.sent = long(o.writers) * (batched ? o.batchedLines : o.singleLines);
    const long before = sink.lines();
    const ProcessUsage cpuBefore = processUsage(server);
    const ProcessUsage selfBefore = processUsage(::getpid());
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < o.writers; ++w) {
        threads.emplace_back([&, w] {
            const int fd = connectFn();
            if (fd < 0)
                die("connect");
            writeLines(fd, w, batched ? o.batchedLines : o.singleLines, batched);
            ::close(fd);
        });
    }
    for (auto &t : threads)
        t.join();
    const auto deadline = start + std::chrono::seconds(o.seconds);
    long seen = sink.lines();
    auto lastProgress = Clock::now();
    while (sink.lines() - before < r.sent && Clock::now() < deadline
        && Clock::now() - lastProgress < std::chrono::seconds(2)) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (const long now = sink.lines(); now != seen) {
            seen = now;
            lastProgress = Clock::now();
        }
    }
    r.seconds = seconds(lastProgress - start);
    r.delivered = sink.lines() - before;
    r.cpu = processUsage(server) - cpuBefore;
    r.generatorCpu = (processUsage(::getpid()) - selfBefore).total();
    return r;
}

void print(const char *name, const Run &r)
{
    std::printf("| %-30s | %9ld | %9ld | %8ld | %7.2f | %10.0f | %7.3f | %5.2f / %5.2f | %7.3f | %5.2f |\n", name,
        r.sent, r.delivered, r.sent - r.delivered, r.seconds, r.rate(), r.cpuPerMillion(), r.cpu.user, r.cpu.system,
        r.delivered ? r.generatorCpu / (double(r.delivered) / 1e6) : 0.0, r.load);
    std::fflush(stdout);
}

Options parse(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return optionValue(argc, argv, i); };
        if (a == "--agent")
            o.agent = next();
        else if (a == "--writers")
            o.writers = std::stoi(next());
        else if (a == "--lines")
            o.batchedLines = std::stol(next());
        else if (a == "--single-lines")
            o.singleLines = std::stol(next());
        else if (a == "--seconds")
            o.seconds = std::stoi(next());
        else if (a == "--relay")
            o.relay = true;
        else if (a == "--perf")
            o.perfDir = next();
        else if (a == "--no-dbus")
            o.noDbus = true;
        else if (a == "--smoke")
            o.batchedLines = 20'000, o.singleLines = 5'000, o.seconds = 30;
        else {
            std::fprintf(stderr,
                "usage: %s --agent PATH [--writers N] [--lines PER_WRITER] [--single-lines PER_WRITER] "
                "[--seconds LIMIT] [--relay] [--perf DIR] [--no-dbus] [--smoke]\n",
                argv[0]);
            std::exit(2);
        }
    }
    if (o.agent.empty()) {
        std::fprintf(stderr, "--agent PATH is required\n");
        std::exit(2);
    }
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parse(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    const std::string dir = makeTempDir();
    CountingSink sink;
    const std::string config = dir + "/garnet.toml";
    writeFile(config,
        format("[agent]\nsocket = \"garnet.sock\"\nhostname = \"bench\"\nprefix = \"\"\ninterval = \"1h\"\n"
               "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\n",
            sink.port()));
    std::printf("### B1/B2 ingest: %d writers; %s\n\n", o.writers, machineDescription().c_str());
    std::printf("| %-30s | %9s | %9s | %8s | %7s | %10s | %7s | %13s | %7s | %5s |\n", "run", "sent", "delivered",
        "lost", "seconds", "metrics/s", "CPU-s/M", "user / sys s", "load gen", "load");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");

    // With a session bus the agent also keeps the latest values for D-Bus (as deployed), on the hot path; then
    // it runs a second time without one, to show what that costs.
    const bool haveBus = !o.noDbus && std::getenv("DBUS_SESSION_BUS_ADDRESS");
    const std::string socketPath = dir + "/garnet.sock";
    Run garnet[2], garnetNoBus[2];
    for (const bool dbus : { true, false }) {
        if (dbus && !haveBus)
            continue;
        std::vector<std::string> environment;
        if (!dbus)
            environment.push_back("DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent");
        const pid_t agent = spawn({ o.agent, "--config", config }, dir + "/agent.log", environment);
        if (!waitForServer(socketPath, 0))
            die("agent socket");
        Run *runs = dbus || !haveBus ? garnet : garnetNoBus;
        for (const bool batched : { true, false }) {
            pid_t perf = 0;
            if (!o.perfDir.empty()) {
                perf = spawn(
                    { "perf", "record", "-e", "cpu-clock", "-F", "4000", "-g", "-p", std::to_string(agent), "-o",
                        o.perfDir + (batched ? "/batched" : "/single") + (dbus ? "-dbus.data" : ".data") },
                    o.perfDir + "/perf.log");
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
            Run &r = runs[batched ? 0 : 1];
            r = drive(o, sink, agent, batched, [&] { return connectUnix(socketPath); });
            if (perf) {
                ::kill(perf, SIGINT);
                ::waitpid(perf, nullptr, 0);
            }
            const std::string name = std::string(batched ? "garnet batched" : "garnet one line per write")
                + (dbus           ? ""
                        : haveBus ? ", no D-Bus"
                                  : " (no D-Bus)");
            print(name.c_str(), r);
        }
        stop(agent);
    }

    Run floorRuns[2];
    {
        const std::string barePath = dir + "/bare.sock";
        const pid_t bare = startBareRelay(barePath, sink.port());
        for (const bool batched : { true, false }) {
            floorRuns[batched ? 0 : 1] = drive(o, sink, bare, batched, [&] { return connectUnix(barePath); });
            print(batched ? "floor: bare relay, batched" : "floor: bare relay, one line/write",
                floorRuns[batched ? 0 : 1]);
        }
        stop(bare);
    }

    Run relay[2][2]; // [big queue][single]
    if (o.relay) {
        const std::string relayConf = dir + "/relay.conf";
        const int relayPort = freePort();
        writeFile(relayConf,
            format("listen\n    type linemode\n        127.0.0.1:%d proto tcp\n    ;\n"
                   "cluster sink\n    forward\n        127.0.0.1:%d\n    ;\nmatch * send to sink stop;\n",
                relayPort, sink.port()));
        // Its default server queue (25,000) drops under this load; a queue as large as the whole load does not.
        const std::string bigQueue = std::to_string(long(o.writers) * std::max(o.batchedLines, o.singleLines));
        for (const bool big : { false, true }) {
            std::vector<std::string> argv { "carbon-c-relay", "-f", relayConf, "-s" };
            if (big)
                argv.insert(argv.end(), { "-q", bigQueue });
            const pid_t pid = spawn(argv, dir + (big ? "/relay-bigqueue.log" : "/relay.log"));
            if (!waitForServer({}, relayPort))
                die("carbon-c-relay");
            for (const bool batched : { true, false }) {
                Run &r = relay[big][batched ? 0 : 1];
                r = drive(o, sink, pid, batched, [&] { return connectTcp(relayPort); });
                print(big ? (batched ? "c-c-relay -q ALL batched" : "c-c-relay -q ALL one line/write")
                          : (batched ? "carbon-c-relay batched" : "carbon-c-relay one line/write"),
                    r);
            }
            stop(pid);
        }
    }
    std::printf("\nWith a D-Bus session bus the agent also keeps every metric's latest values for status (as deployed)."
                "\n");
    std::printf("floor: a bare relay (poll, read 64 KiB, write to the sink; no parsing), what any agent has at most "
                "on this machine. ");
    std::printf("load gen: CPU seconds of this program (writers and sink) per million lines: on 2 CPUs, the writers' "
                "share bounds what the server can reach. ");
    std::printf("CPU-s/M: the server's CPU seconds (user + system, /proc/PID/stat) per million delivered lines. "
                "load: 1-minute load average at the start of the run. Logs in %s\n\n",
        dir.c_str());

    const Run &b = garnet[0], &s = garnet[1];
    const auto noBus = [&](const Run &r, const char *fmt, double value) {
        return haveBus && r.delivered ? format(fmt, value) : std::string();
    };
    result("B1", "ingest, batched (64 KiB writes)",
        format("%.2fM/s, %ld lost", b.rate() / 1e6, b.sent - b.delivered)
            + noBus(garnetNoBus[0], "; no D-Bus %.2fM/s", garnetNoBus[0].rate() / 1e6),
        "≥ 5M/s, 0 lost", b.rate() >= 5e6 && b.sent == b.delivered);
    result("B1", "ingest, one line per write",
        format("%.2fM/s, %ld lost", s.rate() / 1e6, s.sent - s.delivered)
            + noBus(garnetNoBus[1], "; no D-Bus %.2fM/s", garnetNoBus[1].rate() / 1e6)
            + format("; writers and sink used %.2f CPU-s/M", s.delivered ? s.generatorCpu / (s.delivered / 1e6) : 0.0)
            + format("; floor (a bare relay, no parsing) %.2fM/s at %.3f CPU-s/M", floorRuns[1].rate() / 1e6,
                floorRuns[1].cpuPerMillion()),
        "≥ 1M/s, 0 lost", s.rate() >= 1e6 && s.sent == s.delivered);
    result("B2", "agent CPU per million, batched",
        format("%.3f CPU-s", b.cpuPerMillion())
            + noBus(garnetNoBus[0], "; no D-Bus %.3f", garnetNoBus[0].cpuPerMillion()),
        "≤ 0.15", b.cpuPerMillion() <= 0.15);
    result("B2", "agent CPU per million, one line per write",
        format("%.3f CPU-s", s.cpuPerMillion())
            + noBus(garnetNoBus[1], "; no D-Bus %.3f", garnetNoBus[1].cpuPerMillion()),
        "≤ 0.8", s.cpuPerMillion() <= 0.8);
    if (o.relay) {
        for (int single = 0; single < 2; ++single) {
            const Run &g = garnet[single], &c = relay[0][single], &q = relay[1][single];
            const double ratio = c.rate() > 0 ? g.rate() / c.rate() : 0;
            result("B1r", single ? "Garnet / carbon-c-relay, one line per write" : "Garnet / carbon-c-relay, batched",
                format("%.1f× (relay %.2fM/s, lost %ld; with -q %ld: %.2fM/s, lost %ld)", ratio, c.rate() / 1e6,
                    c.sent - c.delivered, q.sent, q.rate() / 1e6, q.sent - q.delivered),
                "≥ 10×, no drops where it drops", ratio >= 10 && g.sent == g.delivered);
        }
    }
    return 0;
}
