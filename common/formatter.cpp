// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "formatter.h"

#include <array>
#include <charconv>

namespace Garnet {

namespace {

struct Tag
{
    std::string_view name;
    std::string_view value;
};

/** The collector's tags plus up to four the agent adds (collector, host, unit, mtype). */
constexpr std::size_t MaxFormattedTags = MaxTags + 4;

class TagList
{
public:
    void add(std::string_view name, std::string_view value)
    {
        if (!value.empty() && m_size < m_tags.size()) // "host=" would make carbon reject the line
            m_tags[m_size++] = Tag { name, value };
    }

    /** Add the raw "a=b;c=d" part of a metric; malformed segments (not produced by the parser) are skipped. */
    void addRaw(std::string_view raw)
    {
        while (!raw.empty()) {
            const std::size_t semicolon = raw.find(';');
            const std::string_view tag = raw.substr(0, semicolon);
            raw.remove_prefix(semicolon == std::string_view::npos ? raw.size() : semicolon + 1);
            const std::size_t equals = tag.find('=');
            if (equals != std::string_view::npos && equals > 0)
                add(tag.substr(0, equals), tag.substr(equals + 1));
        }
    }

    /**
     * Sort by name as Graphite does; of several tags with one name the last added wins, so a collector's own
     * tags (added after the agent's defaults) override them. Insertion sort: stable, allocation-free, and the
     * lists are short.
     */
    void sortAndDeduplicate()
    {
        for (std::size_t i = 1; i < m_size; ++i) {
            const Tag tag = m_tags[i];
            std::size_t j = i;
            for (; j > 0 && tag.name < m_tags[j - 1].name; --j)
                m_tags[j] = m_tags[j - 1];
            m_tags[j] = tag;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_size; ++i) {
            if (i + 1 < m_size && m_tags[i + 1].name == m_tags[i].name)
                continue; // a later one with the same name follows
            m_tags[kept++] = m_tags[i];
        }
        m_size = kept;
    }

    void appendTo(std::string &out) const
    {
        for (std::size_t i = 0; i < m_size; ++i) {
            out += ';';
            out += m_tags[i].name;
            out += '=';
            out += m_tags[i].value;
        }
    }

private:
    std::array<Tag, MaxFormattedTags> m_tags;
    std::size_t m_size = 0;
};

template<typename Number> void appendNumber(std::string &out, Number number)
{
    char buffer[32]; // shortest round-trip double needs at most 24 characters
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, result.ptr);
}

} // namespace

std::optional<OutputFormat> outputFormatFromString(std::string_view name)
{
    for (const OutputFormat format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 }) {
        if (name == outputFormatName(format))
            return format;
    }
    return std::nullopt;
}

std::string_view outputFormatName(OutputFormat format)
{
    switch (format) {
    case OutputFormat::Plaintext:
        return "plaintext";
    case OutputFormat::Tagged:
        return "tagged";
    case OutputFormat::Metrics20:
        return "metrics20";
    }
    return "plaintext";
}

void appendFormattedMetric(std::string &out, OutputFormat format, const MetricOrigin &origin,
    const ParsedMetric &metric, std::int64_t timestamp)
{
    if (!origin.pathPrefix.empty()) {
        out += origin.pathPrefix;
        out += '.';
    }
    out += metric.name;

    TagList tags;
    if (format == OutputFormat::Metrics20) {
        tags.add("unit", "unknown");
        tags.add("mtype", "gauge");
    }
    if (format != OutputFormat::Plaintext) {
        tags.add("collector", origin.collector);
        tags.add("host", origin.host);
    }
    tags.addRaw(metric.tags);
    tags.sortAndDeduplicate();
    tags.appendTo(out);

    out += ' ';
    appendNumber(out, metric.value);
    out += ' ';
    appendNumber(out, timestamp);
    out += '\n';
}

} // namespace Garnet
