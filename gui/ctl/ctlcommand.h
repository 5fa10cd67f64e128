// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace Garnet::Ctl {

/** Exit codes of garnetctl (documented in its help). */
enum ExitCode : int {
    ExitOk = 0,
    ExitAgentError = 1, ///< the agent refused or failed (unknown collector, access denied, reload failed)
    ExitUsage = 2,
    ExitNotRunning = 3, ///< no agent on the bus (or no bus)
};

/** One garnetctl invocation, as parsed from its command line. */
struct Command
{
    enum class Kind { Status, Values, Watch, Run, Enable, Disable, Reload, Help, Version };
    Kind kind = Kind::Help;
    QString collector; ///< NAME or the optional COLLECTOR; empty = every collector
    bool json = false;
    bool systemBus = false;
    friend bool operator==(const Command &, const Command &) = default;
};

struct ParsedCommand
{
    Command command;
    QString error; ///< a usage error for the user; empty when the command line is valid
};

/** Parse the arguments after the program name. Options may come before or after the command. */
ParsedCommand parseCommand(const QStringList &arguments);

/** The --help text. */
QString usageText();

} // namespace Garnet::Ctl
