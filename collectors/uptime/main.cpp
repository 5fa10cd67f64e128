// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// uptime: time since boot, suspend included (from /proc/uptime).
#include "collectorkit.h"

#include <charconv>
#include <unistd.h>

using namespace GarnetCollector;

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv, {}, "");
    std::string content;
    if (!readFile("/proc/uptime", content))
        return 1;
    std::string_view text = content;
    const std::string_view field = nextField(text); // "1748.30 713.75": uptime, summed idle time of all CPUs
    double seconds = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), seconds);
    if (error != std::errc() || end != field.data() + field.size() || field.empty()) {
        static constexpr std::string_view message = "uptime: unexpected format of /proc/uptime\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
        return 1;
    }
    MetricWriter out;
    out.add("seconds", seconds);
    out.add("minutes", seconds / 60.0);
    return out.send(options);
}
