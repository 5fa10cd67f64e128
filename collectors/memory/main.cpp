// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// memory: the kernel's memory counters in bytes, named as in /proc/meminfo (Diamond's convention).
#include "collectorkit.h"

#include <algorithm>

using namespace GarnetCollector;

namespace {

/** Diamond's MemoryCollector set, plus the slab, mapping and commit figures people graph next to it. */
constexpr std::string_view DefaultKeys[] = { "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
    "Active", "Inactive", "Dirty", "Writeback", "Shmem", "Mapped", "AnonPages", "Slab", "SReclaimable", "SUnreclaim",
    "SwapTotal", "SwapFree", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk" };

/** "Active(anon)" → "Active_anon": a readable path node for every meminfo key. */
std::string nodeForKey(std::string_view key)
{
    std::string node;
    for (const char c : key) {
        if (c == ')')
            continue;
        node.push_back(c == '(' ? '_' : c);
    }
    return pathNode(node);
}

} // namespace

int main(int argc, char **argv)
{
    const Options options
        = parseOptions(argc, argv, { "--all" }, "  --all  every line of /proc/meminfo, not only the usual set\n");
    std::string content;
    if (!readFile("/proc/meminfo", content))
        return 1;
    const bool all = options.has("--all");
    MetricWriter out;
    std::string_view text = content;
    std::string_view line;
    while (nextLine(text, line)) {
        // "MemTotal:       24668920 kB", or a plain count: "HugePages_Total:       0"
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view key = line.substr(0, colon);
        if (!all && std::find(std::begin(DefaultKeys), std::end(DefaultKeys), key) == std::end(DefaultKeys))
            continue;
        std::string_view rest = line.substr(colon + 1);
        const auto value = parseUnsigned(nextField(rest));
        if (!value)
            continue;
        const bool kibibytes = nextField(rest) == "kB";
        out.add(nodeForKey(key), kibibytes ? *value * 1024 : *value);
    }
    return out.send(options);
}
