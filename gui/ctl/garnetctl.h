// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "ctlcommand.h"

class QCoreApplication;

namespace Garnet::Ctl {

/** Run one parsed command against the agent on D-Bus; writes to stdout/stderr and returns the exit code. */
int execute(QCoreApplication &app, const Command &command);

/** garnetctl's main: parse app.arguments(), print usage errors, execute. */
int runGarnetCtl(QCoreApplication &app);

} // namespace Garnet::Ctl
