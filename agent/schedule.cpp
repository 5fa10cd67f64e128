// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "schedule.h"

#include <limits>

namespace Garnet {

std::int64_t nextAlignedTick(std::int64_t nowMs, std::int64_t intervalMs)
{
    constexpr std::int64_t Max = std::numeric_limits<std::int64_t>::max();
    if (intervalMs < 1)
        intervalMs = 1;
    // Floor division: C++ truncates towards zero, which would skip a tick for times before the epoch.
    std::int64_t quotient = nowMs / intervalMs;
    if (nowMs % intervalMs != 0 && nowMs < 0)
        --quotient;
    std::int64_t next = 0;
    if (__builtin_mul_overflow(quotient + 1, intervalMs, &next))
        return Max;
    return next;
}

} // namespace Garnet
