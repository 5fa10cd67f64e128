// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "health.h"

namespace Garnet {

bool isProblemState(const QString &state)
{
    return state == QLatin1String("failing") || state == QLatin1String("timed-out");
}

HealthSummary summarizeHealth(const CollectorStatusList &collectors, bool agentReachable)
{
    HealthSummary summary;
    if (!agentReachable)
        return summary;
    for (const CollectorStatus &status : collectors) {
        ++summary.total;
        if (isProblemState(status.state))
            ++summary.failing;
        else if (status.state == QLatin1String("running"))
            ++summary.running;
        else if (status.state == QLatin1String("disabled") || !status.enabled)
            ++summary.disabled;
        else
            ++summary.ok;
    }
    summary.health = summary.failing > 0 ? Health::Failing : Health::Ok;
    return summary;
}

} // namespace Garnet
