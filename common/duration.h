// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace Garnet {

/**
 * Parse a duration such as "500ms", "10s", "2m", "1h", "1m30s". Units: ms, s, m, h.
 * Returns nullopt for anything else (no unit, negative, zero-length, overflow, unknown unit, whitespace,
 * fractions, upper-case units). In a compound the units must go from largest to smallest, each at most once
 * ("1h2m3s4ms"; "30s1m" and "1s1s" are rejected). "0s" parses: callers decide whether zero is allowed.
 */
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);

} // namespace Garnet
