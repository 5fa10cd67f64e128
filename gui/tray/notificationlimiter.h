// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>

#include <chrono>
#include <deque>

namespace Garnet {

/**
 * Decides whether a desktop notification may be shown: at most one per key (a collector, "agent") per
 * perKey interval, and at most globalMax in any globalWindow, so a flapping setup cannot flood the desktop.
 */
class NotificationLimiter
{
public:
    using Clock = std::chrono::steady_clock;

    explicit NotificationLimiter(std::chrono::milliseconds perKey = std::chrono::minutes { 1 }, int globalMax = 5,
        std::chrono::milliseconds globalWindow = std::chrono::minutes { 1 });

    /** True (and counted) if a notification for key may be shown at now. */
    bool allow(const QString &key, Clock::time_point now = Clock::now());

private:
    std::chrono::milliseconds m_perKey;
    int m_globalMax;
    std::chrono::milliseconds m_globalWindow;
    QHash<QString, Clock::time_point> m_lastByKey;
    std::deque<Clock::time_point> m_recent;
};

} // namespace Garnet
