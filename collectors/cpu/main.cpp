// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// cpu: time spent per state as a percentage of the time since the previous run, per CPU and in total
// (from /proc/stat). The first run only records the counters (see README.md).
#include "collectorkit.h"

using namespace GarnetCollector;

namespace {

constexpr std::string_view Fields[]
    = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice" };
/** user..steal add up to all the time that passed; guest is part of user and guest_nice part of nice. */
constexpr std::size_t ElapsedFields = 8;
constexpr std::size_t MaxFields = std::size(Fields);

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv, { "--no-per-cpu" }, "  --no-per-cpu  only cpu.total.*\n");
    std::string content;
    if (!readFile("/proc/stat", content))
        return 1;
    State state(options.program);
    MetricWriter out;
    std::string key;
    std::string_view text = content;
    std::string_view line;
    while (nextLine(text, line) && line.starts_with("cpu")) { // the cpu lines come first
        const std::string_view cpu = nextField(line);
        const bool total = cpu == "cpu";
        if (!total && options.has("--no-per-cpu"))
            continue;
        const std::string_view node = total ? std::string_view("total") : cpu;
        std::uint64_t deltas[MaxFields] = {};
        std::size_t fields = 0;
        bool complete = true;
        for (; fields < MaxFields; ++fields) {
            const std::string_view field = nextField(line);
            const auto ticks = parseUnsigned(field);
            if (!ticks)
                break; // older kernels have fewer fields
            key.assign(node).append(".").append(Fields[fields]);
            const auto delta = state.delta(key, *ticks);
            complete = complete && delta.has_value();
            deltas[fields] = delta.value_or(0);
        }
        std::uint64_t elapsed = 0;
        for (std::size_t i = 0; i < std::min(fields, ElapsedFields); ++i)
            elapsed += deltas[i];
        if (!complete || fields < 4 || elapsed == 0)
            continue; // first run, a CPU that just came online, or no tick since the last run
        for (std::size_t i = 0; i < fields; ++i)
            out.add(node, Fields[i], 100.0 * double(deltas[i]) / double(elapsed));
    }
    state.save();
    return out.send(options);
}
