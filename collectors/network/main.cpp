// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// network: per interface traffic per second since the previous run, with Diamond's names (from
// /proc/net/dev). The first run only records the counters (see README.md).
#include "collectorkit.h"

using namespace GarnetCollector;

namespace {

/** The 16 /proc/net/dev columns in order. Bytes are reported as *_byte and *_bit, as Diamond does. */
constexpr std::string_view Columns[]
    = { "rx_bytes", "rx_packets", "rx_errors", "rx_drop", "rx_fifo", "rx_frame", "rx_compressed", "rx_multicast",
          "tx_bytes", "tx_packets", "tx_errors", "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed" };
constexpr std::size_t ColumnCount = std::size(Columns);

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv, { "--no-loopback" }, "  --no-loopback  skip the lo interface\n");
    std::string content;
    if (!readFile("/proc/net/dev", content))
        return 1;
    State state(options.program);
    const double seconds = state.elapsedSeconds();
    MetricWriter out;
    std::string key;
    std::string_view text = content;
    std::string_view line;
    while (nextLine(text, line)) {
        // "  eth0: 50889370 1265 0 ..." (large counters may touch the colon); the two header lines have none
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        std::string_view name = line.substr(0, colon);
        name.remove_prefix(std::min(name.find_first_not_of(' '), name.size()));
        if (name.empty() || (name == "lo" && options.has("--no-loopback")))
            continue;
        const std::string node = pathNode(name);
        std::string_view counters = line.substr(colon + 1);
        for (const std::string_view column : Columns) {
            const auto value = parseUnsigned(nextField(counters));
            if (!value)
                break;
            key.assign(node).append(".").append(column);
            const auto delta = state.delta(key, *value);
            if (!delta || seconds <= 0)
                continue;
            const double perSecond = double(*delta) / seconds;
            if (column == "rx_bytes" || column == "tx_bytes") {
                out.add(node, column == "rx_bytes" ? "rx_byte" : "tx_byte", perSecond);
                out.add(node, column == "rx_bytes" ? "rx_bit" : "tx_bit", perSecond * 8);
            } else {
                out.add(node, column, perSecond);
            }
        }
    }
    static_assert(ColumnCount == 16);
    state.save();
    return out.send(options);
}
