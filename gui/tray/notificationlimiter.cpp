// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "notificationlimiter.h"

namespace Garnet {

NotificationLimiter::NotificationLimiter(
    std::chrono::milliseconds perKey, int globalMax, std::chrono::milliseconds globalWindow)
    : m_perKey(perKey)
    , m_globalMax(globalMax)
    , m_globalWindow(globalWindow)
{ }

bool NotificationLimiter::allow(const QString &key, Clock::time_point now)
{
    while (!m_recent.empty() && now - m_recent.front() >= m_globalWindow)
        m_recent.pop_front();
    const auto last = m_lastByKey.constFind(key);
    if (last != m_lastByKey.cend() && now - *last < m_perKey)
        return false;
    if (int(m_recent.size()) >= m_globalMax)
        return false;
    m_lastByKey.insert(key, now);
    m_recent.push_back(now);
    return true;
}

} // namespace Garnet
