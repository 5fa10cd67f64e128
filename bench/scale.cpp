// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B9 scale: 1,000 collectors configured. Start-up time, reload time, RSS.
//
//   bench_scale --agent build/bin/garnet-agent --collector build/bench/bench_collector [--collectors 1000]
//               [--reloads 5] [--smoke]
//
// Times come from the agent's own systemd notifications (a NOTIFY_SOCKET this program listens on):
// start-up = exec until READY=1 (configuration read, socket listening, every collector scheduled); reload =
// SIGHUP until the READY=1 that follows RELOADING=1. Reloads are timed with nothing changed (every collector
// keeps its schedule) and with every collector file changed (every collector replaced). Collectors run every
// hour, so that their runs do not mix into the figures; RSS is read after start-up and after the reloads.
#include "benchutil.h"

#include <algorithm>

using namespace Bench;

namespace {

struct Options
{
    std::string agent;
    std::string collector;
    int collectors = 1000;
    int reloads = 5;
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
        else if (a == "--reloads")
            o.reloads = std::stoi(next());
        else if (a == "--smoke")
            o.collectors = 20, o.reloads = 1;
        else {
            std::fprintf(
                stderr, "usage: %s --agent PATH --collector PATH [--collectors N] [--reloads N] [--smoke]\n", argv[0]);
            std::exit(2);
        }
    }
    if (o.agent.empty() || o.collector.empty()) {
        std::fprintf(stderr, "--agent and --collector are required\n");
        std::exit(2);
    }
    return o;
}

/** Receives sd_notify datagrams. */
class NotifySocket
{
public:
    explicit NotifySocket(const std::string &path)
        : m_path(path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
            die("notify socket");
    }
    ~NotifySocket()
    {
        ::close(m_fd);
        ::unlink(m_path.c_str());
    }
    /** Waits for a message containing `what` (as a line); false after timeoutMs. */
    bool waitFor(const char *what, int timeoutMs)
    {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        char buffer[4096];
        while (Clock::now() < deadline) {
            pollfd fd { m_fd, POLLIN, 0 };
            if (::poll(&fd, 1, 50) <= 0)
                continue;
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer - 1, 0);
            if (n <= 0)
                continue;
            buffer[n] = 0;
            const std::string message = std::string("\n") + buffer + "\n";
            if (message.find(std::string("\n") + what + "\n") != std::string::npos)
                return true;
        }
        return false;
    }

private:
    std::string m_path;
    int m_fd = -1;
};

void writeCollectors(const std::string &dir, const Options &o, const char *interval)
{
    for (int i = 0; i < o.collectors; ++i)
        writeFile(dir + "/collectors.d/c" + std::to_string(i) + ".toml",
            format("command = [\"%s\", \"echo\", \"run 1\"]\nmode = \"stdout\"\ninterval = \"%s\"\n",
                o.collector.c_str(), interval));
}

/** Milliseconds from SIGHUP to READY=1, each of `count` reloads; -1 for one that did not finish in 30 s. */
std::vector<double> reloads(pid_t agent, NotifySocket &notify, int count)
{
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        ::kill(agent, SIGHUP);
        const bool ok = notify.waitFor("RELOADING=1", 30000) && notify.waitFor("READY=1", 30000);
        times.push_back(ok ? seconds(Clock::now() - start) * 1000 : -1);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::sort(times.begin(), times.end());
    return times;
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parse(argc, argv);
    const std::string dir = makeTempDir();
    CountingSink sink;
    ::mkdir((dir + "/collectors.d").c_str(), 0755);
    writeCollectors(dir, o, "1h");
    writeFile(dir + "/garnet.toml",
        format("[agent]\ncollectors_dir = \"collectors.d\"\nsocket = \"garnet.sock\"\nhostname = \"bench\"\n"
               "prefix = \"bench\"\n[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:%d\"\n",
            sink.port()));
    NotifySocket notify(dir + "/notify");

    const double load = loadAverage();
    const auto start = Clock::now();
    const pid_t agent = spawn(
        { o.agent, "--config", dir + "/garnet.toml" }, dir + "/agent.log", { "NOTIFY_SOCKET=" + dir + "/notify" });
    const bool ready = notify.waitFor("READY=1", 60000);
    const double startup = seconds(Clock::now() - start) * 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long rssStarted = statusKiB(agent, "VmRSS");
    const std::vector<double> unchanged = reloads(agent, notify, o.reloads);
    writeCollectors(dir, o, "2h");
    std::vector<double> changed = reloads(agent, notify, 1);
    writeCollectors(dir, o, "1h");
    const std::vector<double> changedBack = reloads(agent, notify, 1);
    changed.insert(changed.end(), changedBack.begin(), changedBack.end());
    std::sort(changed.begin(), changed.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long rssAfter = statusKiB(agent, "VmRSS");
    const long rssPeak = statusKiB(agent, "VmHWM");
    stop(agent);

    std::printf("### B9 scale: %d collectors configured; %s\n\n", o.collectors, machineDescription().c_str());
    std::printf("| start-up | reload, nothing changed (median / max of %d) | reload, every file changed (median / max "
                "of 2) | RSS started | RSS after reloads | peak RSS | load |\n",
        o.reloads);
    std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
    std::printf("| %.0f ms%s | %.0f / %.0f ms | %.0f / %.0f ms | %.1f MiB | %.1f MiB | %.1f MiB | %.2f |\n\n", startup,
        ready ? "" : " (never ready)", quantile(unchanged, 0.5), unchanged.back(), quantile(changed, 0.5),
        changed.back(), rssStarted / 1024.0, rssAfter / 1024.0, rssPeak / 1024.0, load);
    std::printf("Start-up and reload as the agent reports them to systemd (READY=1). Logs in %s\n\n", dir.c_str());
    result("B9", format("start-up with %d collectors", o.collectors), format("%.0f ms", startup), "≤ 1 s",
        ready && startup <= 1000);
    result("B9", format("reload with %d collectors (median; all files changed)", o.collectors),
        format("%.0f ms (%.0f ms)", quantile(unchanged, 0.5), quantile(changed, 0.5)), "≤ 200 ms",
        unchanged.front() >= 0 && quantile(unchanged, 0.5) <= 200);
    result("B9", format("RSS with %d collectors", o.collectors),
        format("%.1f MiB (peak %.1f)", rssAfter / 1024.0, rssPeak / 1024.0), "≤ 40 MiB", rssPeak <= 40 * 1024);
    return 0;
}
