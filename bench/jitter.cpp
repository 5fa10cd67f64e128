// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B5 scheduling jitter: 50 collectors every second record when they started, relative to their aligned tick,
// while one collector hangs (killed at its timeout, ticks skipped meanwhile) and one floods the socket with
// metric lines for 90 % of every interval.
//
//   bench_jitter --agent build/bin/garnet-agent --collector build/bench/bench_collector [--collectors 50]
//                [--seconds 60] [--smoke]
//
// Each stamping collector is `bench_collector stamp FILE` (stdout mode): its first instruction reads the
// wall clock, so the lateness includes the agent's timer, the spawn and the program's start-up — what a
// collector sees. Lateness = start − its tick (a multiple of the interval since the epoch). The first 2 s
// are not counted (start-up).
#include "benchutil.h"

#include <algorithm>
#include <fstream>
#include <map>

using namespace Bench;

namespace {

struct Options
{
    std::string agent;
    std::string collector;
    int collectors = 50;
    int seconds = 60;
    bool hung = true;
    bool flood = true;
};

Options parse(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return optionValue(argc, argv, i); };
        if (a == "--agent")
            o.agent = next();
        else if (a == "--collector")
            o.collector = next();
        else if (a == "--collectors")
            o.collectors = std::stoi(next());
        else if (a == "--seconds")
            o.seconds = std::stoi(next());
        else if (a == "--no-hung")
            o.hung = false;
        else if (a == "--no-flood")
            o.flood = false;
        else if (a == "--smoke")
            o.collectors = 5, o.seconds = 1;
        else {
            std::fprintf(stderr,
                "usage: %s --agent PATH --collector PATH [--collectors N] [--seconds S] [--no-hung] [--no-flood] "
                "[--smoke]\n",
                argv[0]);
            std::exit(2);
        }
    }
    if (o.agent.empty() || o.collector.empty()) {
        std::fprintf(stderr, "--agent and --collector are required\n");
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
    const std::string stamps = dir + "/stamps.txt";
    CountingSink sink;
    ::mkdir((dir + "/collectors.d").c_str(), 0755);
    for (int i = 0; i < o.collectors; ++i)
        writeFile(dir + "/collectors.d/s" + std::to_string(i) + ".toml",
            format("command = [\"%s\", \"stamp\", \"%s\"]\nmode = \"stdout\"\ninterval = \"1s\"\n", o.collector.c_str(),
                stamps.c_str()));
    if (o.hung)
        writeFile(dir + "/collectors.d/hung.toml",
            format("command = [\"%s\", \"hang\"]\nmode = \"stdout\"\ninterval = \"1s\"\ntimeout = \"3s\"\n",
                o.collector.c_str()));
    if (o.flood)
        writeFile(dir + "/collectors.d/flood.toml",
            format("command = [\"%s\", \"flood\"]\ninterval = \"1s\"\n", o.collector.c_str()));
    writeFile(dir + "/garnet.toml",
        format("[agent]\ncollectors_dir = \"collectors.d\"\nsocket = \"garnet.sock\"\nhostname = \"bench\"\n"
               "prefix = \"bench\"\n[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\n",
            sink.port()));

    const pid_t agent = spawn({ o.agent, "--config", dir + "/garnet.toml" }, dir + "/agent.log");
    const auto start = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const ProcessUsage usage0 = processUsage(agent);
    const long stampLinesAtWarmup = [&] {
        std::ifstream in(stamps);
        return long(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
    }();
    const long sinkAtWarmup = sink.lines();
    std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
    const ProcessUsage used = processUsage(agent) - usage0;
    const double elapsed = seconds(Clock::now() - start) - 2;
    const long flooded = sink.lines() - sinkAtWarmup;
    stop(agent);

    std::vector<double> lateness; // milliseconds
    std::map<long long, double> firstOfTick; // tick → the earliest start among its collectors
    {
        std::ifstream in(stamps);
        std::string name;
        long long micros = 0, tick = 0;
        for (long line = 0; in >> name >> micros >> tick; ++line) {
            if (line < stampLinesAtWarmup)
                continue;
            lateness.push_back(double(micros) / 1000);
            const auto [it, added] = firstOfTick.emplace(tick, double(micros) / 1000);
            if (!added)
                it->second = std::min(it->second, double(micros) / 1000);
        }
    }
    std::sort(lateness.begin(), lateness.end());
    std::vector<double> first;
    for (const auto &[tick, ms] : firstOfTick)
        first.push_back(ms);
    std::sort(first.begin(), first.end());
    const double expected = double(o.collectors) * o.seconds;
    std::printf("### B5 scheduling jitter: %d collectors every 1 s for %d s%s%s; %s\n\n", o.collectors, o.seconds,
        o.hung ? ", one hung (timeout 3 s)" : "", o.flood ? ", one flooding the socket" : "",
        machineDescription().c_str());
    std::printf("| runs | of expected | p50 | p90 | p99 | max | flood lines delivered | agent CPU | load |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::printf("| %zu | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2fM (%.2fM/s) | %.0f %% | %.2f |\n\n",
        lateness.size(), expected, quantile(lateness, 0.5), quantile(lateness, 0.9), quantile(lateness, 0.99),
        lateness.empty() ? 0 : lateness.back(), flooded / 1e6, flooded / 1e6 / elapsed, 100 * used.total() / elapsed,
        loadAverage());
    std::printf("The first collector to start at each tick (%zu ticks): p50 %.2f ms, p99 %.2f ms, max %.2f ms: the "
                "timer plus one spawn; the others also wait for the spawns before them.\n\n",
        first.size(), quantile(first, 0.5), quantile(first, 0.99), first.empty() ? 0 : first.back());
    std::printf("Lateness is measured by the collector itself (wall clock at its first instruction minus its tick), "
                "so it includes the spawn. Logs in %s\n\n",
        dir.c_str());
    const double p99 = quantile(lateness, 0.99), max = lateness.empty() ? 0 : lateness.back();
    result("B5",
        std::string("collector start after its aligned tick") + (o.hung || o.flood ? " (" : "") + (o.hung ? "hung" : "")
            + (o.hung && o.flood ? " + " : "") + (o.flood ? "flooding" : "")
            + (o.hung || o.flood ? " neighbours)" : ""),
        format("p99 %.2f ms, max %.2f ms (p50 %.2f; %zu of %.0f runs); first start of each tick p99 %.2f ms", p99, max,
            quantile(lateness, 0.5), lateness.size(), expected, quantile(first, 0.99)),
        "p99 ≤ 2 ms, max ≤ 10 ms", p99 <= 2 && max <= 10 && double(lateness.size()) >= 0.98 * expected);
    return 0;
}
