// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// loadavg: the 1, 5 and 15 minute load averages and the scheduler's task counts (from /proc/loadavg).
#include "collectorkit.h"

#include <algorithm>
#include <charconv>
#include <unistd.h>

using namespace GarnetCollector;

namespace {

std::optional<double> parseDecimal(std::string_view text)
{
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv, { "--per-cpu" },
        "  --per-cpu  also 01_per_cpu, 05_per_cpu, 15_per_cpu: the load divided by the online CPUs\n");
    std::string content;
    if (!readFile("/proc/loadavg", content))
        return 1;
    // "0.52 0.58 0.59 2/467 12345": three averages, runnable/total scheduling entities, last pid.
    std::string_view text = content;
    const auto one = parseDecimal(nextField(text));
    const auto five = parseDecimal(nextField(text));
    const auto fifteen = parseDecimal(nextField(text));
    const std::string_view tasks = nextField(text);
    const auto slash = tasks.find('/');
    const auto running = parseUnsigned(tasks.substr(0, slash));
    const auto total = slash == std::string_view::npos ? std::nullopt : parseUnsigned(tasks.substr(slash + 1));
    if (!one || !five || !fifteen || !running || !total) {
        static constexpr std::string_view message = "loadavg: unexpected format of /proc/loadavg\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
        return 1;
    }
    MetricWriter out;
    out.add("01", *one);
    out.add("05", *five);
    out.add("15", *fifteen);
    out.add("processes_running", *running);
    out.add("processes_total", *total);
    if (options.has("--per-cpu")) {
        const long cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
        out.add("01_per_cpu", *one / double(cpus), 3);
        out.add("05_per_cpu", *five / double(cpus), 3);
        out.add("15_per_cpu", *fifteen / double(cpus), 3);
    }
    return out.send(options);
}
