// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B8 D-Bus under load: status calls per second and their latency while the agent ingests as fast as it can.
//
//   dbus-run-session -- bench_dbus --agent build/bin/garnet-agent --collector build/bench/bench_collector
//                                  [--seconds 10] [--smoke]
//
// The agent runs 10 collectors (every 10 s) on the session bus; a status call is what `garnetctl status` asks
// for: Collectors() then Counters(), each timed from send to reply, one at a time and 16 in flight. First with
// the agent idle, then while 4 writer threads send batched lines (64 KiB writes) as fast as the agent takes them.
#include "benchutil.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCall>

#include <algorithm>

using namespace Bench;

namespace {

const QString Service = QStringLiteral("org.garnet.Agent");
const QString Path = QStringLiteral("/org/garnet/Agent");
const QString Interface = QStringLiteral("org.garnet.Agent1");

struct Calls
{
    std::vector<double> latencies; ///< milliseconds, one per method call
    long failed = 0;
    double seconds = 0;
    double callsPerSecond() const { return seconds > 0 ? double(latencies.size()) / seconds : 0; }
};

/**
 * Status calls back to back for `seconds`, `inFlight` at a time (asynchronous, then waited for in order: a
 * call's latency is taken when its turn to be waited for comes, an upper bound).
 */
Calls statusCalls(QDBusConnection &bus, double seconds, int inFlight = 1)
{
    Calls calls;
    const auto start = Clock::now();
    const QString methods[] = { QStringLiteral("Collectors"), QStringLiteral("Counters") };
    std::vector<std::pair<QDBusPendingCall, Clock::time_point>> pending;
    for (long n = 0; Bench::seconds(Clock::now() - start) < seconds;) {
        pending.clear();
        for (int i = 0; i < inFlight; ++i, ++n) {
            const auto sent = Clock::now();
            pending.emplace_back(
                bus.asyncCall(QDBusMessage::createMethodCall(Service, Path, Interface, methods[n % 2])), sent);
        }
        for (auto &[call, sent] : pending) {
            call.waitForFinished();
            if (call.isError())
                ++calls.failed;
            else
                calls.latencies.push_back(Bench::seconds(Clock::now() - sent) * 1000);
        }
    }
    calls.seconds = Bench::seconds(Clock::now() - start);
    std::sort(calls.latencies.begin(), calls.latencies.end());
    return calls;
}

void row(const char *label, const Calls &c, double metricsPerSecond)
{
    std::printf("| %-22s | %6.0f | %6.2f ms | %6.2f ms | %6.2f ms | %ld | %.2fM/s | %.2f |\n", label,
        c.callsPerSecond(), quantile(c.latencies, 0.5), quantile(c.latencies, 0.99),
        c.latencies.empty() ? 0 : c.latencies.back(), c.failed, metricsPerSecond / 1e6, loadAverage());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::string agentPath, collector;
    double seconds = 10;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--agent" && i + 1 < argc)
            agentPath = argv[++i];
        else if (a == "--collector" && i + 1 < argc)
            collector = argv[++i];
        else if (a == "--seconds" && i + 1 < argc)
            seconds = std::stod(argv[++i]);
        else if (a == "--smoke")
            seconds = 0.5;
        else {
            std::fprintf(stderr, "usage: %s --agent PATH --collector PATH [--seconds S] [--smoke]\n", argv[0]);
            return 2;
        }
    }
    if (agentPath.empty() || collector.empty()) {
        std::fprintf(stderr, "--agent and --collector are required\n");
        return 2;
    }
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        std::printf("### B8 D-Bus under load: skipped, no session bus (run under dbus-run-session)\n\n");
        result("B8", "status calls under load", "not run (no session bus)", "≥ 1,000/s, p99 ≤ 10 ms", false);
        return 0;
    }
    ::signal(SIGPIPE, SIG_IGN);
    const std::string dir = makeTempDir();
    CountingSink sink;
    ::mkdir((dir + "/collectors.d").c_str(), 0755);
    for (int i = 0; i < 10; ++i)
        writeFile(dir + "/collectors.d/c" + std::to_string(i) + ".toml",
            format("command = [\"%s\", \"echo\", \"run 1\"]\nmode = \"stdout\"\n", collector.c_str()));
    writeFile(dir + "/garnet.toml",
        format("[agent]\ncollectors_dir = \"collectors.d\"\nsocket = \"garnet.sock\"\nhostname = \"bench\"\n"
               "prefix = \"\"\n[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\n",
            sink.port()));
    const pid_t agent = spawn({ agentPath, "--config", dir + "/garnet.toml" }, dir + "/agent.log");
    const std::string socketPath = dir + "/garnet.sock";
    if (!waitForServer(socketPath, 0))
        die("agent socket");
    for (int i = 0; i < 1000 && !bus.interface()->isServiceRegistered(Service); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));

    std::printf("### B8 D-Bus status calls (Collectors() and Counters()), %.3g s each; %s\n\n", seconds,
        machineDescription().c_str());
    std::printf("| agent | calls/s | p50 | p99 | max | failed | ingest meanwhile | load |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    const Calls idle = statusCalls(bus, seconds);
    row("idle", idle, 0);
    row("idle, 16 in flight", statusCalls(bus, seconds, 16), 0);

    std::atomic<bool> stopWriters { false };
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            const int fd = connectUnix(socketPath);
            std::string block;
            for (int i = 0; block.size() < 64 * 1024 - 64; ++i)
                block += format("load.w%d.m%d %d 1764050000\n", w, i % 1000, i);
            while (fd >= 0 && !stopWriters && writeAll(fd, block.data(), block.size())) { }
            ::close(fd);
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long linesBefore = sink.lines();
    const auto loadStart = Clock::now();
    const Calls loaded = statusCalls(bus, seconds);
    const Calls loadedParallel = statusCalls(bus, seconds, 16);
    const double rate = double(sink.lines() - linesBefore) / Bench::seconds(Clock::now() - loadStart);
    stopWriters = true;
    for (auto &t : writers)
        t.join();
    row("ingesting (4 writers)", loaded, rate);
    row("ingesting, 16 in flight", loadedParallel, rate);
    stop(agent);
    std::printf(
        "\nOne call at a time (each waits for its reply), so calls/s = 1 / latency. Logs in %s\n\n", dir.c_str());
    const double p99 = quantile(loaded.latencies, 0.99);
    const double throughput = std::max(loaded.callsPerSecond(), loadedParallel.callsPerSecond());
    result("B8", "D-Bus status calls while ingesting",
        format("%.0f calls/s with 16 in flight, %.0f one at a time; p99 %.2f ms one at a time (idle p99 %.2f ms); "
               "ingest %.2fM/s meanwhile",
            loadedParallel.callsPerSecond(), loaded.callsPerSecond(), p99, quantile(idle.latencies, 0.99), rate / 1e6),
        "≥ 1,000/s, p99 ≤ 10 ms", throughput >= 1000 && p99 <= 10 && loaded.failed + loadedParallel.failed == 0);
    return 0;
}
