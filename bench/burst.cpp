// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B3 burst latency: at an aligned tick, 50 collectors each write 2,000 lines at once (100,000 lines); how long
// until they are at the Graphite sink.
//
//   bench_burst --agent build/bin/garnet-agent [--writers 50] [--lines 2000] [--bursts 10] [--smoke]
//
// All writers connect first, then sleep until the same instant T (CLOCK_MONOTONIC) and write their lines in one
// write() each. Every line carries T as its value; the sink notes each line's arrival, so arrival − T is the
// line's latency through socket, parsing, formatting, the queue and TCP. Per burst: p50, p99 and the last line
// (all at the sink). The agent's RSS before the first burst and after the last shows whether memory returns.
#include "benchutil.h"

#include <algorithm>

using namespace Bench;

namespace {

struct Options
{
    std::string agent;
    int writers = 50;
    int lines = 2000;
    int bursts = 10;
    int replayWaitSeconds = 6; ///< past the 5 s replay window before reading the RSS again
};

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
            o.lines = std::stoi(next());
        else if (a == "--bursts")
            o.bursts = std::stoi(next());
        else if (a == "--smoke")
            o.writers = 5, o.lines = 200, o.bursts = 2, o.replayWaitSeconds = 0;
        else {
            std::fprintf(stderr, "usage: %s --agent PATH [--writers N] [--lines N] [--bursts N] [--smoke]\n", argv[0]);
            std::exit(2);
        }
    }
    if (o.agent.empty()) {
        std::fprintf(stderr, "--agent PATH is required\n");
        std::exit(2);
    }
    return o;
}

void sleepUntilMicros(long long monotonicMicros)
{
    const timespec until { time_t(monotonicMicros / 1000000), long(monotonicMicros % 1000000) * 1000 };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) { }
}

struct Burst
{
    double p50 = 0, p99 = 0, last = 0; // milliseconds after T
    long delivered = 0;
};

Burst burst(const Options &o, const std::string &socketPath, CountingSink &sink)
{
    const long total = long(o.writers) * o.lines;
    const long before = sink.lines();
    const long long tick = monotonicMicros() + 200'000; // time to connect and prepare
    std::vector<std::thread> threads;
    for (int w = 0; w < o.writers; ++w) {
        threads.emplace_back([&, w] {
            const int fd = connectUnix(socketPath);
            if (fd < 0)
                die("connect");
            std::string text;
            for (int i = 0; i < o.lines; ++i)
                text += format("burst.c%d.m%d %lld 1764050000\n", w, i, tick);
            sleepUntilMicros(tick);
            if (!writeAll(fd, text.data(), text.size()))
                die("write");
            ::close(fd);
        });
    }
    for (auto &t : threads)
        t.join();
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (sink.lines() - before < total && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    std::vector<double> latencies = sink.takeLatencies();
    std::sort(latencies.begin(), latencies.end());
    Burst b;
    b.delivered = sink.lines() - before;
    b.p50 = quantile(latencies, 0.50) / 1000;
    b.p99 = quantile(latencies, 0.99) / 1000;
    b.last = latencies.empty() ? 0 : latencies.back() / 1000;
    return b;
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parse(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    const std::string dir = makeTempDir();
    CountingSink sink(true);
    writeFile(dir + "/garnet.toml",
        format("[agent]\nsocket = \"garnet.sock\"\nhostname = \"bench\"\nprefix = \"\"\ninterval = \"1h\"\n"
               "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\n",
            sink.port()));
    const pid_t agent = spawn({ o.agent, "--config", dir + "/garnet.toml" }, dir + "/agent.log");
    const std::string socketPath = dir + "/garnet.sock";
    if (!waitForServer(socketPath, 0))
        die("agent socket");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long rssBefore = statusKiB(agent, "VmRSS");

    std::printf("### B3 burst latency: %d writers × %d lines at one instant, %d bursts; %s\n\n", o.writers, o.lines,
        o.bursts, machineDescription().c_str());
    std::printf("| burst | delivered | p50 | p99 | last line | load |\n|---:|---:|---:|---:|---:|---:|\n");
    std::vector<double> p99s, lasts;
    long lost = 0;
    for (int i = 0; i < o.bursts; ++i) {
        const double load = loadAverage();
        const Burst b = burst(o, socketPath, sink);
        std::printf(
            "| %d | %ld | %.1f ms | %.1f ms | %.1f ms | %.2f |\n", i + 1, b.delivered, b.p50, b.p99, b.last, load);
        std::fflush(stdout);
        p99s.push_back(b.p99);
        lasts.push_back(b.last);
        lost += long(o.writers) * o.lines - b.delivered;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.replayWaitSeconds ? 1000 : 100));
    const long rssAfter = statusKiB(agent, "VmRSS");
    // The Graphite output keeps what it sent for replay_window (5 s by default) in case the connection drops.
    std::this_thread::sleep_for(std::chrono::seconds(o.replayWaitSeconds));
    const long rssLater = statusKiB(agent, "VmRSS");
    // That history is trimmed when the output writes again: one more line, and the RSS once more.
    if (const int fd = connectUnix(socketPath); fd >= 0) {
        writeAll(fd, "burst.after 1\n", 14);
        ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long rssAfterWrite = statusKiB(agent, "VmRSS");
    const long rssPeak = statusKiB(agent, "VmHWM");
    stop(agent);
    std::sort(p99s.begin(), p99s.end());
    std::sort(lasts.begin(), lasts.end());
    std::printf("\nAgent RSS before the first burst %.1f MiB, 1 s after the last %.1f MiB, 7 s after (past the 5 s "
                "replay window) %.1f MiB, after one more line %.1f MiB; peak %.1f MiB. Lost: %ld. Logs in %s\n\n",
        rssBefore / 1024.0, rssAfter / 1024.0, rssLater / 1024.0, rssAfterWrite / 1024.0, rssPeak / 1024.0, lost,
        dir.c_str());
    const double medianP99 = quantile(p99s, 0.5);
    result("B3",
        format("burst of %d lines at one tick: p99 latency (median of %d bursts)", o.writers * o.lines, o.bursts),
        format("%.1f ms (worst burst %.1f ms; all delivered after %.1f ms median, %.1f worst; %ld lost; RSS %.0f MiB "
               "before, %.0f MiB 7 s after, %.0f MiB after one more line)",
            medianP99, p99s.back(), quantile(lasts, 0.5), lasts.back(), lost, rssBefore / 1024.0, rssLater / 1024.0,
            rssAfterWrite / 1024.0),
        "p99 ≤ 50 ms", medianP99 <= 50 && lost == 0);
    return 0;
}
