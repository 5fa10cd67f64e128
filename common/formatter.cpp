// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "formatter.h"

#include "bytescan.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace Garnet {

namespace {

/** Trivial (unlike string_view) so the array below costs nothing to create for every line. */
struct Tag
{
    const char *name;
    const char *value;
    std::uint32_t nameSize;
    std::uint32_t valueSize : 31;
    std::uint32_t contiguous : 1; ///< "name=value" is one piece of memory (a collector's own tag): one copy
    std::string_view nameView() const { return { name, nameSize }; }
    /** Graphite's order: by name, bytewise. The first byte decides most comparisons without a call. */
    bool nameLess(const Tag &other) const
    {
        if (name[0] != other.name[0])
            return static_cast<unsigned char>(name[0]) < static_cast<unsigned char>(other.name[0]);
        return nameView() < other.nameView();
    }
};

/**
 * memcpy for the short pieces of a metric line: inline, with at most two overlapping loads and stores instead
 * of a library call per piece. Never reads or writes outside [from, from + n) and [to, to + n).
 */
inline void copyShort(char *to, const char *from, std::size_t n)
{
    if (n >= 8) {
        if (n > 16) {
            std::memcpy(to, from, n);
            return;
        }
        std::uint64_t head, tail;
        std::memcpy(&head, from, 8);
        std::memcpy(&tail, from + n - 8, 8);
        std::memcpy(to, &head, 8);
        std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4) {
        std::uint32_t head, tail;
        std::memcpy(&head, from, 4);
        std::memcpy(&tail, from + n - 4, 4);
        std::memcpy(to, &head, 4);
        std::memcpy(to + n - 4, &tail, 4);
    } else {
        for (std::size_t i = 0; i < n; ++i)
            to[i] = from[i];
    }
}

/** The collector's tags plus up to four the agent adds (collector, host, unit, mtype). */
constexpr std::size_t MaxFormattedTags = MaxTags + 4;

/** Room for ";unit=unknown;mtype=gauge;collector=;host=", the value, the timestamp and separators. */
constexpr std::size_t FixedPartBound = 128;

/** Writes into space sized beforehand: one capacity check per line instead of one per piece. */
class Writer
{
public:
    explicit Writer(char *position)
        : m_position(position)
    { }
    char *position() const { return m_position; }
    void put(char c) { *m_position++ = c; }
    void put(std::string_view text) { put(text.data(), text.size()); }
    void put(const char *text, std::size_t size)
    {
        copyShort(m_position, text, size);
        m_position += size;
    }
    void putInteger(std::int64_t number) { m_position = std::to_chars(m_position, m_position + 20, number).ptr; }
    void putValue(double value);

private:
    bool putFixedIfShortest(double value);
    char *m_position;
};

constexpr std::array<double, 10> PowersOfTen = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
constexpr double ExactIntegerLimit = 9007199254740992.0; // 2^53
constexpr double IntegerOnlyLimit = 4503599627370496.0; // 2^52: from here on, doubles have no fraction

/**
 * Exactly what std::to_chars(double) writes (shortest round trip; fixed notation unless scientific is strictly
 * shorter), but values with few decimals, which collectors send most, avoid the general algorithm.
 */
void Writer::putValue(double value)
{
    if (!putFixedIfShortest(value))
        m_position = std::to_chars(m_position, m_position + 32, value).ptr;
}

/**
 * Finds the fewest decimals k for which round(value * 10^k) / 10^k gives back exactly `value`: that decimal is the
 * shortest round-trip representation (the division is correctly rounded, as parsing is). Writes it if fixed
 * notation is what to_chars would choose.
 */
bool Writer::putFixedIfShortest(double value)
{
    if (value == 0 && std::signbit(value))
        return false;
    const double magnitude = std::fabs(value);
    for (std::size_t decimals = 0; decimals < PowersOfTen.size(); ++decimals) {
        const double product = magnitude * PowersOfTen[decimals];
        if (!(product < ExactIntegerLimit))
            return false; // too many digits for this shortcut (or not finite)
        // std::round without the libm call. From 2^52 on every double is an integer; below, product + 0.5 is
        // exact except just under a half, where neither neighbour can pass the check that follows anyway.
        const double scaled = product >= IntegerOnlyLimit ? product : double(std::int64_t(product + 0.5));
        if (scaled / PowersOfTen[decimals] != magnitude)
            continue;
        char digits[20];
        const char *digitsEnd = std::to_chars(digits, digits + sizeof digits, std::int64_t(scaled)).ptr;
        const std::size_t count = std::size_t(digitsEnd - digits);
        std::size_t significant = count;
        while (significant > 1 && digits[significant - 1] == '0')
            --significant; // only whole numbers can have trailing zeros here
        // Fixed: integer digits (at least "0"), '.', decimals. Scientific: d[.ddd]e±XX (|exponent| < 100 here).
        const std::size_t integerDigits = count > decimals ? count - decimals : 1;
        const std::size_t fixedLength = integerDigits + (decimals ? decimals + 1 : 0);
        const std::size_t scientificLength = significant + (significant > 1 ? 1 : 0) + 4;
        if (fixedLength > scientificLength)
            return false;
        if (value < 0)
            put('-');
        if (count > decimals) {
            put(std::string_view(digits, count - decimals));
        } else {
            put('0');
        }
        if (decimals) {
            put('.');
            for (std::size_t zeros = count; zeros < decimals; ++zeros)
                put('0');
            put(std::string_view(digitsEnd - std::min(count, decimals), std::min(count, decimals)));
        }
        return true;
    }
    return false;
}

class TagList
{
public:
    void add(std::string_view name, std::string_view value, bool contiguous = false)
    {
        if (!value.empty() && m_size < m_tags.size()) // "host=" would make carbon reject the line
            m_tags[m_size++] = Tag { name.data(), value.data(), std::uint32_t(name.size()), std::uint32_t(value.size()),
                contiguous };
    }

    /**
     * Add the raw "a=b;c=d" part of a metric in one pass; malformed segments (not produced by the parser) are
     * skipped.
     */
    void addRaw(std::string_view raw)
    {
        const char *p = raw.data();
        const char *const end = p + raw.size();
        while (p < end) {
            const char *const semicolon = ByteScan::findByte(p, end, ';', raw.data());
            const char *const equals = ByteScan::findByte(p, semicolon, '=', raw.data());
            if (equals != semicolon && equals != p)
                add({ p, std::size_t(equals - p) }, { equals + 1, std::size_t(semicolon - equals - 1) }, true);
            p = semicolon + 1; // past the ';' (or the end)
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
            for (; j > 0 && tag.nameLess(m_tags[j - 1]); --j)
                m_tags[j] = m_tags[j - 1];
            m_tags[j] = tag;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_size; ++i) {
            if (i + 1 < m_size && m_tags[i + 1].nameView() == m_tags[i].nameView())
                continue; // a later one with the same name follows
            m_tags[kept++] = m_tags[i];
        }
        m_size = kept;
    }

    void writeTo(Writer &out) const
    {
        for (std::size_t i = 0; i < m_size; ++i) {
            const Tag &tag = m_tags[i];
            out.put(';');
            if (tag.contiguous) {
                out.put(tag.name, tag.nameSize + 1 + tag.valueSize);
                continue;
            }
            out.put(tag.name, tag.nameSize);
            out.put('=');
            out.put(tag.value, tag.valueSize);
        }
    }

private:
    std::array<Tag, MaxFormattedTags> m_tags;
    std::size_t m_size = 0;
};

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

std::size_t formattedMetricBound(const MetricOrigin &origin, const ParsedMetric &metric)
{
    // Rewritten tags are never longer than the raw ones plus a ';'; the rest is bounded by FixedPartBound.
    return origin.pathPrefix.size() + metric.name.size() + metric.tags.size() + origin.collector.size()
        + origin.host.size() + FixedPartBound;
}

char *formatMetric(
    char *out, OutputFormat format, const MetricOrigin &origin, const ParsedMetric &metric, std::int64_t timestamp)
{
    Writer writer(out);
    if (!origin.pathPrefix.empty()) {
        writer.put(origin.pathPrefix);
        writer.put('.');
    }
    writer.put(metric.name);

    if (format != OutputFormat::Plaintext || !metric.tags.empty()) {
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
        tags.writeTo(writer);
    }

    writer.put(' ');
    if (!metric.canonicalValue.empty())
        writer.put(metric.canonicalValue); // what putValue() would write, already at hand
    else
        writer.putValue(metric.value);
    writer.put(' ');
    writer.putInteger(timestamp);
    writer.put('\n');
    return writer.position();
}

void appendFormattedMetric(std::string &out, OutputFormat format, const MetricOrigin &origin,
    const ParsedMetric &metric, std::int64_t timestamp)
{
    const std::size_t start = out.size();
    out.resize(start + formattedMetricBound(origin, metric));
    out.resize(std::size_t(formatMetric(out.data() + start, format, origin, metric, timestamp) - out.data()));
}

} // namespace Garnet
