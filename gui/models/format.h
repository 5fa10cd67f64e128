// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

/** How the GUI writes times, durations and values (locale-aware, "—" for "none"). */
namespace Garnet::Format {

/** Placeholder for a missing value. */
QString none();
/** Unix ms → "14:03:07" today, a short date and time otherwise; 0 → none(). */
QString timeOfDay(qint64 unixMs);
/** Unix ms → full local date and time, for tooltips; 0 → none(). */
QString dateTime(qint64 unixMs);
/** ms → "850 ms", "2.5 s", "3 min 20 s"; negative → none(). */
QString duration(qint64 ms);
/** Integers without decimals, others with up to 6 significant digits; no group separators. */
QString value(double value);

} // namespace Garnet::Format
