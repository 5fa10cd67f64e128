// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace Garnet {

/**
 * Parse a duration such as "500ms", "10s", "2m", "1h", "1m30s". Units: ms, s, m, h.
 * Returns nullopt for anything else (no unit, negative, zero-length, overflow, unknown unit).
 */
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);

} // namespace Garnet
