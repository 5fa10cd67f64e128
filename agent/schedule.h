// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>

namespace Garnet {

/**
 * The first tick strictly after `nowMs` that is a whole multiple of `intervalMs` since the Unix epoch
 * (wall clock, milliseconds). Ticks land on the same instants on every host: a 10 s collector runs at
 * :00, :10, :20... Pure, for tests.
 *
 * Guards: an interval below 1 ms counts as 1 ms; times before the epoch round towards the past like any
 * other (the tick after -15 with interval 10 is -10, not 0); a tick beyond the int64 range saturates at
 * INT64_MAX.
 */
std::int64_t nextAlignedTick(std::int64_t nowMs, std::int64_t intervalMs);

} // namespace Garnet
