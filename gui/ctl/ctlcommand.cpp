// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "ctlcommand.h"

#include <algorithm>
#include <array>

namespace Garnet::Ctl {

namespace {
struct CommandSpec
{
    const char *name;
    Command::Kind kind;
    int minArgs;
    int maxArgs;
    bool json; ///< accepts --json
};

constexpr std::array<CommandSpec, 8> Commands { {
    { "status", Command::Kind::Status, 0, 0, true },
    { "values", Command::Kind::Values, 0, 1, true },
    { "watch", Command::Kind::Watch, 0, 1, false },
    { "run", Command::Kind::Run, 1, 1, false },
    { "enable", Command::Kind::Enable, 1, 1, false },
    { "disable", Command::Kind::Disable, 1, 1, false },
    { "reload", Command::Kind::Reload, 0, 0, false },
    { "help", Command::Kind::Help, 0, 0, false },
} };

ParsedCommand usageError(const QString &message)
{
    return { Command {}, message };
}
} // namespace

ParsedCommand parseCommand(const QStringList &arguments)
{
    Command command;
    bool help = false;
    bool version = false;
    bool optionsEnded = false;
    QStringList positional;
    for (const QString &argument : arguments) {
        if (optionsEnded || !argument.startsWith(u'-') || argument == u"-") {
            positional.append(argument);
        } else if (argument == u"--") {
            optionsEnded = true;
        } else if (argument == u"--json") {
            command.json = true;
        } else if (argument == u"--system-bus") {
            command.systemBus = true;
        } else if (argument == u"-h" || argument == u"--help") {
            help = true;
        } else if (argument == u"-V" || argument == u"--version") {
            version = true;
        } else {
            return usageError(QStringLiteral("unknown option '%1'").arg(argument));
        }
    }
    if (help || version) {
        command.kind = help ? Command::Kind::Help : Command::Kind::Version;
        command.json = false;
        return { command, {} };
    }
    if (positional.isEmpty())
        return usageError(QStringLiteral("no command given"));

    const QString name = positional.takeFirst();
    const auto spec = std::find_if(
        Commands.begin(), Commands.end(), [&](const CommandSpec &s) { return name == QLatin1String(s.name); });
    if (spec == Commands.end())
        return usageError(QStringLiteral("unknown command '%1'").arg(name));
    command.kind = spec->kind;
    if (positional.size() < spec->minArgs)
        return usageError(QStringLiteral("'%1' needs a collector name").arg(name));
    if (positional.size() > spec->maxArgs)
        return usageError(
            QStringLiteral("'%1' takes %2, not '%3'")
                .arg(name, spec->maxArgs == 0 ? QStringLiteral("no arguments") : QStringLiteral("one collector name"),
                    positional.join(u' ')));
    if (command.json && !spec->json)
        return usageError(QStringLiteral("--json is only for 'status' and 'values'"));
    if (!positional.isEmpty()) {
        command.collector = positional.constFirst();
        if (command.collector.isEmpty())
            return usageError(QStringLiteral("the collector name is empty"));
    }
    return { command, {} };
}

QString usageText()
{
    return QStringLiteral(
        "Usage: garnetctl [--system-bus] COMMAND [ARGUMENTS]\n"
        "\n"
        "Show and control the running Garnet agent (garnet-agent) over D-Bus.\n"
        "\n"
        "Commands:\n"
        "  status [--json]              collectors, counters and outputs\n"
        "  values [COLLECTOR] [--json]  the most recent value of every metric\n"
        "  watch [COLLECTOR]            print values and state changes as they arrive (Ctrl-C stops)\n"
        "  run NAME                     run collector NAME now\n"
        "  enable NAME                  enable collector NAME (at run time; its file is not changed)\n"
        "  disable NAME                 disable collector NAME (at run time; its file is not changed)\n"
        "  reload                       re-read the configuration (as SIGHUP does)\n"
        "\n"
        "Options:\n"
        "  --json         print one JSON document instead of tables\n"
        "  --system-bus   talk to an agent on the system bus (default: the session bus)\n"
        "  -h, --help     show this help\n"
        "  -V, --version  show the version\n"
        "\n"
        "Exit status: 0 ok, 1 the agent reported an error, 2 usage error, 3 the agent is not running.\n");
}

} // namespace Garnet::Ctl
