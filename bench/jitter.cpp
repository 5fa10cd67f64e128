// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B5 scheduling jitter: 50 collectors every second record when they started, relative to their aligned tick,
// while one collector hangs (killed at its timeout, ticks skipped meanwhile) and one floods the socket with
// metric lines for 90 % of every interval.
//
//   bench_jitter --agent build/bin/garnet-agent --collector build/bench/bench_collector
//                [--stamp build/bench/bench_stamp] [--collectors 50] [--seconds 60] [--smoke]
//
// Each stamping collector (stdout mode) notes the wall clock as early as it can: `bench_stamp FILE` (no C
// library, at its first instruction) with --stamp, else `bench_collector stamp FILE` (static glibc: after the
// C library's start-up, as a typical native collector). So the lateness includes the agent's timer, the spawn
// (fork and exec) and, without --stamp, the C library's start-up. Lateness = start − its tick (a multiple of
// the interval since the epoch). The first 2 s are not counted (start-up).
//
// --bare measures the floor any agent has on this machine: no agent and no neighbours; bench_jitter itself
// sleeps until each tick (clock_nanosleep, absolute) and starts the stamping programs one after another with
// posix_spawn (vfork + exec), then reaps them.
#include "benchutil.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <spawn.h>

using namespace Bench;

namespace {

struct Options
{
    std::string agent;
    std::string collector;
    std::string stamp; ///< the libc-free stamping program; empty: `collector stamp`
    int collectors = 50;
    int seconds = 60;
    bool hung = true;
    bool flood = true;
    bool bare = false; ///< no agent: this program spawns the collectors at each tick (the floor)
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
        else if (a == "--stamp")
            o.stamp = next();
        else if (a == "--collectors")
            o.collectors = std::stoi(next());
        else if (a == "--seconds")
            o.seconds = std::stoi(next());
        else if (a == "--no-hung")
            o.hung = false;
        else if (a == "--no-flood")
            o.flood = false;
        else if (a == "--bare")
            o.bare = true, o.hung = false, o.flood = false;
        else if (a == "--smoke")
            o.collectors = 5, o.seconds = 1;
        else {
            std::fprintf(stderr,
                "usage: %s --agent PATH --collector PATH [--stamp PATH] [--collectors N] [--seconds S] [--no-hung] "
                "[--no-flood] [--bare] [--smoke]\n",
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

/** --bare: at every whole second until `stop`, posix_spawn `collectors` stamping programs and reap them. */
void spawnAtTicks(const Options &o, const std::string &stamps, const std::atomic<bool> &stop)
{
    std::vector<std::string> names, program { o.stamp.empty() ? o.collector : o.stamp };
    if (o.stamp.empty())
        program.push_back("stamp");
    program.push_back(stamps);
    std::vector<char *> argv;
    for (std::string &argument : program)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    for (int i = 0; i < o.collectors; ++i)
        names.push_back("GARNET_COLLECTOR=s" + std::to_string(i));
    std::string interval = "GARNET_INTERVAL=1";
    std::vector<pid_t> children(std::size_t(o.collectors));
    while (!stop) {
        timespec tick {};
        ::clock_gettime(CLOCK_REALTIME, &tick);
        tick = { tick.tv_sec + 1, 0 };
        while (::clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &tick, nullptr) == EINTR) { }
        if (stop)
            break;
        for (int i = 0; i < o.collectors; ++i) {
            char *environment[] = { names[std::size_t(i)].data(), interval.data(), nullptr };
            if (::posix_spawn(&children[std::size_t(i)], argv[0], nullptr, nullptr, argv.data(), environment) != 0)
                die("posix_spawn");
        }
        for (const pid_t child : children)
            ::waitpid(child, nullptr, 0);
    }
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
    const std::string stampCommand
        = o.stamp.empty() ? format("\"%s\", \"stamp\"", o.collector.c_str()) : format("\"%s\"", o.stamp.c_str());
    for (int i = 0; i < o.collectors; ++i)
        writeFile(dir + "/collectors.d/s" + std::to_string(i) + ".toml",
            format("command = [%s, \"%s\"]\nmode = \"stdout\"\ninterval = \"1s\"\n", stampCommand.c_str(),
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

    std::atomic<bool> stopTicks = false;
    std::thread ticks;
    const pid_t agent = o.bare ? ::getpid() : spawn({ o.agent, "--config", dir + "/garnet.toml" }, dir + "/agent.log");
    if (o.bare)
        ticks = std::thread(spawnAtTicks, std::cref(o), std::cref(stamps), std::cref(stopTicks));
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
    if (o.bare) {
        stopTicks = true;
        ticks.join();
    } else {
        stop(agent);
    }

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
    const char *program = o.stamp.empty() ? "static glibc stamp program" : "libc-free stamp program";
    std::printf("### B5 scheduling jitter%s: %d collectors every 1 s for %d s%s%s, %s; %s\n\n",
        o.bare ? " floor (no agent: posix_spawn at each tick)" : "", o.collectors, o.seconds,
        o.hung ? ", one hung (timeout 3 s)" : "", o.flood ? ", one flooding the socket" : "", program,
        machineDescription().c_str());
    std::printf("| runs | of expected | p50 | p90 | p99 | max | flood lines delivered | %s CPU | load |\n",
        o.bare ? "spawner" : "agent");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::printf("| %zu | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2fM (%.2fM/s) | %.0f %% | %.2f |\n\n",
        lateness.size(), expected, quantile(lateness, 0.5), quantile(lateness, 0.9), quantile(lateness, 0.99),
        lateness.empty() ? 0 : lateness.back(), flooded / 1e6, flooded / 1e6 / elapsed, 100 * used.total() / elapsed,
        loadAverage());
    std::printf("The first collector to start at each tick (%zu ticks): p50 %.2f ms, p99 %.2f ms, max %.2f ms: the "
                "timer plus one spawn; the others also wait for the spawns before them.\n\n",
        first.size(), quantile(first, 0.5), quantile(first, 0.99), first.empty() ? 0 : first.back());
    std::printf("Lateness is measured by the collector itself (wall clock minus its tick), so it includes the spawn%s. "
                "Logs in %s\n\n",
        o.stamp.empty() ? " and the C library's start-up" : " (read at the program's first instruction)", dir.c_str());
    const double p99 = quantile(lateness, 0.99), max = lateness.empty() ? 0 : lateness.back();
    result("B5",
        std::string(o.bare ? "floor, no agent: posix_spawn at the tick" : "collector start after its aligned tick")
            + (o.hung || o.flood ? " (" : "") + (o.hung ? "hung" : "") + (o.hung && o.flood ? " + " : "")
            + (o.flood ? "flooding" : "") + (o.hung || o.flood ? " neighbours" : "") + (o.hung || o.flood ? "; " : " (")
            + program + ")",
        format("p99 %.2f ms, max %.2f ms (p50 %.2f; %zu of %.0f runs); first start of each tick p99 %.2f ms", p99, max,
            quantile(lateness, 0.5), lateness.size(), expected, quantile(first, 0.99)),
        o.bare ? "(reference)" : "p99 ≤ 2 ms, max ≤ 10 ms",
        !o.bare && p99 <= 2 && max <= 10 && double(lateness.size()) >= 0.98 * expected);
    return 0;
}
