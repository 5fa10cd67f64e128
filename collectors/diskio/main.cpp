// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// diskio: per block device I/O since the previous run, with Diamond's iostat names (from /proc/diskstats).
// The first run only records the counters and emits io_in_progress (see README.md).
#include "collectorkit.h"

using namespace GarnetCollector;

namespace {

/** The /proc/diskstats columns after "major minor name" that Garnet uses, in order, by Diamond's names. */
enum Column {
    Reads,
    ReadsMerged,
    ReadSectors,
    ReadsMilliseconds,
    Writes,
    WritesMerged,
    WriteSectors,
    WritesMilliseconds,
    IoInProgress,
    IoMilliseconds,
    IoMillisecondsWeighted,
    ColumnCount
};
constexpr std::string_view ColumnNames[ColumnCount]
    = { "reads", "reads_merged", "reads_byte", "reads_milliseconds", "writes", "writes_merged", "writes_byte",
          "writes_milliseconds", "io_in_progress", "io_milliseconds", "io_milliseconds_weighted" };
constexpr std::uint64_t SectorBytes = 512; // /proc/diskstats counts 512-byte sectors whatever the device's

double ratio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : 0.0;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(
        argc, argv, { "--all" }, "  --all  also loop and ram devices, and devices that never did any I/O\n");
    std::string content;
    if (!readFile("/proc/diskstats", content))
        return 1;
    const bool all = options.has("--all");
    State state(options.program);
    MetricWriter out;
    std::string key;
    std::string_view text = content;
    std::string_view line;
    while (nextLine(text, line)) {
        nextField(line); // major
        nextField(line); // minor
        const std::string_view device = nextField(line);
        std::uint64_t now[ColumnCount] = {};
        bool parsed = !device.empty();
        bool idle = true;
        for (int column = 0; parsed && column < ColumnCount; ++column) {
            const auto value = parseUnsigned(nextField(line));
            parsed = value.has_value();
            now[column] = value.value_or(0);
            idle = idle && now[column] == 0;
        }
        if (!parsed)
            continue; // partitions of very old kernels have only 4 columns
        if (!all && (device.starts_with("loop") || device.starts_with("ram") || idle))
            continue;
        now[ReadSectors] *= SectorBytes;
        now[WriteSectors] *= SectorBytes;
        const std::string node = pathNode(device);
        out.add(node, "io_in_progress", now[IoInProgress]);

        double delta[ColumnCount] = {};
        bool complete = true;
        for (int column = 0; column < ColumnCount; ++column) {
            if (column == IoInProgress)
                continue;
            key.assign(node).append(".").append(ColumnNames[column]);
            const auto increase = state.delta(key, now[column]);
            complete = complete && increase.has_value();
            delta[column] = double(increase.value_or(0));
        }
        const double seconds = state.elapsedSeconds();
        if (!complete || seconds <= 0)
            continue;
        for (int column = 0; column < ColumnCount; ++column)
            if (column != IoInProgress)
                out.add(node, ColumnNames[column], delta[column], 0);
        const double io = delta[Reads] + delta[Writes];
        out.add(node, "reads_per_second", delta[Reads] / seconds);
        out.add(node, "writes_per_second", delta[Writes] / seconds);
        out.add(node, "read_requests_merged_per_second", delta[ReadsMerged] / seconds);
        out.add(node, "write_requests_merged_per_second", delta[WritesMerged] / seconds);
        out.add(node, "read_byte_per_second", delta[ReadSectors] / seconds);
        out.add(node, "write_byte_per_second", delta[WriteSectors] / seconds);
        out.add(node, "io", io, 0);
        out.add(node, "iops", io / seconds);
        out.add(node, "average_request_size_byte", ratio(delta[ReadSectors] + delta[WriteSectors], io));
        out.add(node, "average_queue_length", delta[IoMillisecondsWeighted] / seconds / 1000.0, 3);
        out.add(node, "util_percentage", delta[IoMilliseconds] / seconds / 10.0);
        out.add(node, "read_await", ratio(delta[ReadsMilliseconds], delta[Reads]), 3);
        out.add(node, "write_await", ratio(delta[WritesMilliseconds], delta[Writes]), 3);
        out.add(node, "await", ratio(delta[ReadsMilliseconds] + delta[WritesMilliseconds], io), 3);
        const double serviceTime = ratio(delta[IoMilliseconds], io);
        out.add(node, "service_time", serviceTime, 3);
        out.add(node, "concurrent_io", io / seconds * serviceTime / 1000.0, 3);
    }
    state.save();
    return out.send(options);
}
