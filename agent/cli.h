// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

class QCoreApplication;

namespace Garnet {

/** What the command line asked for. Parsing is separate from running so it can be tested. */
struct CliOptions
{
    enum class Action { Run, CheckConfig, TestCollector, Help, Version, Error };
    Action action = Action::Run;
    QString configPath;
    QString testCollector; ///< --test NAME
    bool systemBus = false;
    QString text; ///< help/version text, or the error message for Action::Error
};

CliOptions parseCommandLine(const QStringList &arguments);

/** Run garnet-agent as the command line asks; returns the process exit code. */
int runAgentCli(QCoreApplication &app);

} // namespace Garnet
