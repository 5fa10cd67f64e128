// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "metricline.h"

#include "bytescan.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/**
 * The first '=', '!' or '^' in [p, end), or end, eight bytes at a time: a tag name ends at its '=' and may
 * contain neither of the others. readableBegin as for ByteScan::findByte().
 */
const char *findTagNameEnd(const char *p, const char *end, const char *readableBegin)
{
    if constexpr (ByteScan::Enabled) {
        // Each mark's lowest bit is exact and false ones only lie above a true one: so is the lowest of all three.
        const auto marks = [](std::uint64_t word) {
            return ByteScan::markByte(word, '=') | ByteScan::markByte(word, '!') | ByteScan::markByte(word, '^');
        };
        while (end - p >= 8) {
            if (const std::uint64_t found = marks(ByteScan::load8(p)))
                return p + std::countr_zero(found) / 8;
            p += 8;
        }
        if (p != end && end - readableBegin >= 8) {
            const std::uint64_t found = marks(ByteScan::loadTail(p, end)); // the zero bytes shifted in never match
            return found ? p + std::countr_zero(found) / 8 : end;
        }
    }
    while (p != end && *p != '=' && *p != '!' && *p != '^')
        ++p;
    return p;
}

/** Graphite's tag order: bytewise by name. The first byte decides most comparisons without a call. */
bool tagNameLess(std::string_view a, std::string_view b)
{
    if (a[0] != b[0]) // names are never empty here
        return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
    return a < b;
}

/**
 * readableBegin: where reading may start (the line's start), for the word-at-a-time scans.
 * sorted: whether the names are strictly increasing (ParsedMetric::tagsSorted); set when the tags are valid.
 */
RejectReason checkTags(std::string_view tags, bool &sorted, const char *readableBegin = nullptr)
{
    const char *p = tags.data();
    const char *const end = p + tags.size();
    if (!readableBegin)
        readableBegin = p;
    sorted = true;
    std::string_view previous;
    for (std::size_t count = 1;; ++count) {
        if (count > MaxTags)
            return RejectReason::BadTag;
        const char *const semicolon = ByteScan::findByte(p, end, ';', readableBegin);
        const char *const equals = findTagNameEnd(p, semicolon, readableBegin);
        if (equals == semicolon || *equals != '=' || equals == p || equals + 1 == semicolon)
            return RejectReason::BadTag; // empty segment, no '=', '!' or '^' in the name, empty name or value
        const std::string_view name(p, std::size_t(equals - p));
        if ((name.size() == 4 && std::memcmp(p, "name", 4) == 0) || equals[1] == '~')
            return RejectReason::BadTag;
        if (count > 1 && !tagNameLess(previous, name))
            sorted = false;
        previous = name;
        if (semicolon == end)
            return RejectReason::None;
        p = semicolon + 1;
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

// ---- Fast path -------------------------------------------------------------------------------------------------
// Most lines are plain ASCII "name[;tags] decimal [seconds]". One pass over such a line decides everything the
// general parser would; anything unusual (UTF-8, control bytes, exponents, leading blanks, any error at all) is
// left to the general parser, which then also picks the reason to report. So both always agree.

enum : std::uint8_t { ForbiddenFlag = 1, DotFlag = 2 };

/** For the path part of names (graphic ASCII only): forbidden characters and dots. */
constexpr auto PathFlags = [] {
    std::array<std::uint8_t, 256> table {};
    for (int c = 0; c < 256; ++c)
        table[std::size_t(c)] = ForbiddenPathChars[std::size_t(c)] || c == ';' ? ForbiddenFlag : 0;
    table['.'] = DotFlag;
    return table;
}();

constexpr bool isDigit(char c)
{
    return static_cast<unsigned char>(c - '0') < 10;
}

/** The fast path has not validated the encoding: unlike isBlank(), exactly space and TAB. */
constexpr bool isSeparator(char c)
{
    return c == ' ' || c == '\t';
}

void skipSeparators(const char *&p, const char *end)
{
    while (p != end && isSeparator(*p))
        ++p;
}

/** Advances p to the end of a field of graphic ASCII; false on a byte the fast path does not handle. */
bool scanGraphic(const char *&p, const char *end, const char *lineBegin)
{
#ifdef __SSE2__
    // 16 bytes at a time; signed compares: the bytes from 0x80 on are negative, so not above 0x20.
    const auto nonGraphic = [](const char *from) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(from));
        const __m128i graphic
            = _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(0x20)), _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x7F)));
        return unsigned(_mm_movemask_epi8(graphic)) ^ 0xFFFFu;
    };
    while (end - p >= 16) {
        if (const unsigned marks = nonGraphic(p)) {
            p += std::countr_zero(marks);
            return isSeparator(*p);
        }
        p += 16;
    }
    if (p != end && end - lineBegin >= 16) {
        const unsigned marks = nonGraphic(end - 16) >> (16 - (end - p));
        if (marks) {
            p += std::countr_zero(marks);
            return isSeparator(*p);
        }
        p = end;
        return true;
    }
#endif
    p = ByteScan::skipGraphic(p, end, lineBegin);
    return p == end || isSeparator(*p);
}

/** A path without tags, all graphic ASCII: isValidPathPart() with a branch-free loop for the common case. */
bool isValidGraphicPath(const char *begin, const char *end)
{
    if (begin == end || *begin == '.' || end[-1] == '.')
        return false;
    std::uint8_t flags = 0;
    for (const char *p = begin; p != end; ++p)
        flags |= PathFlags[static_cast<unsigned char>(*p)];
    if (flags & ForbiddenFlag)
        return false;
    if (flags & DotFlag) {
        for (const char *dot = ByteScan::findByte(begin, end, '.', begin); dot != end;
             dot = ByteScan::findByte(dot + 1, end, '.', begin))
            if (dot[1] == '.')
                return false; // dot[1] exists: the path does not end with a dot
    }
    return true;
}

constexpr std::array<double, 23> ExactPowersOfTen = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/**
 * "-?D+(.D+)?" with a mantissa below 2^53 and at most 22 decimals: both the mantissa and the power of ten are
 * exact doubles, so one correctly rounded division gives exactly what from_chars gives (Clinger's fast path).
 *
 * canonical: whether the field is exactly what std::to_chars() writes for the value: no leading or trailing
 * zeros, at most 15 significant digits (then no shorter decimal rounds to the same double: DBL_DIG is 15, so
 * these digits are the shortest round trip), and fixed notation no longer than scientific.
 */
bool parseSimpleDecimal(std::string_view field, double &value, bool &canonical)
{
    const char *p = field.data();
    const char *const end = p + field.size();
    const bool negative = *p == '-';
    p += negative;
    if (p == end || !isDigit(*p) || field.size() > 19) // at most 19 digits: no overflow of the mantissa
        return false;
    const char *const integerBegin = p;
    std::uint64_t mantissa = 0;
    for (; p != end && isDigit(*p); ++p)
        mantissa = mantissa * 10 + std::uint64_t(*p - '0');
    const std::size_t integerDigits = std::size_t(p - integerBegin);
    std::size_t decimals = 0;
    if (p != end) {
        if (*p != '.' || ++p == end)
            return false;
        for (; p != end && isDigit(*p); ++p, ++decimals)
            mantissa = mantissa * 10 + std::uint64_t(*p - '0');
        if (p != end)
            return false;
    }
    if (mantissa > (std::uint64_t(1) << 53) || decimals >= ExactPowersOfTen.size())
        return false;
    const double magnitude = double(mantissa) / ExactPowersOfTen[decimals];
    value = negative ? -magnitude : magnitude;

    canonical = false;
    if ((integerDigits > 1 && *integerBegin == '0') || (decimals > 0 && end[-1] == '0'))
        return true; // "007", "1.50", "0.0"
    if (mantissa == 0) {
        canonical = true; // "0" or "-0", all that is left
        return true;
    }
    // Significant digits, counted in the text: from the first non-zero digit to the last one.
    std::ptrdiff_t significant = std::ptrdiff_t(integerDigits + decimals);
    if (*integerBegin == '0') { // "0.000ddd" (there is a non-zero digit: mantissa is not 0)
        const char *first = integerBegin + 2;
        while (*first == '0')
            ++first;
        significant = end - first;
    }
    if (decimals == 0) // trailing zeros of an integer (decimals never end in '0' here)
        for (const char *last = end - 1; *last == '0'; --last)
            --significant;
    // to_chars picks scientific only when strictly shorter: d[.ddd]e±XX (the exponent here is two digits).
    const std::size_t fixedLength = integerDigits + (decimals ? decimals + 1 : 0);
    canonical = significant <= 15 && fixedLength <= std::size_t(significant + (significant > 1 ? 1 : 0) + 4);
    return true;
}

/** Decimal Unix seconds of at most 12 digits (MaxTimestamp has 12); the first eight at once. */
bool parseSimpleTimestamp(std::string_view field, std::int64_t &seconds)
{
    if (field.size() > 12)
        return false;
    const char *p = field.data();
    const char *const end = p + field.size();
    std::int64_t result = 0;
    if (ByteScan::Enabled && field.size() >= 8) {
        const std::uint64_t word = ByteScan::load8(p);
        if (!ByteScan::isEightDigits(word))
            return false;
        result = ByteScan::eightDigitsValue(word);
        p += 8;
    }
    for (; p != end; ++p) {
        if (!isDigit(*p))
            return false;
        result = result * 10 + (*p - '0');
    }
    if (result > MaxTimestamp)
        return false;
    seconds = result;
    return true;
}

#ifdef __SSE2__
/** SSE2 (every x86-64 has it) turns a tag check into bit operations; elsewhere checkTags() scans. */
constexpr bool HaveTagMasks = true;

/** Bits [0, n) set, n <= 64. */
inline std::uint64_t bitsBelow(std::size_t n)
{
    return n >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << n) - 1;
}

/**
 * checkTags() for the fast path's usual case, 1 to 64 bytes of tags with at least 16 readable bytes up to their
 * end: 16 bytes at a time, compares make bit masks of the ';', the '=' and the '!' and '^', and each segment is
 * then checked with bit operations instead of scans of its own. True when the tags are valid; sets `sorted` then.
 */
bool checkShortTags(std::string_view tags, bool &sorted)
{
    const char *const begin = tags.data();
    const std::size_t n = tags.size();
    std::uint64_t semicolons = 0, equals = 0, forbidden = 0;
    const auto addBlock = [&](const char *from, unsigned skip, std::size_t at) {
        // The block's first `skip` bytes were before `at` (the last block ends at the tags' end instead).
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(from));
        const auto mask
            = [&](__m128i found) { return std::uint64_t(unsigned(_mm_movemask_epi8(found)) >> skip) << at; };
        semicolons |= mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(';')));
        equals |= mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('=')));
        forbidden
            |= mask(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('!')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('^'))));
    };
    std::size_t at = 0;
    for (; at + 16 <= n; at += 16)
        addBlock(begin + at, 0, at);
    if (at < n)
        addBlock(begin + n - 16, unsigned(16 - (n - at)), at);

    sorted = true;
    std::string_view previous;
    for (std::size_t start = 0;;) {
        const std::size_t semicolon = semicolons ? std::size_t(std::countr_zero(semicolons)) : n;
        const std::uint64_t segment = bitsBelow(semicolon) & ~bitsBelow(start);
        const std::uint64_t equalsInSegment = equals & segment;
        if (!equalsInSegment)
            return false; // no '=' (or an empty segment)
        const auto equalsAt = std::size_t(std::countr_zero(equalsInSegment));
        if (equalsAt == start || equalsAt + 1 == semicolon || (forbidden & segment & bitsBelow(equalsAt)))
            return false; // empty name or value, '!' or '^' in the name
        const std::string_view name(begin + start, equalsAt - start);
        if ((name.size() == 4 && std::memcmp(name.data(), "name", 4) == 0) || begin[equalsAt + 1] == '~')
            return false;
        if (start > 0 && !tagNameLess(previous, name))
            sorted = false;
        previous = name;
        if (semicolon == n)
            return true;
        start = semicolon + 1;
        semicolons &= semicolons - 1;
    }
}
#else
constexpr bool HaveTagMasks = false;
bool checkShortTags(std::string_view, bool &)
{
    return false;
}
#endif

/** The fast path: true when the line is valid (out filled in); false means "ask the general parser". */
bool parseCommonLine(std::string_view line, ParsedMetric &out)
{
    const char *p = line.data();
    const char *const end = p + line.size();

    // NAME: path nodes, then optional tags.
    const char *const nameBegin = p;
    if (!scanGraphic(p, end, nameBegin))
        return false;
    const std::size_t nameSize = std::size_t(p - nameBegin);
    if (nameSize > MaxNameLength)
        return false;
    const char *const semicolon = ByteScan::findByte(nameBegin, p, ';', nameBegin);
    if (!isValidGraphicPath(nameBegin, semicolon))
        return false;
    out.name = std::string_view(nameBegin, std::size_t(semicolon - nameBegin));
    if (semicolon != p) {
        out.tags = std::string_view(semicolon + 1, std::size_t(p - semicolon - 1));
        if (HaveTagMasks && !out.tags.empty() && out.tags.size() <= 64 && p - nameBegin >= 16) {
            if (!checkShortTags(out.tags, out.tagsSorted))
                return false;
        } else if (checkTags(out.tags, out.tagsSorted, nameBegin) != RejectReason::None) {
            return false;
        }
    } else {
        out.tags = {};
        out.tagsSorted = true;
    }

    // VALUE
    skipSeparators(p, end);
    const char *const valueBegin = p;
    if (p == end || !scanGraphic(p, end, nameBegin))
        return false;
    const std::string_view valueField(valueBegin, std::size_t(p - valueBegin));
    if (bool canonical = false; parseSimpleDecimal(valueField, out.value, canonical))
        out.canonicalValue = canonical ? valueField : std::string_view();
    else if (parseValue(valueField, out.value) == RejectReason::None)
        out.canonicalValue = {};
    else
        return false;

    // TIMESTAMP (optional), then nothing but blanks
    skipSeparators(p, end);
    out.timestamp.reset();
    if (p == end)
        return true;
    const char *const timestampBegin = p;
    if (!scanGraphic(p, end, nameBegin))
        return false;
    const std::string_view timestampField(timestampBegin, std::size_t(p - timestampBegin));
    std::int64_t seconds = 0;
    if (parseSimpleTimestamp(timestampField, seconds))
        out.timestamp = seconds;
    else if (parseTimestamp(timestampField, out.timestamp) != RejectReason::None)
        return false;
    skipSeparators(p, end);
    return p == end;
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
    std::string_view content = line;
    if (!content.empty() && content.back() == '\r')
        content.remove_suffix(1);
    if (content.size() <= MaxLineLength && parseCommonLine(content, out))
        return RejectReason::None;
    return Detail::parseMetricLineGeneral(line, out);
}

RejectReason Detail::parseMetricLineGeneral(std::string_view line, ParsedMetric &out)
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
    out.tagsSorted = true;
    if (semicolon != std::string_view::npos) {
        if (const RejectReason reason = checkTags(out.tags, out.tagsSorted); reason != RejectReason::None)
            return reason;
    }

    if (const RejectReason reason = parseValue(valueField, out.value); reason != RejectReason::None)
        return reason;
    out.canonicalValue = {}; // the fast path, which saw nothing unusual, finds the canonical ones
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
