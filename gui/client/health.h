// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "dbustypes.h"

namespace Garnet {

/** The agent's overall health as the tray shows it. */
enum class Health {
    Ok, ///< reachable, no collector failing
    Failing, ///< reachable, at least one collector failing or timed out
    Unreachable, ///< no agent on the bus
};

/** Counts of collectors per state, and the health they add up to. */
struct HealthSummary
{
    Health health = Health::Unreachable;
    int total = 0;
    int ok = 0;
    int failing = 0; ///< failing + timed-out
    int running = 0;
    int disabled = 0;
};

/** True for the states that count as a problem (failing, timed-out). */
bool isProblemState(const QString &state);

HealthSummary summarizeHealth(const CollectorStatusList &collectors, bool agentReachable);

} // namespace Garnet
