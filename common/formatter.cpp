// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "formatter.h"

#include "bytescan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstring>

namespace Garnet {

namespace {

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
    void putInteger(std::int64_t number);
    void putValue(double value);

private:
    bool putFixedIfShortest(double value);
    char *m_position;
};

/**
 * Eight decimal digits of n < 10^8, most significant first, as one word: split into halves, quarters, then
 * digits in the lanes of one register (multiply-shift divisions by 100 and 10, exact in these ranges).
 */
inline std::uint64_t eightDigits(std::uint32_t n)
{
    std::uint64_t lanes = (n / 10000) | (std::uint64_t(n % 10000) << 32); // 32-bit lanes: < 10^4
    const std::uint64_t hundreds = ((lanes * 10486) >> 20) & 0x0000007F0000007Fu; // lane / 100
    lanes = ((lanes - hundreds * 100) << 16) | hundreds; // 16-bit lanes: < 100
    const std::uint64_t tens = ((lanes * 103) >> 10) & 0x000F000F000F000Fu; // lane / 10
    lanes = ((lanes - tens * 10) << 8) | tens; // bytes: one digit each, the first in the lowest
    return lanes | 0x3030303030303030u;
}

/** What std::to_chars writes; ten-digit numbers (Unix seconds from 2001 to 2286) without its digit loop. */
void Writer::putInteger(std::int64_t number)
{
    if (ByteScan::Enabled && number >= 1000000000 && number < 10000000000) {
        const auto high = std::uint32_t(number / 100000000); // 10..99
        const std::uint64_t low = eightDigits(std::uint32_t(number % 100000000));
        m_position[0] = char('0' + high / 10);
        m_position[1] = char('0' + high % 10);
        std::memcpy(m_position + 2, &low, 8);
        m_position += 10;
        return;
    }
    m_position = std::to_chars(m_position, m_position + 20, number).ptr;
}

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

/** One of the agent's tags. Trivial (unlike string_view): an array of them costs nothing to create. */
struct AgentTag
{
    const char *text; ///< ";name=": written whole, then the value
    const char *value;
    std::uint32_t nameSize; ///< the name is text + 1
    std::uint32_t valueSize;
    const char *name() const { return text + 1; }
};

void putTag(Writer &out, const AgentTag &tag)
{
    out.put(tag.text, tag.nameSize + 2);
    out.put(tag.value, tag.valueSize);
}

/**
 * The order of the name of the tag at [p, end) ("name=value") and `name` (which has no '='), without looking
 * for the tag's '=' first: the tag's name ends at the first '=', so a '=' where `name` goes on means a shorter
 * name. Reads nothing past `end`.
 */
std::strong_ordering compareTagName(const char *p, const char *end, const char *name, std::size_t size)
{
    for (std::size_t i = 0; i < size; ++i) {
        if (p + i == end || p[i] == '=')
            return std::strong_ordering::less; // a prefix of `name`
        if (p[i] != name[i])
            return static_cast<unsigned char>(p[i]) <=> static_cast<unsigned char>(name[i]);
    }
    return p + size != end && p[size] == '=' ? std::strong_ordering::equal : std::strong_ordering::greater;
}

/**
 * Tags the parser found sorted (ParsedMetric::tagsSorted): the collector's as written, with the agent's (sorted,
 * non-empty values) merged in where they belong, runs of the collector's tags copied whole. A collector's own tag
 * of the same name wins.
 */
void writeSortedTags(Writer &out, std::string_view raw, const AgentTag *agent, std::size_t agentCount)
{
    const char *p = raw.data(); // the first tag not known to sort before the next agent tag
    const char *const end = p + raw.size();
    const char *run = p; // the collector's tags from here on are not written yet
    const char *tagEnd = p < end ? ByteScan::findByte(p, end, ';', raw.data()) : end;
    for (const AgentTag *tag = agent; tag != agent + agentCount; ++tag) {
        auto order = std::strong_ordering::greater;
        while (p < end && (order = compareTagName(p, tagEnd, tag->name(), tag->nameSize)) < 0) {
            p = tagEnd + 1;
            tagEnd = p < end ? ByteScan::findByte(p, end, ';', raw.data()) : end;
        }
        if (order == 0 && p < end)
            continue; // the collector's own tag of that name wins
        if (run < p) {
            out.put(';');
            out.put(run, std::size_t(std::min(p - 1, end) - run)); // up to the ';' before p
            run = p;
        }
        putTag(out, *tag);
    }
    if (run < end) {
        out.put(';');
        out.put(run, std::size_t(end - run));
    }
}

/** One of the collector's tags, for sorting. Trivial, like AgentTag. */
struct RawTag
{
    std::uint64_t key; ///< the name's first eight bytes, big-endian, zero-padded: decides most comparisons
    const char *begin; ///< of "name=value"
    std::uint32_t nameSize;
    std::uint32_t size;
    std::string_view name() const { return { begin, nameSize }; }
};

/** The first min(size, 8) bytes at name as a big-endian number, zero-padded; [name, end) may be read. */
std::uint64_t nameKey(const char *name, std::size_t size, const char *end)
{
    if (end - name >= 8) {
        std::uint64_t word = ByteScan::load8(name);
        if constexpr (std::endian::native == std::endian::little)
            word = __builtin_bswap64(word);
        return size >= 8 ? word : word & ~(~std::uint64_t(0) >> (8 * size));
    }
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(size, 8); ++i)
        key |= std::uint64_t(static_cast<unsigned char>(name[i])) << (56 - 8 * i);
    return key;
}

/** Graphite's order: bytewise by name. Equal keys (equal first eight bytes, or a NUL among them) compare names. */
bool rawTagLess(const RawTag &a, const RawTag &b)
{
    return a.key != b.key ? a.key < b.key : a.name() < b.name();
}

/**
 * Any tags: the collector's in any order, repeated or malformed. Sorted by name (stable), of repeated names the
 * last one kept, malformed segments (never from the parser) and empty values left out, at most as many as fit
 * beside the agent's: then merged with the agent's as in writeSortedTags().
 */
void writeAnyTags(Writer &out, std::string_view raw, const AgentTag *agent, std::size_t agentCount)
{
    std::array<RawTag, MaxFormattedTags> tags;
    std::size_t count = 0;
    const char *p = raw.data();
    const char *const end = p + raw.size();
    while (p < end) {
        const char *const semicolon = ByteScan::findByte(p, end, ';', raw.data());
        const char *const equals = ByteScan::findByte(p, semicolon, '=', raw.data());
        if (equals != semicolon && equals != p && equals + 1 != semicolon && count + agentCount < tags.size())
            tags[count++] = { nameKey(p, std::size_t(equals - p), end), p, std::uint32_t(equals - p),
                std::uint32_t(semicolon - p) };
        p = semicolon + 1; // past the ';' (or the end)
    }
    for (std::size_t i = 1; i < count; ++i) { // insertion sort: stable, allocation-free, and the lists are short
        const RawTag tag = tags[i];
        std::size_t j = i;
        for (; j > 0 && rawTagLess(tag, tags[j - 1]); --j)
            tags[j] = tags[j - 1];
        tags[j] = tag;
    }
    const AgentTag *next = agent;
    const AgentTag *const agentEnd = agent + agentCount;
    for (std::size_t i = 0; i < count; ++i) {
        const RawTag &tag = tags[i];
        if (i + 1 < count && tags[i + 1].key == tag.key && tags[i + 1].name() == tag.name())
            continue; // a later one with the same name follows: it wins
        for (; next != agentEnd; ++next) {
            const auto order = compareTagName(tag.begin, tag.begin + tag.size, next->name(), next->nameSize);
            if (order < 0)
                break;
            if (order == 0) { // the collector's own tag of that name wins
                ++next;
                break;
            }
            putTag(out, *next);
        }
        out.put(';');
        out.put(tag.begin, tag.size);
    }
    for (; next != agentEnd; ++next)
        putTag(out, *next);
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
        // The agent's tags in name order; one with an empty value is left out ("host=" would make carbon reject
        // the line).
        std::array<AgentTag, 4> agent;
        std::size_t agentCount = 0;
        const auto addAgentTag = [&](std::string_view text, std::string_view value) {
            if (!value.empty())
                agent[agentCount++]
                    = { text.data(), value.data(), std::uint32_t(text.size() - 2), std::uint32_t(value.size()) };
        };
        if (format != OutputFormat::Plaintext) {
            addAgentTag(";collector=", origin.collector);
            addAgentTag(";host=", origin.host);
        }
        if (format == OutputFormat::Metrics20) {
            addAgentTag(";mtype=", "gauge");
            addAgentTag(";unit=", "unknown");
        }
        if (metric.tagsSorted || metric.tags.empty())
            writeSortedTags(writer, metric.tags, agent.data(), agentCount);
        else
            writeAnyTags(writer, metric.tags, agent.data(), agentCount);
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
