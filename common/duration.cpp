// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "duration.h"

#include <charconv>
#include <cstdint>
#include <limits>

namespace Garnet {

namespace {

struct Unit
{
    std::string_view suffix;
    std::int64_t millis;
};

// Longest suffix first so "ms" is not read as "m" followed by garbage. Ranks enforce h > m > s > ms order.
constexpr Unit Units[] = {{"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}};

constexpr int rank(std::int64_t millis)
{
    return millis == 3'600'000 ? 4 : millis == 60'000 ? 3 : millis == 1'000 ? 2 : 1;
}

} // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    constexpr std::int64_t Max = std::numeric_limits<std::chrono::milliseconds::rep>::max();
    std::int64_t total = 0;
    int lastRank = 5;
    const char *p = text.data();
    const char *const end = p + text.size();
    while (p != end) {
        // from_chars accepts a leading '-' for signed types; parse unsigned and check digits ourselves.
        if (*p < '0' || *p > '9')
            return std::nullopt;
        std::uint64_t count = 0;
        const auto [next, ec] = std::from_chars(p, end, count);
        if (ec != std::errc())
            return std::nullopt; // out of range
        p = next;
        const Unit *unit = nullptr;
        for (const Unit &u : Units) {
            if (std::string_view(p, end - p).starts_with(u.suffix)) {
                unit = &u;
                break;
            }
        }
        if (!unit)
            return std::nullopt; // no unit, unknown unit, whitespace, sign, fraction ...
        p += unit->suffix.size();
        // Each unit at most once and from largest to smallest: "30s1m" or "1s1s" is almost certainly a typo.
        const int r = rank(unit->millis);
        if (r >= lastRank)
            return std::nullopt;
        lastRank = r;
        if (count > static_cast<std::uint64_t>(Max / unit->millis))
            return std::nullopt;
        const auto part = static_cast<std::int64_t>(count) * unit->millis;
        if (part > Max - total)
            return std::nullopt;
        total += part;
    }
    return std::chrono::milliseconds(total);
}

} // namespace Garnet
