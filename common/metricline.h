// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

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
};

/**
 * Parse one Graphite plaintext line (without its '\n'; a trailing '\r' is tolerated).
 * Fields are separated by runs of spaces or tabs. Returns RejectReason::None on success.
 */
RejectReason parseMetricLine(std::string_view line, ParsedMetric &out);

} // namespace Garnet
