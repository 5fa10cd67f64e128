// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace Garnet {

/** Why a metric line was rejected. Values index counters: keep RejectReason::Count last. */
enum class RejectReason : std::uint8_t {
    None = 0, ///< accepted
    Empty, ///< blank line (only whitespace)
    TooLong, ///< line longer than MaxLineLength
    MissingValue, ///< only one field
    TooManyFields, ///< more than NAME VALUE TIMESTAMP
    BadName, ///< empty node, "..", leading/trailing dot, illegal character
    NameTooLong, ///< name longer than MaxNameLength
    BadTag, ///< malformed ";tag=value"
    BadValue, ///< not a finite decimal number
    NonFiniteValue, ///< NaN or infinity
    BadTimestamp, ///< not a non-negative integer, or out of range
    BadEncoding, ///< control characters / NUL / invalid UTF-8 in the line
    Unterminated, ///< stream ended without a final '\n' (reported by the framer's user, not the parser)
    Count
};

/** Stable lower-case name of a reason, e.g. "bad_value" (used in self-metrics and status). */
std::string_view rejectReasonName(RejectReason reason);

inline constexpr std::size_t MaxLineLength = 16 * 1024;
inline constexpr std::size_t MaxNameLength = 1024;
inline constexpr std::size_t MaxTags = 64;
/** 9999-12-31T23:59:59Z: later timestamps are rejected as absurd. */
inline constexpr std::int64_t MaxTimestamp = 253402300799;

/**
 * One parsed metric line. All views point into the caller's input buffer: nothing is copied.
 * Example: "disk.sda;dev=sda;unit=B 42 1700000000".
 */
struct ParsedMetric
{
    std::string_view name; ///< path part without tags, e.g. "disk.sda"
    std::string_view tags; ///< raw tag part without the leading ';', e.g. "dev=sda;unit=B"; empty if none
    double value = 0;
    std::optional<std::int64_t> timestamp; ///< Unix seconds; nullopt when the line had none
    /**
     * The VALUE field when it is exactly what std::to_chars(value) writes (so a formatter can copy it), e.g.
     * "0.52" or "-7"; empty otherwise ("+1", "1.50", "1e3", "0.30000000000000004", or not set by the parser).
     * Whoever changes `value` must clear it.
     */
    std::string_view canonicalValue;
    /**
     * The parser found the tags in strictly increasing order of name (bytewise, as Graphite sorts them), so a
     * formatter can merge its own in without sorting; also true when there are none. Whoever changes `tags`
     * must set it (false is always correct, only slower).
     */
    bool tagsSorted = false;
};

/**
 * Parse one Graphite plaintext line (without its '\n'; a trailing '\r' is tolerated).
 * Fields are separated by runs of spaces or tabs. Returns RejectReason::None on success.
 * Never allocates. On failure `out` is left in an unspecified state.
 *
 * Checks, in this order (the first failing one is reported):
 *  1. TooLong: more than MaxLineLength bytes (after dropping the trailing '\r').
 *  2. BadEncoding: any control byte except TAB (NUL, '\r' not at the end, DEL, ...), invalid UTF-8
 *     (overlong, surrogate, > U+10FFFF, truncated) or a C1 control (U+0080..U+009F), anywhere in the line.
 *  3. Empty (only blanks), MissingValue (one field), TooManyFields (four or more).
 *  4. NAME (the whole field, tags included): NameTooLong beyond MaxNameLength bytes; BadName for an empty
 *     node (empty name, leading/trailing dot, "..") or a character Graphite cannot store or query
 *     unescaped: ( ) { } [ ] , = ' " \ / * ? — '=' belongs in tags, '/' would nest whisper directories,
 *     the rest are glob or target-expression syntax in graphite-web. Valid UTF-8 is accepted.
 *  5. Tags (Graphite 1.1): BadTag for an empty segment ("a;" or "a;;b=c"), no '=', empty tag name, a tag
 *     name containing ! ^ =, an empty value, a value starting with '~', the reserved tag name "name"
 *     (carbon would silently replace it with the path), or more than MaxTags tags. Duplicate tag names
 *     are accepted here (the formatter keeps the last one).
 *  6. VALUE: a decimal via std::from_chars with an optional leading '+' (Python's float(), which carbon
 *     uses, accepts it). BadValue for anything else (hex, "42a", "1_000", "+-1"); NonFiniteValue for
 *     nan/inf in any spelling and for overflow (1e309). Underflow (1e-400) becomes a signed zero, as in
 *     carbon.
 *  7. TIMESTAMP: optional, decimal integer Unix seconds in [0, 253402300799] (end of year 9999); "-1"
 *     means "now" (collectd-style senders) and yields nullopt. BadTimestamp for anything else:
 *     fractional, '+', other negatives, overflow, beyond year 9999.
 */
RejectReason parseMetricLine(std::string_view line, ParsedMetric &out);

namespace Detail {
/**
 * The general parser behind parseMetricLine(), which first tries a single-pass fast path for plain ASCII lines and
 * falls back to this one for everything else. Same contract; public so tests can check that both always agree.
 */
RejectReason parseMetricLineGeneral(std::string_view line, ParsedMetric &out);
} // namespace Detail

/**
 * True if `path` is a valid metric path without tags: one or more non-empty nodes separated by '.', none
 * containing a blank, control byte, ';' or a character rejected by BadName; valid UTF-8 otherwise accepted.
 * Used for configured prefixes and collector paths, which end up in front of every metric name.
 */
bool isValidMetricPath(std::string_view path);

} // namespace Garnet
