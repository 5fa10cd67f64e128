// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "metricline.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace Garnet {

namespace {

/** Only valid after hasValidEncoding(): then the sole bytes <= ' ' are the field separators, space and TAB. */
constexpr bool isBlank(char c)
{
    return static_cast<unsigned char>(c) <= ' ';
}

constexpr bool isContinuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/** No control bytes except TAB, no DEL, well-formed UTF-8 (RFC 3629) and no C1 controls. */
bool hasValidEncoding(std::string_view line)
{
    const auto *p = reinterpret_cast<const unsigned char *>(line.data());
    const auto *const end = p + line.size();
    while (p != end) {
        // Fast path: eight printable ASCII bytes at a time (no high bit, nothing below 0x20, no DEL).
        constexpr std::uint64_t Ones = 0x0101010101010101u, HighBits = 0x8080808080808080u;
        while (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, sizeof word);
            const std::uint64_t belowSpace = (word - 0x20 * Ones) & ~word & HighBits;
            const std::uint64_t del = ((word ^ 0x7F * Ones) - Ones) & ~(word ^ 0x7F * Ones) & HighBits;
            if ((word & HighBits) | belowSpace | del)
                break; // let the byte loop below look at this word (a TAB is fine, anything else decides)
            p += 8;
        }
        if (p == end)
            break;
        const unsigned char c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F)
                return false;
            ++p;
            continue;
        }
        // Lead byte: sequence length and the allowed range of the second byte (excludes overlong forms,
        // surrogates U+D800..U+DFFF and code points above U+10FFFF).
        std::size_t length;
        unsigned char secondMin = 0x80, secondMax = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            if (c == 0xC2)
                secondMin = 0xA0; // U+0080..U+009F are C1 controls
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0)
                secondMin = 0xA0;
            else if (c == 0xED)
                secondMax = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0)
                secondMin = 0x90;
            else if (c == 0xF4)
                secondMax = 0x8F;
        } else {
            return false; // stray continuation byte, C0/C1 overlong lead or beyond U+10FFFF
        }
        if (std::size_t(end - p) < length)
            return false;
        if (p[1] < secondMin || p[1] > secondMax)
            return false;
        for (std::size_t i = 2; i < length; ++i)
            if (!isContinuation(p[i]))
                return false;
        p += length;
    }
    return true;
}

/** Characters Graphite cannot store or query unescaped in a path (see metricline.h). */
constexpr auto ForbiddenPathChars = [] {
    std::array<bool, 256> table {};
    for (const char c : std::string_view("(){}[],='\"\\/*?"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

constexpr bool isForbiddenPathChar(char c)
{
    return ForbiddenPathChars[static_cast<unsigned char>(c)];
}

/** Path checks after encoding has been validated: non-empty nodes, no forbidden characters. */
bool isValidPathPart(std::string_view path)
{
    if (path.empty() || path.front() == '.' || path.back() == '.')
        return false;
    char previous = 0;
    for (const char c : path) {
        if (isForbiddenPathChar(c) || (c == '.' && previous == '.'))
            return false;
        previous = c;
    }
    return true;
}

RejectReason checkTags(std::string_view tags)
{
    std::size_t count = 0;
    while (true) {
        const std::size_t semicolon = tags.find(';');
        const std::string_view tag = tags.substr(0, semicolon);
        if (++count > MaxTags)
            return RejectReason::BadTag;
        const std::size_t equals = tag.find('=');
        if (equals == std::string_view::npos || equals == 0 || equals + 1 == tag.size())
            return RejectReason::BadTag; // empty segment, no '=', empty name or empty value
        const std::string_view tagName = tag.substr(0, equals);
        const std::string_view tagValue = tag.substr(equals + 1);
        const bool badTagNameChar
            = std::any_of(tagName.begin(), tagName.end(), [](char c) { return c == '!' || c == '^'; });
        if (badTagNameChar || tagName == "name" || tagValue.front() == '~')
            return RejectReason::BadTag;
        if (semicolon == std::string_view::npos)
            return RejectReason::None;
        tags.remove_prefix(semicolon + 1);
    }
}

/**
 * from_chars reports both overflow and underflow as result_out_of_range. Tell them apart by the decimal
 * exponent of the first significant digit: overflow needs >= 308, underflow <= -324.
 */
bool isUnderflow(std::string_view number)
{
    const std::size_t e = number.find_first_of("eE");
    const std::string_view mantissa = number.substr(0, e);
    std::int64_t exponent10 = 0;
    const std::size_t firstSignificant = mantissa.find_first_of("123456789");
    if (firstSignificant == std::string_view::npos)
        return true;
    const std::size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos || firstSignificant < dot)
        exponent10 = std::int64_t((dot == std::string_view::npos ? mantissa.size() : dot) - firstSignificant) - 1;
    else
        exponent10 = -std::int64_t(firstSignificant - dot);
    if (e != std::string_view::npos) {
        std::string_view exponentText = number.substr(e + 1);
        const bool negative = !exponentText.empty() && exponentText.front() == '-';
        if (!exponentText.empty() && (exponentText.front() == '-' || exponentText.front() == '+'))
            exponentText.remove_prefix(1);
        std::int64_t exponent = 0;
        const auto [ptr, ec]
            = std::from_chars(exponentText.data(), exponentText.data() + exponentText.size(), exponent);
        if (ec == std::errc::result_out_of_range)
            return negative; // an exponent beyond int64 dwarfs any mantissa
        exponent10 += negative ? -exponent : exponent;
    }
    return exponent10 < 0;
}

RejectReason parseValue(std::string_view field, double &value)
{
    if (field.front() == '+') {
        field.remove_prefix(1);
        if (field.empty() || field.front() == '-' || field.front() == '+')
            return RejectReason::BadValue;
    }
    const char *const end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, value, std::chars_format::general);
    if (ptr != end || ec == std::errc::invalid_argument)
        return RejectReason::BadValue;
    if (ec == std::errc::result_out_of_range) {
        if (!isUnderflow(field))
            return RejectReason::NonFiniteValue;
        value = field.front() == '-' ? -0.0 : 0.0;
        return RejectReason::None;
    }
    return std::isfinite(value) ? RejectReason::None : RejectReason::NonFiniteValue;
}

RejectReason parseTimestamp(std::string_view field, std::optional<std::int64_t> &timestamp)
{
    if (field == "-1") {
        timestamp.reset();
        return RejectReason::None;
    }
    if (field.front() < '0' || field.front() > '9')
        return RejectReason::BadTimestamp; // from_chars would accept a '-'
    std::int64_t seconds = 0;
    const char *const end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, seconds);
    if (ec != std::errc() || ptr != end || seconds > MaxTimestamp)
        return RejectReason::BadTimestamp;
    timestamp = seconds;
    return RejectReason::None;
}

/** Index of the first blank at or after `from`, or size(); eight bytes at a time (see isBlank). */
std::size_t findBlank(std::string_view text, std::size_t from)
{
    constexpr std::uint64_t Ones = 0x0101010101010101u, HighBits = 0x8080808080808080u;
    while (text.size() - from >= 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + from, sizeof word);
        // Marks bytes <= 0x20; borrows only run upwards, so the lowest mark is exact (little-endian: first byte).
        const std::uint64_t blanks = (word - 0x21 * Ones) & ~word & HighBits;
        if (blanks) {
            if constexpr (std::endian::native == std::endian::little)
                return from + std::size_t(std::countr_zero(blanks)) / 8;
            break;
        }
        from += 8;
    }
    while (from < text.size() && !isBlank(text[from]))
        ++from;
    return from;
}

/** Next blank-separated field of `rest`, which is advanced past it; empty at the end. */
std::string_view nextField(std::string_view &rest)
{
    std::size_t begin = 0;
    while (begin < rest.size() && isBlank(rest[begin]))
        ++begin;
    const std::size_t end = findBlank(rest, begin);
    const std::string_view field = rest.substr(begin, end - begin);
    rest.remove_prefix(end);
    return field;
}

} // namespace

std::string_view rejectReasonName(RejectReason reason)
{
    switch (reason) {
    case RejectReason::None:
        return "none";
    case RejectReason::Empty:
        return "empty";
    case RejectReason::TooLong:
        return "too_long";
    case RejectReason::MissingValue:
        return "missing_value";
    case RejectReason::TooManyFields:
        return "too_many_fields";
    case RejectReason::BadName:
        return "bad_name";
    case RejectReason::NameTooLong:
        return "name_too_long";
    case RejectReason::BadTag:
        return "bad_tag";
    case RejectReason::BadValue:
        return "bad_value";
    case RejectReason::NonFiniteValue:
        return "non_finite_value";
    case RejectReason::BadTimestamp:
        return "bad_timestamp";
    case RejectReason::BadEncoding:
        return "bad_encoding";
    case RejectReason::Unterminated:
        return "unterminated";
    case RejectReason::Count:
        break;
    }
    return "unknown";
}

RejectReason parseMetricLine(std::string_view line, ParsedMetric &out)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.size() > MaxLineLength)
        return RejectReason::TooLong;
    if (!hasValidEncoding(line))
        return RejectReason::BadEncoding;

    std::string_view rest = line;
    const std::string_view nameField = nextField(rest);
    const std::string_view valueField = nextField(rest);
    const std::string_view timestampField = nextField(rest);
    if (nameField.empty())
        return RejectReason::Empty;
    if (valueField.empty())
        return RejectReason::MissingValue;
    if (!nextField(rest).empty())
        return RejectReason::TooManyFields;

    if (nameField.size() > MaxNameLength)
        return RejectReason::NameTooLong;
    const std::size_t semicolon = nameField.find(';');
    out.name = nameField.substr(0, semicolon);
    out.tags = semicolon == std::string_view::npos ? std::string_view() : nameField.substr(semicolon + 1);
    if (!isValidPathPart(out.name))
        return RejectReason::BadName;
    if (semicolon != std::string_view::npos) {
        if (const RejectReason reason = checkTags(out.tags); reason != RejectReason::None)
            return reason;
    }

    if (const RejectReason reason = parseValue(valueField, out.value); reason != RejectReason::None)
        return reason;
    out.timestamp.reset();
    if (!timestampField.empty())
        return parseTimestamp(timestampField, out.timestamp);
    return RejectReason::None;
}

bool isValidMetricPath(std::string_view path)
{
    if (!hasValidEncoding(path) || path.find_first_of(" \t;") != std::string_view::npos)
        return false;
    return isValidPathPart(path);
}

} // namespace Garnet
