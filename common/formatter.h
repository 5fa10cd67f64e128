// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "metricline.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace Garnet {

enum class OutputFormat : std::uint8_t { Plaintext, Tagged, Metrics20 };

std::optional<OutputFormat> outputFormatFromString(std::string_view name);
std::string_view outputFormatName(OutputFormat format);

/** What the agent knows about where a metric came from; fixed for one collector run. */
struct MetricOrigin
{
    std::string_view pathPrefix; ///< already expanded "{prefix}.{path}", e.g. "servers.web01.loadavg"; may be empty
    std::string_view collector; ///< collector name, or "unattributed"
    std::string_view host; ///< the agent's hostname
};

/**
 * Append one formatted line (with '\n') to out. Never allocates when out has capacity.
 * plaintext: "{pathPrefix}.{name}[;<collector's own tags, sorted>] {value} {ts}\n"
 *            (carbon >= 1.1 accepts tagged series on the plaintext port, so a collector's tags are kept)
 * tagged:    as plaintext plus collector=<collector> and host=<host> tags (a collector's own tag of the
 *            same name wins), all sorted by tag name as Graphite does
 * metrics20: as tagged, plus unit=unknown and mtype=gauge unless the collector gave them.
 * The value is written in the shortest form that round-trips (std::to_chars).
 * Trusted from the parser: metric.canonicalValue is copied as the value's text, and tags that metric.tagsSorted
 * says are sorted are merged with the agent's as they are (other tags are sorted here).
 */
void appendFormattedMetric(std::string &out, OutputFormat format, const MetricOrigin &origin,
    const ParsedMetric &metric, std::int64_t timestamp);

/** The most bytes formatMetric() can write for this metric, in any format. */
std::size_t formattedMetricBound(const MetricOrigin &origin, const ParsedMetric &metric);
/**
 * The same line written at `out`, which must have formattedMetricBound() bytes of room; returns the end.
 * For buffers that are not std::string: resizing one zero-fills the bound first, which costs as much as a
 * quarter of the formatting.
 */
char *formatMetric(
    char *out, OutputFormat format, const MetricOrigin &origin, const ParsedMetric &metric, std::int64_t timestamp);

} // namespace Garnet
