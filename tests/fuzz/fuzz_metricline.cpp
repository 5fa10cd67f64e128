// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// parseMetricLine (plaintext and tagged names) on arbitrary bytes; what it accepts is formatted in every
// output format and must parse again to the same metric.
#include "common/formatter.h"
#include "common/metricline.h"
#include "fuzzcheck.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

using namespace Garnet;

namespace {

std::size_t tagCount(std::string_view tags)
{
    if (tags.empty())
        return 0;
    std::size_t count = 1;
    for (const char c : tags)
        count += c == ';';
    return count;
}

void checkRoundTrip(const ParsedMetric &metric, OutputFormat format)
{
    const MetricOrigin origin { "servers.web01.fuzz", "fuzz", "web01" };
    const std::int64_t timestamp = metric.timestamp.value_or(1700000000);
    std::string line;
    appendFormattedMetric(line, format, origin, metric, timestamp);
    FUZZ_CHECK(!line.empty() && line.back() == '\n', "a formatted line ends in '\\n'");
    line.pop_back();
    ParsedMetric again;
    const RejectReason reason = parseMetricLine(line, again);
    // The formatter adds the prefix and up to four tags: past the parser's limits is not a formatter bug.
    const bool overLimits = line.size() > MaxLineLength
        || origin.pathPrefix.size() + 1 + metric.name.size() > MaxNameLength || tagCount(metric.tags) + 4 > MaxTags
        || reason == RejectReason::NameTooLong;
    if (overLimits && reason != RejectReason::None)
        return;
    FUZZ_CHECK(reason == RejectReason::None, "a formatted line parses again");
    FUZZ_CHECK(again.value == metric.value && std::signbit(again.value) == std::signbit(metric.value),
        "the value survives formatting");
    FUZZ_CHECK(again.timestamp && *again.timestamp == timestamp, "the timestamp survives formatting");
    const std::string expectedName = std::string(origin.pathPrefix) + '.' + std::string(metric.name);
    FUZZ_CHECK(again.name == expectedName, "the name survives formatting");
    // Plaintext keeps the collector's tags (sorted, a duplicated name once): never more, none made up.
    if (format == OutputFormat::Plaintext)
        FUZZ_CHECK(tagCount(again.tags) <= tagCount(metric.tags) && (tagCount(again.tags) > 0) == !metric.tags.empty(),
            "plaintext keeps the tags");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char *>(data), size);
    ParsedMetric metric;
    const RejectReason reason = parseMetricLine(line, metric);
    FUZZ_CHECK(reason < RejectReason::Count, "a known reason");
    FUZZ_CHECK(!rejectReasonName(reason).empty(), "every reason has a name");
    (void)isValidMetricPath(line);
    if (reason != RejectReason::None)
        return 0;
    FUZZ_CHECK(line.size() <= MaxLineLength + 1, "accepted lines are within the length limit");
    FUZZ_CHECK(!metric.name.empty() && metric.name.size() <= MaxNameLength, "an accepted name is not empty");
    FUZZ_CHECK(isValidMetricPath(metric.name), "an accepted name is a valid path");
    FUZZ_CHECK(std::isfinite(metric.value), "accepted values are finite");
    FUZZ_CHECK(!metric.timestamp || (*metric.timestamp >= 0 && *metric.timestamp <= MaxTimestamp),
        "accepted timestamps are in range");
    for (const OutputFormat format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 })
        checkRoundTrip(metric, format);
    return 0;
}
